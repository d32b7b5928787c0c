import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import { api, sfRequest, type SfErrorBody } from '../../../helpers/salesforce-emulator.js';

type FieldValue = { displayValue: string | null; value: unknown };
type UiRecord = { apiName: string; id: string; fields: Record<string, FieldValue> };

describe('Salesforce emulator: UI API records (Lightning Data Service)', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;
  let oppId: string;

  before(async () => {
    // As a System Administrator: these tests are about the API, not field-level security (see access.test.ts).
    emulator = await startSalesforceEmulator({ port: 0, loadMetadata: true, adminUser: true });
    emulator.seed({
      Account: [{ '@ref': 'acc', Name: 'Contoso', BillingCountryCode: 'US' }],
      Opportunity: [
        {
          '@ref': 'opp',
          Name: 'Deal',
          StageName: 'Prospecting',
          CloseDate: '2027-01-01',
          AccountId: '@acc',
          Partner_Center_Sync_State__c: 'Synced',
        },
      ],
    });
    oppId = emulator.records('Opportunity')[0].Id as string;
  });

  after(async () => {
    await emulator?.close();
  });

  it('answers getRecord with fields, parent paths and optional fields', async () => {
    const fields = 'Opportunity.Name,Opportunity.Account.BillingCountryCode,Opportunity.Partner_Center_Sync_Icon__c';
    const response = await sfRequest<UiRecord>(
      emulator,
      'GET',
      api(`/ui-api/records/${oppId}?fields=${fields}&optionalFields=Opportunity.Not_There__c`)
    );
    expect(response.status).to.equal(200);
    expect(response.body).to.include({ apiName: 'Opportunity', id: oppId });
    expect(response.body.fields.Name.value).to.equal('Deal');
    const account = response.body.fields.Account;
    expect(account.displayValue).to.equal('Contoso');
    expect((account.value as UiRecord).fields.BillingCountryCode.value).to.equal('US');
    expect(response.body.fields.Partner_Center_Sync_Icon__c.value).to.include('Synced');
    expect(response.body.fields).to.not.have.property('Not_There__c');
    const bad = await sfRequest<SfErrorBody>(
      emulator,
      'GET',
      api(`/ui-api/records/${oppId}?fields=Opportunity.Not_There__c`)
    );
    expect(bad.status).to.equal(400);
    expect(bad.body[0].errorCode).to.equal('INVALID_FIELD');
  });

  it('updates through updateRecord with the same validation as REST', async () => {
    const ok = await sfRequest<UiRecord>(emulator, 'PATCH', api(`/ui-api/records/${oppId}`), {
      fields: { Partner_Center_Resync_Requested__c: true },
    });
    expect(ok.status).to.equal(200);
    expect(ok.body.fields.Partner_Center_Resync_Requested__c.value).to.equal(true);
    const bad = await sfRequest<SfErrorBody>(emulator, 'PATCH', api(`/ui-api/records/${oppId}`), {
      fields: { How_Can_Microsoft_Help__c: 'Nope' },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body[0].errorCode).to.equal('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
  });
});
