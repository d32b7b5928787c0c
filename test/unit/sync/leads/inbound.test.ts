import { Connection } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import { validateConfig } from '../../../../src/config/index.js';
import type { Referral } from '../../../../src/partner-center/referral-types.js';
import { OrgSchema } from '../../../../src/salesforce/org-schema.js';
import { convertLead, type CustomerIds } from '../../../../src/sync/leads/convert.js';
import { type LeadDeps, upsertLeads } from '../../../../src/sync/leads/inbound.js';

type Row = Record<string, unknown>;

const lead = (id: string, overrides: Partial<Referral> = {}): Referral =>
  ({
    id,
    engagementId: `eng-${id}`,
    name: `Lead ${id}`,
    createdDateTime: '2026-11-01T00:00:00Z',
    updatedDateTime: '2026-11-02T00:00:00Z',
    status: 'New',
    substatus: 'Pending',
    type: 'Independent',
    qualification: 'MarketingQualified',
    direction: 'Incoming',
    inviteContext: { invitedBy: { organizationId: 'msft' } },
    eTag: '"1"',
    links: { self: { uri: `https://api.partner.microsoft.com/v1.0/engagements/referrals/${id}` } },
    customerProfile: {
      name: 'Northwind Traders',
      address: { city: 'Redmond', state: 'WA', country: 'US' },
      team: [{ firstName: 'Nancy', lastName: 'Davolio', email: `nancy.${id}@northwind.example` }],
    },
    details: { notes: 'Wants a demo' },
    ...overrides,
  }) as Referral;

