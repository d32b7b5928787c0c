/**
 * A backfill above sync.bulkThreshold through the real sf CLI (issue 16): Accounts, Contacts, contact roles, the
 * Opportunities and the run's events each go in one Bulk API 2.0 job, and the outbound pass reads the Opportunities
 * back in one Bulk API 2.0 query job; every record exists exactly once on both sides, and the read-back finds nothing
 * to send; a customer the org's standard duplicate rule matches is linked to the existing Account, not duplicated
 * and not failed; the run makes at most 1.10× the fewest Salesforce requests such a backfill can; and a second run
 * writes nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { EVENT, OPP, RUN } from '../../src/salesforce/fields.js';
import { isWrite } from '../helpers/salesforce-emulator.js';
import { startSyncWorld, type SyncWorld } from '../helpers/sync-world.js';

type Row = Record<string, unknown>;

const SEEDED = 120;
const THRESHOLD = 50;
/** Bookkeeping writes every run makes: the org's sync lease and the run record. */
const BOOKKEEPING = new RegExp(`/(${RUN.object}|Partner_Center_Sync_Lease__c)\\b`);

describe('e2e: a backfill above sync.bulkThreshold goes through Bulk API 2.0', function () {
  this.timeout(600_000);
  let world: SyncWorld;
  let config: string;

  before(async () => {
    world = await startSyncWorld(); // the standard duplicate rules active, as in a new org
    config = path.join(mkdtempSync(path.join(tmpdir(), 'pcsync-bulk-')), 'pcsync.json');
    writeFileSync(config, JSON.stringify({ sync: { bulkThreshold: THRESHOLD } }));
  });
  after(async () => {
    await world?.close();
  });

  it('writes every record once, in one job per object, links the duplicate rule match, and a second run writes nothing', async () => {
    const existing = await world.rest('POST', '/sobjects/Account', {
      Name: 'Northwind Traders Inc.',
      BillingStreet: '1 Pike St',
      BillingCity: 'Seattle',
      BillingCountryCode: 'US',
      BillingStateCode: 'WA',
    });
    const northwind = world.pc.admin.createIncoming('cosell', {
      customerProfile: {
        name: 'Northwind Traders',
        address: { addressLine1: '1 Pike St', city: 'Seattle', state: 'WA', country: 'US' },
        team: [{ firstName: 'Ada', lastName: 'Buyer', email: 'buyer@northwind.example' }],
      },
    });
    world.pc.admin.seedReferrals(SEEDED, 'cosell');
    const referrals = world.pc.admin.referrals();
    const emails = referrals.map(
      (referral) => new Set((referral.customerProfile?.team ?? []).flatMap((m) => (m.email ? [m.email] : [])))
    );
    const contacts = new Set(emails.flatMap((set) => [...set].map((email) => email.toLowerCase())));
    const roles = emails.reduce((sum, set) => sum + set.size, 0);
    expect(referrals).to.have.length(SEEDED + 1);
    expect(contacts.size, 'the seeded customers have contacts').to.be.greaterThan(THRESHOLD);
    world.sf.resetCounters();
    world.pc.resetCounters();

    const first = await world.run('--full', '--config', config);
    expect(first.exitCode, first.stdout + first.stderr).to.equal(0);
    expect(first.json.result?.summary.inbound).to.include({ created: SEEDED + 1, error: 0 });
    // The outbound pass read back every Opportunity the run wrote (a query job: more than the threshold) and found
    // each equal to its referral: nothing to send, no error — a row read wrong would differ from its snapshot.
    expect(first.json.result?.summary.outbound).to.include({ created: 0, updated: 0, conflict: 0, error: 0 });
    // Partner Center saw the sign-in and the listing only: no referral read, no write.
    expect(Object.keys(world.pc.counters()).sort()).to.deep.equal(['GET /referrals', 'POST /token']);

    const census = await world.census();
    expect(census.opportunities).to.equal(SEEDED + 1);
    expect(census.accounts, 'one Account per customer, the matched one reused').to.equal(SEEDED + 1);
    expect(census.contacts).to.equal(contacts.size);
    expect(census.contactRoles).to.equal(roles);
    const opportunities = world.sf.records('Opportunity') as Row[];
    expect(new Set(opportunities.map((row) => row[OPP.referralId])).size).to.equal(SEEDED + 1);
    expect(opportunities.every((row) => row.AccountId)).to.equal(true);
    const events = world.sf.records(EVENT.object) as Row[];
    expect(events).to.have.length(SEEDED + 1);
    expect(new Set(events.map((row) => row[EVENT.referralId])).size).to.equal(SEEDED + 1);

    // The customer the duplicate rule matched: linked to the Account that was there, and said so.
    const linked = opportunities.find((row) => row[OPP.referralId] === northwind.id);
    expect(linked?.AccountId).to.equal(existing.id);
    expect(world.sf.records('Account').filter((row) => /northwind/i.test(String(row.Name)))).to.have.length(1);
    const event = events.find((row) => row[EVENT.referralId] === northwind.id);
    expect(String(event?.[EVENT.message])).to.include('duplicate rule');

    // Accounts, Contacts, Opportunities, contact roles and events: one job each. The one collection create is the
    // row the duplicate rule refused in the Account job, sent again so the answer names the matched Account.
    const counters = world.sf.counters();
    expect(counters['POST /jobs/ingest']).to.equal(5);
    expect(counters['PUT /jobs/ingest/{id}/batches']).to.equal(5);
    expect(counters['POST /composite/sobjects']).to.equal(1);
    expect(counters['PATCH /composite/sobjects/{type}/{field}'] ?? 0).to.equal(0);
    // The outbound read: one query job, its results read in one page.
    expect(counters['POST /jobs/query']).to.equal(1);
    expect(counters['GET /jobs/query/{id}/results']).to.equal(1);

    // The fewest Salesforce requests this backfill can make, from its input sizes (issue 16): per object it writes
    // (each above the threshold) one Bulk API 2.0 ingest job — create, upload, UploadComplete, one status poll, the
    // successful results (Bulk API 2.0 Developer Guide, "Ingest jobs") — and for the one customer the duplicate rule
    // refuses, one collection create whose answer names the matched record (Bulk API results name none) and says
    // why it failed, so the job's failed results need no read; one query each for the Opportunities, Accounts and
    // Contacts the rows pair with; one describe of the objects written (field-level security and missing fields
    // known before writing); the outbound read of every Opportunity written — above the threshold, like the writes,
    // one query job: create, one status poll, one results page (Bulk API 2.0 Developer Guide, "Query Jobs"); taking
    // and releasing the lease, opening and closing the run record. The CLI signs in with the alias's token, so no
    // sign-in request is among them.
    const written = [SEEDED + 1, SEEDED, contacts.size, roles, SEEDED + 1];
    expect(Math.min(...written), 'every object above the threshold').to.be.greaterThan(THRESHOLD);
    const minimum = written.length * 5 + 1 + 3 + 1 + 3 + 4;
    const made = Object.values(counters).reduce((sum, n) => sum + n, 0);
    expect(made, JSON.stringify(counters)).to.be.at.most(Math.floor(minimum * 1.1));

    world.sf.resetCounters();
    const since = world.sf.requests().at(-1)?.seq ?? 0;
    const second = await world.run('--config', config);
    expect(second.exitCode, second.stdout + second.stderr).to.equal(0);
    const writes = world.sf
      .requests()
      .filter((entry) => entry.seq > since && isWrite(entry) && !BOOKKEEPING.test(entry.path));
    expect(writes.map((entry) => `${entry.method} ${entry.path}`)).to.deep.equal([]);
    const again = await world.census();
    expect([again.opportunities, again.accounts, again.contacts, again.contactRoles]).to.deep.equal([
      census.opportunities,
      census.accounts,
      census.contacts,
      census.contactRoles,
    ]);
    expect(world.sf.records(EVENT.object)).to.have.length(SEEDED + 1);
  });
});
