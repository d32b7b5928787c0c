import { Connection } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';

type Row = Record<string, unknown>;
type ApiFailure = { errorCode: string; message: string; data: { fields?: string[] } };

const COUNTRY_PROBLEM =
  "There's a problem with this country, even though it may appear correct. " +
  'Please select a country/territory from the list of valid countries.';
const STATE_PROBLEM =
  "There's a problem with this state, even though it may appear correct. " +
  'Please select a state from the list of valid states.';

describe('Salesforce emulator: State and Country/Territory Picklists', function () {
  this.timeout(30_000);

  describe('on, as in a new org (the default)', () => {
    let emulator: SalesforceEmulator;
    let conn: Connection;

    before(async () => {
      // Duplicate rules off: these Accounts are named alike on purpose; duplicates have their own tests.
      emulator = await startSalesforceEmulator({ port: 0, duplicateRules: false });
      conn = new Connection({ instanceUrl: emulator.url, accessToken: emulator.accessToken, version: '64.0' });
    });

    beforeEach(() => emulator.reset());

    after(async () => {
      await emulator?.close();
    });

    async function account(values: Row): Promise<Row> {
      const created = await conn.sobject('Account').create({ Name: 'Address Test', ...values });
      if (!created.success) throw new Error('create failed');
      return emulator.records('Account').find((r) => r.Id === created.id) as Row;
    }

    async function refused(values: Row, object = 'Account'): Promise<ApiFailure> {
      const base: Row = object === 'Lead' ? { LastName: 'Refused', Company: 'R' } : { Name: 'Refused' };
      try {
        await conn.sobject(object).create({ ...base, ...values });
      } catch (error) {
        return error as ApiFailure;
      }
      throw new Error(`expected ${JSON.stringify(values)} to be refused`);
    }

    it('describes the codes as restricted picklists (states controlled by country), the names as text', async () => {
      const describe = await conn.sobject('Account').describe();
      const field = (name: string): Row => describe.fields.find((f) => f.name === name) as unknown as Row;
      expect(field('BillingCountry')).to.include({ type: 'string', length: 80, controllerName: null });
      expect(field('BillingCountryCode')).to.include({ type: 'picklist', restrictedPicklist: true });
      const state = field('BillingStateCode');
      expect(state).to.include({ type: 'picklist', controllerName: 'BillingCountryCode', dependentPicklist: true });
      const countries = field('BillingCountryCode').picklistValues as Array<{ value: string; label: string }>;
      expect(countries.find((c) => c.value === 'JP')?.label).to.equal('Japan');
      expect(countries).to.have.length(235);
      // validFor sets the bit of the controlling country, in the country picklist's order.
      const tokyo = (state.picklistValues as Array<{ value: string; label: string; validFor: string }>).find(
        (s) => s.label === 'Tokyo'
      );
      const japan = countries.findIndex((c) => c.value === 'JP');
      const bits = Buffer.from(tokyo?.validFor ?? '', 'base64');
      expect(bits[japan >> 3] & (0x80 >> (japan & 7))).to.not.equal(0);
      expect([...bits].reduce((n, b) => n + b.toString(2).replace(/0/g, '').length, 0)).to.equal(1);
    });

    it('fills the code from an integration value, and the integration value from a code', async () => {
      expect(await account({ BillingCountry: 'United States', BillingState: 'Washington' })).to.include({
        BillingCountryCode: 'US',
        BillingStateCode: 'WA',
      });
      expect(await account({ BillingCountryCode: 'JP', BillingStateCode: '13' })).to.include({
        BillingCountry: 'Japan',
        BillingState: 'Tokyo',
      });
      expect(await account({ BillingCountry: 'Germany' })).to.include({ BillingCountryCode: 'DE', BillingState: null });
      // Codes are case-insensitive.
      expect(await account({ ShippingCountryCode: 'ca', ShippingStateCode: 'on' })).to.include({
        ShippingCountryCode: 'CA',
        ShippingState: 'Ontario',
      });
    });

    it('refuses a code in the name field, and an unknown name, with FIELD_INTEGRITY_EXCEPTION', async () => {
      for (const value of ['US', 'USA', 'united states', 'Atlantis']) {
        const error = await refused({ BillingCountry: value });
        expect(error.errorCode, value).to.equal('FIELD_INTEGRITY_EXCEPTION');
        expect(error.message).to.equal(`${COUNTRY_PROBLEM}: Billing Country`);
        expect(error.data.fields).to.deep.equal(['BillingCountry']);
      }
      const code = await refused({ BillingCountryCode: 'XX' });
      expect(code.errorCode).to.equal('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
      expect(code.message).to.equal('Billing Country Code: bad value for restricted picklist field: XX');
    });

    it('refuses a state that is not in the country (or a country without states)', async () => {
      const wrongCountry = await refused({ BillingCountry: 'United States', BillingState: 'Tokyo' });
      expect(wrongCountry).to.include({
        errorCode: 'FIELD_INTEGRITY_EXCEPTION',
        message: `${STATE_PROBLEM}: Billing State/Province`,
      });
      // Germany has no states in a new org, so Bavaria is refused until an admin adds it.
      const noStates = await refused({ BillingCountry: 'Germany', BillingState: 'Bavaria' });
      expect(noStates.errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
      const code = await refused({ BillingCountryCode: 'US', BillingStateCode: 'ON' });
      expect(code).to.include({
        errorCode: 'FIELD_INTEGRITY_EXCEPTION',
        message:
          "The BillingStateCode field contains ON, which isn't an available state. " +
          'Your administrator can add it for you.',
      });
      const noCountry = await refused({ BillingState: 'Washington' });
      expect(noCountry.errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
      expect(emulator.records('Account')).to.have.length(0);
    });

    it('keeps the pair in step on update as Help documents', async () => {
      const row = await account({ BillingCountryCode: 'US', BillingStateCode: 'NY' });
      const id = row.Id as string;
      const update = async (values: Row): Promise<Row> => {
        await conn.sobject('Account').update({ Id: id, ...values });
        return emulator.records('Account').find((r) => r.Id === id) as Row;
      };
      // A create with a mismatched pair takes the code; an update with one is refused.
      expect(await account({ BillingCountryCode: 'CA', BillingCountry: 'Mexico' })).to.include({
        BillingCountry: 'Canada',
      });
      let mismatch: unknown;
      try {
        await conn.sobject('Account').update({ Id: id, BillingCountryCode: 'CA', BillingCountry: 'Mexico' });
      } catch (error) {
        mismatch = error;
      }
      expect((mismatch as ApiFailure).errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
      // A new country whose states do not include the old one is refused unless the state changes too.
      let orphan: unknown;
      try {
        await conn.sobject('Account').update({ Id: id, BillingCountryCode: 'AU' });
      } catch (error) {
        orphan = error;
      }
      expect((orphan as ApiFailure).errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
      expect(await update({ BillingCountryCode: 'AU', BillingStateCode: 'WA' })).to.include({
        BillingCountry: 'Australia',
        BillingState: 'Western Australia',
      });
      // Removing the country code removes the state code and both integration values.
      expect(await update({ BillingCountryCode: null })).to.include({
        BillingCountry: null,
        BillingCountryCode: null,
        BillingState: null,
        BillingStateCode: null,
      });
    });

    it('applies to Contact (Mailing, Other) and Lead addresses, and the code fields are queryable', async () => {
      const contact = await conn.sobject('Contact').create({
        LastName: 'Tanaka',
        MailingCountry: 'Japan',
        MailingState: 'Osaka',
        OtherCountryCode: 'BR',
      });
      if (!contact.success) throw new Error('create failed');
      expect(emulator.records('Contact')[0]).to.include({
        MailingCountryCode: 'JP',
        MailingStateCode: '27',
        OtherCountry: 'Brazil',
      });
      const lead = await refused({ Country: 'UK' }, 'Lead');
      expect(lead.message).to.equal(`${COUNTRY_PROBLEM}: Country`);
      const rows = await conn.query<{ MailingStateCode: string }>(
        "SELECT MailingStateCode FROM Contact WHERE MailingCountryCode = 'JP'"
      );
      expect(rows.records.map((r) => r.MailingStateCode)).to.deep.equal(['27']);
    });

    it('checks a Bulk API 2.0 row like any other write', async () => {
      const results = await conn.bulk2.loadAndWaitForResults({
        object: 'Account',
        operation: 'insert',
        input: [
          { Name: 'Bulk Good', BillingCountry: 'Ireland' },
          { Name: 'Bulk Bad', BillingCountry: 'IE' },
        ],
        pollInterval: 50,
        pollTimeout: 20_000,
      });
      expect(results.successfulResults).to.have.length(1);
      expect(String(results.failedResults[0].sf__Error)).to.match(/^FIELD_INTEGRITY_EXCEPTION:There's a problem/);
    });
  });

  describe('off (--no-state-country-picklists)', () => {
    let emulator: SalesforceEmulator;
    let conn: Connection;

    before(async () => {
      emulator = await startSalesforceEmulator({ port: 0, stateCountryPicklists: false, duplicateRules: false });
      conn = new Connection({ instanceUrl: emulator.url, accessToken: emulator.accessToken, version: '64.0' });
    });

    after(async () => {
      await emulator?.close();
    });

    it('has no code fields: describe, SOQL and DML agree', async () => {
      const describe = await conn.sobject('Account').describe();
      const names = describe.fields.map((f) => f.name);
      expect(names).to.include.members(['BillingCountry', 'BillingState']);
      expect(names).to.not.include.members(['BillingCountryCode', 'BillingStateCode', 'ShippingCountryCode']);
      const lead = await conn.sobject('Lead').describe();
      expect(lead.fields.map((f) => f.name)).to.not.include('CountryCode');
      let query: unknown;
      try {
        await conn.query('SELECT BillingCountryCode FROM Account');
      } catch (error) {
        query = error;
      }
      expect((query as ApiFailure).errorCode).to.equal('INVALID_FIELD');
      let write: unknown;
      try {
        await conn.sobject('Account').create({ Name: 'Coded', BillingCountryCode: 'US' });
      } catch (error) {
        write = error;
      }
      expect((write as ApiFailure).errorCode).to.equal('INVALID_FIELD');
    });

    it('takes free text in the name fields', async () => {
      const created = await conn.sobject('Account').create({ Name: 'Free', BillingCountry: 'US', BillingState: 'WA' });
      expect(created.success).to.equal(true);
      expect(emulator.settings().stateCountryPicklists).to.equal(false);
      const refused = await fetch(`${emulator.url}/__emulator/settings`, {
        method: 'POST',
        body: JSON.stringify({ stateCountryPicklists: true }),
      });
      expect(refused.status).to.equal(400);
    });
  });
});
