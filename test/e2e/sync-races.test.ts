/**
 * Edits that land while a run is between its read and its write (issue 13): a rep's edit is never overwritten by an
 * inbound write, a Partner Center change is never overwritten by an outbound patch, and a status Microsoft changes
 * while the outbound pass runs still reaches the stage. The emulators' injected latency opens the window; the test
 * makes its edit inside it, at a point it reads from the emulators' request logs. (Salesforce has no conditional
 * update for Opportunity: an edit in the one round trip between the sync's last check and its write cannot be seen.)
 */
import { expect } from 'chai';
import type { Referral } from '../../src/partner-center/referral-types.js';
import { OPP } from '../../src/salesforce/fields.js';
import { sharedSyncWorld } from '../helpers/suite-hooks.js';
import { until } from '../helpers/sync-world.js';
import { clientsFor } from '../unit/partner-center/helpers.js';

describe('e2e: edits that land during a run', function () {
  this.timeout(300_000);
  const world = sharedSyncWorld();

  const opportunityOf = (referral: Pick<Referral, 'id'>): Record<string, unknown> =>
    world.sf.records('Opportunity').find((row) => row[OPP.referralId] === referral.id) as Record<string, unknown>;
  const sfQueries = (): number => world.sf.requests().filter((entry) => entry.key === 'GET /query').length;
  const pcCount = (endpoint: string): number => world.pc.counters()[endpoint] ?? 0;

  it("a rep's edit made after the inbound read is kept, and goes to Partner Center (owner salesforce)", async () => {
    const referral = world.pc.admin.createIncoming('cosell');
    world.pc.admin.transition(referral.id, 'accept');
    expect((await world.run('--full')).exitCode).to.equal(0);
    const row = opportunityOf(referral);
    // Partner Center changes the deal value, so the next inbound pass plans to write Amount.
    await clientsFor(world.pc).referrals.update(referral.id, [
      { op: 'replace', path: '/details/dealValue', value: 2222 },
    ]);
    // Queries are slow: the rep saves after the pass has read the Opportunity, before its check before the write.
    world.sf.setLatency(1500, '/query$');
    const before = { list: pcCount('GET /referrals'), queries: sfQueries() };
    const run = world.run();
    // The Opportunity read is the run's first query after the referral listing (the watermarks come in Composite
    // requests): once it is answered, the rep saves — while the check before the write waits on its latency.
    await until(
      () => pcCount('GET /referrals') > before.list && sfQueries() >= before.queries + 1,
      60_000,
      'the inbound read of the Opportunity'
    );
    await world.rest('PATCH', `/sobjects/Opportunity/${String(row.Id)}`, { Amount: 3333 });
    const result = await run;
    world.sf.setLatency(0);
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(opportunityOf(referral).Amount).to.equal(3333);
    expect(opportunityOf(referral)[OPP.state]).to.equal('Synced');
    expect(world.pc.admin.getReferral(referral.id).details.dealValue).to.equal(3333);
  });

  it('a Partner Center change made between the outbound read and the patch: 412, read again, both kept', async () => {
    const referral = world.pc.admin.createIncoming('cosell');
    expect((await world.run('--full')).exitCode).to.equal(0);
    const row = opportunityOf(referral);
    await world.rest('PATCH', `/sobjects/Opportunity/${String(row.Id)}`, { Amount: 4444 });
    world.pc.setFaults({ latencyMs: 700 });
    const reads = pcCount('GET /referrals/{id}');
    const run = world.run('--direction', 'outbound');
    // The outbound pass has read the referral and sent its patch (held by the latency): Partner Center changes the
    // referral first (Microsoft's side accepts it), so the patch's If-Match is stale.
    await until(() => pcCount('GET /referrals/{id}') > reads, 60_000, 'the outbound read of the referral');
    world.pc.admin.transition(referral.id, 'accept');
    const result = await run;
    world.pc.setFaults({ latencyMs: 0 });
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(world.pc.requests().filter((entry) => entry.status === 412)).to.have.length(1);
    const after = world.pc.admin.getReferral(referral.id);
    expect([after.details.dealValue, after.status, after.substatus]).to.deep.equal([4444, 'Active', 'Accepted']);
    expect((await world.run()).exitCode).to.equal(0);
    expect([opportunityOf(referral).Amount, opportunityOf(referral).StageName]).to.deep.equal([4444, 'Qualification']);
  });

  it('Microsoft accepts while the outbound pass runs: the stage still follows, and stays followed', async () => {
    const referral = world.pc.admin.createIncoming('cosell');
    expect((await world.run('--full')).exitCode).to.equal(0);
    const row = opportunityOf(referral);
    expect(row.StageName).to.equal('Prospecting');
    // A rep's edit makes the outbound pass read and patch the referral.
    await world.rest('PATCH', `/sobjects/Opportunity/${String(row.Id)}`, { Amount: 5555 });
    world.pc.setFaults({ latencyMs: 700 });
    const lists = pcCount('GET /referrals');
    const run = world.run();
    // After the inbound listing (which saw it still New), Microsoft's side accepts it.
    await until(() => pcCount('GET /referrals') > lists, 60_000, 'the inbound listing');
    world.pc.admin.transition(referral.id, 'accept');
    const first = await run;
    world.pc.setFaults({ latencyMs: 0 });
    expect(first.exitCode, first.stderr).to.equal(0);
    expect(world.pc.admin.getReferral(referral.id).details.dealValue).to.equal(5555);
    // The outbound write-back did not claim the new status as agreed: the next run moves the stage.
    expect((await world.run()).exitCode).to.equal(0);
    expect(opportunityOf(referral).StageName).to.equal('Qualification');
    expect((await world.run('--full')).exitCode).to.equal(0);
    expect(opportunityOf(referral).StageName).to.equal('Qualification');
  });
});
