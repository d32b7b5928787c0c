/**
 * `sf pcsync run` through the real sf CLI (plugin linked, throwaway HOME) against both emulators over real HTTP.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../emulators/partner-center/server.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/index.js';
import type { RunResult } from '../../src/commands/pcsync/run.js';
import { OPP } from '../../src/salesforce/fields.js';
import { partnerCenterEnv } from '../helpers/partner-center-env.js';
import {
  bookkeepingWrites,
  clearRequestLog,
  dataWrites,
  isWrite,
  requestsNaming,
} from '../helpers/salesforce-emulator.js';
import { expectNoSecretsIn, TEST_CLIENT_SECRET } from '../helpers/secrets.js';
import { SfSession } from '../helpers/sf-cli.js';
import { clientsFor } from '../unit/partner-center/helpers.js';
import { assignPermissionSet } from '../helpers/sync-world.js';

const TOKEN = /pcemu-(at|rt|dc)\.[A-Za-z0-9_-]{20,}/;

/** Data writes (token requests excluded). */
const writes = (counters: Record<string, number>): number =>
  Object.entries(counters)
    .filter(([key]) => /^(POST|PATCH|PUT|DELETE) /.test(key) && !/token|devicecode/.test(key))
    .reduce((sum, [, n]) => sum + n, 0);

