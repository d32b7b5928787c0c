import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';

type Row = Record<string, unknown>;
type ConvertResult = {
  accountId: string | null;
  contactId: string | null;
  leadId: string | null;
  opportunityId: string | null;
  success: boolean;
  errors: Array<{ statusCode: string; message: string; fields?: string | string[] }>;
};

const SETTINGS = `<?xml version="1.0" encoding="UTF-8"?>
<LeadConvertSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <allowOwnerChange>false</allowOwnerChange>
    <objectMapping>
        <inputObject>Lead</inputObject>
        <mappingFields>
            <inputField>Ref__c</inputField>
            <outputField>Ref__c</outputField>
        </mappingFields>
        <outputObject>Opportunity</outputObject>
    </objectMapping>
    <opportunityCreationOptions>VisibleOptional</opportunityCreationOptions>
</LeadConvertSettings>
`;

const TEXT_FIELD = (name: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">
    <fullName>${name}</fullName>
    <externalId>true</externalId>
    <label>Ref</label>
    <length>100</length>
    <type>Text</type>
    <unique>true</unique>
</CustomField>
`;

describe('Salesforce emulator: Leads and convertLead (Partner SOAP API)', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;
  let conn: Connection;
  let dir: string;

  before(async () => {
    // A source folder with a custom field on Lead and Opportunity and the LeadConvertSettings mapping them.
    dir = mkdtempSync(path.join(tmpdir(), 'pcsync-leads-'));
    for (const object of ['Lead', 'Opportunity']) {
      mkdirSync(path.join(dir, 'objects', object, 'fields'), { recursive: true });
      writeFileSync(path.join(dir, 'objects', object, 'fields', 'Ref__c.field-meta.xml'), TEXT_FIELD('Ref__c'));
    }
    mkdirSync(path.join(dir, 'LeadConvertSettings'));
    writeFileSync(path.join(dir, 'LeadConvertSettings', 'LeadConvertSetting.LeadConvertSetting-meta.xml'), SETTINGS);
    emulator = await startSalesforceEmulator({ port: 0, loadMetadata: dir, adminUser: true });
    conn = new Connection({ instanceUrl: emulator.url, accessToken: emulator.accessToken, version: '64.0' });
  });

  beforeEach(() => emulator.reset());

  after(async () => {
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function lead(values: Row = {}): Promise<string> {
    const created = await conn.sobject('Lead').create({
      FirstName: 'Ada',
      LastName: 'Lovelace',
      Company: 'Analytical Engines',
      Email: 'ada@engines.example',
      Phone: '+1 425 555 0100',
      CountryCode: 'US',
      StateCode: 'WA',
      City: 'Redmond',
      LeadSource: 'Partner Referral',
      Ref__c: 'REF-1',
      ...values,
    });
    if (!created.success) throw new Error('create failed');
    return created.id;
  }

  async function convert(request: Row): Promise<ConvertResult> {
    return (await conn.soap.convertLead(request as never)) as unknown as ConvertResult;
  }

  it('has the standard statuses, only "Closed - Converted" marked converted', async () => {
    const rows = await conn.query<Row>('SELECT MasterLabel, IsConverted, IsDefault FROM LeadStatus ORDER BY SortOrder');
    expect(rows.records.map((r) => [r.MasterLabel, r.IsConverted, r.IsDefault])).to.deep.equal([
      ['Open - Not Contacted', false, true],
      ['Working - Contacted', false, false],
      ['Closed - Converted', true, false],
      ['Closed - Not Converted', false, false],
    ]);
    const status = (await conn.sobject('Lead').describe()).fields.find((f) => f.name === 'Status');
    const values = (status?.picklistValues ?? []) as Array<{ value: string }>;
    expect(values.map((v) => v.value)).to.include('Closed - Converted');
  });

  it('converts a Lead into an Account, a Contact and an Opportunity with its primary contact role', async () => {
    const leadId = await lead();
    const result = await convert({ leadId, convertedStatus: 'Closed - Converted' });
    expect(result.success).to.equal(true);
    expect(result.leadId).to.equal(leadId);
    const account = emulator.records('Account').find((r) => r.Id === result.accountId) as Row;
    expect(account).to.include({ Name: 'Analytical Engines', BillingCountryCode: 'US', BillingStateCode: 'WA' });
    const contact = emulator.records('Contact').find((r) => r.Id === result.contactId) as Row;
    expect(contact).to.include({ LastName: 'Lovelace', Email: 'ada@engines.example', AccountId: result.accountId });
    const opportunity = emulator.records('Opportunity').find((r) => r.Id === result.opportunityId) as Row;
    // The LeadConvertSettings mapping carries the custom field over; Name defaults to the Company.
    expect(opportunity).to.include({ Name: 'Analytical Engines', AccountId: result.accountId, Ref__c: 'REF-1' });
    expect(opportunity.StageName).to.equal('Prospecting');
    const roles = emulator.records('OpportunityContactRole').filter((r) => r.OpportunityId === result.opportunityId);
    expect(roles.map((r) => [r.ContactId, r.IsPrimary])).to.deep.equal([[result.contactId, true]]);
    const [converted] = (
      await conn.query<Row>(
        'SELECT IsConverted, Status, ConvertedDate, ConvertedAccountId, ConvertedContactId, ConvertedOpportunityId ' +
          `FROM Lead WHERE Id = '${leadId}'`
      )
    ).records;
    expect(converted).to.include({
      IsConverted: true,
      Status: 'Closed - Converted',
      ConvertedAccountId: result.accountId,
      ConvertedContactId: result.contactId,
      ConvertedOpportunityId: result.opportunityId,
    });
    expect(converted.ConvertedDate).to.match(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('merges into a given Account, filling only its blank fields, and can skip the Opportunity', async () => {
    const account = await conn.sobject('Account').create({ Name: 'Existing Name', Phone: null });
    if (!account.success) throw new Error('create failed');
    const result = await convert({
      leadId: await lead(),
      convertedStatus: 'Closed - Converted',
      accountId: account.id,
      doNotCreateOpportunity: true,
    });
    expect(result).to.include({ success: true, accountId: account.id, opportunityId: null });
    expect(emulator.records('Account').find((r) => r.Id === account.id)).to.include({
      Name: 'Existing Name',
      Phone: '+1 425 555 0100',
    });
    expect(emulator.records('Opportunity')).to.have.length(0);
  });

  it('refuses a status that is not a converted one, changing nothing', async () => {
    const leadId = await lead();
    const result = await convert({ leadId, convertedStatus: 'Closed - Not Converted' });
    expect(result.success).to.equal(false);
    expect(result.errors).to.have.length(1);
    expect(result.errors[0]).to.include({
      statusCode: 'INVALID_STATUS',
      message: 'invalid convertedStatus: Closed - Not Converted',
    });
    expect(emulator.records('Account')).to.have.length(0);
    expect(emulator.records('Lead')[0]).to.include({ IsConverted: false });
  });

  it('refuses converting a converted Lead again, and an unknown Lead, each on its own', async () => {
    const leadId = await lead();
    expect((await convert({ leadId, convertedStatus: 'Closed - Converted' })).success).to.equal(true);
    const results = (await conn.soap.convertLead([
      { leadId, convertedStatus: 'Closed - Converted' },
      { leadId: '00Q000000000000AAA', convertedStatus: 'Closed - Converted' },
      {
        leadId: await lead({ Ref__c: 'REF-2', Email: 'b@x.example', LastName: 'Other' }),
        convertedStatus: 'Closed - Converted',
      },
    ] as never)) as unknown as ConvertResult[];
    expect(results.map((r) => r.success)).to.deep.equal([false, false, true]);
    expect(results[0].errors[0]).to.include({ statusCode: 'CANNOT_UPDATE_CONVERTED_LEAD' });
    expect(results[1].errors[0]).to.include({ statusCode: 'INVALID_CROSS_REFERENCE_KEY' });
    expect(emulator.records('Opportunity')).to.have.length(2);
  });

  it('refuses any data API edit of a converted Lead (CANNOT_UPDATE_CONVERTED_LEAD), upserts included', async () => {
    const leadId = await lead();
    await convert({ leadId, convertedStatus: 'Closed - Converted' });
    const failure = await conn
      .sobject('Lead')
      .update({ Id: leadId, Description: 'late edit' })
      .then(
        () => undefined,
        (error: { errorCode: string; message: string }) => error
      );
    expect(failure).to.include({
      errorCode: 'CANNOT_UPDATE_CONVERTED_LEAD',
      message: 'cannot reference converted lead',
    });
    const upsert = await conn
      .sobject('Lead')
      .upsert({ Ref__c: 'REF-1', Description: 'late edit' }, 'Ref__c')
      .then(
        () => undefined,
        (error: { errorCode: string }) => error
      );
    expect(upsert).to.include({ errorCode: 'CANNOT_UPDATE_CONVERTED_LEAD' });
    // An unconverted Lead is still editable.
    const other = await lead({ Ref__c: 'REF-3', Email: 'c@x.example', LastName: 'Third' });
    expect(await conn.sobject('Lead').update({ Id: other, Description: 'fine' })).to.include({ success: true });
  });

  it('refuses a session it does not know with the fault jsforce reads as INVALID_SESSION_ID', async () => {
    const stranger = new Connection({ instanceUrl: emulator.url, accessToken: 'not-a-session', version: '64.0' });
    const failure = await stranger.soap
      .convertLead({ leadId: await lead(), convertedStatus: 'Closed - Converted' } as never)
      .then(
        () => undefined,
        (error: { errorCode?: string; name?: string }) => error
      );
    expect(String(failure?.errorCode ?? failure?.name)).to.include('INVALID_SESSION_ID');
  });
});

describe("Salesforce emulator: convertLead with this repository's force-app", function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;
  let conn: Connection;

  before(async () => {
    emulator = await startSalesforceEmulator({ port: 0, loadMetadata: true, adminUser: true });
    conn = new Connection({ instanceUrl: emulator.url, accessToken: emulator.accessToken, version: '64.0' });
  });

  after(async () => {
    await emulator?.close();
  });

  it('carries the referral identifier, link, status and audit to the Opportunity (LeadConvertSettings)', async () => {
    const referral = {
      Referral_Identifier__c: 'b6f1c5d2-0000-4000-8000-000000000001',
      Referral_Link__c: 'https://partner.microsoft.com/dashboard/referrals/v2/leads/b6f1c5d2',
      Partner_Center_Status__c: 'Active',
      Partner_Center_Substatus__c: 'Accepted',
      Partner_Center_Audit__c: '2026-11-30 inbound: created',
    };
    const created = await conn.sobject('Lead').create({ LastName: 'Buyer', Company: 'Fabrikam', ...referral });
    if (!created.success) throw new Error('create failed');
    const result = (await conn.soap.convertLead({
      leadId: created.id,
      convertedStatus: 'Closed - Converted',
    } as never)) as unknown as ConvertResult;
    expect(result.success).to.equal(true);
    expect(emulator.records('Opportunity').find((r) => r.Id === result.opportunityId)).to.include(referral);
  });
});
