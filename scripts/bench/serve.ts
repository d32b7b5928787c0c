/**
 * `sf pcsync serve` as a user runs it against the emulators: trusting the emulator's signing root and its certificate
 * and issuer URLs, with --json so its log records are JSON lines the bench can count.
 */
import type { BackgroundSf } from './processes.js';
import type { World } from './world.js';

export type Serve = {
  url: string;
  pid: number;
  process: BackgroundSf;
  /** Log records of an event (`pass`, `webhook.accepted`, …) so far. */
  count(event: string): number;
  /** Waits (bounded) until `count(event)` reaches `n`. */
  waitForCount(event: string, n: number, timeoutMs: number): Promise<void>;
  stop(): Promise<number | null>;
};

export async function startServe(world: World, options: { pollSeconds?: number; cpu?: number } = {}): Promise<Serve> {
  const { pc, cli } = world;
  const periodic =
    options.pollSeconds === undefined
      ? ['--no-reconcile']
      : ['--reconcile-interval', '86400', '--poll-interval', String(options.pollSeconds)];
  const args = [
    'pcsync',
    'serve',
    '--target-org',
    cli.alias,
    '--port',
    '0',
    '--signing-root',
    pc.env.PCSYNC_SIGNING_ROOT,
    '--allow-certificate-url',
    pc.certificatePrefix,
    '--allow-issuer-url',
    pc.issuerPrefix,
    ...periodic,
    // The outbound row measures the poll; a Change Data Capture row beside it is still to come (issue 18).
    '--no-change-events',
    '--json',
  ];
  const child = cli.start(args, options.cpu === undefined ? {} : { cpu: options.cpu });
  const listening = await child.waitFor(/"event":"listening","url":"([^"]+)"/, 120_000);
  const count = (event: string): number => child.output().stdout.split(`"event":"${event}"`).length - 1;
  return {
    url: listening[1],
    pid: child.pid,
    process: child,
    count,
    waitForCount: async (event, n, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (count(event) < n) {
        if (Date.now() > deadline)
          throw new Error(`serve logged ${count(event)} "${event}" of ${n} in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    stop: () => child.stop(),
  };
}

/** `sf pcsync webhook register --url URL --overwrite`, through the CLI as an admin runs it. */
export async function registerWebhook(world: World, url: string): Promise<void> {
  const result = await world.cli.run(['pcsync', 'webhook', 'register', '--url', url, '--overwrite', '--json']);
  if (result.code !== 0) throw new Error(`webhook register failed (${String(result.code)}): ${result.stdout}`);
}
