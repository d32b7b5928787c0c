/**
 * The demo's child processes: the two emulators started through npm exactly as a reader would start them, and
 * the sf CLI under a throwaway HOME. Every command is printed before it runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(repoRoot, 'node_modules', '.bin');

const bold = (text: string): string => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const dim = (text: string): string => (process.stdout.isTTY ? `\x1b[2m${text}\x1b[0m` : text);

export function step(title: string): void {
  process.stdout.write(`\n${bold(`== ${title}`)}\n`);
}

export function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Hides what must never be printed: tokens in a command line. */
const shown = (args: string[]): string =>
  args.map((arg) => (/^(pcemu-|00D)/.test(arg) ? '***' : /\s/.test(arg) ? JSON.stringify(arg) : arg)).join(' ');

const children = new Set<ChildProcess>();

/** Starts a long-running npm script and waits for `ready` in its output; returns its NAME=value lines. */
export async function startService(
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv
): Promise<{ child: ChildProcess; values: Record<string, string>; firstLine: string }> {
  say(dim(`$ npm ${shown(args)} &`));
  const child = spawn(path.join(bin, 'npm'), args, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  children.add(child);
  const values: Record<string, string> = {};
  let firstLine = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start within 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${String(code)}`)));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = /^([A-Z_]+)=(.*)$/.exec(line);
      if (match) values[match[1]] = match[2];
      if (ready.test(line)) {
        firstLine = line;
        say(`  ${line}`);
      }
      if (firstLine && Object.keys(values).length > 0) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  // Give the remaining NAME=value lines a moment to arrive.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { child, values, firstLine };
}

/** Runs `sf ARGS`, printing the command and its output. */
export async function sf(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { quiet?: boolean; allowFailure?: boolean } = {}
): Promise<{ code: number; stdout: string }> {
  say(dim(`$ sf ${shown(args)}`));
  const child = spawn(path.join(bin, 'sf'), args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (!options.quiet) process.stdout.write(chunk);
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  children.delete(child);
  const warnings = stderr
    .split('\n')
    .filter(
      (line) =>
        line.trim() &&
        !/insecure protocol|Secrets are now hidden|linked ESM module|Existing compiled source|\.\.\. |^Querying Data/i.test(
          line
        )
    );
  if (warnings.length && !options.quiet) say(dim(warnings.join('\n')));
  if (code !== 0 && !options.allowFailure)
    throw new Error(`sf ${args.slice(0, 3).join(' ')} failed (exit ${code}):\n${stderr}`);
  return { code, stdout };
}

/** A free port on 127.0.0.1. */
/** Starts `sf ARGS` in the background (a server), printing the command. */
export function startSf(
  args: string[],
  env: NodeJS.ProcessEnv
): { ready(pattern: RegExp): Promise<RegExpExecArray>; stop(): Promise<void> } {
  say(dim(`$ sf ${shown(args)} &`));
  const child = spawn(path.join(bin, 'sf'), args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return {
    ready: async (pattern) => {
      const deadline = Date.now() + 60_000;
      while (!pattern.test(output)) {
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`sf ${args.slice(0, 2).join(' ')} did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      say(`  ${output.split('\n').find((line) => pattern.test(line)) ?? ''}`);
      return pattern.exec(output) as RegExpExecArray;
    },
    stop: async () => {
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) =>
        child.exitCode !== null ? resolve(child.exitCode) : child.on('close', resolve)
      );
      children.delete(child);
      say(`  The receiver drained its work and stopped (exit code ${String(code)}).`);
    },
  };
}

/** Stops every child (the emulators run detached in their own process group, npm and all). */
export async function stopAll(): Promise<void> {
  for (const child of children) {
    if (child.exitCode !== null || !child.pid) continue;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const child of children) {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}
