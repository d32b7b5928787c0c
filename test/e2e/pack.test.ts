/**
 * The package as published: `npm pack` (its prepack compiles and writes the oclif manifest) in a copy of this
 * working tree, then `sf plugins install file:….tgz` into the repository's sf CLI under a throwaway HOME, offline.
 *
 * Offline is the hard part. `sf plugins install` runs npm in the CLI's data folder, and npm resolves the plugin's
 * dependencies from a registry; this machine has none. So the data folder is given, first, the plugin's production
 * dependencies exactly as the lockfile installed them here (`npm ls --omit=dev`, hard-linked): npm finds every
 * dependency already satisfied and fetches nothing. npm runs with `offline` and an empty cache of its own, pointed
 * at a local "registry" that records every request — it must see none. What this proves: the tarball holds all the
 * plugin needs at run time (`files`, the manifest, the messages), its imports resolve with production dependencies
 * only, and the CLI loads it as an installed (not linked) plugin.
 */
import { spawn } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { binDir, cliEnvironment, repoRoot } from '../../scripts/cli-env.js';
import { SfSession } from '../helpers/sf-cli.js';

const PACKAGE_NAME = '@pcsync/plugin-pcsync';

/** Runs a program to completion, bounded; rejects with its output when it fails. */
async function exec(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((stdout += chunk), (output += chunk)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')}: exit ${String(code ?? signal)}\n${output}`));
    });
  });
}

/** A copy of the working tree as git sees it (tracked and new files, nothing ignored), with node_modules linked. */
async function copyWorkingTree(to: string, env: NodeJS.ProcessEnv): Promise<void> {
  const listed = await exec('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: repoRoot,
    env,
    timeoutMs: 30_000,
  });
  for (const file of listed.split('\0').filter(Boolean)) {
    mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    try {
      linkSync(path.join(repoRoot, file), path.join(to, file));
    } catch {
      // Deleted but not yet staged: not part of the tree.
    }
  }
  hardLinkFolder(path.join(repoRoot, 'node_modules'), path.join(to, 'node_modules'));
}

/** Recreates a folder with hard links to its files and the same symbolic links. */
function hardLinkFolder(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (entry.isDirectory()) hardLinkFolder(source, target);
    else linkSync(source, target);
  }
}

