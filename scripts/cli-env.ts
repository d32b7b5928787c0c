/**
 * The environment every `sf` this repository runs gets — the demo, the tests, the bench and CI (`.ci/run` exports
 * the same `cli-env.json`): no telemetry, no version check, no auto-update, so the CLI makes no outside connection
 * and leaves nothing running.
 *
 * Both auto-update names are needed: oclif's update hook (`@oclif/plugin-update`, `hooks/init.js`) reads
 * `SF_DISABLE_AUTOUPDATE` before the CLI maps `SF_AUTOUPDATE_DISABLE` onto it, so without the first every fresh
 * HOME spawns a detached `sf update --autoupdate` that outlives the command.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..');
export const binDir = path.join(repoRoot, 'node_modules', '.bin');

export const CLI_ENV: Readonly<Record<string, string>> = JSON.parse(
  readFileSync(path.join(here, 'cli-env.json'), 'utf8')
) as Record<string, string>;

/** The CLI environment under a throwaway HOME, with the repository's pinned Node and sf first on PATH. */
export function cliEnvironment(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    ...CLI_ENV,
    ...extra,
  };
}
