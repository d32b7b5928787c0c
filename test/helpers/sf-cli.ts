/**
 * Drives the real `sf` binary (the @salesforce/cli devDependency) on the pinned Node 24, with this plugin linked
 * into a throwaway HOME, so that end-to-end tests see exactly what a user sees and never touch the user's ~/.sf.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertCompiled, cliEnvironment } from '../../scripts/cli-env.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const binDir = path.join(repoRoot, 'node_modules', '.bin');
const sfBin = path.join(binDir, 'sf');

export type SfResult = {
  exitCode: number | null;
  stdout: string;
  stderr: string;
};

export type SfJsonResult<T> = SfResult & {
  json: { status: number; result?: T; name?: string; message?: string; warnings?: string[]; exitCode?: number };
};

export type SfSessionOptions = {
  /** Link this plugin into the session's sf (default true). */
  linkPlugin?: boolean;
  /** Working directory for every command (default: the repository root). */
  cwd?: string;
  /** Extra environment for every command. */
  env?: Record<string, string>;
};

/**
 * Node's module compile cache for every test `sf` (https://nodejs.org/api/module.html#module-compile-cache): each
 * start loads the same few thousand modules, and the cache keeps V8's compiled code for them (keyed on each file's
 * content, so a recompiled lib/ is simply compiled again). Node recommends a folder under os.tmpdir(); shared by all.
 */
const compileCacheDir = path.join(tmpdir(), 'pcsync-test-node-compile-cache');

/**
 * The repository's CLI environment (scripts/cli-env.ts) with plain, uncoloured output for assertions, and two settings
 * that only spare each start work no test reads, about half a second of CPU (a fifth) together:
 * - SF_DISABLE_LOG_FILE: @salesforce/core's Logger (lib/logger/logger.js, its constructor) then logs to memory
 *   instead of starting pino's worker thread to write ~/.sf/sf-<date>.log; no test reads that file.
 * - NODE_COMPILE_CACHE (compileCacheDir).
 */
export function sfEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cliEnvironment(home, {
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    TERM: 'dumb',
    SF_DISABLE_LOG_FILE: 'true',
    NODE_COMPILE_CACHE: compileCacheDir,
    ...extra,
  });
}

/** One command a session ran and what it printed (a background command's output as it grows). */
export type TranscriptEntry = { readonly command: string; readonly stdout: string; readonly stderr: string };

export type BackgroundSf = {
  child: import('node:child_process').ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
};

/** A throwaway HOME with this plugin linked into the repository's sf CLI. */
export class SfSession {
  public readonly home: string;
  /** Every command this session ran, with its output: what the secrets check (secrets.ts) reads. */
  public readonly transcript: TranscriptEntry[] = [];
  private readonly cwd: string;
  private readonly env: Record<string, string>;
  private readonly running = new Set<import('node:child_process').ChildProcess>();

  private constructor(home: string, options: SfSessionOptions) {
    this.home = home;
    this.cwd = options.cwd ?? repoRoot;
    this.env = options.env ?? {};
  }

  public static create(options: SfSessionOptions = {}): SfSession {
    if (!(options.linkPlugin ?? true))
      return new SfSession(mkdtempSync(path.join(tmpdir(), 'pcsync-sf-home-')), options);
    // A copy of a HOME the real `sf plugins link` made (once per process, linkedHome): the link is a file under the
    // CLI's data folder naming the plugin's folder, the same in every copy, and each `sf` start-up it saves is ~2.4 s
    // of CPU.
    const session = new SfSession(mkdtempSync(path.join(tmpdir(), 'pcsync-sf-home-')), options);
    cpSync(linkedHome(), session.home, { recursive: true });
    return session;
  }

