// Preview states of the Lead panel (c-partner-center-lead-panel), from its jest data mocks.
import getRecord from '../../../force-app/main/default/lwc/partnerCenterLeadPanel/__tests__/data/getRecord.json';
import getRelatedListRecords from '../../../force-app/main/default/lwc/partnerCenterLeadPanel/__tests__/data/getRelatedListRecords.json';

export const LEAD_RECORD_ID = getRecord.id;
export const CONVERTED_OPPORTUNITY_ID = '006Hs00001CONVIA5';

const clone = (value) => JSON.parse(JSON.stringify(value));

function lead(fields = {}) {
  const r = clone(getRecord);
  Object.entries(fields).forEach(([name, value]) => {
    r.fields[name] = { displayValue: null, value };
  });
  return r;
}

function events(records) {
  return { ...clone(getRelatedListRecords), count: records.length, records };
}

function fixture({ rec, timeline = clone(getRelatedListRecords), recordError }) {
  return { record: rec, recordError, relatedLists: { Partner_Center_Sync_Events__r: timeline } };
}

const conflictEvent = {
  apiName: 'Partner_Center_Sync_Event__c',
  id: 'a0BHs000001LEV3MAC',
  childRelationships: {},
  fields: {
    Direction__c: { displayValue: 'Inbound', value: 'Inbound' },
    Action__c: { displayValue: 'Conflict', value: 'Conflict' },
    Changed_Fields__c: {
      displayValue: null,
      value: JSON.stringify([{ field: 'Email', salesforce: 'jo@fabrikam.com', partnerCenter: 'j.doe@fabrikam.com' }]),
    },
    Message__c: { displayValue: null, value: 'Changed on both sides; parked for a manual decision.' },
    Occurred_At__c: { displayValue: null, value: '2026-11-24T10:00:00.000Z' },
    HTTP_Status__c: { displayValue: null, value: null },
    Correlation_Id__c: { displayValue: null, value: null },
  },
};

/** Preview state name → fixture; the names start with "lead-" so the page knows which panel to mount. */
export const LEAD_STATES = {
  'lead-not-synced': () =>
    fixture({
      rec: lead({
        Referral_Identifier__c: null,
        Referral_Link__c: null,
        Partner_Center_Status__c: null,
        Partner_Center_Substatus__c: null,
        Partner_Center_Sync_State__c: null,
        Partner_Center_Last_Synced__c: null,
      }),
      timeline: events([]),
    }),
  'lead-synced': () => fixture({ rec: lead() }),
  'lead-error': () =>
    fixture({
      rec: lead({
        Partner_Center_Sync_State__c: 'Error',
        Partner_Center_Sync_Error__c: 'Lead field "Phone" is not writable by the integration user.',
      }),
    }),
  'lead-conflict': () =>
    fixture({
      rec: lead({ Partner_Center_Sync_State__c: 'Conflict' }),
      timeline: events([conflictEvent, ...clone(getRelatedListRecords.records)]),
    }),
  'lead-converted': () =>
    fixture({
      rec: lead({
        IsConverted: true,
        ConvertedOpportunityId: CONVERTED_OPPORTUNITY_ID,
        ConvertedOpportunity: {
          apiName: 'Opportunity',
          id: CONVERTED_OPPORTUNITY_ID,
          childRelationships: {},
          fields: { Name: { displayValue: null, value: 'Fabrikam Retail - Azure' } },
        },
        Partner_Center_Status__c: 'Active',
        Partner_Center_Substatus__c: 'Accepted',
      }),
    }),
  'lead-load-error': () =>
    fixture({
      rec: undefined,
      recordError: {
        body: {
          message: "You don't have access to this record. Ask your administrator for help or to request access.",
        },
        ok: false,
        status: 403,
        statusText: 'Forbidden',
      },
    }),
};
