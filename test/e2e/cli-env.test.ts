/**
 * The CLI environment the demo, the tests and the bench share leaves nothing running: oclif's update hook spawns a
 * detached `sf update --autoupdate` under a fresh HOME unless SF_DISABLE_AUTOUPDATE is set (scripts/cli-env.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { binDir, cliEnvironment, repoRoot } from '../../scripts/cli-env.js';

/** Processes running `sf update --autoupdate` from this checkout whose HOME is `home`. */
function autoupdatesUnder(home: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!argv.includes('update') || !argv.includes('--autoupdate')) continue;
      if (!argv.some((arg) => arg.startsWith(repoRoot))) continue;
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (env.includes(`HOME=${home}`)) found.push(Number(pid));
    } catch {
      // The process ended while it was read.
    }
  }
  return found;
}

/** Runs `sf --version` under a fresh HOME and returns the auto-update processes it left behind (then ends them). */
function leftBehindBy(env: (home: string) => NodeJS.ProcessEnv): number[] {
  const home = mkdtempSync(path.join(tmpdir(), 'pcsync-cli-env-'));
  try {
    const result = spawnSync(path.join(binDir, 'sf'), ['--version'], { env: env(home), encoding: 'utf8' });
    expect(result.status, result.stderr).to.equal(0);
    const left = autoupdatesUnder(home);
    for (const pid of left) process.kill(pid, 'SIGKILL');
    return left;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

describe('e2e: the shared sf CLI environment', function () {
  this.timeout(120_000);

  it('a real sf command under a fresh HOME leaves no `sf update --autoupdate` behind', () => {
    expect(leftBehindBy((home) => cliEnvironment(home))).to.deep.equal([]);
  });

  it('the check sees the process when SF_DISABLE_AUTOUPDATE is missing (so it can fail)', () => {
    const withoutIt = (home: string): NodeJS.ProcessEnv => {
      const env = cliEnvironment(home);
      delete env.SF_DISABLE_AUTOUPDATE;
      return env;
    };
    expect(leftBehindBy(withoutIt)).to.have.length(1);
  });
});