  public environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return sfEnv(this.home, { ...this.env, ...extra });
  }

  /** Runs `sf ARGS` to completion. */
  public runSync(
    args: string[],
    options: { env?: Record<string, string>; cwd?: string; input?: string } = {}
  ): SfResult {
    const child = spawnSync(sfBin, args, {
      cwd: options.cwd ?? this.cwd,
      env: this.environment(options.env),
      input: options.input ?? '',
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    });
    const result = { exitCode: child.status, stdout: child.stdout, stderr: child.stderr };
    this.transcript.push({ command: args.join(' '), stdout: result.stdout, stderr: result.stderr });
    return result;
  }

  /** Runs `sf ARGS` asynchronously (so an in-process emulator keeps serving while the CLI talks to it). */
  public async run(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<SfResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(sfBin, args, {
        cwd: options.cwd ?? this.cwd,
        env: this.environment(options.env),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      this.running.add(child);
      child.on('error', reject);
      child.on('close', (exitCode) => {
        this.running.delete(child);
        this.transcript.push({ command: args.join(' '), stdout, stderr });
        resolve({ exitCode, stdout, stderr });
      });
    });
  }

  /** Runs `sf ARGS --json` and parses the JSON envelope. */
  public async runJson<T>(
    args: string[],
    options: { env?: Record<string, string>; cwd?: string } = {}
  ): Promise<SfJsonResult<T>> {
    const result = await this.run([...args, '--json'], options);
    let json: SfJsonResult<T>['json'];
    try {
      json = JSON.parse(result.stdout) as SfJsonResult<T>['json'];
    } catch {
      throw new Error(
        `sf ${args.join(' ')} --json printed no JSON (exit ${String(result.exitCode)}).\nstdout: ${result.stdout}\nstderr: ${result.stderr}`
      );
    }
    return { ...result, json };
  }

  /** Starts `sf ARGS` in the background (a server such as `pcsync serve`); its output accumulates on the handle. */
  public start(args: string[], options: { env?: Record<string, string> } = {}): BackgroundSf {
    const child = spawn(sfBin, args, {
      cwd: this.cwd,
      env: this.environment(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.running.add(child);
    const handle: BackgroundSf = {
      child,
      stdout: '',
      stderr: '',
      exited: new Promise((resolve) =>
        child.on('close', (code) => {
          this.running.delete(child);
          resolve(code);
        })
      ),
      waitFor: async (pattern: RegExp, timeoutMs = 60_000): Promise<string> => {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
          const match = pattern.exec(handle.stdout) ?? pattern.exec(handle.stderr);
          if (match) return match[0];
          if (child.exitCode !== null) break;

          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error(
          `sf ${args.join(' ')} printed nothing matching ${String(pattern)}.\nstdout: ${handle.stdout}\nstderr: ${handle.stderr}`
        );
      },
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (handle.stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (handle.stderr += chunk));
    this.transcript.push({
      command: args.join(' '),
      get stdout() {
        return handle.stdout;
      },
      get stderr() {
        return handle.stderr;
      },
    });
    return handle;
  }

  /** Kills every command still running (SIGKILL: a crash, not a clean stop). */
  public killRunning(): void {
    for (const child of this.running) child.kill('SIGKILL');
  }

  public clean(): void {
    this.killRunning();
    rmSync(this.home, { recursive: true, force: true });
  }
}

let linkedTemplate: string | undefined;

/**
 * The plugin as `sf plugins link` sees it, with the oclif manifest the published package carries (package.json
 * `files`; prepack writes it with `oclif manifest`): a folder of links to this checkout's package.json, lib/,
 * messages/, schemas/ and node_modules/, plus that manifest, written from the current lib/. Linked without a manifest,
 * oclif imports every command file on every start (@oclif/core config/plugin.js, _manifest) — about a quarter of a
 * second of CPU each. The manifest is not written into the checkout itself, where `npm pack`'s postpack deletes it
 * and a stale one would hide a new flag from the developer's own linked sf.
 */
function pluginRootWithManifest(home: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'pcsync-sf-plugin-'));
  for (const entry of ['package.json', 'lib', 'messages', 'schemas', 'node_modules']) {
    symlinkSync(path.join(repoRoot, entry), path.join(root, entry));
  }
  const manifest = spawnSync(path.join(binDir, 'oclif'), ['manifest', root], {
    cwd: repoRoot,
    env: sfEnv(home),
    input: '',
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (manifest.status !== 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`oclif manifest failed (exit ${String(manifest.status)}): ${manifest.stderr}`);
  }
  return root;
}

/** A HOME where the real `sf plugins link` linked this plugin: made on first use, removed when the process exits. */
function linkedHome(): string {
  // The linked plugin runs lib/ (scripts/oclif-compiled.cjs): refuse a stale one before making anything.
  assertCompiled();
  if (linkedTemplate) return linkedTemplate;
  const home = mkdtempSync(path.join(tmpdir(), 'pcsync-sf-linked-'));
  const pluginRoot = pluginRootWithManifest(home);
  const removeBoth = (): void => {
    rmSync(home, { recursive: true, force: true });
    rmSync(pluginRoot, { recursive: true, force: true });
  };
  const linked = spawnSync(sfBin, ['plugins', 'link', pluginRoot, '--no-install'], {
    cwd: repoRoot,
    env: sfEnv(home),
    input: '',
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (linked.status !== 0) {
    removeBoth();
    throw new Error(`sf plugins link failed (exit ${String(linked.status)}): ${linked.stderr}`);
  }
  process.once('exit', removeBoth);
  linkedTemplate = home;
  return home;
}

/** True when the sf binary is runnable (it is a devDependency, so this only fails on a broken install). */
export function sfAvailable(): boolean {
  return spawnSync(sfBin, ['--version'], { env: sfEnv(tmpdir()), encoding: 'utf8' }).status === 0;
}
