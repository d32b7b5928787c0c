/**
 * The README's "Install into a real org" commands, parsed out of README.md so the two cannot drift, run through the
 * real `sf` CLI against the Salesforce emulator as a new org: its API user a minimum-access integration user.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../emulators/partner-center/server.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { partnerCenterEnv } from '../helpers/partner-center-env.js';
import { repoRoot, SfSession, type SfResult } from '../helpers/sf-cli.js';

/** The `sf …` lines of the README's install block, with the org alias and the rep's username as given. */
function readmeInstallCommands(alias: string, repUsername: string): string[][] {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Install into a real org'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line.startsWith('sf '))
    .map((line) =>
      line
        .split(/\s+/)
        .slice(1)
        .map((word) => (word === 'prod' ? alias : word === 'rep@example.com' ? repUsername : word))
    );
}

const output = (result: SfResult): string => `${result.stdout}\n${result.stderr}`;

describe("e2e: the README's install against a new org", function () {
  this.timeout(300_000);
  let pc: PartnerCenterEmulator;
  let sf: SalesforceEmulator;
  let session: SfSession;
  let commands: string[][];

  before(async () => {
    pc = await startPartnerCenterEmulator({ port: 0 });
    sf = await startSalesforceEmulator({ port: 0 });
    session = SfSession.create({ env: partnerCenterEnv(pc) });
    const login = await session.run(
      ['org', 'login', 'access-token', '--instance-url', sf.url, '--no-prompt', '--alias', 'emu'],
      { env: { SF_ACCESS_TOKEN: sf.accessToken } }
    );
    expect(login.exitCode, login.stderr).to.equal(0);
    commands = readmeInstallCommands('emu', sf.repUsername);
  });
  after(async () => {
    session?.clean();
    await pc?.close();
    await sf?.close();
  });

  const step = (prefix: string): string[][] => commands.filter((args) => args.join(' ').startsWith(prefix));

  it('deploys, assigns both permission sets, and validates; before the assignment validate and run refuse', async () => {
    const [deploy] = step('project deploy start');
    expect(deploy, 'the README deploys force-app explicitly').to.include.members(['--source-dir', 'force-app']);
    const deployed = await session.run(deploy);
    expect(deployed.exitCode, output(deployed)).to.equal(0);
    // The notification type the sync notifies owners with is stored: a Tooling query finds it.
    const types = await session.runJson<{ records: Array<{ DeveloperName: string }> }>([
      'data',
      'query',
      '--use-tooling-api',
      '--query',
      'SELECT Id, DeveloperName FROM CustomNotificationType',
      '--target-org',
      'emu',
    ]);
    expect(
      types.json.result?.records.map((r) => r.DeveloperName),
      output(types)
    ).to.deep.equal(['Partner_Center_Sync_Alert']);

    // Deployed but not yet assigned: the integration user sees none of the sync's fields.
    const before = await session.run(['pcsync', 'config', 'validate', '--target-org', 'emu']);
    expect(before.exitCode, output(before)).to.equal(1);
    expect(output(before))
      .to.include('Opportunity.Referral_Identifier__c')
      .and.include('sf org assign permset --name Partner_Center_Integration');
    pc.admin.seedReferrals(3, 'cosell');
    const refused = await session.run(['pcsync', 'run', '--target-org', 'emu', '--full']);
    expect(refused.exitCode, output(refused)).not.to.equal(0);
    expect(output(refused)).to.include('The running user lacks field permissions the sync needs');
    expect(output(refused)).to.include('sf org assign permset --name Partner_Center_Integration');
    expect(sf.records('Opportunity'), 'refused before any write').to.have.length(0);

    const assignments = step('org assign permset');
    expect(assignments.map((args) => args[args.indexOf('--name') + 1])).to.deep.equal([
      'Partner_Center_Sales_Rep',
      'Partner_Center_Integration',
    ]);
    for (const args of assignments) {
      const assigned = await session.run(args);
      expect(assigned.exitCode, output(assigned)).to.equal(0);
    }
    const holders = sf
      .records('PermissionSetAssignment')
      .map((row) => [row.AssigneeId, sf.records('PermissionSet').find((set) => set.Id === row.PermissionSetId)?.Name]);
    expect(holders).to.deep.include.members([
      [sf.userId, 'Partner_Center_Integration'],
      [sf.records('User').find((user) => user.Username === sf.repUsername)?.Id, 'Partner_Center_Sales_Rep'],
    ]);

    const [validate] = step('pcsync config validate');
    const valid = await session.run(validate);
    expect(valid.exitCode, output(valid)).to.equal(0);
    const ran = await session.run(['pcsync', 'run', '--target-org', 'emu', '--full']);
    expect(ran.exitCode, output(ran)).to.equal(0);
    expect(sf.records('Opportunity')).to.have.length(3);
  });
});
