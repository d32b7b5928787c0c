/**
 * The bench's processes, each started as a user starts it: the two emulators through `npm run emulate:…` (their
 * start-up lines parsed), and the sync as the repository's `sf` with this plugin linked under a throwaway HOME, in
 * scripts/cli-env.ts's environment. Each child runs in its own process group, so stopping it stops npm, tsx and node.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { binDir, cliEnvironment, repoRoot } from '../cli-env.js';
import { processTreeRss, type RssPeak } from './rss.js';

export type Emulator = {
  /** The URL of its `… listening on URL` line. */
  url: string;
  /** Its `NAME=value` start-up lines. */
  values: Record<string, string>;
  stop(): Promise<void>;
};

const started = new Set<ChildProcess>();

/** Ends a child's process group (SIGTERM, then SIGKILL after `graceMs`) and waits for the child to exit. */
async function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // the group is gone already
    }
  };
  signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
  });
  const outcome = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    signal('SIGKILL');
    return exited;
  }
  return outcome;
}

/**
 * `npm run --silent SCRIPT -- ARGS`, resolved once it printed its `listening on URL` line and every name in
 * `names` (its start-up contract, emulators/*\/README.md).
 */
export async function startEmulator(script: string, args: string[], names: string[]): Promise<Emulator> {
  const child = spawn(path.join(binDir, 'npm'), ['run', '--silent', script, '--', ...args], {
    cwd: repoRoot,
    env: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const values: Record<string, string> = {};
  let url = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm run ${script} printed no start-up lines within 60 s`)),
      60_000
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm run ${script} exited (${String(code)}) before it was ready: ${stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const listening = /listening on (\S+)/.exec(line);
      if (listening) url = listening[1];
      const pair = /^([A-Z_]+)=(.*)$/.exec(line);
      if (pair) values[pair[1]] = pair[2];
      if (url && names.every((name) => name in values)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { url, values, stop: async () => void (await stopGroup(child)) };
}

export type SfOutcome = {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** The sf process tree's peak RSS (sampled from /proc). */
  rss: RssPeak;
};

export type BackgroundSf = {
  pid: number;
  output(): { stdout: string; stderr: string };
  /** Waits (bounded) until stdout matches; fails with the output when the process exits or the time is up. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(): Promise<number | null>;
};

/** The repository's sf under a throwaway HOME with this plugin linked, logged in to the emulated org as `alias`. */
export class SfCli {
  private constructor(
    private readonly home: string,
    private readonly env: NodeJS.ProcessEnv,
    public readonly alias: string
  ) {}

  public static async create(options: {
    instanceUrl: string;
    accessToken: string;
    partnerCenter: Record<string, string>;
  }): Promise<SfCli> {
    const home = mkdtempSync(path.join(tmpdir(), 'pcsync-bench-home-'));
    const env = cliEnvironment(home, { ...options.partnerCenter, FORCE_COLOR: '0', NO_COLOR: '1' });
    const cli = new SfCli(home, env, 'pcsync-bench');
    const link = await cli.run(['plugins', 'link', repoRoot, '--no-install']);
    if (link.code !== 0) throw new Error(`sf plugins link failed: ${link.stderr}`);
    const login = await cli.run(
      ['org', 'login', 'access-token', '--instance-url', options.instanceUrl, '--no-prompt', '--alias', cli.alias],
      { env: { SF_ACCESS_TOKEN: options.accessToken } }
    );
    if (login.code !== 0) throw new Error(`sf org login access-token failed: ${login.stderr}`);
    // The README's install: --load-metadata stands in for the deploy; the sync's user gets its permission set.
    const assign = await cli.run(['org', 'assign', 'permset', '--name', 'Partner_Center_Integration', '-o', cli.alias]);
    if (assign.code !== 0) throw new Error(`sf org assign permset failed: ${assign.stderr}`);
    return cli;
  }

  /** Runs `sf ARGS` to its end (SIGKILL past `timeoutMs`), sampling its process tree's RSS. */
  public async run(
    args: string[],
    options: { env?: Record<string, string>; timeoutMs?: number } = {}
  ): Promise<SfOutcome & { timedOut: boolean }> {
    const child = this.spawn(args, options.env);
    const sampler = processTreeRss(child.pid!);
    const begun = performance.now();
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        void stopGroup(child, 0);
      },
      options.timeoutMs ?? 10 * 60_000
    );
    const code = await new Promise<number | null>((resolve) => child.once('close', (exit) => resolve(exit)));
    clearTimeout(timer);
    return { code, stdout, stderr, wallMs: performance.now() - begun, rss: sampler.stop(), timedOut };
  }

  /** Starts `sf ARGS` in the background (a server), optionally on one CPU (`taskset -c CPU`). */
  public start(args: string[], options: { cpu?: number } = {}): BackgroundSf {
    const child = this.spawn(args, {}, options.cpu);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    return {
      pid: child.pid!,
      output: () => ({ stdout, stderr }),
      waitFor: async (pattern, timeoutMs = 60_000) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const match = pattern.exec(stdout);
          if (match) return match;
          if (child.exitCode !== null || Date.now() > deadline)
            throw new Error(`sf ${args.slice(0, 2).join(' ')}: no ${String(pattern)} (exit ${String(child.exitCode)})
stdout: ${stdout.slice(-2000)}
stderr: ${stderr.slice(-2000)}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
      stop: () => stopGroup(child, 20_000),
    };
  }

  public clean(): void {
    rmSync(this.home, { recursive: true, force: true });
  }

  private spawn(args: string[], env: Record<string, string> = {}, cpu?: number): ChildProcess {
    const sf = path.join(binDir, 'sf');
    const [command, argv] = cpu === undefined ? [sf, args] : ['taskset', ['-c', String(cpu), sf, ...args]];
    // Node options given for one run (a heap profile) come after the CLI's own preload, never instead of it.
    const nodeOptions = [this.env.NODE_OPTIONS, env.NODE_OPTIONS].filter(Boolean).join(' ');
    const child = spawn(command, argv, {
      cwd: repoRoot,
      env: { ...this.env, ...env, NODE_OPTIONS: nodeOptions },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    started.add(child);
    child.once('exit', () => started.delete(child));
    return child;
  }
}

/** Whether `taskset` can pin a process to one CPU here (util-linux). */
export function canPin(): boolean {
  return existsSync('/proc/self/status') && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
}

/** Stops every child the bench started that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((child) => stopGroup(child, 5_000)));
}
