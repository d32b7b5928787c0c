/**
 * The environment every `sf` this repository runs gets — the demo, the tests, the bench and CI (`.ci/run` exports
 * the same `cli-env.json`): no telemetry, no version check, no auto-update, so the CLI makes no outside connection
 * and leaves nothing running.
 *
 * Both auto-update names are needed: oclif's update hook (`@oclif/plugin-update`, `hooks/init.js`) reads
 * `SF_DISABLE_AUTOUPDATE` before the CLI maps `SF_AUTOUPDATE_DISABLE` onto it, so without the first every fresh
 * HOME spawns a detached `sf update --autoupdate` that outlives the command.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..');
export const binDir = path.join(repoRoot, 'node_modules', '.bin');

export const CLI_ENV: Readonly<Record<string, string>> = JSON.parse(
  readFileSync(path.join(here, 'cli-env.json'), 'utf8')
) as Record<string, string>;

/** Makes every `sf` run the compiled lib/ of the linked plugin, as an installed plugin does (oclif-compiled.cjs). */
const compiledPluginPreload = `--require ${path.join(here, 'oclif-compiled.cjs')}`;

/** The CLI environment under a throwaway HOME, with the repository's pinned Node and sf first on PATH. */
export function cliEnvironment(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, compiledPluginPreload].filter(Boolean).join(' '),
    HOME: home,
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    ...CLI_ENV,
    ...extra,
  };
}

/**
 * The src/ files whose compiled lib/ file is missing or older: the linked plugin runs lib/, so a test or demo against
 * a stale lib/ would try yesterday's code. Empty when `npm run compile` is up to date.
 */
export function staleCompiledFiles(): string[] {
  const stale: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const source = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(source);
      else if (entry.name.endsWith('.ts')) {
        const relative = path.relative(path.join(repoRoot, 'src'), source).replace(/\.ts$/, '.js');
        const compiled = statSync(path.join(repoRoot, 'lib', relative), { throwIfNoEntry: false });
        if (!compiled || compiled.mtimeMs < statSync(source).mtimeMs) stale.push(path.relative(repoRoot, source));
      }
    }
  };
  walk(path.join(repoRoot, 'src'));
  return stale;
}

/** Throws, naming the fix, when lib/ does not hold the current src/ (see staleCompiledFiles). */
export function assertCompiled(): void {
  const stale = staleCompiledFiles();
  if (stale.length > 0) {
    throw new Error(
      `lib/ is older than ${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ` and ${stale.length - 3} more` : ''}: ` +
        'the linked plugin runs the compiled code — run `npm run compile` first.'
    );
  }
}
