/**
 * Leads under re-runs, kills, lost answers, overlap and conflicts (issue 17), through the real sf CLI against both
 * emulators with `leads.sync: lead`. Every test counts both sides: Leads (and converted ones), Opportunities,
 * Accounts, Contacts and contact roles in the org; referrals by status in Partner Center; and the convertLead()
 * calls the org answered, so "converted once" is a count, not a hope.
 */
import { expect } from 'chai';
import type { RequestLogEntry } from '../../emulators/salesforce/request-log.js';
import type { Referral } from '../../emulators/partner-center/contract.js';
import { OPP, RUN } from '../../src/salesforce/fields.js';
import { dataWrites } from '../helpers/salesforce-emulator.js';
import { serveArgs } from '../helpers/serve-args.js';
import { sharedSyncWorld, withConfigDir } from '../helpers/suite-hooks.js';
import { until, type SyncWorld } from '../helpers/sync-world.js';
import { clientsFor } from '../unit/partner-center/helpers.js';

type Row = Record<string, unknown>;

/** The Partner SOAP API endpoint convertLead() is sent to. */
const CONVERT = '^POST /services/Soap/u/';

describe('e2e: leads under re-runs, kills, lost answers and overlap', function () {
  this.timeout(300_000);
  // The emulator's lead customers share a street and a phone: the standard duplicate rules would link each later
  // one to an earlier one (sync-org.test.ts covers that); here each customer is its own Account, so counts are exact.
  const world = sharedSyncWorld({ sf: { duplicateRules: false } });
  const configs = withConfigDir('pcsync-e2e-lead-faults-');
  let config: string;

  before(() => {
    config = configs.write('leads.json', { leads: { sync: 'lead' } });
  });

  const run = (...args: string[]): ReturnType<SyncWorld['run']> => world.run('--config', config, ...args);
  const lastSeq = (): number => world.sf.requests().at(-1)?.seq ?? 0;
  const since = (seq: number): RequestLogEntry[] => world.sf.requests().filter((entry) => entry.seq > seq);
  const conversions = (entries: readonly RequestLogEntry[]): number =>
    entries.filter((entry) => new RegExp(CONVERT).test(`${entry.method} ${entry.path}`)).length;

  /** Both sides, counted. */
  function census(): Row {
    const leads = world.sf.records('Lead');
    const referrals: Record<string, number> = {};
    for (const referral of world.pc.admin.referrals()) {
      const key = `${referral.status}/${referral.substatus}`;
      referrals[key] = (referrals[key] ?? 0) + 1;
    }
    return {
      leads: leads.length,
      converted: leads.filter((row) => row.IsConverted === true).length,
      opportunities: world.sf.records('Opportunity').length,
      accounts: world.sf.records('Account').length,
      contacts: world.sf.records('Contact').length,
      contactRoles: world.sf.records('OpportunityContactRole').length,
      referrals,
    };
  }

  /** `count` lead referrals (marketing-qualified and marketplace leads, alternately), synced to open Leads. */
  async function openLeads(count: number): Promise<Referral[]> {
    const referrals = Array.from({ length: count }, (_, i) =>
      world.pc.admin.createIncoming(i % 2 === 0 ? 'marketing-qualified-lead' : 'marketplace-lead')
    );
    const first = await run();
    expect(first.exitCode, first.stderr).to.equal(0);
    expect(census()).to.deep.include({ leads: count, converted: 0, opportunities: 0 });
    return referrals;
  }

  /** The census once `n` accepted lead referrals are each converted once: one of everything per referral. */
  const convertedCensus = (n: number): Row => ({
    leads: n,
    converted: n,
    opportunities: n,
    accounts: n,
    contacts: n,
    contactRoles: n,
    referrals: { 'Active/Accepted': n },
  });

  /**
   * Each referral has exactly one Opportunity, carrying its id and link, made by converting its one Lead (the
   * Lead's ConvertedOpportunityId), with the Lead's Account, its Contact and that Contact's one contact role.
   */
  function expectConvertedOnce(referrals: readonly Referral[]): void {
    const opportunities = world.sf.records('Opportunity');
    const leads = world.sf.records('Lead');
    const roles = world.sf.records('OpportunityContactRole');
    for (const referral of referrals) {
      const mine = opportunities.filter((row) => row[OPP.referralId] === referral.id);
      expect(mine, `Opportunities of ${referral.id}`).to.have.length(1);
      const [opportunity] = mine;
      expect(opportunity[OPP.link]).to.equal(`https://partner.microsoft.com/dashboard/referrals/v2/${referral.id}`);
      const lead = leads.filter((row) => row[OPP.referralId] === referral.id);
      expect(lead, `Leads of ${referral.id}`).to.have.length(1);
      expect(lead[0][OPP.link], 'the Lead links where its Opportunity does').to.equal(opportunity[OPP.link]);
      expect(lead[0]).to.deep.include({
        IsConverted: true,
        ConvertedOpportunityId: opportunity.Id,
        ConvertedAccountId: opportunity.AccountId,
      });
      const role = roles.filter((row) => row.OpportunityId === opportunity.Id);
      expect(role.map((row) => row.ContactId)).to.deep.equal([lead[0].ConvertedContactId]);
    }
  }

  it('re-running after a conversion writes nothing and converts nothing, on either side', async () => {
    const referrals = await openLeads(3);
    const coSell = world.pc.admin.createIncoming('microsoft-co-sell');
    world.pc.admin.transition(coSell.id, 'accept');
    for (const referral of referrals) world.pc.admin.transition(referral.id, 'accept');
    const converting = lastSeq();
    expect((await run()).exitCode).to.equal(0);
    expect(conversions(since(converting))).to.equal(3);
    expectConvertedOnce(referrals);
    const converted = census();
    expect(converted).to.deep.equal({
      leads: 3,
      converted: 3,
      opportunities: 4,
      accounts: 4,
      contacts: 4,
      contactRoles: 4,
      referrals: { 'Active/Accepted': 4 },
    });

    for (const args of [[], ['--full']]) {
      const before = lastSeq();
      world.pc.resetCounters();
      const rerun = await run(...args);
      expect(rerun.exitCode, rerun.stderr).to.equal(0);
      expect(dataWrites(since(before)), `writes of the rerun ${args.join(' ')}`).to.equal(0);
      expect(conversions(since(before))).to.equal(0);
      const pcWrites = Object.entries(world.pc.counters()).filter(([key]) => /^(POST|PATCH|PUT) \/referrals/.test(key));
      expect(pcWrites, 'Partner Center writes').to.deep.equal([]);
      expect(census()).to.deep.equal(converted);
    }
  });

  it('killed right after a convertLead() answer, then rerun: each Lead converted once into one Opportunity', async () => {
    const referrals = await openLeads(3);
    for (const referral of referrals) world.pc.admin.transition(referral.id, 'accept');
    const start = lastSeq();
    // Slow enough that the kill lands before the next conversion and before the Opportunity pass.
    world.sf.setLatency(400);
    const killed = run();
    await world.sf.waitForRequests({ match: CONVERT, count: 1, since: start, timeoutMs: 120_000 });
    world.session.killRunning();
    await killed.catch(() => undefined);
    world.sf.setLatency(0);
    // Mid-way: one Lead converted (its Opportunity made by the org), the others not.
    expect(conversions(since(start))).to.equal(1);
    expect(census()).to.deep.include({ leads: 3, converted: 1, opportunities: 1 });

    const rerunFrom = lastSeq();
    const rerun = await run();
    expect(rerun.exitCode, rerun.stderr).to.equal(0);
    expect(conversions(since(rerunFrom)), 'conversions of the rerun').to.equal(2);
    expectConvertedOnce(referrals);
    expect(census()).to.deep.equal(convertedCensus(3));
  });

  it('killed after the customer is written and before convertLead(), then rerun: no second Account or Contact', async () => {
    const referrals = await openLeads(2);
    for (const referral of referrals) world.pc.admin.transition(referral.id, 'accept');
    const start = lastSeq();
    world.sf.setLatency(400);
    const killed = run();
    // The first lead's Account, then its Contact: the conversion is next, one slow query away.
    await world.sf.waitForRequests({
      match: '^POST /services/data/v[\\d.]+/composite/sobjects$',
      count: 2,
      since: start,
      timeoutMs: 120_000,
    });
    world.session.killRunning();
    await killed.catch(() => undefined);
    world.sf.setLatency(0);
    expect(conversions(since(start))).to.equal(0);
    expect(census()).to.deep.include({ leads: 2, converted: 0, opportunities: 0, accounts: 1, contacts: 1 });

    const rerun = await run();
    expect(rerun.exitCode, rerun.stderr).to.equal(0);
    expectConvertedOnce(referrals);
    expect(census()).to.deep.equal(convertedCensus(2));
  });

  it('a convertLead() answer lost after the org committed: the rerun reads the converted Lead, converts no more', async () => {
    const referrals = await openLeads(2);
    for (const referral of referrals) world.pc.admin.transition(referral.id, 'accept');
    world.sf.setFaults({ match: '/services/Soap/u/', next: ['lost-response'] });
    const start = lastSeq();
    const faulted = await run();
    world.sf.clearFaults();
    const lost = since(start).filter((entry) => entry.fault === 'lost-response');
    expect(lost.map((entry) => `${entry.method} ${entry.status}`)).to.deep.equal(['POST 0']);
    // The org converted the Lead whose answer was lost.
    const first = world.sf.records('Lead').filter((row) => row.IsConverted === true);
    expect(first).to.have.length.within(1, 2);
    const tried = conversions(since(start));

    const rerunFrom = lastSeq();
    const rerun = await run();
    expect(rerun.exitCode, `${faulted.stderr}\n${rerun.stderr}`).to.equal(0);
    // Every convertLead() the org took converted a Lead: none was sent for a Lead already converted.
    expect(tried + conversions(since(rerunFrom)), 'convertLead() calls in both runs').to.equal(2);
    expectConvertedOnce(referrals);
    expect(census()).to.deep.equal(convertedCensus(2));
  });

  it('a convertLead() dropped before the org took it: that Lead fails on the record, the rerun converts it once', async () => {
    const referrals = await openLeads(2);
    for (const referral of referrals) world.pc.admin.transition(referral.id, 'accept');
    world.sf.setFaults({ match: '/services/Soap/u/', next: ['drop'] });
    const start = lastSeq();
    const faulted = await run();
    world.sf.clearFaults();
    expect(since(start).filter((entry) => entry.fault === 'drop')).to.have.length(1);
    // The failure is on the record and in the exit code; the other Lead converted, and no Opportunity was made for
    // the dropped one beside its Lead (its conversion makes it).
    expect(faulted.exitCode, faulted.stderr).to.not.equal(0);
    const failed = (faulted.json?.result?.records ?? []).filter((record) => record.outcome === 'error');
    expect(failed.map((record) => record.lead)).to.deep.equal(['failed']);
    expect(census()).to.deep.include({ leads: 2, converted: 1, opportunities: 1 });

    const rerun = await run();
    expect(rerun.exitCode, rerun.stderr).to.equal(0);
    expectConvertedOnce(referrals);
    expect(census()).to.deep.equal(convertedCensus(2));
  });

  it('two runs started together while leads are accepted in Partner Center: nothing twice, both succeed', async () => {
    const referrals = await openLeads(6);
    world.sf.setLatency(20);
    world.pc.setFaults({ latencyMs: 150 });
    const both = Promise.all([run(), run()]);
    // Accepted while the runs are under way: some before a run reads them, some after.
    for (const referral of referrals) {
      world.pc.admin.transition(referral.id, 'accept');
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const [first, second] = await both;
    world.sf.setLatency(0);
    world.pc.setFaults({ latencyMs: 0 });
    expect([first.exitCode, second.exitCode], first.stderr + second.stderr).to.deep.equal([0, 0]);
    // The acceptances the two runs did not see, the next run converts.
    const last = await run();
    expect(last.exitCode, last.stderr).to.equal(0);
    expectConvertedOnce(referrals);
    expect(census()).to.deep.equal(convertedCensus(6));
    const runs = world.sf.records(RUN.object).map((row) => row[RUN.status]);
    expect(
      runs.filter((status) => status !== 'Succeeded'),
      'run records'
    ).to.deep.equal([]);
  });

  it("serve's reconcile pass and a manual run while leads are accepted: one Lead, Opportunity, Account, Contact each", async () => {
    const referrals = await openLeads(6);
    for (const referral of referrals) world.pc.admin.transition(referral.id, 'accept');
    world.sf.setLatency(20);
    world.pc.setFaults({ latencyMs: 150 });
    const serve = world.session.start(
      serveArgs({ reconcile: 1, poll: 1, changeEvents: false, config, output: 'json' })
    );
    try {
      const manual = await run();
      expect(manual.exitCode, manual.stderr).to.equal(0);
      await until(
        () => world.sf.records('Lead').every((row) => row.IsConverted === true),
        60_000,
        'every Lead converted'
      );
      // Serve's passes go on: one more cycle of each must find nothing left to do.
      await serve.waitFor(/"event":"pass".*"pass":"reconcile"/, 30_000);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
      world.sf.setLatency(0);
      world.pc.setFaults({ latencyMs: 0 });
    }
    expectConvertedOnce(referrals);
    expect(census()).to.deep.equal(convertedCensus(6));
    const runs = world.sf.records(RUN.object).map((row) => row[RUN.status]);
    expect(
      runs.filter((status) => status === 'Running' || status === 'Failed'),
      'run records'
    ).to.deep.equal([]);
  });

  it('the seller accepts through the Lead status while Microsoft changes the referral (412): sent once, nothing lost', async () => {
    const [referral] = await openLeads(1);
    const [lead] = world.sf.records('Lead');
    await world.rest('PATCH', `/sobjects/Lead/${String(lead.Id)}`, { Status: 'Closed - Converted' });
    // The run's accept waits out a throttle; Microsoft changes the referral meanwhile, so the retry meets a new eTag.
    const patches = `^PATCH \\S*/referrals/${referral.id}$`;
    world.pc.setFaults({ match: patches, next: ['throttle'], retryAfterSeconds: 2 });
    const accepting = run();
    await until(
      () => world.pc.requests().find((r) => r.method === 'PATCH' && r.status === 429),
      120_000,
      "the run's throttled accept"
    );
    const notes = 'Microsoft: the customer wants a call this week';
    await clientsFor(world.pc).referrals.update(referral.id, [{ op: 'replace', path: '/details/notes', value: notes }]);
    const accepted = await accepting;
    world.pc.clearFaults();
    expect(accepted.exitCode, accepted.stderr).to.equal(0);
    const answered = world.pc
      .requests()
      .filter((r) => r.method === 'PATCH' && r.path.endsWith(referral.id))
      .map((r) => r.status);
    // Throttled, Microsoft's own change, the retry refused on its stale eTag, then the accept once.
    expect(answered).to.deep.equal([429, 200, 412, 200]);

    // The next run brings Microsoft's change to the Opportunity and sends nothing more.
    world.pc.resetCounters();
    expect((await run()).exitCode).to.equal(0);
    const now = world.pc.admin.getReferral(referral.id);
    expect({ status: now.status, substatus: now.substatus, notes: now.details.notes }).to.deep.equal({
      status: 'Active',
      substatus: 'Accepted',
      notes,
    });
    expect(world.pc.counters()[`PATCH /referrals/{id}`] ?? 0, 'patches of the second run').to.equal(0);
    expectConvertedOnce([referral]);
    const [opportunity] = world.sf.records('Opportunity');
    expect(opportunity.Description).to.equal(notes);
    expect(census()).to.deep.include({ leads: 1, converted: 1, opportunities: 1, accounts: 1, contacts: 1 });
  });
});
