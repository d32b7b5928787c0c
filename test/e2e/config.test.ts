/**
 * `sf pcsync config show|validate` through the real sf CLI, with the plugin linked into a throwaway HOME.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { ConfigShowResult } from '../../src/commands/pcsync/config/show.js';
import type { ConfigValidateResult } from '../../src/commands/pcsync/config/validate.js';
import { DEFAULT_MAPPING } from '../../src/config/index.js';
import { repoRoot, SfSession } from '../helpers/sf-cli.js';

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

describe('e2e: sf pcsync config', function () {
  this.timeout(120_000);
  let session: SfSession;
  let dir: string;

  before(() => {
    session = SfSession.create();
    dir = mkdtempSync(path.join(tmpdir(), 'pcsync-e2e-config-'));
  });
  after(() => {
    session?.clean();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A project folder whose sfdx-project.json has the given pcsync section (or raw text). */
  const project = (name: string, pcsync: unknown, raw?: string): string => {
    const projectDir = path.join(dir, name);
    mkdirSync(projectDir, { recursive: true });
    cpSync(
      path.join(repoRoot, 'force-app', 'main', 'default', 'objects'),
      path.join(projectDir, 'force-app', 'main', 'default', 'objects'),
      {
        recursive: true,
      }
    );
    writeFileSync(
      path.join(projectDir, 'sfdx-project.json'),
      raw ??
        JSON.stringify(
          { packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '64.0', plugins: { pcsync } },
          null,
          2
        )
    );
    return projectDir;
  };

  it('config show prints the default mapping as a table', async () => {
    const result = await session.run(['pcsync', 'config', 'show'], { cwd: repoRoot });
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.stdout).to.include('Field mapping');
    for (const rule of DEFAULT_MAPPING) {
      const constant = `constant ${JSON.stringify(rule.value)}`;
      expect(result.stdout)
        .to.include(rule.partnerCenter ?? constant)
        .and.include(rule.salesforce ?? constant);
    }
    expect(result.stdout).to.include('Closed Won').and.include('both ways').and.include('to Salesforce');
    // When each rule applies: the shipped LeadSource constant on creates only.
    expect(result.stdout).to.match(/constant "Partner Referral".*LeadSource.*create only/);
    expect(result.stdout).to.include('create and update');
  });

  it('config show --json returns the typed effective configuration', async () => {
    const { json, exitCode } = await session.runJson<ConfigShowResult>(['pcsync', 'config', 'show'], { cwd: repoRoot });
    expect(exitCode).to.equal(0);
    expect(json.status).to.equal(0);
    expect(json.result?.config.mapping).to.deep.equal(DEFAULT_MAPPING);
    expect(json.result?.source).to.deep.equal({ kind: 'project', file: path.join(repoRoot, 'sfdx-project.json') });
  });

  it('config validate accepts this project', async () => {
    const { json, exitCode } = await session.runJson<ConfigValidateResult>(['pcsync', 'config', 'validate'], {
      cwd: repoRoot,
    });
    expect(exitCode).to.equal(0);
    expect(json.result).to.deep.include({ valid: true, rules: DEFAULT_MAPPING.length, orgChecked: false });
  });

  const broken: Array<{ name: string; pcsync?: unknown; raw?: string; expected: RegExp }> = [
    {
      name: 'an unknown direction',
      pcsync: { mapping: [{ partnerCenter: 'name', salesforce: 'Name', direction: 'sideways' }] },
      expected:
        /plugins\.pcsync\.mapping\[0\]\.direction: "sideways" is not allowed; use one of: inbound, outbound, both/,
    },
    {
      name: 'a mapping to a nonexistent field',
      pcsync: { mapping: [{ partnerCenter: 'details.notes', salesforce: 'Partner_Notes__c' }] },
      expected: /plugins\.pcsync\.mapping\[0\]\.salesforce: Opportunity has no field "Partner_Notes__c"/,
    },
    {
      name: 'invalid JSON',
      raw: '{ "packageDirectories": [{ "path": "force-app" }], "plugins": { "pcsync": { "mapping": [ } } }',
      expected: /sfdx-project\.json is not valid JSON: Unexpected token '}'/,
    },
  ];

  for (const { name, pcsync, raw, expected } of broken) {
    it(`config validate refuses ${name}: names it, exits non-zero, prints no stack trace`, async () => {
      const cwd = project(name.replace(/\W+/g, '-'), pcsync, raw);
      const human = await session.run(['pcsync', 'config', 'validate'], { cwd });
      expect(human.exitCode).to.equal(1);
      expect(human.stderr).to.match(expected);
      expect(human.stderr + human.stdout).not.to.match(STACK_LINE);

      const { json, exitCode } = await session.runJson(['pcsync', 'config', 'validate'], { cwd });
      expect(exitCode).to.equal(1);
      expect(json.status).to.equal(1);
      expect(json.message).to.match(expected);
    });
  }
});
