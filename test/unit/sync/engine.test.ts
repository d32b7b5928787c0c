/**
 * The sync engine over real HTTP against both emulators (in process): inbound import, no-op rerun, outbound
 * create/co-sell, edits both ways, readiness refusals, conflicts and the terminal-state rule.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'chai';
import { Connection } from '@jsforce/jsforce-node';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../../emulators/partner-center/server.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { validateConfig, type PcsyncConfig } from '../../../src/config/index.js';
import { runSync, type SyncOptions } from '../../../src/sync/engine.js';
import { OPP } from '../../../src/salesforce/fields.js';
import { clientsFor } from '../partner-center/helpers.js';
import { bookkeepingWrites, clearRequestLog, dataWrites, requestsNaming } from '../../helpers/salesforce-emulator.js';
import { assignPermissionSet } from '../../../scripts/assign-permset.js';

/** Data writes: token requests to the sign-in endpoints are not writes. */
const writes = (counters: Record<string, number>): number =>
  Object.entries(counters)
    .filter(([key]) => /^(POST|PATCH|PUT|DELETE) /.test(key) && !/token|devicecode/.test(key))
    .reduce((sum, [, n]) => sum + n, 0);

describe('sync engine against both emulators', function () {
  this.timeout(120_000);
  let pc: PartnerCenterEmulator;
  let sf: SalesforceEmulator;
  let connection: Connection;
  let config: PcsyncConfig;

  before(async () => {
    pc = await startPartnerCenterEmulator({ port: 0 });
    sf = await startSalesforceEmulator({
      port: 0,
      loadMetadata: true,
    });
    connection = new Connection({ instanceUrl: sf.url, accessToken: sf.accessToken, version: '64.0' });
    // The README's install (loadMetadata stands in for the deploy); reset({ keepSchema }) keeps the assignment.
    await assignPermissionSet(connection, 'Partner_Center_Integration', sf.username);
    config = validateConfig({});
  });
  beforeEach(() => {
    pc.reset();
    sf.reset({ keepSchema: true });
  });
  after(async () => {
    await pc?.close();
    await sf?.close();
  });

  const sync = (options: SyncOptions = {}): ReturnType<typeof runSync> =>
    runSync({ connection, client: clientsFor(pc).referrals, config }, options);

  const opportunities = (): Array<Record<string, unknown>> => sf.records('Opportunity');
  const byReferral = (id: string): Record<string, unknown> | undefined =>
    opportunities().find((row) => row[OPP.referralId] === id);

  it('imports incoming referrals as on-hold Opportunities with Accounts, Contacts and roles, in batches', async () => {
    pc.admin.seedReferrals(30, 'cosell');
    const result = await sync({ full: true });
    expect(result.summary.inbound.created).to.equal(30);
    expect(result.summary.inbound.error).to.equal(0);
    const rows = opportunities();
    expect(rows).to.have.length(30);
    expect(
      rows.every((row) => row.StageName === 'Prospecting' && row[OPP.state] === 'Synced' && row.AccountId)
    ).to.equal(true);
    expect(sf.records('Contact').length).to.be.greaterThan(0);
    expect(sf.records('OpportunityContactRole').length).to.equal(sf.records('Contact').length);
    expect(requestsNaming(sf.requests(), 'PATCH', 'composite/sobjects/Opportunity')).to.equal(1);
    expect(sf.records('Partner_Center_Sync_Run__c')).to.have.length(1);
    expect(sf.records('Partner_Center_Sync_Run__c')[0].Status__c).to.equal('Succeeded');
  });

  it('lets a window’s referrals go before its events are written: only the page being read still holds any', async () => {
    // Windows of 150 over pages of 100: when the first window's events are written, its first 100 referrals (the
    // first page, read through) are held by nothing the pass still needs.
    pc.admin.seedReferrals(300, 'cosell');
    const client = clientsFor(pc).referrals;
    const pages = client.pages.bind(client);
    const firstPage: Array<WeakRef<object>> = [];
    client.pages = async function* (query) {
      for await (const page of pages(query)) {
        if (firstPage.length === 0) firstPage.push(...page.value.map((referral) => new WeakRef(referral)));
        yield page;
      }
    };
    const request = connection.request.bind(connection);
    let held: number | undefined;
    connection.request = (async (info: Parameters<typeof request>[0], ...rest: unknown[]) => {
      const { url, method } = typeof info === 'string' ? { url: info, method: 'GET' } : info;
      if (held === undefined && method !== 'GET' && String(url).includes('Partner_Center_Sync_Event__c')) {
        setFlagsFromString('--expose-gc');
        (runInNewContext('gc') as () => void)();
        held = firstPage.filter((referral) => referral.deref() !== undefined).length;
      }
      return request(info, ...(rest as []));
    }) as typeof connection.request;
    try {
      const windowed = validateConfig({ sync: { windowSize: 150 } });
      const result = await runSync({ connection, client, config: windowed }, { full: true });
      expect(result.summary.inbound.created).to.equal(300);
    } finally {
      connection.request = request;
    }
    expect(firstPage).to.have.length(100);
    expect(held, 'referrals of the first page still held when its window’s events were written').to.equal(0);
  });

  it('an immediate second run writes nothing to either side but its run record', async () => {
    pc.admin.seedReferrals(10, 'cosell');
    await sync({ full: true });
    sf.resetCounters();
    pc.resetCounters();
    await clearRequestLog(sf);
    const second = await sync();
    expect(second.summary.inbound.created + second.summary.inbound.updated).to.equal(0);
    expect(second.summary.outbound.created + second.summary.outbound.updated).to.equal(0);
    expect(writes(pc.counters())).to.equal(0);
    // Its only writes: taking and releasing the lease, opening and closing its run record.
    expect(dataWrites(sf.requests())).to.equal(0);
    expect(bookkeepingWrites(sf.requests())).to.equal(4);
  });

  it('a Partner Center change arrives; a Salesforce edit goes out as a patch of only that field', async () => {
    const referral = pc.admin.createIncoming('cosell');
    await sync({ full: true });
    pc.admin.transition(referral.id, 'accept');
    const inbound = await sync();
    expect(inbound.summary.inbound.updated).to.equal(1);
    expect(byReferral(referral.id)?.StageName).to.equal('Qualification');
    expect(byReferral(referral.id)?.[OPP.substatus]).to.equal('Accepted');

    const row = byReferral(referral.id) as { Id: string };
    await connection.sobject('Opportunity').update({ Id: row.Id, Amount: 77_000 });
    pc.resetCounters();
    const outbound = await sync();
    expect(outbound.summary.outbound.updated).to.equal(1);
    expect(pc.admin.getReferral(referral.id).details.dealValue).to.equal(77_000);
    expect(pc.counters()['PATCH /referrals/{id}']).to.equal(1);

    // And nothing echoes back on the next run.
    pc.resetCounters();
    const quiet = await sync();
    expect(quiet.summary.inbound.updated + quiet.summary.outbound.updated).to.equal(0);
    expect(writes(pc.counters())).to.equal(0);
  });

  it('a rep flags Opportunities: a referral each, co-sell in two steps; a readiness failure makes no call', async () => {
    const [account] = await connection
      .sobject('Account')
      .create([{ Name: 'Fabrikam', BillingCountry: 'United States' }]);
    const [noCountry] = await connection.sobject('Account').create([{ Name: 'Nowhere Inc' }]);
    const [contact] = await connection
      .sobject('Contact')
      .create([{ LastName: 'Buyer', Email: 'buyer@fabrikam.example', AccountId: account.id }]);
    const base = {
      StageName: 'Qualification',
      CloseDate: '2027-01-31',
      Amount: 5000,
      [OPP.syncWith]: true,
      [OPP.solutions]: 'SOL-34104-EBB',
    };
    const created = await connection.sobject('Opportunity').create([
      { ...base, Name: 'Plain deal', AccountId: account.id },
      { ...base, Name: 'Co-sell deal', AccountId: account.id, [OPP.help]: 'Proof of concept or demo' },
      { ...base, Name: 'No country', AccountId: noCountry.id },
    ]);
    await connection
      .sobject('OpportunityContactRole')
      .create({ OpportunityId: created[1].id, ContactId: contact.id, IsPrimary: true });
    pc.resetCounters();

    const result = await sync({ direction: 'outbound' });
    expect(result.summary.outbound.created).to.equal(2);
    expect(result.summary.outbound.error).to.equal(1);
    expect(pc.counters()['POST /referrals']).to.equal(3);
    const rows = new Map(opportunities().map((row) => [row.Name, row]));
    expect(rows.get('Plain deal')?.[OPP.state]).to.equal('Synced');
    expect(rows.get('Plain deal')?.[OPP.referralId]).to.be.a('string');
    const coSell = pc.admin.getReferral(String(rows.get('Co-sell deal')?.[OPP.referralId]));
    expect(coSell.externalReferenceId).to.equal(created[1].id);
    expect(coSell.customerProfile.address?.country).to.equal('US');
    expect(rows.get('No country')?.[OPP.state]).to.equal('Error');
    expect(String(rows.get('No country')?.[OPP.error])).to.include('Billing Country');
  });

  it('a same-field edit on both sides: the owner decides, manual parks the record in Conflict', async () => {
    const referral = pc.admin.createIncoming('cosell');
    pc.admin.transition(referral.id, 'accept');
    await sync({ full: true });
    const row = byReferral(referral.id) as { Id: string };

    config = validateConfig({
      mapping: [{ partnerCenter: 'details.dealValue', salesforce: 'Amount', owner: 'manual' }],
    });
    try {
      await sync({ full: true });
      await connection.sobject('Opportunity').update({ Id: row.Id, Amount: 1 });
      await clientsFor(pc).referrals.update(referral.id, [{ op: 'replace', path: '/details/dealValue', value: 2 }]);
      const result = await sync();
      expect(result.summary.inbound.conflict + result.summary.outbound.conflict).to.be.greaterThan(0);
      expect(byReferral(referral.id)?.[OPP.state]).to.equal('Conflict');
      expect(pc.admin.getReferral(referral.id).details.dealValue).to.equal(2);
      expect(byReferral(referral.id)?.Amount).to.equal(1);
    } finally {
      config = validateConfig({});
    }
  });

  it('a terminal-state referral is never patched', async () => {
    const referral = pc.admin.createIncoming('cosell');
    pc.admin.transition(referral.id, 'accept');
    pc.admin.transition(referral.id, 'win');
    await sync({ full: true });
    const row = byReferral(referral.id) as { Id: string };
    expect(row && byReferral(referral.id)?.StageName).to.equal('Closed Won');
    await connection.sobject('Opportunity').update({ Id: row.Id, Amount: 123 });
    pc.resetCounters();
    const result = await sync();
    expect(result.summary.outbound.skipped).to.equal(1);
    expect(pc.counters()['PATCH /referrals/{id}'] ?? 0).to.equal(0);
  });

  it('--dry-run writes nothing anywhere', async () => {
    pc.admin.seedReferrals(5, 'cosell');
    sf.resetCounters();
    pc.resetCounters();
    await clearRequestLog(sf);
    const result = await sync({ full: true, dryRun: true });
    expect(result.summary.inbound.created).to.equal(5);
    expect(result.records[0].changes.length).to.be.greaterThan(0);
    expect(dataWrites(sf.requests()) + bookkeepingWrites(sf.requests())).to.equal(0);
    expect(writes(pc.counters())).to.equal(0);
    expect(opportunities()).to.have.length(0);
  });

  it('20 flagged Opportunities become 20 referrals; the 10 asking for help as co-sell in two steps', async () => {
    const [account] = await connection.sobject('Account').create([{ Name: 'Litware', BillingCountryCode: 'DE' }]);
    const [contact] = await connection
      .sobject('Contact')
      .create([{ LastName: 'Buyer', Email: 'buyer@litware.example', AccountId: account.id }]);
    const flagged = Array.from({ length: 20 }, (_, i) => ({
      Name: `Flagged ${i}`,
      StageName: 'Qualification',
      CloseDate: '2027-02-28',
      Amount: 1000 * (i + 1),
      AccountId: account.id,
      [OPP.syncWith]: true,
      [OPP.solutions]: 'SOL-34104-EBB',
      ...(i < 10 ? { [OPP.help]: 'Quotes or licensing' } : {}),
    }));
    const created = await connection.sobject('Opportunity').create(flagged);
    await connection
      .sobject('OpportunityContactRole')
      .create(created.slice(0, 10).map((r) => ({ OpportunityId: r.id, ContactId: contact.id, IsPrimary: true })));
    pc.resetCounters();
    const result = await sync({ direction: 'outbound' });
    expect(result.summary.outbound.created).to.equal(20);
    expect(pc.counters()['POST /referrals']).to.equal(30);
    const rows = opportunities();
    expect(new Set(rows.map((row) => row[OPP.referralId])).size).to.equal(20);
    const coSell = pc.admin.getReferral(String(rows.find((row) => row.Name === 'Flagged 0')?.[OPP.referralId]));
    expect(coSell.inviteContext?.assistanceRequestCode).to.equal('QuotesOrLicensing');
    expect(coSell.customerProfile.team?.[0]?.email).to.equal('buyer@litware.example');
    // A rerun creates nothing more.
    pc.resetCounters();
    const again = await sync({ full: true });
    expect(again.summary.outbound.created).to.equal(0);
    expect(pc.counters()['POST /referrals'] ?? 0).to.equal(0);
    expect(
      pc.counters()['PATCH /referrals/{id}'] ?? 0,
      JSON.stringify(again.records.filter((r) => r.outcome !== 'unchanged'))
    ).to.equal(0);
  });

  for (const [owner, winner] of [
    ['salesforce', 'Salesforce'],
    ['partnerCenter', 'Partner Center'],
  ] as const) {
    it(`a same-field edit on both sides with owner ${owner}: ${winner}'s value wins on both sides`, async () => {
      const referral = pc.admin.createIncoming('cosell');
      pc.admin.transition(referral.id, 'accept');
      config = validateConfig({
        mapping: [{ partnerCenter: 'details.dealValue', salesforce: 'Amount', owner }],
      });
      try {
        await sync({ full: true });
        const row = byReferral(referral.id) as { Id: string };
        await connection.sobject('Opportunity').update({ Id: row.Id, Amount: 111 });
        await clientsFor(pc).referrals.update(referral.id, [{ op: 'replace', path: '/details/dealValue', value: 222 }]);
        await sync();
        const expected = owner === 'salesforce' ? 111 : 222;
        expect(byReferral(referral.id)?.Amount).to.equal(expected);
        expect(pc.admin.getReferral(referral.id).details.dealValue).to.equal(expected);
        expect(byReferral(referral.id)?.[OPP.state]).to.equal('Synced');
      } finally {
        config = validateConfig({});
      }
    });
  }

  it('a 412 mid-run: re-reads the referral, merges again and retries once', async () => {
    const referral = pc.admin.createIncoming('cosell');
    pc.admin.transition(referral.id, 'accept');
    await sync({ full: true });
    const row = byReferral(referral.id) as { Id: string };
    await connection.sobject('Opportunity').update({ Id: row.Id, Amount: 4242 });

    // Someone at Microsoft edits the notes between our read and our patch.
    const client = clientsFor(pc).referrals;
    const update = client.update.bind(client);
    let interfered = false;
    client.update = async (id, operations, options) => {
      if (!interfered) {
        interfered = true;
        await clientsFor(pc).referrals.update(id, [
          { op: 'replace', path: '/details/notes', value: 'edited at Microsoft' },
        ]);
      }
      return update(id, operations, options);
    };
    pc.resetCounters();
    const result = await runSync({ connection, client, config }, { direction: 'outbound' });
    expect(result.summary.outbound.updated).to.equal(1);
    expect(pc.counters()['PATCH /referrals/{id}']).to.equal(3); // the interfering edit, the 412, the retry
    const now = pc.admin.getReferral(referral.id);
    expect(now.details.dealValue).to.equal(4242);
    expect(now.details.notes).to.equal('edited at Microsoft');
  });
});