describe('e2e: the packed package installs into a clean sf CLI, offline', function () {
  this.timeout(600_000);
  let folder: string;
  let session: SfSession;
  let registry: Server;
  const registryRequests: string[] = [];
  let tarball: string;

  before(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'pcsync-pack-'));
    registry = createServer((request, response) => {
      registryRequests.push(`${request.method ?? ''} ${request.url ?? ''}`);
      response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    const npmEnv = {
      npm_config_registry: `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`,
      npm_config_offline: 'true',
      npm_config_cache: path.join(folder, 'npm-cache'),
      npm_config_update_notifier: 'false',
      // The oclif tool that prepack runs asks the registry for its own latest version.
      OCLIF_SKIP_NEW_VERSION_CHECK: 'true',
    };
    session = SfSession.create({ linkPlugin: false, cwd: folder, env: npmEnv });
    const env = cliEnvironment(session.home, npmEnv);

    // npm pack, prepack and all, in a copy: its prepack replaces lib/, which the other e2e tests run from.
    const source = path.join(folder, 'source');
    await copyWorkingTree(source, env);
    const packed = await exec('npm', ['pack', '--json', '--pack-destination', folder], {
      cwd: source,
      env,
      timeoutMs: 300_000,
    });
    const [{ filename }] = JSON.parse(packed.slice(packed.indexOf('['))) as Array<{ filename: string }>;
    tarball = path.join(folder, filename);

    // The CLI's data folder, as `sf plugins install` would leave it after fetching the dependencies.
    const dataDir = path.join(session.home, '.local', 'share', 'sf');
    const parseable = await exec('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
      cwd: repoRoot,
      env,
      timeoutMs: 120_000,
    });
    const topLevel = [
      ...new Set(
        parseable
          .split('\n')
          .map((line) => path.relative(repoRoot, line.trim()))
          .filter((relative) => relative.startsWith('node_modules') && relative.split('node_modules').length === 2)
      ),
    ];
    for (const dependency of topLevel) hardLinkFolder(path.join(repoRoot, dependency), path.join(dataDir, dependency));
    // npm re-extracts a package whose command links are missing: give it the ones these packages own.
    mkdirSync(path.join(dataDir, 'node_modules', '.bin'), { recursive: true });
    const repoBin = path.join(repoRoot, 'node_modules', '.bin');
    for (const name of readdirSync(repoBin)) {
      const target = readlinkSync(path.join(repoBin, name));
      const owner = /^\.\.\/((?:@[^/]+\/)?[^/]+)\//.exec(target)?.[1];
      if (owner && topLevel.includes(path.join('node_modules', owner))) {
        symlinkSync(target, path.join(dataDir, 'node_modules', '.bin', name));
      }
    }
    // An unsigned plugin from a file asks for confirmation unless allow-listed (Salesforce's documented
    // unsignedPluginAllowList.json in the CLI's config folder).
    mkdirSync(path.join(session.home, '.config', 'sf'), { recursive: true });
    writeFileSync(
      path.join(session.home, '.config', 'sf', 'unsignedPluginAllowList.json'),
      JSON.stringify([`file:${tarball}`])
    );
  });

  after(async () => {
    session?.clean();
    await new Promise((resolve) => registry?.close(resolve));
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('the tarball carries the compiled plugin, its manifest, messages and schemas, and no sources or tests', async () => {
    const listing = await exec('tar', ['-tzf', tarball], { cwd: folder, env: process.env, timeoutMs: 30_000 });
    const files = listing.split('\n').filter(Boolean);
    expect(files).to.include.members([
      'package/package.json',
      'package/oclif.manifest.json',
      'package/lib/commands/pcsync/doctor.js',
      'package/messages/pcsync.doctor.md',
      'package/schemas/pcsync-doctor.json',
    ]);
    expect(files.filter((file) => /^package\/(src|test|emulators|force-app|node_modules)\//.test(file))).to.deep.equal(
      []
    );
  });

  it('sf plugins install file:….tgz succeeds with no registry request, and sf pcsync --help lists every command', async () => {
    const installed = await session.run(['plugins', 'install', `file:${tarball}`]);
    expect(installed.exitCode, installed.stderr).to.equal(0);
    expect(registryRequests).to.deep.equal([]);

    // `sf plugins --json` (an oclif command, not an sf one) prints the bare list.
    const plugins = await session.run(['plugins', '--json']);
    expect(plugins.exitCode, plugins.stderr).to.equal(0);
    const listed = JSON.parse(plugins.stdout) as Array<{ name: string; type: string; root: string }>;
    const plugin = listed.find((entry) => entry.name === PACKAGE_NAME);
    expect(plugin?.type, 'installed, not linked').to.equal('user');
    expect(plugin?.root).to.equal(path.join(session.home, '.local', 'share', 'sf', 'node_modules', PACKAGE_NAME));

    // One home for the command list: the contract snapshot.
    const commands = (
      JSON.parse(readFileSync(path.join(repoRoot, 'command-snapshot.json'), 'utf8')) as Array<{ command: string }>
    ).map((entry) => entry.command.split(':'));
    const help = await session.run(['pcsync', '--help']);
    expect(help.exitCode, help.stderr).to.equal(0);
    const topics = new Set(commands.filter((id) => id.length > 2).map((id) => id[1]));
    for (const topic of topics) expect(help.stdout).to.match(new RegExp(`^\\s+pcsync ${topic}\\s`, 'm'));
    for (const id of commands.filter((parts) => parts.length === 2)) {
      expect(help.stdout).to.match(new RegExp(`^\\s+${id.join(' ')}\\s`, 'm'));
    }
    for (const topic of topics) {
      const topicHelp = await session.run(['pcsync', topic, '--help']);
      expect(topicHelp.exitCode, topicHelp.stderr).to.equal(0);
      for (const id of commands.filter((parts) => parts[1] === topic)) {
        expect(topicHelp.stdout).to.match(new RegExp(`^\\s+${id.join(' ')}\\s`, 'm'));
      }
    }

    // Every module of the installed package loads from where it was installed: its imports need nothing but the
    // production dependencies (a command's code is only imported when it runs, so --help alone would not tell).
    const modules = readdirSync(path.join(plugin!.root, 'lib'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.js'))
      .map((file) => pathToFileURL(path.join(plugin!.root, 'lib', file)).href);
    expect(modules).to.include(pathToFileURL(path.join(plugin!.root, 'lib', 'commands', 'pcsync', 'doctor.js')).href);
    const importAll = path.join(folder, 'import-all.mjs');
    writeFileSync(importAll, `for (const url of ${JSON.stringify(modules)}) await import(url);\n`);
    await exec(path.join(binDir, 'node'), [importAll], { cwd: folder, env: session.environment(), timeoutMs: 60_000 });

    // And a command runs from the installed package (its code, its messages, its dependencies).
    const shown = await session.runJson<{ source: { kind: string } }>(['pcsync', 'config', 'show']);
    expect(shown.exitCode, shown.stderr).to.equal(0);
    expect(shown.json.result?.source.kind).to.equal('defaults');
    expect(registryRequests).to.deep.equal([]);
  });
});
