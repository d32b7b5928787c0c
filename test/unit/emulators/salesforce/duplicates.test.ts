import { Connection } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import { api, sfRequest } from '../../../helpers/salesforce-emulator.js';

type MatchRecord = { matchConfidence: number; record: Record<string, unknown> };
type DuplicateResult = {
  allowSave: boolean;
  duplicateRule: string;
  duplicateRuleEntityType: string;
  errorMessage: string;
  matchResults: Array<{
    entityType: string;
    rule: string;
    matchEngine: string;
    size: number;
    matchRecords: MatchRecord[];
  }>;
};
type DuplicateError = { errorCode?: string; statusCode?: string; message: string; duplicateResult: DuplicateResult };
type SaveResult = { id: string | null; success: boolean; errors: DuplicateError[] };

const ALLOW_SAVE = { 'Sforce-Duplicate-Rule-Header': 'allowSave=true' };

describe('Salesforce emulator: the standard duplicate rules', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;
  let conn: Connection;

  before(async () => {
    emulator = await startSalesforceEmulator({ port: 0 });
    conn = new Connection({ instanceUrl: emulator.url, accessToken: emulator.accessToken, version: '64.0' });
  });

  beforeEach(() => emulator.reset());

  after(async () => {
    await emulator?.close();
  });

  async function create(object: string, values: Record<string, unknown>): Promise<string> {
    const created = await conn.sobject(object).create(values);
    if (!created.success) throw new Error('create failed');
    return created.id;
  }

  /** A single create the rules block: the 400 body's only error (jsforce keeps it as the error's data). */
  async function blocked(object: string, values: Record<string, unknown>): Promise<DuplicateError> {
    try {
      await conn.sobject(object).create(values);
    } catch (error) {
      return (error as { data: DuplicateError }).data;
    }
    throw new Error(`expected ${object} ${JSON.stringify(values)} to be blocked`);
  }

  it('blocks an Account create matching by name alone (blank city and ZIP match), documented shape', async () => {
    const existing = await create('Account', { Name: 'Contoso Ltd' });
    const error = await blocked('Account', { Name: 'Contoso, Inc.' });
    expect(error).to.include({ errorCode: 'DUPLICATES_DETECTED', message: 'Use one of these records?' });
    expect(error.duplicateResult).to.include({
      allowSave: true,
      duplicateRule: 'Standard_Account_Duplicate_Rule',
      duplicateRuleEntityType: 'Account',
      errorMessage: 'Use one of these records?',
    });
    const [result] = error.duplicateResult.matchResults;
    expect(result).to.include({
      entityType: 'Account',
      rule: 'Standard_Account_Match_Rule_v1_0',
      matchEngine: 'FuzzyMatchEngine',
      size: 1,
    });
    expect(result.matchRecords[0].record).to.deep.equal({
      attributes: { type: 'Account', url: `/services/data/v64.0/sobjects/Account/${existing}` },
      Id: existing,
    });
    expect(result.matchRecords[0].matchConfidence).to.be.within(70, 100);
    expect(emulator.records('Account')).to.have.length(1);
  });

  it('matches as the standard equation says: street, city and ZIP, or phone', async () => {
    await create('Account', {
      Name: 'Fabrikam',
      BillingStreet: '1 Main St.',
      BillingCity: 'Seattle',
      BillingPostalCode: '98101',
      Phone: '(425) 555-0100',
    });
    // Same street (abbreviated differently): a match.
    expect((await blocked('Account', { Name: 'Fabrikam', BillingStreet: '1 Main Street' })).errorCode).to.equal(
      'DUPLICATES_DETECTED'
    );
    // Same phone, written differently: a match.
    expect((await blocked('Account', { Name: 'Fabrikam Inc', Phone: '+1 425 555 0100' })).errorCode).to.equal(
      'DUPLICATES_DETECTED'
    );
    // Same name elsewhere: no match.
    await create('Account', { Name: 'Fabrikam', BillingCity: 'Berlin', BillingPostalCode: '10115' });
    // A different name: no match.
    await create('Account', { Name: 'Northwind Traders', BillingCity: 'Seattle', BillingPostalCode: '98101' });
    expect(emulator.records('Account')).to.have.length(3);
  });

  it('saves with Sforce-Duplicate-Rule-Header allowSave=true; includeRecordDetails returns the fields', async () => {
    await create('Account', { Name: 'Tailspin Toys' });
    const allowed = await conn.sobject('Account').create({ Name: 'Tailspin Toys' }, { headers: ALLOW_SAVE });
    expect(allowed.success).to.equal(true);
    const detailed = await sfRequest<DuplicateError[]>(
      emulator,
      'POST',
      api('/sobjects/Account'),
      { Name: 'Tailspin Toys' },
      { 'Sforce-Duplicate-Rule-Header': 'allowSave=false; includeRecordDetails=true' }
    );
    expect(detailed.status).to.equal(400);
    const records = detailed.body[0].duplicateResult.matchResults[0].matchRecords.map((m) => m.record);
    expect(records).to.have.length(2);
    expect(records[0]).to.include({ Name: 'Tailspin Toys' });
    expect(records[0]).to.have.property('CreatedDate');
  });

  it('reports the error per record in sObject Collections and in composite subrequests', async () => {
    const existing = await create('Account', { Name: 'Litware' });
    const results = (await conn
      .sobject('Account')
      .create([{ Name: 'Litware' }, { Name: 'Adventure Works' }], { allOrNone: false })) as unknown as SaveResult[];
    expect(results[0]).to.include({ success: false, id: null });
    expect(results[0].errors[0]).to.include({
      statusCode: 'DUPLICATES_DETECTED',
      message: 'Use one of these records?',
    });
    expect(results[0].errors[0].duplicateResult.matchResults[0].matchRecords[0].record.Id).to.equal(existing);
    expect(results[1].success).to.equal(true);

    const composite = await conn.request<{
      compositeResponse: Array<{ httpStatusCode: number; body: DuplicateError[] }>;
    }>({
      method: 'POST',
      url: '/services/data/v64.0/composite',
      body: JSON.stringify({
        allOrNone: false,
        compositeRequest: [
          {
            method: 'POST',
            url: '/services/data/v64.0/sobjects/Account',
            referenceId: 'dup',
            body: { Name: 'Litware' },
          },
        ],
      }),
      headers: { 'Content-Type': 'application/json' },
    });
    const [sub] = composite.compositeResponse;
    expect(sub.httpStatusCode).to.equal(400);
    expect(sub.body[0].errorCode).to.equal('DUPLICATES_DETECTED');
    expect(sub.body[0].duplicateResult.matchResults[0].matchRecords[0].record.Id).to.equal(existing);
  });

  it('does not match records saved in the same call against each other (a batch is not compared)', async () => {
    const results = await conn.sobject('Account').create([{ Name: 'Wingtip' }, { Name: 'Wingtip' }]);
    expect(results.every((r) => r.success)).to.equal(true);
    expect((await blocked('Account', { Name: 'Wingtip' })).duplicateResult.matchResults[0].size).to.equal(2);
  });

  it('fails the row in a Bulk API 2.0 job, with the error in the failed results', async () => {
    await create('Account', { Name: 'Proseware' });
    const results = await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'insert',
      input: [{ Name: 'Proseware' }, { Name: 'Trey Research' }],
      pollInterval: 50,
      pollTimeout: 20_000,
    });
    expect(results.successfulResults).to.have.length(1);
    expect(results.failedResults).to.have.length(1);
    expect(String(results.failedResults[0].sf__Error)).to.match(/^DUPLICATES_DETECTED:Use one of these records\?/);
  });

  it('only reports on edit: an update that makes a duplicate is saved (the rules alert on create only)', async () => {
    await create('Account', { Name: 'Coho Winery' });
    const other = await create('Account', { Name: 'Blue Yonder Airlines' });
    const updated = await conn.sobject('Account').update({ Id: other, Name: 'Coho Winery' });
    expect(updated.success).to.equal(true);
  });

  it('matches Contacts by first and last name with email or phone, transposed too, and Leads across', async () => {
    const existing = await create('Contact', {
      FirstName: 'Maria',
      LastName: 'Garcia',
      Email: 'maria@contoso.example',
    });
    const byEmail = await blocked('Contact', {
      FirstName: 'Maria',
      LastName: 'Garcia',
      Email: 'MARIA@contoso.example',
    });
    expect(byEmail.duplicateResult).to.include({ duplicateRule: 'Standard_Contact_Duplicate_Rule' });
    expect(byEmail.duplicateResult.matchResults[0].matchRecords[0].record.Id).to.equal(existing);
    const transposed = await blocked('Contact', {
      FirstName: 'Garcia',
      LastName: 'Maria',
      Email: 'maria@contoso.example',
    });
    expect(transposed.errorCode).to.equal('DUPLICATES_DETECTED');
    // A nickname is the same first name ("Name Variant"); a blank first name is ignored next to an email.
    await create('Contact', { FirstName: 'Robert', LastName: 'Chen', Phone: '206-555-0199' });
    expect((await blocked('Contact', { FirstName: 'Bob', LastName: 'Chen', Phone: '2065550199' })).errorCode).to.equal(
      'DUPLICATES_DETECTED'
    );
    expect((await blocked('Contact', { LastName: 'Garcia', Email: 'maria@contoso.example' })).errorCode).to.equal(
      'DUPLICATES_DETECTED'
    );
    // Same name, nothing else in common: no match.
    await create('Contact', { FirstName: 'Maria', LastName: 'Garcia', Email: 'other@fabrikam.example' });
    // A Contact that duplicates a Lead.
    const lead = await create('Lead', {
      FirstName: 'Ken',
      LastName: 'Sato',
      Company: 'Litware',
      Email: 'ken@litware.example',
    });
    const cross = await blocked('Contact', { FirstName: 'Ken', LastName: 'Sato', Email: 'ken@litware.example' });
    const leadMatch = cross.duplicateResult.matchResults.find((r) => r.entityType === 'Lead');
    expect(leadMatch).to.include({ rule: 'Standard_Lead_Match_Rule_v1_0' });
    expect(leadMatch?.matchRecords[0].record.Id).to.equal(lead);
  });

  it('looks candidates up as the rows are now: after an update, a delete and a rolled-back insert', async () => {
    // Each Account has a ZIP of its own, so only the street group can match (name and street).
    const account = (street: string, zip: string): Record<string, unknown> => ({
      Name: 'Contoso',
      BillingStreet: street,
      BillingPostalCode: zip,
    });
    const moved = await create('Account', account('12 Harbor Road', '11111'));
    await conn.sobject('Account').update({ Id: moved, BillingStreet: '98 Mill Lane' });
    await create('Account', account('12 Harbor Road', '22222'));
    const error = await blocked('Account', account('98 Mill Lane', '33333'));
    expect(error.duplicateResult.matchResults[0].matchRecords.map((m) => m.record.Id)).to.deep.equal([moved]);
    await conn.sobject('Account').destroy(moved);
    await create('Account', account('98 Mill Lane', '44444'));
    const rolledBack = (await conn
      .sobject('Account')
      .create([account('7 Quay Street', '55555'), { Name: '' }], { allOrNone: true })) as unknown as SaveResult[];
    expect(rolledBack.map((r) => r.success)).to.deep.equal([false, false]);
    await create('Account', account('7 Quay Street', '66666'));
  });

  it('is switched off with duplicateRules: false (--no-duplicate-rules) or at run time', async () => {
    await create('Account', { Name: 'Alpine Ski House' });
    const off = await fetch(`${emulator.url}/__emulator/settings`, {
      method: 'POST',
      body: JSON.stringify({ duplicateRules: false }),
    });
    expect(((await off.json()) as { duplicateRules: boolean }).duplicateRules).to.equal(false);
    await create('Account', { Name: 'Alpine Ski House' });
    emulator.reset();
    expect(emulator.settings().duplicateRules).to.equal(true);
    const started = await startSalesforceEmulator({ port: 0, duplicateRules: false });
    try {
      const other = new Connection({ instanceUrl: started.url, accessToken: started.accessToken, version: '64.0' });
      await other.sobject('Account').create({ Name: 'Twice' });
      expect((await other.sobject('Account').create({ Name: 'Twice' })).success).to.equal(true);
    } finally {
      await started.close();
    }
  });
});
