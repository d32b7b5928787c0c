// Preview states of the Partner Center panel, and (leadFixtures.js) of the Lead panel. Built from the jest data mocks
// (named after their adapter), so the browser shows the same UI API payloads the unit tests use.
import getRecord from '../../../force-app/main/default/lwc/partnerCenterPanel/__tests__/data/getRecord.json';
import getObjectInfo from '../../../force-app/main/default/lwc/partnerCenterPanel/__tests__/data/getObjectInfo.json';
import getPicklistValues from '../../../force-app/main/default/lwc/partnerCenterPanel/__tests__/data/getPicklistValues.json';
import getRelatedListRecords from '../../../force-app/main/default/lwc/partnerCenterTimeline/__tests__/data/getRelatedListRecords.json';
import contactRoles from '../../../force-app/main/default/lwc/partnerCenterPanel/__tests__/data/getRelatedListRecords-contactRoles.json';
import { LEAD_STATES } from './leadFixtures.js';

export const RECORD_ID = getRecord.id;
const REFERRAL_ID = '9b0c3f9e-3d84-4a84-a1c7-6e9f1a2b3c4d';
const REFERRAL_LINK = `https://partner.microsoft.com/dashboard/referrals/v2/leads/${REFERRAL_ID}/details`;

const clone = (value) => JSON.parse(JSON.stringify(value));

function record(fields = {}, accountFields = {}) {
  const r = clone(getRecord);
  Object.entries(fields).forEach(([name, value]) => {
    r.fields[name] = { displayValue: null, value };
  });
  Object.entries(accountFields).forEach(([name, value]) => {
    r.fields.Account.value.fields[name] = { displayValue: null, value };
  });
  return r;
}

let seq = 0;
function event(direction, action, occurredAt, message, changes, httpStatus) {
  seq += 1;
  return {
    apiName: 'Partner_Center_Sync_Event__c',
    id: `a0BHs00000PREV${String(seq).padStart(3, '0')}MAC`,
    childRelationships: {},
    fields: {
      Direction__c: { displayValue: direction, value: direction },
      Action__c: { displayValue: action, value: action },
      Changed_Fields__c: { displayValue: null, value: changes ? JSON.stringify(changes) : null },
      Message__c: { displayValue: null, value: message },
      Occurred_At__c: { displayValue: null, value: occurredAt },
      HTTP_Status__c: { displayValue: null, value: httpStatus ?? null },
      Correlation_Id__c: { displayValue: null, value: httpStatus ? '5d2f7b9c-1e4a-4c3b-9f0e-7a6b5c4d3e2f' : null },
    },
  };
}

function events(records) {
  return { ...clone(getRelatedListRecords), count: records.length, records };
}

const noContactRoles = { ...clone(contactRoles), count: 0, records: [] };

function fixture({ rec, objectInfo = getObjectInfo, timeline = events([]), roles = contactRoles, recordError }) {
  return {
    record: rec,
    recordError,
    objectInfo: clone(objectInfo),
    picklistValues: clone(getPicklistValues),
    relatedLists: { Partner_Center_Sync_Events__r: timeline, OpportunityContactRoles: clone(roles) },
  };
}

const synced = {
  Sync_With_Partner_Center__c: true,
  StageName: 'Qualification',
  Partner_Center_Deal_Type__c: 'Co-sell',
  How_Can_Microsoft_Help__c: 'Proof of concept or demo',
  Partner_Center_Solutions__c: 'SOL-34104-EBB;SOL-Microsoft365',
  Referral_Identifier__c: REFERRAL_ID,
  Referral_Link__c: REFERRAL_LINK,
  Partner_Center_Status__c: 'Active',
  Partner_Center_Substatus__c: 'Accepted',
  Partner_Center_Sync_State__c: 'Synced',
  Partner_Center_Last_Synced__c: '2026-11-24T09:12:00.000Z',
  // Microsoft's connected referral of the co-sell
  Partner_Center_Microsoft_Status__c: 'Active/Accepted',
  Partner_Center_Microsoft_Seller__c: 'Avery Howard (avery.howard@microsoft.com)',
  Partner_Center_Microsoft_CRM_Id__c: '7-3FJ2K1LQ9',
};

