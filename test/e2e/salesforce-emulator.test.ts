/**
 * The Salesforce org emulator through the real `sf` binary (throwaway HOME) and a real jsforce connection:
 * login, Metadata REST deploy of this project's force-app, data create/query round trip, INVALID_FIELD,
 * a 200-record collection upsert twice, a 5,000-row Bulk API 2.0 upsert with invalid rows, and exact counters.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { repoRoot, SfSession } from '../helpers/sf-cli.js';

type DeployResult = {
  status: string;
  success: boolean;
  files: Array<{ fullName: string; type: string; state: string; filePath?: string }>;
};

/** The project's .forceignore as matchers (gitignore-style globs, enough for the patterns it uses). */
function forceignore(): RegExp[] {
  let text = '';
  try {
    text = readFileSync(path.join(repoRoot, '.forceignore'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('!'))
    .map((glob) => {
      const anchored = glob.includes('/') && !glob.startsWith('**/');
      const body = glob
        .replace(/\/$/, '/**')
        .split(/(\*\*\/|\*\*|\*|\?)/)
        .map((part) =>
          part === '**/'
            ? '(?:.*/)?'
            : part === '**'
              ? '.*'
              : part === '*'
                ? '[^/]*'
                : part === '?'
                  ? '[^/]'
                  : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')
        )
        .join('');
      return new RegExp(anchored ? `^${body}(?:/.*)?$` : `(?:^|/)${body}(?:/.*)?$`);
    });
}

/** Every file `sf project deploy start --source-dir force-app` deploys: force-app minus what .forceignore keeps out. */
function localSourceFiles(): string[] {
  const ignore = forceignore();
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('.')) continue;
      const full = path.join(dir, entry);
      const relative = path.relative(repoRoot, full).split(path.sep).join('/');
      if (ignore.some((pattern) => pattern.test(relative))) continue;
      if (statSync(full).isDirectory()) walk(full);
      else found.push(relative);
    }
  };
  walk(path.join(repoRoot, 'force-app'));
  return found.sort();
}

