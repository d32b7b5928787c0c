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
});
