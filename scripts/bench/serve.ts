/**
 * `sf pcsync serve` as a user runs it against the emulators: trusting the emulator's signing root and its certificate
 * and issuer URLs, with --json so its log records are JSON lines the bench can count. Change events are off unless
 * asked for, so the inbound, receiver and poll rows measure what they name; the Change Data Capture row turns them on
 * and the outbound poll off.
 */
import type { BackgroundSf } from './processes.js';
import type { World } from './world.js';

export type Serve = {
  url: string;
  pid: number;
  process: BackgroundSf;
  /** Log records of an event (`pass`, `webhook.accepted`, …) so far. */
  count(event: string): number;
  /** Those log records, parsed. */
  records(event: string): Array<Record<string, unknown>>;
  /** Waits (bounded) until `count(event)` reaches `n`. */
  waitForCount(event: string, n: number, timeoutMs: number): Promise<void>;
  stop(): Promise<number | null>;
};

export type ServeOptions = {
  /** The outbound poll's interval (0: off); without it, no periodic pass at all (--no-reconcile). */
  pollSeconds?: number;
  cpu?: number;
  /** Subscribe to Change Data Capture (serve's default); resolves once subscribed. */
  changeEvents?: boolean;
};

export async function startServe(world: World, options: ServeOptions = {}): Promise<Serve> {
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
    ...(options.changeEvents ? [] : ['--no-change-events']),
    '--json',
  ];
  const child = cli.start(args, options.cpu === undefined ? {} : { cpu: options.cpu });
  const listening = await child.waitFor(/"event":"listening","url":"([^"]+)"/, 120_000);
  if (options.changeEvents) await child.waitFor(/"event":"change-feed-subscribed"/, 120_000);
  const count = (event: string): number => child.output().stdout.split(`"event":"${event}"`).length - 1;
  return {
    url: listening[1],
    pid: child.pid,
    process: child,
    count,
    records: (event) =>
      child
        .output()
        .stdout.split('\n')
        .filter((line) => line.includes(`"event":"${event}"`))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
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