describe('Salesforce emulator through the real sf CLI and jsforce', function () {
  this.timeout(120_000);
  let emulator: SalesforceEmulator;
  let session: SfSession;

  before(async () => {
    emulator = await startSalesforceEmulator({ port: 0 });
    session = SfSession.create({ linkPlugin: false, env: { SF_ACCESS_TOKEN: emulator.accessToken, CI: 'true' } });
  });

  after(async () => {
    session?.clean();
    await emulator?.close();
  });

  it('logs in with sf org login access-token', async () => {
    const login = await session.runJson<{ username: string; orgId: string; instanceUrl: string; isDevHub: boolean }>([
      'org',
      'login',
      'access-token',
      '--instance-url',
      emulator.url,
      '--no-prompt',
      '--alias',
      'emu',
    ]);
    expect(login.exitCode, login.stderr).to.equal(0);
    expect(login.json.result?.username).to.equal(emulator.username);
    expect(login.json.result?.orgId).to.equal(emulator.orgId);
    expect(login.json.result?.isDevHub).to.equal(false);
    expect(emulator.counters()).to.deep.equal({
      'GET /services/oauth2/userinfo': 1,
      'GET /sobjects/{type}/{id}': 1,
      'GET /query': 2,
      'GET /services/data': 1,
      'GET /tooling/query': 1,
    });
  });

  it('deploys force-app over the Metadata REST API and reports every component', async () => {
    emulator.resetCounters();
    const deploy = await session.runJson<DeployResult>(
      ['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', 'emu', '--wait', '5'],
      {
        env: { SF_ORG_METADATA_REST_DEPLOY: 'true' },
      }
    );
    expect(deploy.exitCode, deploy.stdout.slice(0, 2000)).to.equal(0);
    expect(deploy.json.result?.status).to.equal('Succeeded');
    const files = deploy.json.result?.files ?? [];
    const reportedFiles = [
      ...new Set(
        files.map((f) =>
          path
            .relative(repoRoot, f.filePath ?? '')
            .split(path.sep)
            .join('/')
        )
      ),
    ].sort();
    expect(reportedFiles).to.deep.equal(localSourceFiles());
    expect(files.every((f) => f.state === 'Created')).to.equal(true);
    const components = new Set(files.map((f) => `${f.type}#${f.fullName}`));
    for (const expected of [
      'CustomField#Opportunity.Referral_Identifier__c',
      'CustomField#Opportunity.Sync_With_Partner_Center__c',
      'CustomObject#Partner_Center_Sync_Run__c',
      'CustomObject#Partner_Center_Sync_Event__c',
      'PermissionSet#Partner_Center_Integration',
    ]) {
      expect(components.has(expected), expected).to.equal(true);
    }
    const counters = emulator.counters();
    expect(counters['POST /metadata/deployRequest']).to.equal(1);
    expect(counters['GET /metadata/deployRequest/{id}']).to.be.at.least(1);
    expect(
      Object.keys(counters).filter((k) => !k.includes('deployRequest') && k !== 'GET /services/data')
    ).to.deep.equal([]);
  });

  it("assigns Partner_Center_Integration through sf org assign permset (the README's install, step 2)", async () => {
    // Deployed but unassigned: the minimum-access integration user does not see the new fields.
    const hidden = await session.runJson([
      'data',
      'query',
      '-q',
      'SELECT Referral_Identifier__c FROM Opportunity',
      '-o',
      'emu',
    ]);
    expect(hidden.exitCode).to.equal(1);
    expect(hidden.json.message).to.include("No such column 'Referral_Identifier__c'");
    emulator.resetCounters();
    const assigned = await session.runJson<{ successes: Array<{ name: string; value: string }> }>([
      'org',
      'assign',
      'permset',
      '--name',
      'Partner_Center_Integration',
      '--target-org',
      'emu',
    ]);
    expect(assigned.exitCode, assigned.stdout).to.equal(0);
    expect(assigned.json.result?.successes.map((s) => s.value)).to.deep.equal(['Partner_Center_Integration']);
    // What @salesforce/core's PermissionSetAssignment sends: the user and the set by query, then an insert.
    const counters = emulator.counters();
    expect(counters['POST /sobjects/{type}']).to.equal(1);
    expect(counters['GET /query']).to.be.at.least(2);
    const rows = emulator.records('PermissionSetAssignment');
    expect(rows.map((row) => row.AssigneeId)).to.deep.equal([emulator.userId]);
  });

  it('round-trips an Opportunity with custom fields through sf data create record and sf data query', async () => {
    const created = await session.runJson<{ id: string; success: boolean }>([
      'data',
      'create',
      'record',
      '--sobject',
      'Opportunity',
      '--values',
      "Name='Contoso co-sell' StageName='Prospecting' CloseDate=2027-01-31 Referral_Identifier__c='REF-E2E-1' Sync_With_Partner_Center__c=true How_Can_Microsoft_Help__c='Proof of concept or demo'",
      '--target-org',
      'emu',
    ]);
    expect(created.exitCode, created.stdout).to.equal(0);
    expect(created.json.result?.success).to.equal(true);
    expect(created.json.result?.id).to.match(/^006[A-Za-z0-9]{15}$/);
    const queried = await session.runJson<{ records: Array<Record<string, unknown>>; totalSize: number }>([
      'data',
      'query',
      '--query',
      "SELECT Id, Name, StageName, CloseDate, Referral_Identifier__c, Sync_With_Partner_Center__c, How_Can_Microsoft_Help__c FROM Opportunity WHERE Referral_Identifier__c = 'REF-E2E-1'",
      '--target-org',
      'emu',
    ]);
    expect(queried.exitCode, queried.stdout).to.equal(0);
    expect(queried.json.result?.totalSize).to.equal(1);
    const record = queried.json.result?.records[0] ?? {};
    expect(record.Id).to.equal(created.json.result?.id);
    expect(record).to.include({
      Name: 'Contoso co-sell',
      StageName: 'Prospecting',
      CloseDate: '2027-01-31',
      Referral_Identifier__c: 'REF-E2E-1',
      Sync_With_Partner_Center__c: true,
      How_Can_Microsoft_Help__c: 'Proof of concept or demo',
    });
  });

  it('fails a query of an undeployed field with INVALID_FIELD', async () => {
    const failed = await session.runJson([
      'data',
      'query',
      '--query',
      'SELECT Id, Not_Deployed__c FROM Opportunity',
      '--target-org',
      'emu',
    ]);
    expect(failed.exitCode).to.equal(1);
    expect(failed.json.name).to.equal('INVALID_FIELD');
    expect(failed.json.message).to.include("No such column 'Not_Deployed__c' on entity 'Opportunity'");
  });

  it('upserts 200 Opportunities by Referral_Identifier__c in one request, then updates them', async () => {
    emulator.resetCounters();
    const conn = new Connection({ instanceUrl: emulator.url, accessToken: emulator.accessToken, version: '64.0' });
    const records = Array.from({ length: 200 }, (_, i) => ({
      Referral_Identifier__c: `REF-COLL-${i}`,
      Name: `Collection ${i}`,
      StageName: 'Qualification',
      CloseDate: '2027-03-31',
      Amount: 1000 + i,
    }));
    const first = await conn.sobject('Opportunity').upsert(records, 'Referral_Identifier__c');
    expect(first).to.have.length(200);
    expect(first.every((r) => r.success && r.created === true)).to.equal(true);
    const second = await conn.sobject('Opportunity').upsert(
      records.map((r) => ({ ...r, StageName: 'Closed Won' })),
      'Referral_Identifier__c'
    );
    expect(second.every((r) => r.success && r.created === false)).to.equal(true);
    expect(second.map((r) => (r.success ? r.id : ''))).to.deep.equal(first.map((r) => (r.success ? r.id : '')));
    const won = await conn.query<{ IsWon: boolean }>(
      "SELECT IsWon FROM Opportunity WHERE Referral_Identifier__c LIKE 'REF-COLL-%' AND IsWon = true"
    );
    expect(won.totalSize).to.equal(200);
    expect(emulator.counters()).to.deep.equal({ 'PATCH /composite/sobjects/{type}/{field}': 2, 'GET /query': 1 });
  });

  it('runs a 5,000-row Bulk API 2.0 upsert with invalid rows and returns correct result files', async () => {
    emulator.resetCounters();
    const conn = new Connection({ instanceUrl: emulator.url, accessToken: emulator.accessToken, version: '64.0' });
    const input = Array.from({ length: 5000 }, (_, i) => {
      const row: Record<string, string> = {
        Referral_Identifier__c: i < 100 ? `REF-COLL-${i}` : `REF-BULK-${i}`,
        Name: `Bulk ${i}`,
        StageName: 'Prospecting',
        CloseDate: '2027-06-30',
        How_Can_Microsoft_Help__c: 'General or other',
      };
      if (i % 500 === 207) row.Name = ''; // required field missing
      if (i % 500 === 211) row.How_Can_Microsoft_Help__c = 'Free lunch'; // restricted picklist
      if (i % 500 === 213) row.CloseDate = 'not-a-date';
      return row;
    });
    const results = await conn.bulk2.loadAndWaitForResults({
      object: 'Opportunity',
      operation: 'upsert',
      externalIdFieldName: 'Referral_Identifier__c',
      input,
      pollInterval: 100,
      pollTimeout: 60_000,
    });
    expect(results.failedResults).to.have.length(30);
    expect(results.successfulResults).to.have.length(4970);
    expect(results.unprocessedRecords).to.have.length(0);
    const failedNames = results.failedResults.map((r) => String(r.sf__Error).split(':')[0]);
    expect(new Set(failedNames)).to.deep.equal(
      new Set(['REQUIRED_FIELD_MISSING', 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'INVALID_TYPE_ON_FIELD_IN_RECORD'])
    );
    const updated = results.successfulResults.filter((r) => r.sf__Created === 'false');
    expect(updated).to.have.length(100);
    const counters = emulator.counters();
    expect(counters['POST /jobs/ingest']).to.equal(1);
    expect(counters['PUT /jobs/ingest/{id}/batches']).to.equal(1);
    expect(counters['PATCH /jobs/ingest/{id}']).to.equal(1);
    expect(counters['GET /jobs/ingest/{id}/successfulResults']).to.equal(1);
    expect(counters['GET /jobs/ingest/{id}/failedResults']).to.equal(1);
    expect(counters['GET /jobs/ingest/{id}/unprocessedrecords']).to.equal(1);
    expect(counters['GET /jobs/ingest/{id}']).to.be.at.least(1);
    const count = await conn.query("SELECT COUNT() FROM Opportunity WHERE Referral_Identifier__c LIKE 'REF-BULK-%'");
    expect(count.totalSize).to.equal(4900 - 30);
  });
});

