/**
 * Leads through the real sf CLI against both emulators (issue 17): which incoming referrals become Leads under each
 * `leads.sync` mode, the seller's accept and decline through the Lead status, Microsoft's decline, and
 * `config validate --target-org` refusing a lead config the org cannot take. Every case counts both sides.
 */
import { Connection } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import type { Referral } from '../../emulators/partner-center/contract.js';
import { DEFAULT_LEAD_MAPPING } from '../../src/mapping/lead-defaults.js';
import { OPP } from '../../src/salesforce/fields.js';
import { LEAD } from '../../src/sync/leads/fields.js';
import { dataWrites } from '../helpers/salesforce-emulator.js';
import { sharedSyncWorld, withConfigDir } from '../helpers/suite-hooks.js';

type Row = Record<string, unknown>;

describe('e2e: incoming leads as Salesforce Leads', function () {
  this.timeout(300_000);
  // Emulated lead customers share a street and a phone: with the standard duplicate rules, later ones would link to
  // earlier Accounts (sync-org.test.ts covers that); here each customer is its own, so counts are exact.
  const world = sharedSyncWorld({ sf: { duplicateRules: false } });
  const configs = withConfigDir('pcsync-e2e-leads-');

  const configFile = (name: string, leads: Record<string, unknown>): string => configs.write(`${name}.json`, { leads });
  const census = (): Row => {
    const leads = world.sf.records('Lead');
    return {
      leads: leads.length,
      converted: leads.filter((row) => row.IsConverted === true).length,
      opportunities: world.sf.records('Opportunity').length,
    };
  };
  const leadOf = (referral: Referral): Row[] =>
    world.sf.records('Lead').filter((row) => row[LEAD.referralId] === referral.id);
  const opportunitiesOf = (referral: Referral): Row[] =>
    world.sf.records('Opportunity').filter((row) => row[OPP.referralId] === referral.id);

  /** 30 incoming referrals: 10 marketplace leads, 10 marketing-qualified leads, 10 Microsoft co-sell opportunities. */
  const mix = (): Referral[] =>
    Array.from({ length: 30 }, (_, i) =>
      world.pc.admin.createIncoming(
        (['marketplace-lead', 'marketing-qualified-lead', 'microsoft-co-sell'] as const)[Math.floor(i / 10)]
      )
    );

  const modes = [
    { sync: 'lead', expected: { leads: 20, converted: 0, opportunities: 10 }, leadsRow: { created: 20 } },
    { sync: 'off', expected: { leads: 0, converted: 0, opportunities: 10 }, leadsRow: undefined },
    { sync: 'opportunity', expected: { leads: 0, converted: 0, opportunities: 30 }, leadsRow: undefined },
  ] as const;
  for (const { sync, expected, leadsRow } of modes) {
    it(`leads.sync ${sync}: 30 incoming referrals of three kinds make ${expected.leads} Leads and ${expected.opportunities} Opportunities`, async () => {
      const referrals = mix();
      const config = configFile(`mix-${sync}`, { sync });
      const { json, exitCode, stderr } = await world.run('--config', config);
      expect(exitCode, stderr).to.equal(0);
      expect(census()).to.deep.equal(expected);
      // Each co-sell opportunity has one Opportunity; each lead, under `lead`, one Lead and no Opportunity.
      for (const referral of referrals.slice(20)) expect(opportunitiesOf(referral), referral.id).to.have.length(1);
      for (const referral of referrals.slice(0, 20)) {
        expect(leadOf(referral), referral.id).to.have.length(sync === 'lead' ? 1 : 0);
        expect(opportunitiesOf(referral), referral.id).to.have.length(sync === 'opportunity' ? 1 : 0);
      }
      expect(json.result, stderr).to.not.equal(undefined);
      if (leadsRow) expect(json.result?.summary.leads ?? {}).to.deep.include(leadsRow);
      else expect(Object.values(json.result?.summary.leads ?? {}).every((n) => n === 0)).to.equal(true);
      // Partner Center: nothing written by an inbound-only sync of incoming referrals.
      const pcWrites = Object.keys(world.pc.counters()).filter((key) => /^(POST|PATCH|PUT) \/referrals/.test(key));
      expect(pcWrites).to.deep.equal([]);

      // The same again writes nothing.
      const before = world.sf.requests().at(-1)?.seq ?? 0;
      const rerun = await world.run('--config', config);
      expect(rerun.exitCode, rerun.stderr).to.equal(0);
      const after = world.sf.requests().filter((entry) => entry.seq > before);
      expect(
        dataWrites(after),
        JSON.stringify(after.filter((e) => e.method !== 'GET').map((e) => [e.method, e.path]))
      ).to.equal(0);
      expect(census()).to.deep.equal(expected);
    });
  }

  it('the seller’s accept through the Lead status converts it and accepts the referral; a decline closes both', async () => {
    const config = configFile('decisions', { sync: 'lead' });
    const [accepted, declined] = [
      world.pc.admin.createIncoming('marketing-qualified-lead'),
      world.pc.admin.createIncoming('marketplace-lead'),
    ];
    const first = await world.run('--config', config);
    expect(first.exitCode, first.stderr).to.equal(0);
    expect(census()).to.deep.equal({ leads: 2, converted: 0, opportunities: 0 });

    const statuses = { accepted: 'Closed - Converted', declined: 'Closed - Not Converted' };
    await world.rest('PATCH', `/sobjects/Lead/${String(leadOf(accepted)[0].Id)}`, { Status: statuses.accepted });
    await world.rest('PATCH', `/sobjects/Lead/${String(leadOf(declined)[0].Id)}`, { Status: statuses.declined });
    const decided = await world.run('--config', config);
    expect(decided.exitCode, decided.stderr).to.equal(0);

    // Partner Center: the accept and the decline (with its reason), each sent once.
    expect(world.pc.admin.getReferral(accepted.id)).to.deep.include({ status: 'Active', substatus: 'Accepted' });
    const closed = world.pc.admin.getReferral(declined.id);
    expect(closed).to.deep.include({ status: 'Closed', substatus: 'Declined' });
    expect(closed.statusReason ?? '(none)').to.include(statuses.declined);
    expect(world.pc.counters()['PATCH /referrals/{id}']).to.equal(2);
    // Salesforce: the accepted Lead converted into one Opportunity carrying the referral; the declined one closed.
    expect(census()).to.deep.equal({ leads: 2, converted: 1, opportunities: 1 });
    const [opportunity] = opportunitiesOf(accepted);
    expect(leadOf(accepted)[0]).to.deep.include({ IsConverted: true, ConvertedOpportunityId: opportunity.Id });
    expect(opportunity[OPP.link]).to.equal(`https://partner.microsoft.com/dashboard/referrals/v2/${accepted.id}`);
    expect(leadOf(declined)[0]).to.deep.include({ IsConverted: false, Status: statuses.declined });

    // Nothing more to send or convert.
    world.pc.resetCounters();
    const rerun = await world.run('--config', config);
    expect(rerun.exitCode, rerun.stderr).to.equal(0);
    expect(world.pc.counters()['PATCH /referrals/{id}'] ?? 0).to.equal(0);
    expect(census()).to.deep.equal({ leads: 2, converted: 1, opportunities: 1 });
  });

  it('a Lead the seller converts with Salesforce’s Convert button accepts its referral, once, into that Opportunity', async () => {
    const config = configFile('convert-button', { sync: 'lead' });
    const referral = world.pc.admin.createIncoming('marketing-qualified-lead');
    expect((await world.run('--config', config)).exitCode).to.equal(0);
    // What the Convert button sends (Partner SOAP API convertLead()): the org makes the Account, Contact and
    // Opportunity, and LeadConvertSettings carries the referral id and its status (New) onto the Opportunity.
    const connection = new Connection({
      instanceUrl: world.sf.url,
      accessToken: world.sf.accessToken,
      version: '64.0',
    });
    const converted = (await connection.soap.convertLead({
      leadId: String(leadOf(referral)[0].Id),
      convertedStatus: 'Closed - Converted',
    } as never)) as unknown as { success: boolean };
    expect(converted.success).to.equal(true);
    expect(opportunitiesOf(referral).map((row) => row[OPP.status])).to.deep.equal(['New']);

    world.pc.resetCounters();
    const accepting = await world.run('--config', config);
    expect(accepting.exitCode, accepting.stderr).to.equal(0);
    expect(world.pc.admin.getReferral(referral.id)).to.deep.include({ status: 'Active', substatus: 'Accepted' });
    expect(world.pc.counters()['PATCH /referrals/{id}']).to.equal(1);
    expect(census()).to.deep.equal({ leads: 1, converted: 1, opportunities: 1 });

    // The next run brings the acceptance onto that Opportunity and sends nothing; the one after writes nothing.
    world.pc.resetCounters();
    const settled = await world.run('--config', config);
    expect(settled.exitCode, settled.stderr).to.equal(0);
    expect(world.pc.counters()['PATCH /referrals/{id}'] ?? 0).to.equal(0);
    expect(opportunitiesOf(referral).map((row) => row[OPP.status])).to.deep.equal(['Active']);
    const before = world.sf.requests().at(-1)?.seq ?? 0;
    const quiet = await world.run('--config', config);
    expect(quiet.exitCode, quiet.stderr).to.equal(0);
    expect(dataWrites(world.sf.requests().filter((entry) => entry.seq > before))).to.equal(0);
    expect(world.pc.counters()['PATCH /referrals/{id}'] ?? 0).to.equal(0);
    expect(census()).to.deep.equal({ leads: 1, converted: 1, opportunities: 1 });
  });

  it('Microsoft’s decline of a lead closes its Lead with the reason, and makes no Opportunity', async () => {
    const config = configFile('pc-decline', { sync: 'lead' });
    const referral = world.pc.admin.createIncoming('marketing-qualified-lead');
    expect((await world.run('--config', config)).exitCode).to.equal(0);
    world.pc.admin.transition(referral.id, 'decline', 'Customer went with another partner');
    const closing = await world.run('--config', config);
    expect(closing.exitCode, closing.stderr).to.equal(0);
    const [lead] = leadOf(referral);
    expect(lead).to.deep.include({ IsConverted: false, Status: 'Closed - Not Converted' });
    expect(String(lead[LEAD.audit])).to.include('Customer went with another partner');
    expect(census()).to.deep.equal({ leads: 1, converted: 0, opportunities: 0 });
  });

  const broken = [
    {
      name: 'an unknown Lead field',
      leads: {
        sync: 'lead',
        mapping: [
          ...DEFAULT_LEAD_MAPPING,
          { partnerCenter: 'details.notes', salesforce: 'Nickname__c', direction: 'inbound' },
        ],
      },
      expected: /leads\.mapping\[\d+\]\.salesforce: Lead has no field "Nickname__c"; use one of: .*Company/,
    },
    {
      name: 'a Lead status the org does not have',
      leads: { sync: 'lead', statuses: { declined: 'Disqualified' } },
      expected:
        /leads\.statuses\.declined: "Disqualified" is not a Lead Status in this org; use one of: .*Closed - Not Converted/,
    },
  ];
  for (const { name, leads, expected } of broken) {
    it(`config validate --target-org refuses ${name}, naming the key and what is allowed`, async () => {
      const args = ['pcsync', 'config', 'validate', '--config', configFile(name.replace(/\W+/g, '-'), leads)];
      const human = await world.session.run([...args, '--target-org', 'emu']);
      expect(human.exitCode, human.stdout).to.equal(1);
      expect(human.stderr, human.stderr).to.match(expected);
      const { json, exitCode } = await world.session.runJson([...args, '--target-org', 'emu']);
      expect(exitCode).to.equal(1);
      expect(json.message).to.match(expected);
    });
  }
});
