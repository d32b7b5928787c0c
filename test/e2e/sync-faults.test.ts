/**
 * Clocks and faults (issue 13), through the real sf CLI: watermarks come from the servers' own clocks, so edits
 * made right after a run arrive whatever the skew between this machine and each server; and under 30% injected
 * faults on both sides — errors, dropped connections, and writes committed whose answer was lost — a few runs
 * converge to exactly one of everything, over several seeds; and a run whose closing write never reaches the org says
 * so, and the next run finishes its record.
 */
import { expect } from 'chai';
import { EVENT, OPP, RUN } from '../../src/salesforce/fields.js';
import { syncMessages } from '../../src/sync/messages.js';
import { sharedSyncWorld } from '../helpers/suite-hooks.js';
import { startSyncWorld } from '../helpers/sync-world.js';
import { clientsFor } from '../unit/partner-center/helpers.js';

type Row = Record<string, unknown>;

describe('e2e: clocks that disagree', function () {
  this.timeout(300_000);

  for (const skew of [
    { sf: 5000, pc: -5000 },
    { sf: -5000, pc: 5000 },
  ]) {
    it(`edits made right after a run arrive (Salesforce ${skew.sf} ms, Partner Center ${skew.pc} ms from this machine)`, async () => {
      const world = await startSyncWorld({ sf: { clockSkewMs: skew.sf }, pc: { clockSkewMs: skew.pc } });
      try {
        const [a, b] = [world.pc.admin.createIncoming('cosell'), world.pc.admin.createIncoming('cosell')];
        for (const referral of [a, b]) world.pc.admin.transition(referral.id, 'accept');
        expect((await world.run('--full')).exitCode).to.equal(0);
        const opportunity = (id: string): Row =>
          world.sf.records('Opportunity').find((row) => row[OPP.referralId] === id) as Row;
        for (let round = 1; round <= 3; round++) {
          // Both edits land within a second of the last run's end.
          await clientsFor(world.pc).referrals.update(a.id, [
            { op: 'replace', path: '/details/dealValue', value: 1000 + round },
          ]);
          await world.rest('PATCH', `/sobjects/Opportunity/${String(opportunity(b.id).Id)}`, { Amount: 2000 + round });
          const result = await world.run();
          expect(result.exitCode, result.stdout).to.equal(0);
          expect(opportunity(a.id).Amount, `round ${round}: Partner Center's change`).to.equal(1000 + round);
          expect(world.pc.admin.getReferral(b.id).details.dealValue, `round ${round}: the rep's edit`).to.equal(
            2000 + round
          );
        }
        world.expectNoSecrets();
      } finally {
        await world.close();
      }
    });
  }
});

describe('e2e: 30% faults on both sides, lost responses among them', function () {
  this.timeout(600_000);
  // The seeded customers share a street and a phone: the standard duplicate rules would link them, which
  // sync-org.test.ts covers; here every customer is its own Account, so the counts are exact.
  const world = sharedSyncWorld({ sf: { duplicateRules: false } }, { reset: false });

  for (const seed of [11, 22, 33]) {
    it(`converges to one of everything (seed ${seed})`, async () => {
      world.pc.reset();
      world.sf.reset({ keepSchema: true });
      world.pc.admin.seedReferrals(30, 'cosell');
      const flagged = await world.flag(10, 2);
      world.sf.setFaults({ rate: 0.3, kinds: ['unavailable', 'drop', 'lost-response'], seed });
      world.pc.setFaults({ faultRate: 0.2, lostResponseRate: 0.1, retryAfterSeconds: 0, seed });
      let converged = false;
      let runs = 0;
      for (; runs < 8 && !converged; runs++) {
        converged = (await world.run()).exitCode === 0;
      }
      world.sf.clearFaults();
      world.pc.setFaults({ faultRate: 0, lostResponseRate: 0 });
      expect(converged, `no clean run in ${runs} runs`).to.equal(true);

      const census = await world.census();
      const opportunities = world.sf.records('Opportunity');
      // 30 from Partner Center and 10 flagged; one Account per customer (+ the flagged deals' own), one Contact and
      // one contact role per incoming customer (+ the flagged co-sells' roles and their Contact).
      expect({ o: census.opportunities, a: census.accounts, c: census.contacts, r: census.contactRoles }).to.deep.equal(
        {
          o: 40,
          a: 31,
          c: 31,
          r: 35,
        }
      );
      expect(opportunities.filter((row) => row[OPP.state] !== 'Synced' || !row.AccountId)).to.have.length(0);
      expect(new Set(opportunities.map((row) => row[OPP.referralId])).size).to.equal(40);
      const wrong = flagged.filter((id, i) => {
        const held = census.referralsByOpportunity.get(id.slice(0, 15));
        return held?.own !== 1 || held.microsoft !== (i % 2 === 0 ? 1 : 0);
      });
      expect(wrong, 'flagged Opportunities with other than one referral').to.deep.equal([]);
      // Every run left its record, finished; every Opportunity has its timeline.
      const runRecords = world.sf.records(RUN.object);
      expect(runRecords.length).to.be.within(1, runs);
      expect(runRecords.filter((run) => run[RUN.status] === 'Running')).to.have.length(0);
      const events = world.sf.records(EVENT.object);
      const withEvents = new Set(events.map((event) => String(event[EVENT.opportunity]).slice(0, 15)));
      expect(opportunities.filter((row) => !withEvents.has(String(row.Id).slice(0, 15)))).to.have.length(0);
    });
  }
});

