import { Connection } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../../../emulators/partner-center/server.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import { validateConfig } from '../../../../src/config/index.js';
import type { PartnerCenterClient } from '../../../../src/partner-center/client.js';
import { OrgSchema } from '../../../../src/salesforce/org-schema.js';
import type { CustomerIds } from '../../../../src/sync/leads/convert.js';
import { upsertLeads } from '../../../../src/sync/leads/inbound.js';
import { decideLead, declineReason } from '../../../../src/sync/leads/outbound.js';
import { clientsFor } from '../../partner-center/helpers.js';

describe("leads: the seller's accept or decline through the Lead status, against both emulators", function () {
  this.timeout(60_000);
  let pc: PartnerCenterEmulator;
  let sf: SalesforceEmulator;
  let client: PartnerCenterClient;
  let conn: Connection;
  const leads = validateConfig({}).leads;
  const noCustomer = (): Promise<CustomerIds> => Promise.resolve({});

  before(async () => {
    pc = await startPartnerCenterEmulator({ port: 0 });
    sf = await startSalesforceEmulator({ port: 0, loadMetadata: true, adminUser: true });
    client = clientsFor(pc).referrals;
    conn = new Connection({ instanceUrl: sf.url, accessToken: sf.accessToken, version: '64.0' });
  });

  beforeEach(() => {
    pc.reset();
    sf.reset();
  });

  after(async () => {
    await pc?.close();
    await sf?.close();
  });

  /** An incoming marketing-qualified lead, synced to its Lead, which the seller then sets to `status`. */
  async function leadSetTo(status: string): Promise<string> {
    const referral = pc.admin.createIncoming('marketing-qualified-lead');
    const deps = { connection: conn, leads, schema: new OrgSchema(conn), bulkThreshold: 2000, now: () => new Date() };
    const [created] = await upsertLeads(deps, [await client.get(referral.id)]);
    await conn.sobject('Lead').update({ Id: created.leadId as string, Status: status });
    return referral.id;
  }

  it('accepts the referral and converts the Lead into one Opportunity, once however often it runs', async () => {
    const referralId = await leadSetTo(leads.statuses.accepted);
    const decision = await decideLead(
      { client, connection: conn, leads },
      { referralId, status: leads.statuses.accepted },
      noCustomer
    );
    expect(decision.sent).to.deep.equal({ status: 'Active', substatus: 'Accepted' });
    expect(decision.conversion?.outcome).to.equal('converted');
    expect(await client.get(referralId)).to.include({ status: 'Active', substatus: 'Accepted' });
    const again = await decideLead(
      { client, connection: conn, leads },
      { referralId, status: leads.statuses.accepted },
      noCustomer
    );
    expect(again.sent).to.equal(undefined);
    expect(again.conversion?.outcome).to.equal('unchanged');
    const opportunities = sf.records('Opportunity').filter((r) => r.Referral_Identifier__c === referralId);
    expect(opportunities.map((r) => r.Id)).to.deep.equal([decision.conversion?.opportunityId]);
  });

  it('declines the referral with a statusReason and converts nothing', async () => {
    const referralId = await leadSetTo(leads.statuses.declined);
    const decision = await decideLead(
      { client, connection: conn, leads },
      { referralId, status: leads.statuses.declined },
      noCustomer
    );
    expect(decision.sent).to.include({ status: 'Closed', substatus: 'Declined' });
    expect(decision.conversion).to.equal(undefined);
    expect(await client.get(referralId)).to.include({
      status: 'Closed',
      substatus: 'Declined',
      statusReason: declineReason(leads.statuses.declined),
    });
    expect(sf.records('Opportunity')).to.have.length(0);
  });

  it('sends nothing for a status that is neither accept nor decline', async () => {
    const referralId = await leadSetTo('Working - Contacted');
    const decision = await decideLead(
      { client, connection: conn, leads },
      { referralId, status: 'Working - Contacted' },
      noCustomer
    );
    expect(decision).to.deep.equal({ referralId });
    expect(await client.get(referralId)).to.include({ status: 'New' });
  });
});