describe("Salesforce emulator: a new org's defaults through the real sf CLI", function () {
  this.timeout(180_000);
  let defaults: SalesforceEmulator;
  let plain: SalesforceEmulator;
  let session: SfSession;

  before(async () => {
    // Two orgs, two usernames: the sf CLI keys its stored logins by username.
    defaults = await startSalesforceEmulator({ port: 0, username: 'new-org@pcsync.example' });
    plain = await startSalesforceEmulator({
      port: 0,
      username: 'plain-org@pcsync.example',
      stateCountryPicklists: false,
      duplicateRules: false,
    });
    session = SfSession.create({ linkPlugin: false, env: { CI: 'true' } });
    for (const [alias, org] of [
      ['new-org', defaults],
      ['plain-org', plain],
    ] as const) {
      const login = await session.run(
        ['org', 'login', 'access-token', '--instance-url', org.url, '--no-prompt', '--alias', alias],
        { env: { SF_ACCESS_TOKEN: org.accessToken } }
      );
      expect(login.exitCode, login.stderr).to.equal(0);
    }
  });

  after(async () => {
    session?.clean();
    await defaults?.close();
    await plain?.close();
  });

  const createAccount = (org: string, values: string): ReturnType<SfSession['runJson']> =>
    session.runJson(['data', 'create', 'record', '--sobject', 'Account', '--values', values, '--target-org', org]);

  it('refuses a country code in BillingCountry, takes the integration values and fills the codes', async () => {
    const code = await createAccount('new-org', "Name='Contoso' BillingCountry=US BillingState=WA");
    expect(code.exitCode).to.equal(1);
    expect(code.json.name).to.equal('FIELD_INTEGRITY_EXCEPTION');
    expect(code.json.message).to.include("There's a problem with this country");
    const names = await createAccount(
      'new-org',
      "Name='Contoso' BillingCountry='United States' BillingState=Washington"
    );
    expect(names.exitCode, names.stdout).to.equal(0);
    const queried = await session.runJson<{ records: Array<Record<string, unknown>> }>([
      'data',
      'query',
      '--query',
      'SELECT BillingCountryCode, BillingStateCode FROM Account',
      '--target-org',
      'new-org',
    ]);
    expect(queried.json.result?.records[0]).to.include({ BillingCountryCode: 'US', BillingStateCode: 'WA' });
  });

  it('blocks a second Contoso with DUPLICATES_DETECTED', async () => {
    const duplicate = await createAccount('new-org', "Name='Contoso Inc.'");
    expect(duplicate.exitCode).to.equal(1);
    expect(duplicate.json.name).to.equal('DUPLICATES_DETECTED');
    expect(duplicate.json.message).to.equal('Use one of these records?');
    expect(defaults.records('Account')).to.have.length(1);
  });

  it('an org without them: free text, no code fields, no duplicate rules', async () => {
    expect((await createAccount('plain-org', "Name='Contoso' BillingCountry=US")).exitCode).to.equal(0);
    expect((await createAccount('plain-org', "Name='Contoso' BillingCountry=US")).exitCode).to.equal(0);
    const codes = await session.runJson([
      'data',
      'query',
      '--query',
      'SELECT BillingCountryCode FROM Account',
      '--target-org',
      'plain-org',
    ]);
    expect(codes.exitCode).to.equal(1);
    expect(codes.json.name).to.equal('INVALID_FIELD');
  });

  it('says plainly that sf project retrieve start is not modelled', async () => {
    const retrieve = await session.runJson([
      'project',
      'retrieve',
      'start',
      '--metadata',
      'CustomObject:Account',
      '--target-org',
      'new-org',
      '--wait',
      '1',
    ]);
    expect(retrieve.exitCode).to.equal(1);
    expect(retrieve.json.name).to.equal('sf:EMULATOR_NOT_MODELLED');
    expect(retrieve.json.message).to.include('retrieve is not modelled');
  });
});
