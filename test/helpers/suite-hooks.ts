/**
 * Mocha hooks a describe of end-to-end tests shares: one sync world for all its tests, and a folder for the config
 * files they write. Each registers its hooks where it is called, so call it in the describe, before its own hooks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSyncWorld, type SyncWorld } from './sync-world.js';

/**
 * A sync world started before the describe's tests and closed after them. Unless `reset` is false, both emulators
 * start each test empty (the org keeps its schema); unless `checkSecrets` is false, each test ends by checking that no
 * secret reached any output, run record or event. The world returned stands for the one started: reading it before
 * the `before` hook ran fails, naming why.
 */
export function sharedSyncWorld(
  options: Parameters<typeof startSyncWorld>[0] = {},
  hooks: { reset?: boolean; checkSecrets?: boolean } = {}
): SyncWorld {
  let started: SyncWorld | undefined;
  before(async () => {
    started = await startSyncWorld(options);
  });
  if (hooks.reset !== false) {
    beforeEach(() => {
      started?.pc.reset();
      started?.sf.reset({ keepSchema: true });
    });
  }
  // Before the next test's reset: every command's output so far, serve's log, this test's run records and events.
  if (hooks.checkSecrets !== false) afterEach(() => started?.expectNoSecrets());
  after(async () => {
    await started?.close();
  });
  // Every member of SyncWorld is a value or a closure over the world, so reading it through the started one is exact.
  return new Proxy({} as SyncWorld, {
    get(_target, member): unknown {
      if (!started) throw new Error(`the sync world was read (.${String(member)}) before its before() hook started it`);
      return Reflect.get(started, member) as unknown;
    },
  });
}

/** A folder of config files for one describe: made before its tests, removed after them. */
export type ConfigDir = {
  /** Writes `content` as JSON to `name` in the folder; returns the file's path. */
  write(name: string, content: unknown): string;
};

export function withConfigDir(prefix: string): ConfigDir {
  let dir: string | undefined;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), prefix));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    write(name, content) {
      if (!dir) throw new Error(`config file ${name} written before its folder's before() hook made it`);
      const file = path.join(dir, name);
      writeFileSync(file, JSON.stringify(content, null, 2));
      return file;
    },
  };
}