describe('e2e: a run whose closing write never reaches the org', function () {
  this.timeout(300_000);
  const world = sharedSyncWorld({ sf: { duplicateRules: false } });

  it('says so and exits non-zero; the next run finishes its record as Interrupted and makes nothing twice', async () => {
    world.pc.admin.seedReferrals(6, 'cosell');
    const flagged = await world.flag(4, 2);
    // The run record's opening write goes through; every later write to it (the close, each retry) is dropped.
    world.sf.setFaults({ match: `/sobjects/${RUN.object}/${RUN.key}/`, skip: 1, rate: 1, kinds: ['drop'] });
    const first = await world.run();
    world.sf.clearFaults();
    const [unclosed] = world.sf.records(RUN.object);
    expect(unclosed?.[RUN.status], 'the close was lost').to.equal('Running');
    expect(first.exitCode, first.stdout).to.equal(1);
    expect(first.json.name).to.equal('RunNotClosedError');
    expect(first.json.message).to.include(String(unclosed.Id));
    // What the run did is in both systems all the same.
    const census = await world.census();
    // 6 incoming referrals, each with its own Account, Contact and contact role; 4 flagged deals on one Account with
    // one Contact, the 2 co-sells each with a contact role, a referral of their own and Microsoft's invitation.
    const counts = (c: typeof census): Record<string, number> => ({
      o: c.opportunities,
      a: c.accounts,
      c: c.contacts,
      r: c.contactRoles,
      referrals: world.pc.admin.referrals().length,
      invitations: c.invitations,
    });
    const expected = { o: 10, a: 7, c: 7, r: 8, referrals: 12, invitations: 2 };
    expect(counts(census)).to.deep.equal(expected);

    const second = await world.run();
    expect(second.exitCode, second.stdout).to.equal(0);
    const after = await world.census();
    expect(after.runs).to.deep.equal({ Interrupted: 1, Succeeded: 1 });
    const runs = world.sf.records(RUN.object);
    const next = runs.find((run) => run[RUN.status] === 'Succeeded');
    const finished = runs.find((run) => run.Id === unclosed.Id);
    expect(finished?.[RUN.message]).to.equal(syncMessages.getMessage('run.unclosed', [String(next?.[RUN.key])]));
    // Its watermarks were never recorded, so the next run read everything again, and changed nothing.
    const { inbound, outbound } = second.json.result?.summary ?? {};
    expect({ inbound: inbound?.created, outbound: outbound?.created }).to.deep.equal({ inbound: 0, outbound: 0 });
    expect(counts(after)).to.deep.equal(expected);
    const wrong = flagged.filter((id, i) => {
      const held = after.referralsByOpportunity.get(id.slice(0, 15));
      return held?.own !== 1 || held.microsoft !== (i % 2 === 0 ? 1 : 0);
    });
    expect(wrong, 'flagged Opportunities with other than one referral').to.deep.equal([]);
  });
});
