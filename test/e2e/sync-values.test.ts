/**
 * Values fitted to their target, and referrals that are gone or that change while they are read (issue 13), through
 * the real sf CLI: text longer than its field is cut with a note, a number too large for its field is refused before
 * any write, a long Description goes out and comes back without overflowing the snapshot, a referral Partner Center
 * no longer has ends in one terminal error, and a referral changed while the pages are read is not skipped.
 */
import { expect } from 'chai';
import type { RunResult } from '../../src/commands/pcsync/run.js';
import { EVENT, OPP } from '../../src/salesforce/fields.js';
import { dataWrites, clearRequestLog } from '../helpers/salesforce-emulator.js';
import { sharedSyncWorld } from '../helpers/suite-hooks.js';
import { until } from '../helpers/sync-world.js';
import { clientsFor } from '../unit/partner-center/helpers.js';

type Row = Record<string, unknown>;

describe('e2e: values fitted to their target; gone and moving referrals', function () {
  this.timeout(300_000);
  const world = sharedSyncWorld({}, { checkSecrets: false });

  const opportunityOf = (id: string): Row | undefined =>
    world.sf.records('Opportunity').find((row) => row[OPP.referralId] === id);
  const eventsOf = (id: string): Row[] => world.sf.records(EVENT.object).filter((row) => row[EVENT.referralId] === id);

  it('text longer than its field is cut to fit, with a note; the next run writes nothing', async () => {
    const referral = world.pc.admin.createIncoming('cosell', {
      name: `Renewal ${'x'.repeat(300)}`,
      customerProfile: {
        name: `Contoso ${'y'.repeat(300)}`,
        address: { country: 'US' },
        team: [{ firstName: 'Ada', lastName: 'Long', email: 'ada.long@contoso.example' }],
      },
      details: { notes: 'n'.repeat(40_000), dealValue: 1000, currency: 'USD' },
    });
    const first = await world.run('--full');
    expect(first.exitCode, first.stdout).to.equal(0);
    const row = opportunityOf(referral.id) as Row;
    expect(String(row.Name)).to.have.length(120);
    expect(String(row.Description)).to.have.length(32_000);
    const account = world.sf.records('Account').find((a) => a.Id === row.AccountId);
    expect(String(account?.Name)).to.have.length(255);
    expect(String(row[OPP.audit])).to.include('cut from 40000 to 32000 characters');
    expect(String(eventsOf(referral.id)[0]?.[EVENT.message])).to.include('cut from');
    // The snapshot holds digests of the long values, so it fits its field.
    expect(String(row[OPP.snapshot]).length).to.be.below(32_768);

    await clearRequestLog(world.sf);
    const second = await world.run();
    expect(second.exitCode, second.stdout).to.equal(0);
    expect(dataWrites(world.sf.requests())).to.equal(0);
  });

  it('a deal value too large for Amount is refused up front: nothing is half-written, and the reason is given', async () => {
    const fresh = world.pc.admin.createIncoming('cosell', { details: { dealValue: 1e20, currency: 'USD' } });
    const refused = await world.run('--full');
    expect(refused.exitCode).to.equal(1);
    expect(opportunityOf(fresh.id)).to.equal(undefined);
    const outcome = (refused.json.result as RunResult).records.find((r) => r.referralId === fresh.id);
    expect(outcome?.outcome).to.equal('error');
    expect(outcome?.message).to.include('Amount');

    // An existing Opportunity keeps its values; its record says why, once.
    const synced = world.pc.admin.createIncoming('cosell');
    world.pc.admin.transition(synced.id, 'accept');
    expect((await world.run('--referral-id', synced.id)).exitCode).to.equal(0);
    const before = opportunityOf(synced.id) as Row;
    await clientsFor(world.pc).referrals.update(synced.id, [
      { op: 'replace', path: '/details/dealValue', value: 1e20 },
    ]);
    const second = await world.run('--referral-id', synced.id);
    expect(second.exitCode).to.equal(1);
    const after = opportunityOf(synced.id) as Row;
    expect(after.Amount).to.equal(before.Amount);
    expect(after[OPP.state]).to.equal('Error');
    expect(String(after[OPP.error])).to.include('Amount');
    const events = eventsOf(synced.id).length;
    expect((await world.run('--referral-id', synced.id)).exitCode).to.equal(1);
    expect(eventsOf(synced.id)).to.have.length(events);
  });

  it('a Description longer than 16,000 characters goes out and is written back', async () => {
    const [id] = await world.flag(1);
    await world.rest('PATCH', `/sobjects/Opportunity/${id}`, { Description: 'd'.repeat(20_000) });
    const result = await world.run('--direction', 'outbound');
    expect(result.exitCode, result.stdout).to.equal(0);
    const row = world.sf.records('Opportunity').find((r) => r.Id === id) as Row;
    expect(row[OPP.state]).to.equal('Synced');
    expect(world.pc.admin.getReferral(String(row[OPP.referralId])).details.notes).to.have.length(20_000);
    await clearRequestLog(world.sf);
    expect((await world.run('--direction', 'outbound')).exitCode).to.equal(0);
    expect(dataWrites(world.sf.requests())).to.equal(0);
  });

  it('a referral Partner Center no longer has ends in one terminal error, with one event, and costs nothing after', async () => {
    const [id] = await world.flag(1);
    // The Opportunity names a referral that does not exist (deleted in Partner Center).
    await world.rest('PATCH', `/sobjects/Opportunity/${id}`, { [OPP.referralId]: 'gone-referral-1', Amount: 5 });
    const first = await world.run('--direction', 'outbound');
    expect(first.exitCode).to.equal(1);
    const row = world.sf.records('Opportunity').find((r) => r.Id === id) as Row;
    expect(row[OPP.state]).to.equal('Error');
    expect(String(row[OPP.error])).to.include('no longer exists');
    expect(eventsOf('gone-referral-1')).to.have.length(1);
    world.pc.resetCounters();
    for (let i = 0; i < 2; i++) await world.run('--direction', 'outbound');
    await world.run('--referral-id', 'gone-referral-1');
    expect(world.pc.counters()['GET /referrals/{id}'] ?? 0).to.equal(1); // the --referral-id read only
    expect(eventsOf('gone-referral-1')).to.have.length(1);
  });

  it('a referral that changes while the pages are read is not skipped, and its change arrives next run', async () => {
    world.pc.admin.seedReferrals(250, 'cosell');
    world.pc.setFaults({ latencyMs: 300 });
    const run = world.run('--direction', 'inbound', '--full');
    // Once the first page is answered, Microsoft's side accepts the five oldest referrals (on the last page).
    await until(() => (world.pc.counters()['GET /referrals'] ?? 0) >= 1, 60_000, 'the first page');
    const oldest = (await listAll()).slice(0, 5);
    for (const referral of oldest) world.pc.admin.transition(referral.id, 'accept');
    const first = await run;
    world.pc.setFaults({ latencyMs: 0 });
    expect(first.exitCode, first.stdout).to.equal(0);
    expect(world.sf.records('Opportunity')).to.have.length(250);
    expect((await world.run('--direction', 'inbound')).exitCode).to.equal(0);
    for (const referral of oldest) expect(opportunityOf(referral.id)?.StageName).to.equal('Qualification');
  });

  /** Every referral, oldest first (from the emulator's store: no request of the sync's is counted). */
  async function listAll(): Promise<Array<{ id: string; updatedDateTime: string }>> {
    return Promise.resolve(
      [...world.pc.admin.referrals()].sort((a, b) => a.updatedDateTime.localeCompare(b.updatedDateTime))
    );
  }
});