describe('e2e: sf pcsync run', function () {
  this.timeout(300_000);
  let pc: PartnerCenterEmulator;
  let sf: SalesforceEmulator;
  let session: SfSession;

  before(async () => {
    pc = await startPartnerCenterEmulator({ port: 0, clientSecret: TEST_CLIENT_SECRET });
    sf = await startSalesforceEmulator({
      port: 0,
      loadMetadata: true,
    });
    session = SfSession.create({
      env: partnerCenterEnv(pc),
    });
    const login = await session.run(
      ['org', 'login', 'access-token', '--instance-url', sf.url, '--no-prompt', '--alias', 'emu'],
      {
        env: { SF_ACCESS_TOKEN: sf.accessToken },
      }
    );
    expect(login.exitCode, login.stderr).to.equal(0);
    // The README's install, step 2: the user the sync runs as gets its permission set.
    await assignPermissionSet(session, 'Partner_Center_Integration');
  });
  after(async () => {
    session?.clean();
    await pc?.close();
    await sf?.close();
  });
  // Every command's output so far (serve's log included), and the org's run records and events.
  afterEach(() => expectNoSecretsIn({ session, pc, sf }));

  const run = (...args: string[]): ReturnType<SfSession['runJson']> =>
    session.runJson<RunResult>(['pcsync', 'run', '--target-org', 'emu', ...args]);

  it('a first full sync of 500 incoming referrals, then a second run that writes nothing', async () => {
    pc.admin.seedReferrals(500, 'cosell');
    sf.resetCounters();
    pc.resetCounters();
    const first = await run('--full');
    expect(first.exitCode, first.stderr).to.equal(0);
    const result = first.json.result as RunResult;
    expect(result.summary.inbound.created).to.equal(500);
    const rows = sf.records('Opportunity');
    expect(rows).to.have.length(500);
    expect(new Set(rows.map((row) => row[OPP.referralId])).size).to.equal(500);
    expect(rows.every((row) => row.StageName === 'Prospecting' && row.AccountId)).to.equal(true);
    // The minimum: 5 pages of 100 referrals, plus one page re-reading what changed since the listing began (a
    // listing over several pages can miss a referral that moved meanwhile); 3 collections of ≤ 200 Opportunities.
    expect(pc.counters()['GET /referrals']).to.equal(6);
    expect(requestsNaming(sf.requests(), 'PATCH', 'composite/sobjects/Opportunity')).to.equal(3);
    // The outbound pass that follows needs no per-referral read: the snapshots already agree.
    expect(pc.counters()['GET /referrals/{id}'] ?? 0).to.equal(0);
    expect(JSON.stringify(first.json) + first.stderr).not.to.match(TOKEN);

    sf.resetCounters();
    pc.resetCounters();
    await clearRequestLog(sf);
    const second = await run();
    expect(second.exitCode, second.stderr).to.equal(0);
    expect(writes(pc.counters())).to.equal(0);
    // Its only writes: taking and releasing the lease, opening and closing its run record.
    expect(dataWrites(sf.requests())).to.equal(0);
    expect(bookkeepingWrites(sf.requests())).to.equal(4);
    expect((second.json.result as RunResult).summary.inbound.created).to.equal(0);
  });

  it('--dry-run prints per-record field diffs and only reads', async () => {
    const referral = pc.admin.createIncoming('cosell');
    pc.admin.transition(referral.id, 'accept');
    sf.resetCounters();
    pc.resetCounters();
    const since = sf.requests().at(-1)?.seq ?? 0;
    const human = await session.run(['pcsync', 'run', '--target-org', 'emu', '--dry-run']);
    expect(human.exitCode, human.stderr).to.equal(0);
    expect(human.stdout)
      .to.include('Planned changes')
      .and.include(referral.id)
      .and.include('StageName: (blank) → "Qualification"');
    expect(human.stdout).to.include('Summary (dry run: nothing was written)');
    // Its describes go in one Composite request of GETs, which writes nothing.
    const sfWrites = sf.requests().filter((entry) => entry.seq > since && isWrite(entry));
    expect(sfWrites.map((entry) => `${entry.method} ${entry.path}`)).to.deep.equal([]);
    expect(writes(pc.counters())).to.equal(0);
  });

  it('a rule failure shows its message on the record, makes no Partner Center call, and exits 1', async () => {
    const account = await fetch(`${sf.url}/services/data/v64.0/sobjects/Account`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sf.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ Name: 'No Country Ltd' }),
    }).then((response) => response.json() as Promise<{ id: string }>);
    sf.seed({
      Opportunity: [
        {
          Name: 'Flagged deal',
          StageName: 'Qualification',
          CloseDate: '2027-03-31',
          AccountId: account.id,
          [OPP.syncWith]: true,
          [OPP.solutions]: 'SOL-1-AB',
        },
      ],
    });
    pc.resetCounters();
    const result = await run('--direction', 'outbound');
    expect(result.exitCode).to.equal(1);
    expect(writes(pc.counters())).to.equal(0);
    const row = sf.records('Opportunity').find((r) => r.Name === 'Flagged deal');
    expect(row?.[OPP.state]).to.equal('Error');
    expect(String(row?.[OPP.error])).to.include('Billing Country');
    const human = await session.run(['pcsync', 'run', '--target-org', 'emu', '--direction', 'outbound']);
    expect(human.stdout).to.include('Records that need attention').and.include('Billing Country');
  });

  it('a run killed mid-way, then run again: no duplicates', async () => {
    pc.reset();
    sf.reset({ keepSchema: true });
    pc.admin.seedReferrals(400, 'cosell');
    sf.setLatency(150);
    const child = session.run(['pcsync', 'run', '--target-org', 'emu', '--full']);
    // Kill it once the first batch of Opportunities has been written.
    const deadline = Date.now() + 120_000;
    while ((sf.counters()['PATCH /composite/sobjects/{type}/{field}'] ?? 0) < 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    session.killRunning();
    await child;
    sf.setLatency(0);
    const partial = sf.records('Opportunity').length;
    expect(partial).to.be.lessThan(400);

    const rerun = await run('--full');
    expect(rerun.exitCode, rerun.stderr).to.equal(0);
    const rows = sf.records('Opportunity');
    expect(rows).to.have.length(400);
    expect(new Set(rows.map((row) => row[OPP.referralId])).size).to.equal(400);
  });

  it('converges within three runs under a 30% fault rate on both emulators', async () => {
    pc.reset();
    sf.reset({ keepSchema: true });
    pc.admin.seedReferrals(60, 'cosell');
    pc.setFaults({ faultRate: 0.3, retryAfterSeconds: 0 });
    sf.setFaults({ rate: 0.3, kinds: ['unavailable'], match: 'composite', seed: 7 });
    let converged = false;
    for (let attempt = 0; attempt < 3 && !converged; attempt++) {
      const result = await run('--full');
      converged = result.exitCode === 0 && sf.records('Opportunity').length === 60;
    }
    pc.setFaults({ faultRate: 0 });
    sf.clearFaults();
    expect(converged).to.equal(true);
    expect(new Set(sf.records('Opportunity').map((row) => row[OPP.referralId])).size).to.equal(60);
  });

  /** Creates records through the REST API, as a rep's edits would arrive. */
  const rest = async (method: string, resource: string, body?: unknown): Promise<{ id?: string }> => {
    const response = await fetch(`${sf.url}/services/data/v64.0${resource}`, {
      method,
      headers: { Authorization: `Bearer ${sf.accessToken}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status, `${method} ${resource}`).to.be.lessThan(300);
    return response.status === 204 ? {} : ((await response.json()) as { id?: string });
  };

  it('a rep flags 20 Opportunities: 20 referrals, the co-sell ones in two steps; edits then flow both ways', async () => {
    pc.reset();
    sf.reset({ keepSchema: true });
    const account = await rest('POST', '/sobjects/Account', { Name: 'Litware', BillingCountry: 'Germany' });
    const contact = await rest('POST', '/sobjects/Contact', {
      LastName: 'Buyer',
      Email: 'buyer@litware.example',
      AccountId: account.id,
    });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const created = await rest('POST', '/sobjects/Opportunity', {
        Name: `Flagged ${i}`,
        StageName: 'Qualification',
        CloseDate: '2027-02-28',
        Amount: 1000 + i,
        AccountId: account.id,
        [OPP.syncWith]: true,
        [OPP.solutions]: 'SOL-34104-EBB',
        ...(i % 2 === 0 ? { [OPP.help]: 'Proof of concept or demo' } : {}),
      });
      ids.push(String(created.id));

      if (i % 2 === 0)
        await rest('POST', '/sobjects/OpportunityContactRole', {
          OpportunityId: created.id,
          ContactId: contact.id,
          IsPrimary: true,
        });
    }
    pc.resetCounters();
    const flagged = await run();
    expect(flagged.exitCode, flagged.stderr).to.equal(0);
    expect((flagged.json.result as RunResult).summary.outbound.created).to.equal(20);
    expect(pc.counters()['POST /referrals']).to.equal(30);
    const referralOf = (id: string): string =>
      String(sf.records('Opportunity').find((row) => row.Id === id)?.[OPP.referralId]);
    expect(pc.admin.getReferral(referralOf(ids[0])).customerProfile.address?.country).to.equal('DE');

    // Salesforce → Partner Center: a rep changes the amount of one deal.
    await rest('PATCH', `/sobjects/Opportunity/${ids[1]}`, { Amount: 99_000 });
    // Partner Center → Salesforce: Microsoft changes the notes of another.
    await clientsFor(pc).referrals.update(referralOf(ids[3]), [
      { op: 'replace', path: '/details/notes', value: 'Customer wants a demo in March' },
    ]);
    pc.resetCounters();
    const edits = await run();
    expect(edits.exitCode, edits.stderr).to.equal(0);
    expect(pc.admin.getReferral(referralOf(ids[1])).details.dealValue).to.equal(99_000);
    expect(sf.records('Opportunity').find((row) => row.Id === ids[3])?.Description).to.equal(
      'Customer wants a demo in March'
    );
    expect(pc.counters()['PATCH /referrals/{id}']).to.equal(1);
  });

  it('a same-field edit on both sides under owner "manual" (from --config) parks the record in Conflict', async () => {
    pc.reset();
    sf.reset({ keepSchema: true });
    const referral = pc.admin.createIncoming('cosell');
    pc.admin.transition(referral.id, 'accept');
    const dir = mkdtempSync(path.join(tmpdir(), 'pcsync-e2e-owner-'));
    const configFile = path.join(dir, 'pcsync.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        mapping: [{ partnerCenter: 'details.dealValue', salesforce: 'Amount', owner: 'manual' }],
      })
    );
    expect((await run('--full', '--config', configFile)).exitCode).to.equal(0);
    const row = sf.records('Opportunity').find((r) => r[OPP.referralId] === referral.id) as { Id: string };
    await rest('PATCH', `/sobjects/Opportunity/${row.Id}`, { Amount: 1 });
    await clientsFor(pc).referrals.update(referral.id, [{ op: 'replace', path: '/details/dealValue', value: 2 }]);
    const result = await run('--config', configFile);
    expect(result.exitCode, result.stderr).to.equal(0);
    const after = sf.records('Opportunity').find((r) => r.Id === row.Id);
    expect(after?.[OPP.state]).to.equal('Conflict');
    expect(String(after?.[OPP.error])).to.include('Amount');
    expect(after?.Amount).to.equal(1);
    expect(pc.admin.getReferral(referral.id).details.dealValue).to.equal(2);
    const events = sf.records('Partner_Center_Sync_Event__c').filter((event) => event.Action__c === 'Conflict');
    expect(events.length).to.be.greaterThan(0);
  });

  it('a terminal-state referral is never patched', async () => {
    pc.reset();
    sf.reset({ keepSchema: true });
    const referral = pc.admin.createIncoming('cosell');
    pc.admin.transition(referral.id, 'accept');
    pc.admin.transition(referral.id, 'win');
    expect((await run('--full')).exitCode).to.equal(0);
    const row = sf.records('Opportunity').find((r) => r[OPP.referralId] === referral.id) as {
      Id: string;
      StageName: string;
    };
    expect(row.StageName).to.equal('Closed Won');
    await rest('PATCH', `/sobjects/Opportunity/${row.Id}`, { Amount: 5 });
    pc.resetCounters();
    const result = await run();
    expect(result.exitCode, result.stderr).to.equal(0);
    expect((result.json.result as RunResult).summary.outbound.skipped).to.equal(1);
    expect(pc.counters()['PATCH /referrals/{id}'] ?? 0).to.equal(0);
  });
});