const STATES = {
  'not-synced': () =>
    fixture({
      rec: record(
        {
          Partner_Center_Solutions__c: 'SOL-34104-EBB;SOL34104-EBC',
          How_Can_Microsoft_Help__c: 'Proof of concept or demo',
        },
        { BillingCountryCode: null, BillingCountry: 'United States' }
      ),
      roles: noContactRoles,
    }),
  pending: () =>
    fixture({
      rec: record({
        Sync_With_Partner_Center__c: true,
        Partner_Center_Sync_State__c: 'Pending',
        How_Can_Microsoft_Help__c: 'Customer technical architecture',
        Partner_Center_Solutions__c: 'SOL-34104-EBB',
      }),
    }),
  synced: () => fixture({ rec: record(synced), timeline: clone(getRelatedListRecords) }),
  // A private deal that syncs: choosing Partner-led or Co-sell asks the rep to confirm first
  private: () =>
    fixture({
      rec: record({
        ...synced,
        Partner_Center_Deal_Type__c: 'Private',
        How_Can_Microsoft_Help__c: null,
        Partner_Center_Microsoft_Status__c: null,
        Partner_Center_Microsoft_Seller__c: null,
        Partner_Center_Microsoft_CRM_Id__c: null,
      }),
      timeline: clone(getRelatedListRecords),
    }),
  'co-sell-declined': () =>
    fixture({
      rec: record({
        ...synced,
        Partner_Center_Microsoft_Status__c: 'Closed/Declined',
        Partner_Center_Microsoft_Seller__c: null,
        Partner_Center_Microsoft_CRM_Id__c: null,
      }),
      timeline: clone(getRelatedListRecords),
    }),
  error: () =>
    fixture({
      rec: record(
        {
          Sync_With_Partner_Center__c: true,
          Partner_Center_Sync_State__c: 'Error',
          Partner_Center_Sync_Error__c:
            '"Narnia" on the Account "Contoso Customer Inc" is not a country Partner Center knows: use a two-letter ' +
            "ISO code such as US or DE, or the country's English name.",
        },
        { BillingCountryCode: null, BillingCountry: 'Narnia' }
      ),
      timeline: events([
        event(
          'Outbound',
          'Error',
          '2026-11-24T09:30:00.000Z',
          'customerProfile.address.country must be an ISO 3166-1 alpha-2 code.',
          null,
          400
        ),
      ]),
    }),
  conflict: () =>
    fixture({
      rec: record({ ...synced, Partner_Center_Sync_State__c: 'Conflict' }),
      timeline: events([
        event(
          'Inbound',
          'Conflict',
          '2026-11-24T12:00:00.000Z',
          'Changed on both sides; parked for a manual decision.',
          [
            { field: 'Amount', salesforce: 150000, partnerCenter: 175000 },
            { field: 'CloseDate', salesforce: '2027-01-31', partnerCenter: '2027-02-28' },
          ]
        ),
        ...clone(getRelatedListRecords.records),
      ]),
    }),
  'incoming-on-hold': () =>
    fixture({
      rec: record({
        ...synced,
        StageName: 'Prospecting',
        Partner_Center_Status__c: 'New',
        Partner_Center_Substatus__c: 'Received',
        Partner_Center_Last_Synced__c: '2026-11-24T08:00:00.000Z',
      }),
      timeline: events([
        event(
          'Inbound',
          'Created',
          '2026-11-24T08:00:00.000Z',
          'Referral received from Microsoft: Contoso Azure migration.',
          [
            { field: 'Name', before: null, after: 'Contoso Azure migration' },
            { field: 'Amount', before: null, after: 250000 },
          ]
        ),
      ]),
    }),
  'read-only': () => {
    const info = clone(getObjectInfo);
    [
      'Sync_With_Partner_Center__c',
      'Partner_Center_Deal_Type__c',
      'How_Can_Microsoft_Help__c',
      'Partner_Center_Solutions__c',
      'Partner_Center_Resync_Requested__c',
    ].forEach((name) => {
      info.fields[name].updateable = false;
    });
    return fixture({ rec: record(synced), objectInfo: info, timeline: clone(getRelatedListRecords) });
  },
  'load-error': () =>
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

export const STATE_NAMES = [...Object.keys(STATES), ...Object.keys(LEAD_STATES)];

export const isLeadState = (state) => Object.hasOwn(LEAD_STATES, state);

export function fixtureFor(state) {
  return (STATES[state] || LEAD_STATES[state] || STATES['not-synced'])();
}
