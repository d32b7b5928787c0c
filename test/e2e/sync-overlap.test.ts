/**
 * Correct under overlap (issue 13): two `sf pcsync run` started together, `serve`'s outbound poll beside a manual
 * run, two inbound passes at once. One process syncs at a time (the org's lease); the other waits its turn. Counts
 * on both sides: one referral per Opportunity (and one invitation per co-sell), one Account, Contact and contact
 * role per customer, every run record finished.
 */
import { expect } from 'chai';
import type { RunResult } from '../../src/commands/pcsync/run.js';
import { OPP } from '../../src/salesforce/fields.js';
import { serveArgs } from '../helpers/serve-args.js';
import { sharedSyncWorld } from '../helpers/suite-hooks.js';
import { until } from '../helpers/sync-world.js';

describe('e2e: sync passes that overlap', function () {
  this.timeout(300_000);
  const world = sharedSyncWorld();

  /** Every flagged Opportunity holds exactly one referral of its own, and each co-sell exactly one invitation. */
  async function expectOneReferralEach(ids: readonly string[], coSell: ReadonlySet<string>): Promise<void> {
    const census = await world.census();
    const wrong = ids.filter((id) => {
      const held = census.referralsByOpportunity.get(id.slice(0, 15));
      return held?.own !== 1 || held.microsoft !== (coSell.has(id) ? 1 : 0);
    });
    expect(wrong, `Opportunities with other than one referral: ${wrong.join(', ')}`).to.deep.equal([]);
    expect(census.ownReferrals + census.invitations).to.equal(ids.length + coSell.size);
    const rows = world.sf.records('Opportunity');
    expect(rows.filter((row) => row[OPP.state] === 'Synced' && row[OPP.referralId])).to.have.length(ids.length);
  }

  it('two runs started together: one referral per Opportunity, one invitation per co-sell, both succeed', async () => {
    const ids = await world.flag(30, 2);
    const coSell = new Set(ids.filter((_, i) => i % 2 === 0));
    // Slow enough that the second run starts while the first is still creating referrals.
    world.sf.setLatency(20);
    world.pc.setFaults({ latencyMs: 200 });
    const [first, second] = await Promise.all([
      world.run('--direction', 'outbound'),
      world.run('--direction', 'outbound'),
    ]);
    world.sf.setLatency(0);
    expect([first.exitCode, second.exitCode], first.stderr + second.stderr).to.deep.equal([0, 0]);
    await expectOneReferralEach(ids, coSell);
    // One of them waited for the other's lease, and said so.
    const warnings = [...(first.json.warnings ?? []), ...(second.json.warnings ?? [])].join('\n');
    expect(warnings).to.match(/Another pcsync process is syncing this org/);
    const created = [first, second].map((r) => (r.json.result as RunResult).summary.outbound.created);
    expect(created.reduce((a, b) => a + b, 0)).to.equal(30);
    expect((await world.census()).runs).to.deep.equal({ Succeeded: 2 });
  });

  it("serve's outbound poll and a manual run started together: one referral per Opportunity", async () => {
    const ids = await world.flag(30, 2);
    const coSell = new Set(ids.filter((_, i) => i % 2 === 0));
    world.sf.setLatency(10);
    world.pc.setFaults({ latencyMs: 500 });
    const serve = world.session.start(serveArgs({ reconcile: 3600, poll: 1, output: 'json' }));
    try {
      const manual = await world.run('--direction', 'outbound');
      expect(manual.exitCode, manual.stderr).to.equal(0);
      await until(
        () => world.sf.records('Opportunity').every((row) => row[OPP.referralId]),
        60_000,
        'every Opportunity to hold its referral'
      );
      await expectOneReferralEach(ids, coSell);
      // They met: serve skipped a poll while the manual run held the lease, or the manual run waited for serve's.
      const waited = (manual.json.warnings ?? []).some((w) => /Another pcsync process is syncing/.test(w));
      if (!waited) await serve.waitFor(/"event":"pass-skipped"/, 30_000);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
      world.sf.setLatency(0);
    }
  });

  it('two inbound passes at once: one Account, one Contact and one contact role per customer', async () => {
    world.pc.admin.seedReferrals(60, 'cosell');
    world.sf.setLatency(30);
    world.pc.setFaults({ latencyMs: 100 });
    const runs = await Promise.all([
      world.run('--direction', 'inbound', '--full'),
      world.run('--direction', 'inbound', '--full'),
    ]);
    world.sf.setLatency(0);
    expect(
      runs.map((r) => r.exitCode),
      runs.map((r) => r.stderr).join('\n')
    ).to.deep.equal([0, 0]);
    const census = await world.census();
    expect({ o: census.opportunities, a: census.accounts, c: census.contacts, r: census.contactRoles }).to.deep.equal({
      o: 60,
      a: 60,
      c: 60,
      r: 60,
    });
    // Each role's Contact belongs to the Account of its Opportunity.
    const accountOf = new Map(world.sf.records('Opportunity').map((row) => [row.Id, row.AccountId]));
    const contactAccount = new Map(world.sf.records('Contact').map((row) => [row.Id, row.AccountId]));
    const mismatched = world.sf
      .records('OpportunityContactRole')
      .filter((role) => contactAccount.get(role.ContactId) !== accountOf.get(role.OpportunityId));
    expect(mismatched).to.have.length(0);
    expect(census.runs).to.deep.equal({ Succeeded: 2 });
  });
});
