/**
 * A run killed mid-way (SIGKILL, as a deploy or an OOM kill would), then run again (issue 13): the rerun finishes
 * what was started, from the state of the two systems. The kill point is read from the emulators' request logs, and
 * each test asserts the kill really happened mid-way before it checks the rerun.
 */
import { expect } from 'chai';
import type { RunResult } from '../../src/commands/pcsync/run.js';
import { OPP, RUN } from '../../src/salesforce/fields.js';
import { syncMessages } from '../../src/sync/messages.js';
import { sharedSyncWorld } from '../helpers/suite-hooks.js';
import { until } from '../helpers/sync-world.js';

describe('e2e: a run killed mid-way, then run again', function () {
  this.timeout(300_000);
  // The seeded customers share a street and a phone, so the standard duplicate rules (on by default) would link
  // each later one to an earlier one; this file is about finishing interrupted work (duplicates: sync-org.test.ts).
  const world = sharedSyncWorld({ sf: { duplicateRules: false } });

  it('killed after some referral creates: every Opportunity ends with one referral, every co-sell with one invitation', async () => {
    const ids = await world.flag(30, 2);
    world.pc.setFaults({ latencyMs: 150 });
    const run = world.run('--direction', 'outbound');
    await until(() => (world.pc.counters()['POST /referrals'] ?? 0) >= 9, 120_000, 'nine referral creates');
    world.session.killRunning();
    await run.catch(() => undefined);
    world.pc.setFaults({ latencyMs: 0 });
    // Mid-way: some referrals made, not all, and none written back yet.
    const before = await world.census();
    expect(before.ownReferrals + before.invitations).to.be.within(9, 44);
    expect(world.sf.records('Opportunity').filter((row) => row[OPP.referralId])).to.have.length.below(30);

    const rerun = await world.run('--direction', 'outbound');
    expect(rerun.exitCode, rerun.stderr).to.equal(0);
    const after = await world.census();
    const wrong = ids.filter((id, i) => {
      const held = after.referralsByOpportunity.get(id.slice(0, 15));
      return held?.own !== 1 || held.microsoft !== (i % 2 === 0 ? 1 : 0);
    });
    expect(wrong, `Opportunities with other than one referral: ${wrong.join(', ')}`).to.deep.equal([]);
    const summary = (rerun.json.result as RunResult).summary.outbound;
    // The ones the killed run had made are linked, not made again.
    expect(summary.linked).to.be.greaterThan(0);
    expect(summary.linked + summary.created).to.equal(30);
    expect(after.runs).to.deep.equal({ Interrupted: 1, Succeeded: 1 });
    // The killed run's record says its process stopped and who took over: not that its close was lost.
    const runs = world.sf.records(RUN.object);
    const key = String(runs.find((run) => run[RUN.status] === 'Succeeded')?.[RUN.key]);
    const message = String(runs.find((run) => run[RUN.status] === 'Interrupted')?.[RUN.message]);
    const [head, tail] = syncMessages.getMessage('run.interrupted', ['\u0000', key]).split('\u0000');
    expect(message.startsWith(head) && message.endsWith(tail), message).to.equal(true);
    expect(message).to.include('sf pcsync run (pid ');
  });

  it("killed between a co-sell's referral and Microsoft's invitation: the next full run sends the invitation", async () => {
    const [id] = await world.flag(1, 1);
    const mine = (): boolean =>
      world.pc.admin
        .referrals()
        .some(
          (r) => r.externalReferenceId?.slice(0, 15) === id.slice(0, 15) && !r.target?.some((t) => t.id === 'msft')
        );
    // The invitation waits out the latency after the referral is made: the kill lands between the two.
    world.pc.setFaults({ latencyMs: 1_000 });
    const run = world.run('--direction', 'outbound');
    await until(mine, 60_000, "the co-sell's own referral");
    world.session.killRunning();
    await run.catch(() => undefined);
    world.pc.setFaults({ latencyMs: 0 });
    const before = await world.census();
    expect(before.referralsByOpportunity.get(id.slice(0, 15))).to.deep.equal({ own: 1, microsoft: 0 });
    expect(world.sf.records('Opportunity')[0][OPP.referralId] ?? null).to.equal(null);

    // Both directions, as a scheduled run goes: the inbound pass sees the partner's referral first.
    const rerun = await world.run();
    expect(rerun.exitCode, rerun.stderr).to.equal(0);
    const after = await world.census();
    expect(after.referralsByOpportunity.get(id.slice(0, 15))).to.deep.equal({ own: 1, microsoft: 1 });
    const [row] = world.sf.records('Opportunity');
    expect(row[OPP.state]).to.equal('Synced');
    expect(row[OPP.referralId]).to.be.a('string');
  });

  it('killed after the first batch of Opportunities: the rerun writes every Account, Contact and contact role', async () => {
    world.pc.admin.seedReferrals(300, 'cosell');
    world.sf.setLatency(100);
    const upserts = (): number =>
      world.sf
        .requests()
        .filter((entry) => entry.method === 'PATCH' && entry.path.includes('/composite/sobjects/Opportunity/')).length;
    const run = world.run('--direction', 'inbound', '--full');
    await until(() => upserts() >= 1, 120_000, 'the first batch of Opportunities');
    world.session.killRunning();
    await run.catch(() => undefined);
    world.sf.setLatency(0);
    // Mid-way: a batch of Opportunities written, their contact roles not.
    const before = await world.census();
    expect(before.opportunities).to.be.within(1, 299);
    expect(before.contactRoles).to.be.below(before.opportunities);

    const rerun = await world.run('--direction', 'inbound');
    expect(rerun.exitCode, rerun.stderr).to.equal(0);
    const after = await world.census();
    expect({ o: after.opportunities, a: after.accounts, c: after.contacts, r: after.contactRoles }).to.deep.equal({
      o: 300,
      a: 300,
      c: 300,
      r: 300,
    });
    expect(world.sf.records('Opportunity').every((row) => row.AccountId && row[OPP.state] === 'Synced')).to.equal(true);
    expect(after.runs).to.deep.equal({ Interrupted: 1, Succeeded: 1 });
  });
});
