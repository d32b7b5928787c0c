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
import { api, queryPath, sfRequest } from '../helpers/salesforce-emulator.js';
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

  // After the deploy above (mocha runs a file's tests in order): the admin's app came with force-app.
  it("stores the app's list views and reports, and their filters and columns name real fields", async () => {
    type Row = { Id: string; DeveloperName: string; FolderName?: string };
    const soql = async (query: string): Promise<Row[]> => {
      const result = await session.runJson<{ records: Row[] }>(['data', 'query', '-q', query, '--target-org', 'emu']);
      expect(result.exitCode, output(result)).to.equal(0);
      return result.json.result?.records ?? [];
    };
    const fieldsOf = async (object: string): Promise<Set<string>> => {
      const described = await sfRequest<{ fields: Array<{ name: string }> }>(
        sf,
        'GET',
        api(`/sobjects/${object}/describe`)
      );
      expect(described.status, described.text).to.equal(200);
      return new Set(described.body.fields.map((f) => f.name));
    };
    const opportunityFields = await fieldsOf('Opportunity');

    const views = await soql("SELECT Id, DeveloperName FROM ListView WHERE SobjectType = 'Opportunity'");
    expect(views.map((v) => v.DeveloperName)).to.include.members([
      'Partner_Center_Sync_Errors',
      'Partner_Center_Sync_Conflicts',
      'Partner_Center_Never_Synced',
    ]);
    for (const view of views) {
      type Condition = { field: string; operator: string; values: string[] };
      const described = await sfRequest<{ query: string; whereCondition: Condition | { conditions: Condition[] } }>(
        sf,
        'GET',
        api(`/sobjects/Opportunity/listviews/${view.Id}/describe`)
      );
      expect(described.status, described.text).to.equal(200);
      const where = described.body.whereCondition;
      const conditions = 'conditions' in where ? where.conditions : [where];
      expect(conditions, view.DeveloperName).not.to.be.empty;
      for (const condition of conditions)
        expect([...opportunityFields], view.DeveloperName).to.include(condition.field);
      // The view's own query runs for the integration user.
      const ran = await sfRequest(sf, 'GET', queryPath(described.body.query));
      expect(ran.status, ran.text).to.equal(200);
    }
    const errors = await sfRequest<{ whereCondition: unknown }>(
      sf,
      'GET',
      api(
        `/sobjects/Opportunity/listviews/${views.find((v) => v.DeveloperName === 'Partner_Center_Sync_Errors')?.Id ?? ''}/describe`
      )
    );
    expect(errors.body.whereCondition).to.deep.equal({
      field: 'Partner_Center_Sync_State__c',
      operator: 'equals',
      values: ["'Error'"],
    });

    const reports = await soql(
      "SELECT Id, DeveloperName, FolderName FROM Report WHERE FolderName = 'Partner_Center_Sync'"
    );
    expect(reports.map((r) => r.DeveloperName)).to.include.members([
      'Sync_Runs_by_Status',
      'Records_in_Error_by_Message',
      'Referrals_by_Stage',
    ]);
    const fieldsByObject = new Map<string, Set<string>>([['Opportunity', opportunityFields]]);
    for (const report of reports) {
      const described = await sfRequest<{
        reportMetadata: {
          detailColumns: string[];
          reportFilters: Array<{ column: string }>;
          groupingsDown: Array<{ name: string }>;
        };
      }>(sf, 'GET', api(`/analytics/reports/${report.Id}/describe`));
      expect(described.status, described.text).to.equal(200);
      const metadata = described.body.reportMetadata;
      const columns = [
        ...metadata.detailColumns,
        ...metadata.reportFilters.map((f) => f.column),
        ...metadata.groupingsDown.map((g) => g.name),
      ];
      for (const column of columns) {
        // `Table$Field`, or `Table$Lookup__c.Field` through a lookup of Table.
        const [table, fieldPath] = column.split('$');
        const [first, second] = fieldPath.split('.');
        if (!fieldsByObject.has(table)) fieldsByObject.set(table, await fieldsOf(table));
        expect([...(fieldsByObject.get(table) ?? [])], `${report.DeveloperName}: ${column}`).to.include(first);
        if (second !== undefined) {
          const target = first === 'Opportunity__c' ? 'Opportunity' : 'Partner_Center_Sync_Run__c';
          if (!fieldsByObject.has(target)) fieldsByObject.set(target, await fieldsOf(target));
          expect([...(fieldsByObject.get(target) ?? [])], `${report.DeveloperName}: ${column}`).to.include(second);
        }
      }
    }
    const dashboards = await soql('SELECT Id, DeveloperName, FolderName FROM Dashboard');
    expect(dashboards.map((d) => d.DeveloperName)).to.deep.equal(['Partner_Center_Sync_Health']);
  });
});
