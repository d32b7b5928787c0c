/**
 * Partner Center reading query options as Microsoft documents them (issue 15): with the emulator's --strict-odata,
 * the `updatedDateTime ge …` and `externalReferenceId eq … or …` filters pcsync prefers are refused (400), and the
 * sync falls back to the documented `$orderby` newest first, cut at its bound — incremental runs still see every
 * change, the crash heal still links instead of creating twice, and the run record says so once.
 */
import { expect } from 'chai';
import type { RunResult } from '../../src/commands/pcsync/run.js';
import { OPP, RUN } from '../../src/salesforce/fields.js';
import { sharedSyncWorld } from '../helpers/suite-hooks.js';
import { clientsFor } from '../unit/partner-center/helpers.js';

describe('e2e: Partner Center refusing undocumented filters (--strict-odata)', function () {
  this.timeout(300_000);
  const world = sharedSyncWorld({ pc: { strictOData: true }, sf: { duplicateRules: false } });

  const refusals = (): number =>
    world.pc.requests().filter((r) => r.endpoint === 'GET /referrals' && r.status === 400).length;

  it('an incremental run reads what changed, newest first, and stops at its watermark', async () => {
    world.pc.admin.seedReferrals(150, 'cosell');
    const first = await world.run();
    expect(first.exitCode, first.stderr).to.equal(0);
    expect(world.sf.records('Opportunity')).to.have.length(150);
    const oldest = world.pc.admin.referrals().sort((a, b) => a.updatedDateTime.localeCompare(b.updatedDateTime))[0];
    world.pc.admin.transition(oldest.id, 'accept');

    const before = refusals();
    const pagesBefore = world.pc.counters()['GET /referrals'] ?? 0;
    const second = await world.run();
    expect(second.exitCode, second.stderr).to.equal(0);
    const result = second.json.result as RunResult;
    expect(result.summary.inbound.updated).to.equal(1);
    const row = world.sf.records('Opportunity').find((r) => r[OPP.referralId] === oldest.id)!;
    expect(row[OPP.status]).to.equal('Active');
    // Refused once, then one page newest first was enough: the listing stopped at the watermark.
    expect(refusals() - before).to.equal(1);
    expect((world.pc.counters()['GET /referrals'] ?? 0) - pagesBefore).to.equal(2);
    expect(result.notices).to.have.length(1);
    const record = world.sf.records(RUN.object).find((r) => r.Id === result.runId)!;
    expect(String(record[RUN.message])).to.match(/refused a \$filter/);
    expect(world.sf.records('Opportunity')).to.have.length(150);
  });

  it('the crash heal links a referral made by a run that died before writing it back', async () => {
    const [first, second] = await world.flag(2);
    // A run that died after its create: the partner's referral exists in Partner Center, the Opportunity knows none.
    const { referrals } = clientsFor(world.pc);
    const made = await referrals.create({
      name: 'Flagged 0',
      type: 'Independent',
      externalReferenceId: first,
      customerProfile: { name: 'Litware', address: { country: 'DE' }, team: [] },
      consent: { consentToShareReferralWithMicrosoftSellers: false, consentToContact: false },
      details: {},
      target: [{ type: 'SolutionProfile', id: 'SOL-34104-EBB' }],
    });
    const run = await world.run('--direction', 'outbound');
    expect(run.exitCode, run.stderr).to.equal(0);
    const summary = (run.json.result as RunResult).summary.outbound;
    expect({ linked: summary.linked, created: summary.created }).to.deep.equal({ linked: 1, created: 1 });
    const census = await world.census();
    expect(census.referralsByOpportunity.get(first.slice(0, 15))).to.deep.equal({ own: 1, microsoft: 0 });
    expect(census.referralsByOpportunity.get(second.slice(0, 15))).to.deep.equal({ own: 1, microsoft: 0 });
    const row = world.sf.records('Opportunity').find((r) => String(r.Id).slice(0, 15) === first.slice(0, 15))!;
    expect(row[OPP.referralId]).to.equal(made.id);
    expect(refusals()).to.be.greaterThan(0);
  });
});
