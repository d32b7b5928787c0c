/**
 * Leads through the sync engine, over real HTTP against both emulators: which referrals become Leads under each
 * `leads.sync`, acceptance in Partner Center and in Salesforce converting into exactly one Opportunity, declines.
 */
import { expect } from 'chai';
import { Connection } from '@jsforce/jsforce-node';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../../../emulators/partner-center/server.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import { validateConfig, type PcsyncConfig } from '../../../../src/config/index.js';
import { runSync } from '../../../../src/sync/engine.js';
import { clientsFor } from '../../partner-center/helpers.js';
import { assignPermissionSet } from '../../../../scripts/assign-permset.js';

type Row = Record<string, unknown>;

describe('leads through the sync engine against both emulators', function () {
  this.timeout(180_000);
  let pc: PartnerCenterEmulator;
  let sf: SalesforceEmulator;
  let connection: Connection;

  before(async () => {
    pc = await startPartnerCenterEmulator({ port: 0 });
    sf = await startSalesforceEmulator({ port: 0, loadMetadata: true });
    connection = new Connection({ instanceUrl: sf.url, accessToken: sf.accessToken, version: '64.0' });
    await assignPermissionSet(connection, 'Partner_Center_Integration', sf.username);
  });
  beforeEach(() => {
    pc.reset();
    sf.reset({ keepSchema: true });
  });
  after(async () => {
    await pc?.close();
    await sf?.close();
  });

  const sync = (config: PcsyncConfig = validateConfig({})): ReturnType<typeof runSync> =>
    runSync({ connection, client: clientsFor(pc).referrals, config }, { full: true });
  const byReferral = (object: string, id: string): Row[] =>
    sf.records(object).filter((row) => row.Referral_Identifier__c === id);

  /** 30 incoming referrals: 10 marketplace leads, 10 marketing-qualified leads, 10 Microsoft co-sells. */
  function mix(): void {
    pc.admin.seedReferrals(10, 'marketplace-lead');
    pc.admin.seedReferrals(10, 'marketing-qualified-lead');
    pc.admin.seedReferrals(10, 'microsoft-co-sell');
  }

  it('makes Leads of the leads and Opportunities of the rest, and nothing new on a rerun', async () => {
    mix();
    const first = await sync();
    expect(first.summary.inbound.error, JSON.stringify(first.records.filter((r) => r.outcome === 'error'))).to.equal(0);
    expect(sf.records('Lead')).to.have.length(20);
    expect(sf.records('Opportunity')).to.have.length(10);
    await sync();
    expect(sf.records('Lead')).to.have.length(20);
    expect(sf.records('Opportunity')).to.have.length(10);
  });

  it('syncs only the opportunities with leads off, and every referral as an Opportunity with "opportunity"', async () => {
    mix();
    await sync(validateConfig({ leads: { sync: 'off' } }));
    expect(sf.records('Lead')).to.have.length(0);
    expect(sf.records('Opportunity')).to.have.length(10);
    await sync(validateConfig({ leads: { sync: 'opportunity' } }));
    expect(sf.records('Lead')).to.have.length(0);
    expect(sf.records('Opportunity')).to.have.length(30);
  });

  it('converts the Lead of a lead accepted in Partner Center into exactly one Opportunity', async () => {
    const referral = pc.admin.createIncoming('marketing-qualified-lead');
    await sync();
    expect(byReferral('Lead', referral.id)).to.have.length(1);
    pc.admin.transition(referral.id, 'accept');
    await sync();
    await sync();
    const [lead] = byReferral('Lead', referral.id);
    expect(lead.IsConverted).to.equal(true);
    const opportunities = byReferral('Opportunity', referral.id);
    expect(opportunities.map((o) => o.Id)).to.deep.equal([lead.ConvertedOpportunityId]);
    expect(opportunities[0].Referral_Link__c).to.be.a('string').and.not.empty;
    expect(
      sf.records('OpportunityContactRole').filter((r) => r.OpportunityId === lead.ConvertedOpportunityId)
    ).to.have.length.greaterThan(0);
  });

  it('accepts through the Lead status: the referral goes Active/Accepted and the Lead converts once', async () => {
    const referral = pc.admin.createIncoming('marketplace-lead');
    await sync();
    const [lead] = byReferral('Lead', referral.id);
    await connection.sobject('Lead').update({ Id: lead.Id as string, Status: 'Closed - Converted' });
    await sync();
    await sync();
    expect(pc.admin.getReferral(referral.id)).to.include({ status: 'Active', substatus: 'Accepted' });
    expect(byReferral('Lead', referral.id)[0].IsConverted).to.equal(true);
    expect(byReferral('Opportunity', referral.id)).to.have.length(1);
  });

  it('declining in Salesforce declines the referral; a decline in Partner Center closes the Lead', async () => {
    const mine = pc.admin.createIncoming('marketplace-lead');
    const theirs = pc.admin.createIncoming('marketing-qualified-lead');
    await sync();
    const [lead] = byReferral('Lead', mine.id);
    await connection.sobject('Lead').update({ Id: lead.Id as string, Status: 'Closed - Not Converted' });
    pc.admin.transition(theirs.id, 'decline', 'Customer went elsewhere');
    await sync();
    expect(pc.admin.getReferral(mine.id)).to.include({ status: 'Closed', substatus: 'Declined' });
    expect(byReferral('Lead', theirs.id)[0]).to.include({ Status: 'Closed - Not Converted' });
    expect(String(byReferral('Lead', theirs.id)[0].Partner_Center_Audit__c)).to.include('Customer went elsewhere');
    expect(sf.records('Opportunity')).to.have.length(0);
  });

  const runRecord = (): Row => sf.records('Partner_Center_Sync_Run__c').at(-1) as Row;
  /** The SOQL the sync sent (connection.query is what queryAll calls). */
  const soqls: string[] = [];
  const queriesOf = (object: string): number => soqls.filter((q) => new RegExp(`FROM ${object}\\b`).test(q)).length;
  before(() => {
    const query = connection.query.bind(connection);
    connection.query = ((soql: string, ...rest: unknown[]) => {
      soqls.push(soql);
      return (query as (...args: unknown[]) => unknown)(soql, ...rest);
    }) as typeof connection.query;
  });

  it('counts Leads in their own summary row, the run record and the Lead events; a dry run only plans', async () => {
    const [lead, other] = [pc.admin.createIncoming('marketplace-lead'), pc.admin.createIncoming('marketplace-lead')];
    const dry = await runSync(
      { connection, client: clientsFor(pc).referrals, config: validateConfig({}) },
      {
        full: true,
        dryRun: true,
      }
    );
    expect(dry.summary.leads).to.deep.equal({ created: 2, updated: 0, converted: 0, closed: 0, failed: 0 });
    expect(sf.records('Lead')).to.have.length(0);
    expect(dry.records.filter((r) => r.lead === 'created').map((r) => r.referralId)).to.have.members([
      lead.id,
      other.id,
    ]);

    const first = await sync();
    expect(first.summary.leads).to.include({ created: 2 });
    expect(first.summary.inbound.created, 'a Lead is not counted as an inbound record').to.equal(0);
    expect(runRecord()).to.include({ Leads_Created__c: 2, Leads_Converted__c: 0, Leads_Open__c: 2 });
    const leadEvents = sf.records('Partner_Center_Sync_Event__c').filter((e) => e.Lead__c);
    expect(leadEvents.map((e) => e.Action__c)).to.deep.equal(['Created', 'Created']);

    pc.admin.transition(lead.id, 'accept');
    pc.admin.transition(other.id, 'decline', 'No budget');
    const planned = await runSync(
      { connection, client: clientsFor(pc).referrals, config: validateConfig({}) },
      {
        full: true,
        dryRun: true,
      }
    );
    expect(planned.summary.leads).to.include({ converted: 1, closed: 1 });
    expect(byReferral('Lead', lead.id)[0].IsConverted).to.equal(false);

    const second = await sync();
    expect(second.summary.leads).to.include({ converted: 1, closed: 1 });
    expect(runRecord()).to.include({ Leads_Converted__c: 1, Leads_Closed__c: 1, Leads_Open__c: 0 });
    const converted = sf.records('Partner_Center_Sync_Event__c').find((e) => e.Action__c === 'Converted') as Row;
    expect(converted.Lead__c).to.equal(byReferral('Lead', lead.id)[0].Id);
    expect(converted.Opportunity__c).to.equal(byReferral('Lead', lead.id)[0].ConvertedOpportunityId);

    const third = await sync();
    expect(third.summary.leads, 'a rerun changes no Lead').to.deep.equal({
      created: 0,
      updated: 0,
      converted: 0,
      closed: 0,
      failed: 0,
    });
  });

  it('asks the org for Lead decisions only while the sync has Leads that may await one', async () => {
    soqls.length = 0;
    pc.admin.seedReferrals(3, 'microsoft-co-sell');
    const incremental = (): ReturnType<typeof runSync> =>
      runSync({ connection, client: clientsFor(pc).referrals, config: validateConfig({}) }, {});
    await incremental();
    await incremental();
    expect(queriesOf('Lead'), 'no lead referral: no Lead query').to.equal(0);
    expect(runRecord()).to.include({ Leads_Open__c: 0 });

    const lead = pc.admin.createIncoming('marketplace-lead');
    await incremental();
    expect(runRecord()).to.include({ Leads_Open__c: 1 });
    // The seller declines on the Lead; a run that lists no referral still sends it.
    await connection
      .sobject('Lead')
      .update({ Id: byReferral('Lead', lead.id)[0].Id as string, Status: 'Closed - Not Converted' });
    await incremental();
    expect(pc.admin.getReferral(lead.id)).to.include({ status: 'Closed', substatus: 'Declined' });

    await runSync(
      { connection, client: clientsFor(pc).referrals, config: validateConfig({ leads: { sync: 'off' } }) },
      { full: true }
    );
    const before = queriesOf('Lead');
    await runSync(
      { connection, client: clientsFor(pc).referrals, config: validateConfig({ leads: { sync: 'off' } }) },
      { full: true }
    );
    expect(queriesOf('Lead') - before, 'leads.sync off: no Lead query').to.equal(0);
  });
});
