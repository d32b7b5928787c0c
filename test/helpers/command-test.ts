/**
 * What the fast command tests (test/commands/**) share: throwaway configuration files, an environment without the
 * developer's PCSYNC_* variables, no network, the error a command fails with, a check of a `--json` result against
 * the command's schema in schemas/, and the process as it was after each test.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SfError } from '@salesforce/core';
import { shouldThrow } from '@salesforce/core/testSetup';
import { Ajv } from 'ajv';
import type { SinonSandbox, SinonStub } from 'sinon';
import { repoRoot } from './sf-cli.js';

/** A temp folder for configuration files; `remove()` in `after`. */
export function configFiles(): { write(name: string, content: unknown): string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pcsync-command-test-'));
  return {
    write: (name, content) => {
      const file = path.join(dir, name);
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Replaces fetch, which every Partner Center call goes through, with a stub that fails: these tests never reach
 * Microsoft, and a test asserts on the stub that nothing was even attempted. */
export function stubFetch(sandbox: SinonSandbox): SinonStub {
  return sandbox.stub(globalThis, 'fetch').rejects(new Error('no network in command tests'));
}

/** process.env without PCSYNC_* (they override the configuration and the sign-in), plus `extra`. */
export function stubPcsyncEnv(sandbox: SinonSandbox, extra: Record<string, string> = {}): void {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PCSYNC_')));
  sandbox.stub(process, 'env').value({ ...env, ...extra });
}

const ajv = new Ajv({ allErrors: true, strict: false });

/** The problems ajv finds in `result` against schemas/<topic>-<cmd>.json (an empty list when it conforms). */
export function resultSchemaErrors(commandId: string, result: unknown): string[] {
  const file = path.join(repoRoot, 'schemas', `${commandId.replaceAll(':', '-')}.json`);
  const validate =
    ajv.getSchema(file) ?? ajv.addSchema(JSON.parse(readFileSync(file, 'utf8')) as object, file).getSchema(file);
  if (!validate) throw new Error(`no schema ${file}`);
  if (validate(result)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
}

/** The error a command fails with; a command that succeeds fails the test (core's shouldThrow: UnexpectedResult). */
export async function failure(run: Promise<unknown>): Promise<SfError> {
  try {
    await shouldThrow(run);
  } catch (error) {
    if (error instanceof SfError) return error;
    throw error;
  }
  throw new Error('unreachable: shouldThrow always throws');
}

/**
 * Hooks that undo what a command run leaves on the process: SfCommand adds a handler for each of these signals per
 * run (serve replaces them), and a failing run sets process.exitCode, which the next envelope's status would show.
 */
export function restoreProcessAfterEach(): void {
  const signals = ['SIGINT', 'SIGTERM', 'SIGBREAK', 'SIGHUP'] as const;
  let saved = new Map<NodeJS.Signals, NodeJS.SignalsListener[]>();
  beforeEach(() => {
    saved = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  });
  afterEach(() => {
    for (const [signal, handlers] of saved) {
      process.removeAllListeners(signal);
      for (const handler of handlers) process.on(signal, handler);
    }
    process.exitCode = undefined;
  });
}
