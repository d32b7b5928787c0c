/**
 * A backfill over several windows of the listing (sync.windowSize, issue 16), through the real sf CLI: each window is
 * planned and written before the next page is read, and the outbound pass then reads and settles the Opportunities in
 * windows of the same size, so memory is bounded by the window; yet every Opportunity, Account, Contact, contact role
 * and event is written once — a customer met in the first window and in the last has one Account — and a run killed
 * between windows reruns to the same counts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Referral } from '../../emulators/partner-center/contract.js';
import { EVENT, OPP } from '../../src/salesforce/fields.js';
import { startSyncWorld, until, type SyncWorld } from '../helpers/sync-world.js';

type Row = Record<string, unknown>;

const SEEDED = 150;
/** Smaller than the emulator's page of 100: two windows come from the first page, before the second is read. */
const WINDOW = 40;
const SHARED = {
  name: 'Contoso Shared Customer',
  address: { addressLine1: '9 Main St', city: 'Boston', state: 'MA', country: 'US' },
  team: [{ firstName: 'Sam', lastName: 'Shared', email: 'sam@contoso-shared.example' }],
};

describe('e2e: a backfill in windows of the listing', function () {
  this.timeout(600_000);
  let world: SyncWorld;
  let config: string;

  before(async () => {
    // Distinct seeded customers stay distinct (sync-bulk.test.ts covers the duplicate rules).
    world = await startSyncWorld({ sf: { duplicateRules: false } });
    config = path.join(mkdtempSync(path.join(tmpdir(), 'pcsync-windows-')), 'pcsync.json');
    writeFileSync(config, JSON.stringify({ sync: { windowSize: WINDOW } }));
  });
  beforeEach(() => {
    world.pc.reset();
    world.sf.reset({ keepSchema: true });
  });
  after(async () => {
    await world?.close();
  });

  /** The listing: the shared customer's oldest referral, the seeded ones, then its newest (first and last window). */
  function seed(): Referral[] {
    const day = 86_400_000;
    world.pc.admin.createIncoming('cosell', {
      customerProfile: SHARED,
      updatedDateTime: new Date(Date.now() - day).toISOString(),
    });
    world.pc.admin.seedReferrals(SEEDED, 'cosell');
    world.pc.admin.createIncoming('cosell', { customerProfile: SHARED });
    return world.pc.admin.referrals();
  }

  /** What the org must hold after the backfill, from the referrals alone. */
  function expected(referrals: Referral[]): { contacts: number; roles: number; customers: number } {
    const emails = referrals.map(
      (referral) => new Set((referral.customerProfile?.team ?? []).flatMap((m) => (m.email ? [m.email] : [])))
    );
    return {
      contacts: new Set(emails.flatMap((set) => [...set].map((email) => email.toLowerCase()))).size,
      roles: emails.reduce((sum, set) => sum + set.size, 0),
      customers: new Set(referrals.map((referral) => referral.customerProfile?.name?.toLowerCase())).size,
    };
  }

  async function expectEachOnce(referrals: Referral[]): Promise<void> {
    const want = expected(referrals);
    const census = await world.census();
    expect(census.opportunities).to.equal(referrals.length);
    expect(census.accounts, 'one Account per customer across windows').to.equal(want.customers);
    expect(census.contacts).to.equal(want.contacts);
    expect(census.contactRoles).to.equal(want.roles);
    const opportunities = world.sf.records('Opportunity') as Row[];
    expect(new Set(opportunities.map((row) => row[OPP.referralId])).size).to.equal(referrals.length);
    expect(opportunities.every((row) => row.AccountId && row[OPP.state] === 'Synced')).to.equal(true);
    const shared = referrals.filter((referral) => referral.customerProfile?.name === SHARED.name).map((r) => r.id);
    const accounts = new Set(
      opportunities.filter((row) => shared.includes(String(row[OPP.referralId]))).map((r) => r.AccountId)
    );
    expect(shared).to.have.length(2);
    expect(accounts.size, 'the first and the last window share one Account').to.equal(1);
    // Partner Center's side: the inbound pass made no referral of its own and left every one as it was.
    expect(world.pc.admin.referrals()).to.have.length(referrals.length);
  }

  it('writes each window before reading on, and every record once on both sides', async () => {
    const referrals = seed();
    const lists = (): number => world.pc.counters()['GET /referrals'] ?? 0;
    const upserts = (): number =>
      world.sf.requests().filter((entry) => entry.method === 'PATCH' && entry.path.includes('/Opportunity/')).length;
    const running = world.run('--full', '--config', config);
    // The first window's Opportunities are written while the listing is still on its first page.
    const listedAtFirstWrite = await until(() => upserts() >= 1 && { pages: lists() }, 120_000, 'a first write');
    const first = await running;
    expect(first.exitCode, first.stdout + first.stderr).to.equal(0);
    expect(listedAtFirstWrite.pages, 'list pages read before the first window was written').to.equal(1);
    expect(upserts(), 'one Opportunity upsert per window').to.equal(Math.ceil(referrals.length / WINDOW));

    expect(first.json.result?.summary.inbound).to.include({ created: referrals.length, error: 0, unchanged: 0 });
    // Over several windows the run keeps counts and failures, not every referral's outcome: none failed here.
    const inbound = (first.json.result?.records ?? []).filter((record) => record.direction === 'inbound');
    expect(inbound).to.deep.equal([]);
    // The outbound pass reads the Opportunities just made in windows too: each counted, none kept to the end.
    expect(first.json.result?.summary.outbound).to.include({ unchanged: referrals.length, error: 0 });
    expect(first.json.result?.records, 'no record of either pass kept').to.deep.equal([]);
    await expectEachOnce(referrals);
    const events = world.sf.records(EVENT.object) as Row[];
    expect(events).to.have.length(referrals.length);
    expect(new Set(events.map((row) => row[EVENT.key])).size).to.equal(referrals.length);
    expect(new Set(events.map((row) => row[EVENT.referralId])).size).to.equal(referrals.length);

    const second = await world.run('--config', config);
    expect(second.exitCode, second.stdout + second.stderr).to.equal(0);
    expect(second.json.result?.summary.inbound.created).to.equal(0);
    await expectEachOnce(referrals);
    expect(world.sf.records(EVENT.object)).to.have.length(referrals.length);
  });

  it('killed between windows: the rerun writes the rest, each record once', async () => {
    const referrals = seed();
    const eventWrites = (): number =>
      world.sf.requests().filter((entry) => entry.method !== 'GET' && entry.path.includes(`/${EVENT.object}/`)).length;
    world.sf.setLatency(100);
    const running = world.run('--full', '--config', config);
    await until(() => eventWrites() >= 1, 120_000, "the first window's events");
    world.session.killRunning();
    await running.catch(() => undefined);
    world.sf.setLatency(0);
    // Between windows: the first window written to its events, the rest not.
    const before = await world.census();
    expect(before.opportunities).to.be.within(WINDOW, referrals.length - WINDOW);

    const rerun = await world.run('--config', config);
    expect(rerun.exitCode, rerun.stdout + rerun.stderr).to.equal(0);
    await expectEachOnce(referrals);
    const events = world.sf.records(EVENT.object) as Row[];
    expect(new Set(events.map((row) => row[EVENT.referralId])).size, 'no referral with two events').to.equal(
      events.length
    );
    expect((await world.census()).runs).to.deep.equal({ Interrupted: 1, Succeeded: 1 });
  });
});