describe('leads: inbound Leads and their conversion, against the Salesforce emulator', function () {
  this.timeout(60_000);
  let emulator: SalesforceEmulator;
  let conn: Connection;
  let deps: LeadDeps;
  const noCustomer = (): Promise<CustomerIds> => Promise.resolve({});

  before(async () => {
    emulator = await startSalesforceEmulator({ port: 0, loadMetadata: true, adminUser: true });
  });

  beforeEach(() => {
    emulator.reset();
    conn = new Connection({ instanceUrl: emulator.url, accessToken: emulator.accessToken, version: '64.0' });
    deps = {
      connection: conn,
      leads: validateConfig({}).leads,
      schema: new OrgSchema(conn),
      bulkThreshold: 2000,
      now: () => new Date('2026-11-30T09:00:00Z'),
    };
  });

  after(async () => {
    await emulator?.close();
  });

  const opportunitiesOf = (referralId: string): Row[] =>
    emulator.records('Opportunity').filter((r) => r.Referral_Identifier__c === referralId);

  it('upserts one Lead per referral by its External ID, with the mapping, the person and the address codes', async () => {
    expect((await upsertLeads(deps, [lead('L-1'), lead('L-2')])).map((o) => o.action)).to.deep.equal([
      'created',
      'created',
    ]);
    const again = await upsertLeads(deps, [lead('L-1', { details: { notes: 'Changed' } })]);
    expect(again.map((o) => o.action)).to.deep.equal(['updated']);
    const rows = emulator.records('Lead');
    expect(rows).to.have.length(2);
    expect(rows.find((r) => r.Referral_Identifier__c === 'L-1')).to.include({
      Company: 'Northwind Traders',
      FirstName: 'Nancy',
      LastName: 'Davolio',
      CountryCode: 'US',
      StateCode: 'WA',
      City: 'Redmond',
      Description: 'Changed',
      LeadSource: 'Partner Referral',
      Status: 'Open - Not Contacted',
      Partner_Center_Status__c: 'New',
      Referral_Link__c: 'https://partner.microsoft.com/dashboard/referrals/v2/L-1',
    });
  });

  it("applies a create-only rule and a constant on the Lead's create only, so a seller's later change stays", async () => {
    deps.leads = validateConfig({
      leads: {
        mapping: [
          { partnerCenter: 'customerProfile.name', salesforce: 'Company', direction: 'inbound' },
          { partnerCenter: 'details.notes', salesforce: 'Description', direction: 'inbound', on: 'create' },
          { salesforce: 'LeadSource', value: 'Web', on: 'create' },
          { salesforce: 'Website', value: 'https://northwind.example', on: 'update' },
        ],
      },
    }).leads;
    await upsertLeads(deps, [lead('L-9')]);
    const id = String(emulator.records('Lead')[0].Id);
    expect(emulator.records('Lead')[0]).to.include({ Description: 'Wants a demo', LeadSource: 'Web', Website: null });
    await conn.sobject('Lead').update({ Id: id, Description: 'Called them', LeadSource: 'Phone Inquiry' });
    await upsertLeads(deps, [lead('L-9', { details: { notes: 'Changed in Partner Center' } })]);
    expect(emulator.records('Lead')[0]).to.include({
      Description: 'Called them',
      LeadSource: 'Phone Inquiry',
      Website: 'https://northwind.example',
    });
  });

  it('closes a declined lead with the reason once, however often it is read again', async () => {
    await upsertLeads(deps, [lead('L-3')]);
    const declined = lead('L-3', { status: 'Closed', substatus: 'Declined', statusReason: 'Not a fit' });
    await upsertLeads(deps, [declined]);
    await upsertLeads(deps, [declined]);
    const [row] = emulator.records('Lead');
    expect(row).to.include({ Status: 'Closed - Not Converted', Partner_Center_Substatus__c: 'Declined' });
    expect(String(row.Partner_Center_Audit__c).match(/Declined in Partner Center: Not a fit/g)).to.have.length(1);
  });

  it('converts an accepted lead into exactly one Opportunity carrying the referral id and link', async () => {
    await upsertLeads(deps, [lead('L-4')]);
    const accepted = lead('L-4', { status: 'Active', substatus: 'Accepted' });
    const first = await convertLead(conn, deps.leads, accepted, noCustomer);
    expect(first.outcome).to.equal('converted');
    const [opportunity] = opportunitiesOf('L-4');
    expect(opportunity).to.include({
      Id: first.opportunityId,
      Name: 'Lead L-4',
      Referral_Link__c: 'https://partner.microsoft.com/dashboard/referrals/v2/L-4',
    });
    // Read again: the Lead is converted, so nothing is converted twice and the upsert leaves it alone.
    expect((await convertLead(conn, deps.leads, accepted, noCustomer)).outcome).to.equal('unchanged');
    expect((await upsertLeads(deps, [accepted]))[0]).to.include({ action: 'skipped' });
    expect(opportunitiesOf('L-4')).to.have.length(1);
    expect(emulator.records('Account')).to.have.length(1);
    expect(emulator.records('Contact')).to.have.length(1);
  });

  it('converts into the Account and Contact the customer rules found, creating neither again', async () => {
    const account = await conn.sobject('Account').create({ Name: 'Northwind Traders' });
    // No email: the standard duplicate rules would match a Contact with the lead's name and email to its Lead.
    const contact = await conn
      .sobject('Contact')
      .create({ LastName: 'Davolio', AccountId: (account as { id: string }).id });
    await upsertLeads(deps, [lead('L-5')]);
    const ids = { accountId: (account as { id: string }).id, contactId: (contact as { id: string }).id };
    const outcome = await convertLead(conn, deps.leads, lead('L-5'), () => Promise.resolve(ids));
    expect(outcome.outcome).to.equal('converted');
    expect(emulator.records('Account')).to.have.length(1);
    expect(emulator.records('Contact')).to.have.length(1);
    const roles = emulator.records('OpportunityContactRole');
    expect(roles.map((r) => [r.OpportunityId, r.ContactId])).to.deep.equal([[outcome.opportunityId, ids.contactId]]);
  });

  it('makes one Opportunity when two runs convert at once, or a run loses the answer and runs again', async () => {
    await upsertLeads(deps, [lead('L-6'), lead('L-7')]);
    const overlapping = await Promise.all([
      convertLead(conn, deps.leads, lead('L-6'), noCustomer),
      convertLead(conn, deps.leads, lead('L-6'), noCustomer),
    ]);
    expect(overlapping.map((o) => o.outcome).sort()).to.deep.equal(['converted', 'unchanged']);
    expect(overlapping[0].opportunityId).to.equal(overlapping[1].opportunityId);
    expect(opportunitiesOf('L-6')).to.have.length(1);

    // The conversion is committed and its answer lost (a run killed mid-call looks the same to the next run).
    emulator.setFaults({ match: '/services/Soap/u/', next: ['lost-response'] });
    const lost = await convertLead(conn, deps.leads, lead('L-7'), noCustomer).then(
      () => 'answered',
      () => 'lost'
    );
    expect(lost).to.equal('lost');
    emulator.clearFaults();
    const rerun = await convertLead(conn, deps.leads, lead('L-7'), noCustomer);
    expect(rerun.outcome).to.equal('unchanged');
    expect(opportunitiesOf('L-7')).to.have.length(1);
    expect(rerun.opportunityId).to.equal(opportunitiesOf('L-7')[0].Id);
  });

  it('converts without a second Opportunity when one already carries the referral', async () => {
    await upsertLeads(deps, [lead('L-8')]);
    const existing = await conn.sobject('Opportunity').create({
      Name: 'Synced before',
      StageName: 'Prospecting',
      CloseDate: '2026-12-31',
      Referral_Identifier__c: 'L-8',
    });
    const outcome = await convertLead(conn, deps.leads, lead('L-8'), noCustomer);
    expect(outcome).to.include({ outcome: 'converted', opportunityId: (existing as { id: string }).id });
    expect(opportunitiesOf('L-8')).to.have.length(1);
  });
});
