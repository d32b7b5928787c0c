import { expect } from 'chai';
import { isValidId, startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import { api, sfRequest, type SfErrorBody } from '../../../helpers/salesforce-emulator.js';

type SaveResult = {
  id: string | null;
  success: boolean;
  errors: Array<{ statusCode: string; message: string; fields: string[] }>;
  created?: boolean;
};

const OPP = { Name: 'Contoso', StageName: 'Prospecting', CloseDate: '2027-01-31' };

describe('Salesforce emulator: REST resources', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;

  before(async () => {
    // As a System Administrator: these tests are about the API, not field-level security (see access.test.ts).
    emulator = await startSalesforceEmulator({ port: 0, loadMetadata: true, adminUser: true, maxBodyBytes: 64 * 1024 });
  });

  beforeEach(() => emulator.reset());

  after(async () => {
    await emulator?.close();
  });

  async function create(type: string, body: Record<string, unknown>): Promise<string> {
    const response = await sfRequest<SaveResult>(emulator, 'POST', api(`/sobjects/${type}`), body);
    expect(response.status, response.text).to.equal(201);
    expect(response.body.success).to.equal(true);
    return response.body.id as string;
  }

  async function createError(
    type: string,
    body: Record<string, unknown>
  ): Promise<{ status: number; errors: SfErrorBody }> {
    const response = await sfRequest<SfErrorBody>(emulator, 'POST', api(`/sobjects/${type}`), body);
    return { status: response.status, errors: response.body };
  }

  describe('login resources', () => {
    it('lists versions without a token and tolerates the double slash sf sends', async () => {
      const versions = await fetch(`${emulator.url}//services/data`);
      expect(versions.status).to.equal(200);
      const list = (await versions.json()) as Array<{ version: string }>;
      expect(list[list.length - 1].version).to.equal('64.0');
      const resources = await sfRequest<Record<string, string>>(emulator, 'GET', '//services/data/v64.0');
      expect(resources.body.query).to.equal('/services/data/v64.0/query');
    });

    it('answers userinfo and the User record with Username', async () => {
      const info = await sfRequest<{ user_id: string; organization_id: string; preferred_username: string }>(
        emulator,
        'GET',
        '/services/oauth2/userinfo'
      );
      expect(info.body).to.include({
        user_id: emulator.userId,
        organization_id: emulator.orgId,
        preferred_username: emulator.username,
      });
      const user = await sfRequest<{ Username: string }>(
        emulator,
        'GET',
        api(`/sobjects/User/${emulator.userId}`, '51.0')
      );
      expect(user.body.Username).to.equal(emulator.username);
    });

    it('serves the identity URL listed in the resource list (jsforce identity())', async () => {
      const resources = await sfRequest<{ identity: string }>(emulator, 'GET', api(''));
      const identity = await sfRequest<{ username: string; user_id: string }>(
        emulator,
        'GET',
        resources.body.identity.replace(emulator.url, '')
      );
      expect(identity.body).to.include({ username: emulator.username, user_id: emulator.userId });
    });

    it('answers the tooling query it models (SandboxProcess) and says plainly which it does not', async () => {
      const sandbox = await sfRequest<{ totalSize: number; records: unknown[] }>(
        emulator,
        'GET',
        api(`/tooling/query?q=${encodeURIComponent('SELECT Id, Status FROM SandboxProcess')}`)
      );
      expect(sandbox.status).to.equal(200);
      expect(sandbox.body).to.include({ totalSize: 0 });
      const other = await sfRequest<SfErrorBody>(
        emulator,
        'GET',
        api(`/tooling/query?q=${encodeURIComponent('SELECT Id FROM ApexClass')}`)
      );
      expect(other.status).to.equal(400);
      expect(other.body[0].errorCode).to.equal('EMULATOR_NOT_MODELLED');
      expect(other.body[0].message).to.include('ApexClass');
    });

    it('answers a Metadata API retrieve with a plain "not modelled" fault (sf project retrieve start)', async () => {
      const response = await fetch(`${emulator.url}/services/Soap/m/64.0`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml', SOAPAction: '""' },
        body:
          '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
          `<soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata"><SessionHeader><sessionId>${emulator.accessToken}</sessionId></SessionHeader></soapenv:Header>` +
          '<soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata"><retrieve><retrieveRequest><apiVersion>64.0</apiVersion></retrieveRequest></retrieve></soapenv:Body></soapenv:Envelope>',
      });
      const text = await response.text();
      expect(response.status).to.equal(500);
      expect(text).to.include('<faultcode>sf:EMULATOR_NOT_MODELLED</faultcode>');
      expect(text).to.include("does not model the Metadata API call 'retrieve'");
      expect(text).to.not.include('UNSUPPORTED_API_VERSION');
    });

    it('rejects a bad access token with 401 INVALID_SESSION_ID (403 on userinfo)', async () => {
      const bad = { url: emulator.url, accessToken: 'not-the-token' };
      const response = await sfRequest<SfErrorBody>(bad, 'GET', api('/sobjects'));
      expect(response.status).to.equal(401);
      expect(response.body).to.deep.equal([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
      expect((await sfRequest(bad, 'GET', '/services/oauth2/userinfo')).status).to.equal(403);
      expect((await fetch(`${emulator.url}${api('/limits')}`)).status).to.equal(401);
    });
  });

  describe('sObject rows', () => {
    it('creates with real 18-character Ids and key prefixes, and maintains system fields per write', async () => {
      const accountId = await create('Account', { Name: 'Contoso', BillingCountryCode: 'US' });
      const oppId = await create('Opportunity', { ...OPP, AccountId: accountId, Amount: 1234.567 });
      expect(accountId).to.match(/^001[A-Za-z0-9]{15}$/);
      expect(oppId).to.match(/^006[A-Za-z0-9]{15}$/);
      expect(isValidId(oppId)).to.equal(true);
      const contactId = await create('Contact', { LastName: 'Lovelace', FirstName: 'Ada' });
      expect(contactId.slice(0, 3)).to.equal('003');
      expect(
        (
          await create('OpportunityContactRole', { OpportunityId: oppId, ContactId: contactId, Role: 'Decision Maker' })
        ).slice(0, 3)
      ).to.equal('00K');
      expect((await create('Lead', { LastName: 'Lead', Company: 'Acme' })).slice(0, 3)).to.equal('00Q');
      expect((await create('Partner_Center_Sync_Run__c', {})).slice(0, 1)).to.equal('a');

      const read = await sfRequest<Record<string, unknown>>(emulator, 'GET', api(`/sobjects/Opportunity/${oppId}`));
      expect(read.body).to.include({
        Id: oppId,
        Amount: 1234.57,
        Probability: 10,
        IsClosed: false,
        IsWon: false,
        OwnerId: emulator.userId,
        CreatedById: emulator.userId,
      });
      // Stored to the second, as a real org does.
      expect(read.body.CreatedDate).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/);
      expect(read.body).to.not.have.property('CurrencyIsoCode');

      const update = await sfRequest(emulator, 'PATCH', api(`/sobjects/Opportunity/${oppId}`), {
        StageName: 'Closed Won',
      });
      expect(update.status).to.equal(204);
      const after = await sfRequest<Record<string, unknown>>(
        emulator,
        'GET',
        api(
          `/sobjects/Opportunity/${oppId}?fields=IsWon,IsClosed,Probability,CreatedDate,LastModifiedDate,SystemModstamp`
        )
      );
      expect(after.body).to.include({ IsWon: true, IsClosed: true, Probability: 100 });
      // A later call stamps the same second or a later one (two calls may share a second, as in a real org).
      expect(String(after.body.LastModifiedDate) >= String(read.body.LastModifiedDate)).to.equal(true);
      expect(after.body.SystemModstamp).to.equal(after.body.LastModifiedDate);
      expect(after.body.CreatedDate).to.equal(read.body.CreatedDate);

      // 15-character Ids are accepted too.
      expect((await sfRequest(emulator, 'GET', api(`/sobjects/Opportunity/${oppId.slice(0, 15)}`))).status).to.equal(
        200
      );
      expect((await sfRequest(emulator, 'DELETE', api(`/sobjects/Opportunity/${oppId}`))).status).to.equal(204);
      const gone = await sfRequest<SfErrorBody>(emulator, 'GET', api(`/sobjects/Opportunity/${oppId}`));
      expect(gone.status).to.equal(404);
      expect(gone.body[0].errorCode).to.equal('NOT_FOUND');
    });

    it('enforces required fields, lengths, restricted picklists, types and read-only fields', async () => {
      const required = await createError('Opportunity', { Name: 'x' });
      expect(required.status).to.equal(400);
      expect(required.errors[0]).to.deep.equal({
        message: 'Required fields are missing: [StageName, CloseDate]',
        errorCode: 'REQUIRED_FIELD_MISSING',
        fields: ['StageName', 'CloseDate'],
      });

      const tooLong = await createError('Opportunity', { ...OPP, Partner_Center_Status__c: 'x'.repeat(41) });
      expect(tooLong.errors[0].errorCode).to.equal('STRING_TOO_LONG');
      expect(tooLong.errors[0].fields).to.deep.equal(['Partner_Center_Status__c']);
      expect(tooLong.errors[0].message).to.include('max length=40');

      const picklist = await createError('Opportunity', { ...OPP, How_Can_Microsoft_Help__c: 'Free lunch' });
      expect(picklist.errors[0].errorCode).to.equal('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
      // StageName is not restricted: any stage goes.
      await create('Opportunity', { ...OPP, StageName: 'Custom Stage' });

      const readOnly = await createError('Opportunity', { ...OPP, IsWon: true, CreatedDate: '2020-01-01T00:00:00Z' });
      expect(readOnly.errors[0].errorCode).to.equal('INVALID_FIELD_FOR_INSERT_UPDATE');
      expect(readOnly.errors[0].fields).to.deep.equal(['IsWon', 'CreatedDate']);

      const badDate = await createError('Opportunity', { ...OPP, CloseDate: '2027-02-30' });
      expect(badDate.errors[0].errorCode).to.equal('INVALID_TYPE_ON_FIELD_IN_RECORD');
      const badEmail = await createError('Contact', { LastName: 'x', Email: 'not-an-email' });
      expect(badEmail.errors[0].errorCode).to.equal('INVALID_EMAIL_ADDRESS');
      const badRef = await createError('Opportunity', { ...OPP, AccountId: emulator.userId });
      expect(badRef.errors[0].errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
      const unknown = await createError('Opportunity', { ...OPP, Foo__c: 'x' });
      expect(unknown.errors[0]).to.include({
        errorCode: 'INVALID_FIELD',
        message: "No such column 'Foo__c' on sobject of type Opportunity",
      });
      const formula = await createError('Opportunity', { ...OPP, Partner_Center_Sync_Icon__c: 'x' });
      expect(formula.errors[0].errorCode).to.equal('INVALID_FIELD_FOR_INSERT_UPDATE');
    });

    it('answers a refused value of a required field with its own error, not also REQUIRED_FIELD_MISSING', async () => {
      const tooLong = await createError('Opportunity', { ...OPP, Name: 'x'.repeat(121) });
      expect(tooLong.errors.map((e) => e.errorCode)).to.deep.equal(['STRING_TOO_LONG']);
      const badType = await createError('Opportunity', { ...OPP, CloseDate: 'not-a-date' });
      expect(badType.errors.map((e) => e.errorCode)).to.deep.equal(['INVALID_TYPE_ON_FIELD_IN_RECORD']);
      const id = await create('Opportunity', OPP);
      const update = await sfRequest<SfErrorBody>(emulator, 'PATCH', api(`/sobjects/Opportunity/${id}`), {
        Name: 'y'.repeat(121),
      });
      expect(update.body.map((e) => e.errorCode)).to.deep.equal(['STRING_TOO_LONG']);
      // A value that is truly missing is still REQUIRED_FIELD_MISSING.
      const missing = await createError('Opportunity', { ...OPP, Name: null });
      expect(missing.errors.map((e) => e.errorCode)).to.deep.equal(['REQUIRED_FIELD_MISSING']);
    });

    it('honours ETag, If-Match, If-None-Match, If-Unmodified-Since on Account rows (412 on an edit)', async () => {
      const id = await create('Account', { Name: 'Conditional Ltd' });
      const path = api(`/sobjects/Account/${id}`);
      const read = await sfRequest(emulator, 'GET', path);
      const tag = read.headers.get('etag') as string;
      expect(tag).to.match(/^".+"$/);
      expect((await sfRequest(emulator, 'GET', path, undefined, { 'If-None-Match': tag })).status).to.equal(304);
      expect((await sfRequest(emulator, 'PATCH', path, { Name: 'Mine' }, { 'If-Match': tag })).status).to.equal(204);
      const stale = await sfRequest<SfErrorBody>(emulator, 'PATCH', path, { Name: 'Stale' }, { 'If-Match': tag });
      expect(stale.status).to.equal(412);
      expect(stale.body[0].errorCode).to.equal('PRECONDITION_FAILED');
      const past = new Date(Date.now() - 60_000).toUTCString();
      expect(
        (await sfRequest(emulator, 'PATCH', path, { Name: 'Late' }, { 'If-Unmodified-Since': past })).status
      ).to.equal(412);
      const future = new Date(Date.now() + 60_000).toUTCString();
      expect(
        (await sfRequest(emulator, 'PATCH', path, { Name: 'Fine' }, { 'If-Unmodified-Since': future })).status
      ).to.equal(204);
    });

    it('keeps deleted rows for queryAll, getDeleted and getUpdated', async () => {
      const start = new Date(Date.now() - 1000).toISOString();
      const kept = await create('Account', { Name: 'Kept' });
      const gone = await create('Account', { Name: 'Gone' });
      expect((await sfRequest(emulator, 'DELETE', api(`/sobjects/Account/${gone}`))).status).to.equal(204);
      const end = new Date(Date.now() + 1000).toISOString();
      const live = await sfRequest<{ totalSize: number }>(
        emulator,
        'GET',
        api(`/query?q=${encodeURIComponent('SELECT Id FROM Account')}`)
      );
      expect(live.body.totalSize).to.equal(1);
      const all = await sfRequest<{ records: Array<{ Id: string; IsDeleted: boolean }> }>(
        emulator,
        'GET',
        api(`/queryAll?q=${encodeURIComponent('SELECT Id, IsDeleted FROM Account WHERE IsDeleted = true')}`)
      );
      expect(all.body.records.map((r) => r.Id)).to.deep.equal([gone]);
      const window = `?start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`;
      const deleted = await sfRequest<{ deletedRecords: Array<{ id: string }> }>(
        emulator,
        'GET',
        api(`/sobjects/Account/deleted/${window}`)
      );
      expect(deleted.body.deletedRecords.map((r) => r.id)).to.deep.equal([gone]);
      const updated = await sfRequest<{ ids: string[] }>(emulator, 'GET', api(`/sobjects/Account/updated/${window}`));
      expect(updated.body.ids).to.deep.equal([kept]);
      const rolledBack = await sfRequest<Array<{ success: boolean }>>(
        emulator,
        'DELETE',
        api(`/composite/sobjects?allOrNone=true&ids=${kept},001000000000000AAA`)
      );
      expect(rolledBack.body.map((r) => r.success)).to.deep.equal([false, false]);
      expect(emulator.records('Account').map((r) => r.Id)).to.deep.equal([kept]);
      const after = await sfRequest<{ deletedRecords: unknown[] }>(
        emulator,
        'GET',
        api(`/sobjects/Account/deleted/${window}`)
      );
      expect(after.body.deletedRecords).to.have.length(1);
    });

    it('validates ISO country codes and keeps country names in step (state and country picklists)', async () => {
      const de = await create('Account', { Name: 'Berlin GmbH', BillingCountryCode: 'DE' });
      expect(emulator.records('Account').find((r) => r.Id === de)).to.include({ BillingCountry: 'Germany' });
      const fr = await create('Account', { Name: 'Paris SA', BillingCountry: 'France' });
      expect(emulator.records('Account').find((r) => r.Id === fr)).to.include({ BillingCountryCode: 'FR' });
      const bad = await createError('Account', { Name: 'Nowhere', BillingCountryCode: 'XX' });
      expect(bad.errors[0]).to.deep.include({
        errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        fields: ['BillingCountryCode'],
      });
      const update = await sfRequest(emulator, 'PATCH', api(`/sobjects/Account/${de}`), { BillingCountryCode: 'AT' });
      expect(update.status).to.equal(204);
      expect(emulator.records('Account').find((r) => r.Id === de)).to.include({ BillingCountry: 'Austria' });
    });

    it('answers DUPLICATE_VALUE on a unique external id', async () => {
      const first = await create('Opportunity', { ...OPP, Referral_Identifier__c: 'REF-1' });
      const duplicate = await createError('Opportunity', { ...OPP, Referral_Identifier__c: 'ref-1' });
      expect(duplicate.status).to.equal(400);
      expect(duplicate.errors[0].errorCode).to.equal('DUPLICATE_VALUE');
      expect(duplicate.errors[0].message).to.include(first);
    });

    it('upserts a single record by external id: 201 created, then 200 updated', async () => {
      const path = api('/sobjects/Opportunity/Referral_Identifier__c/REF-9');
      const created = await sfRequest<SaveResult>(emulator, 'PATCH', path, { ...OPP });
      expect(created.status).to.equal(201);
      expect(created.body).to.include({ success: true, created: true });
      const updated = await sfRequest<SaveResult>(emulator, 'PATCH', path, { Name: 'Renamed' });
      expect(updated.status).to.equal(200);
      expect(updated.body).to.include({ id: created.body.id, created: false });
      const read = await sfRequest<Record<string, unknown>>(emulator, 'GET', path);
      expect(read.body).to.include({ Name: 'Renamed', Referral_Identifier__c: 'REF-9' });
      const notExternal = await sfRequest<SfErrorBody>(emulator, 'PATCH', api('/sobjects/Opportunity/Name/x'), {
        ...OPP,
      });
      expect(notExternal.status).to.equal(404);
      expect(notExternal.body[0].errorCode).to.equal('NOT_FOUND');
    });

    it('describes standard and deployed objects', async () => {
      const describe = await sfRequest<{
        name: string;
        keyPrefix: string;
        fields: Array<Record<string, unknown>>;
        childRelationships: Array<{ relationshipName: string }>;
      }>(emulator, 'GET', api('/sobjects/Opportunity/describe'));
      const byName = new Map(describe.body.fields.map((f) => [f.name, f]));
      expect(describe.body.keyPrefix).to.equal('006');
      expect(byName.get('Referral_Identifier__c')).to.include({
        type: 'string',
        length: 100,
        externalId: true,
        unique: true,
        custom: true,
      });
      expect(byName.get('How_Can_Microsoft_Help__c')).to.include({ type: 'picklist', restrictedPicklist: true });
      expect(byName.get('StageName')).to.include({ type: 'picklist', restrictedPicklist: false, nillable: false });
      expect(byName.get('Partner_Center_Sync_Icon__c')).to.include({ calculated: true, createable: false });
      expect(byName.has('CurrencyIsoCode')).to.equal(false);
      expect(describe.body.childRelationships.map((c) => c.relationshipName)).to.include('OpportunityContactRoles');
      const global = await sfRequest<{ sobjects: Array<{ name: string }> }>(emulator, 'GET', api('/sobjects'));
      expect(global.body.sobjects.map((o) => o.name)).to.include.members(['Account', 'Partner_Center_Sync_Event__c']);
      const unknown = await sfRequest<SfErrorBody>(emulator, 'GET', api('/sobjects/Nope__c/describe'));
      expect(unknown.status).to.equal(404);
      expect(unknown.body[0].errorCode).to.equal('NOT_FOUND');
      const create = await sfRequest<SfErrorBody>(emulator, 'POST', api('/sobjects/Nope__c'), { Name: 'x' });
      expect(create.status).to.equal(404);
    });

    it('computes the sync icon formula from the sync state', async () => {
      const id = await create('Opportunity', { ...OPP, Partner_Center_Sync_State__c: 'Synced' });
      const read = await sfRequest<Record<string, unknown>>(
        emulator,
        'GET',
        api(`/sobjects/Opportunity/${id}?fields=Partner_Center_Sync_Icon__c`)
      );
      expect(read.body.Partner_Center_Sync_Icon__c).to.be.a('string').and.include('Synced');
    });
  });

  describe('sObject Collections', () => {
    it('creates, updates and deletes up to 200 records with per-record results', async () => {
      const created = await sfRequest<SaveResult[]>(emulator, 'POST', api('/composite/sobjects'), {
        allOrNone: false,
        records: [
          { attributes: { type: 'Opportunity' }, ...OPP },
          { attributes: { type: 'Opportunity' }, Name: 'missing stage' },
          { attributes: { type: 'Account' }, Name: 'Mixed types are fine' },
        ],
      });
      expect(created.status).to.equal(200);
      expect(created.body.map((r) => r.success)).to.deep.equal([true, false, true]);
      expect(created.body[1].errors[0].statusCode).to.equal('REQUIRED_FIELD_MISSING');
      const id = created.body[0].id as string;
      const updated = await sfRequest<SaveResult[]>(emulator, 'PATCH', api('/composite/sobjects'), {
        allOrNone: false,
        records: [{ id, attributes: { type: 'Opportunity' }, StageName: 'Closed Lost' }],
      });
      expect(updated.body).to.deep.equal([{ id, success: true, errors: [] }]);
      const deleted = await sfRequest<SaveResult[]>(
        emulator,
        'DELETE',
        api(`/composite/sobjects?ids=${id},${created.body[2].id as string}`)
      );
      expect(deleted.body.every((r) => r.success)).to.equal(true);
    });

    it('stamps one time per API call: shared in a collection, the same second or later next call', async () => {
      const records = Array.from({ length: 50 }, (_, i) => ({
        attributes: { type: 'Opportunity' },
        ...OPP,
        Name: `O${i}`,
      }));
      await sfRequest(emulator, 'POST', api('/composite/sobjects'), { records });
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await sfRequest(emulator, 'POST', api('/sobjects/Opportunity'), { ...OPP, Name: 'Later' });
      const stamps = emulator.records('Opportunity').map((r) => String(r.SystemModstamp));
      expect(new Set(stamps.slice(0, 50)).size).to.equal(1);
      expect(stamps[0]).to.match(/\.000\+0000$/);
      expect(stamps[50] > stamps[0]).to.equal(true);
    });

    it('rolls everything back with allOrNone when one record fails', async () => {
      const response = await sfRequest<SaveResult[]>(
        emulator,
        'PATCH',
        api('/composite/sobjects/Opportunity/Referral_Identifier__c'),
        {
          allOrNone: true,
          records: [
            { attributes: { type: 'Opportunity' }, Referral_Identifier__c: 'A-1', ...OPP },
            { attributes: { type: 'Opportunity' }, Referral_Identifier__c: 'A-2', Name: 'no stage' },
          ],
        }
      );
      expect(response.status).to.equal(200);
      expect(response.body[0]).to.deep.include({ success: false, id: null });
      expect(response.body[0].errors[0].statusCode).to.equal('ALL_OR_NONE_OPERATION_ROLLED_BACK');
      expect(response.body[1].errors[0].statusCode).to.equal('REQUIRED_FIELD_MISSING');
      expect(emulator.records('Opportunity')).to.have.length(0);
    });

    it('refuses a duplicate external id within one upsert', async () => {
      const response = await sfRequest<SaveResult[]>(
        emulator,
        'PATCH',
        api('/composite/sobjects/Opportunity/Referral_Identifier__c'),
        {
          allOrNone: false,
          records: [
            { attributes: { type: 'Opportunity' }, Referral_Identifier__c: 'D-1', ...OPP },
            { attributes: { type: 'Opportunity' }, Referral_Identifier__c: 'D-1', ...OPP },
          ],
        }
      );
      // Every row carrying the repeated key fails, the first one too.
      for (const result of response.body) {
        expect(result.success).to.equal(false);
        expect(result.errors[0]).to.deep.include({
          statusCode: 'DUPLICATE_VALUE',
          message: 'Duplicate external id specified: D-1',
        });
      }
      expect(emulator.records('Opportunity')).to.have.length(0);
    });

    it('refuses a 201-record collection with 400 EXCEEDED_ID_LIMIT and changes nothing', async () => {
      const records = Array.from({ length: 201 }, (_, i) => ({
        attributes: { type: 'Opportunity' },
        ...OPP,
        Name: `N${i}`,
      }));
      const response = await sfRequest<SfErrorBody>(emulator, 'POST', api('/composite/sobjects'), {
        allOrNone: false,
        records,
      });
      expect(response.status).to.equal(400);
      expect(response.body[0].errorCode).to.equal('EXCEEDED_ID_LIMIT');
      expect(response.body[0].message).to.include('200');
      expect(emulator.records('Opportunity')).to.have.length(0);
    });

    it('fails the whole request on an unknown field', async () => {
      const response = await sfRequest<SfErrorBody>(emulator, 'POST', api('/composite/sobjects'), {
        records: [{ attributes: { type: 'Opportunity' }, ...OPP, Nope__c: 1 }],
      });
      expect(response.status).to.equal(400);
      expect(response.body[0].errorCode).to.equal('INVALID_FIELD');
    });
  });

  describe('bad input', () => {
    it('an oversized body → 413, and the emulator keeps running', async () => {
      const response = await sfRequest<SfErrorBody>(emulator, 'POST', api('/sobjects/Opportunity'), {
        ...OPP,
        Description: 'x'.repeat(70 * 1024),
      });
      expect(response.status).to.equal(413);
      expect(response.body[0].errorCode).to.equal('REQUEST_ENTITY_TOO_LARGE');
      await create('Opportunity', OPP);
    });

    it('a body that is not JSON → 400 JSON_PARSER_ERROR', async () => {
      const response = await sfRequest<SfErrorBody>(emulator, 'POST', api('/sobjects/Opportunity'), '{not json', {
        'Content-Type': 'application/json',
      });
      expect(response.status).to.equal(400);
      expect(response.body[0].errorCode).to.equal('JSON_PARSER_ERROR');
    });

    it('unknown resources → 404 NOT_FOUND; wrong method → 405', async () => {
      const missing = await sfRequest<SfErrorBody>(emulator, 'GET', api('/nothing/here'));
      expect(missing.status).to.equal(404);
      expect(missing.body[0].errorCode).to.equal('NOT_FOUND');
      const method = await sfRequest<SfErrorBody>(emulator, 'PUT', api('/query'));
      expect(method.status).to.equal(405);
      const future = await sfRequest<SfErrorBody>(emulator, 'GET', api('/limits', '99.0'));
      expect(future.status).to.equal(404);
    });

    it('reports API usage in Sforce-Limit-Info', async () => {
      emulator.setDailyApiLimit(1000);
      const first = await sfRequest(emulator, 'GET', api('/limits'));
      const second = await sfRequest<{ DailyApiRequests: { Max: number; Remaining: number } }>(
        emulator,
        'GET',
        api('/limits')
      );
      expect(first.headers.get('sforce-limit-info')).to.equal('api-usage=1/1000');
      expect(second.headers.get('sforce-limit-info')).to.equal('api-usage=2/1000');
      expect(second.body.DailyApiRequests).to.deep.equal({ Max: 1000, Remaining: 998 });
    });
  });
});
