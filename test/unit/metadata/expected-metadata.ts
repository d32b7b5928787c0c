/**
 * The Salesforce metadata pcsync ships, transcribed from SPEC.md ("Salesforce metadata"). The metadata tests check
 * force-app against this table, so a field that is missing, extra, renamed or of another type fails them.
 *
 * Other code (the emulators, end-to-end tests) can import the API names from here rather than repeating them.
 */

export const OPPORTUNITY = 'Opportunity';
export const LEAD = 'Lead';
export const SYNC_RUN_OBJECT = 'Partner_Center_Sync_Run__c';
export const SYNC_EVENT_OBJECT = 'Partner_Center_Sync_Event__c';
export const SYNC_LEASE_OBJECT = 'Partner_Center_Sync_Lease__c';

export const SALES_REP_PERMISSION_SET = 'Partner_Center_Sales_Rep';
export const INTEGRATION_PERMISSION_SET = 'Partner_Center_Integration';

/** Metadata API field types used here (`<type>` in a field-meta.xml; a formula field has its result type). */
export type FieldType = 'Checkbox' | 'DateTime' | 'Lookup' | 'LongTextArea' | 'Number' | 'Picklist' | 'Text' | 'Url';

/** Who writes a field: a rep (through the page) or only the sync. */
export type Editor = 'rep' | 'sync';

export type ExpectedField = {
  readonly apiName: string;
  readonly label: string;
  readonly type: FieldType;
  readonly editor: Editor;
  /** Text and LongTextArea. */
  readonly length?: number;
  /** Number. */
  readonly precision?: number;
  readonly scale?: number;
  /** Restricted picklist values, in order. */
  readonly values?: readonly string[];
  /** The picklist value selected by default. */
  readonly defaultValue?: string;
  /** External ID + unique (case-insensitive). */
  readonly externalIdUnique?: boolean;
  /** Formula (Text): the result expected for each value of the field it reads. */
  readonly formula?: { readonly reads: string; readonly results: Readonly<Record<string, string>> };
  /** Lookup. */
  readonly referenceTo?: string;
  readonly relationshipName?: string;
};

export const HOW_CAN_MICROSOFT_HELP_VALUES = [
  'Workload specific value proposition',
  'Customer technical architecture',
  'Proof of concept or demo',
  'Quotes or licensing',
  'Post sales customer success',
  'General or other',
] as const;

/** Microsoft's three deal types (create-a-referral), from the least to the most shared. */
export const DEAL_TYPE_VALUES = ['Private', 'Partner-led', 'Co-sell'] as const;

export const SYNC_STATE_VALUES = ['Not Synced', 'Pending', 'Synced', 'Error', 'Conflict'] as const;
export type SyncState = (typeof SYNC_STATE_VALUES)[number];

export const RUN_TRIGGER_VALUES = ['Manual', 'Schedule', 'Webhook', 'Change Event', 'Reconcile'] as const;
export const RUN_STATUS_VALUES = ['Running', 'Succeeded', 'Partially Succeeded', 'Failed', 'Interrupted'] as const;
export const EVENT_DIRECTION_VALUES = ['Inbound', 'Outbound'] as const;
export const EVENT_ACTION_VALUES = [
  'Created',
  'Updated',
  'Linked',
  'Skipped',
  'Conflict',
  'Error',
  'Converted',
  'Closed',
] as const;

/** Opportunity custom fields: SPEC's three tables, in their order. */
export const OPPORTUNITY_FIELDS = [
  // The fields the rep and the Microsoft connector's users know.
  { apiName: 'Sync_With_Partner_Center__c', label: 'Sync with Partner Center', type: 'Checkbox', editor: 'rep' },
  {
    apiName: 'Referral_Identifier__c',
    label: 'Referral Identifier',
    type: 'Text',
    length: 100,
    externalIdUnique: true,
    editor: 'sync',
  },
  { apiName: 'Referral_Link__c', label: 'Referral Link', type: 'Url', editor: 'sync' },
  {
    apiName: 'How_Can_Microsoft_Help__c',
    label: 'How can Microsoft help?',
    type: 'Picklist',
    values: HOW_CAN_MICROSOFT_HELP_VALUES,
    editor: 'rep',
  },
  { apiName: 'Partner_Center_Solutions__c', label: 'Products', type: 'Text', length: 255, editor: 'rep' },
  { apiName: 'Partner_Center_Audit__c', label: 'Audit', type: 'LongTextArea', length: 131_072, editor: 'sync' },
  // Sync state: read-only to reps.
  { apiName: 'Partner_Center_Status__c', label: 'Partner Center Status', type: 'Text', length: 40, editor: 'sync' },
  {
    apiName: 'Partner_Center_Substatus__c',
    label: 'Partner Center Substatus',
    type: 'Text',
    length: 40,
    editor: 'sync',
  },
  {
    apiName: 'Partner_Center_Engagement_Id__c',
    label: 'Engagement Identifier',
    type: 'Text',
    length: 100,
    editor: 'sync',
  },
  {
    apiName: 'Partner_Center_Sync_State__c',
    label: 'Sync State',
    type: 'Picklist',
    values: SYNC_STATE_VALUES,
    defaultValue: 'Not Synced',
    editor: 'sync',
  },
  { apiName: 'Partner_Center_Sync_Error__c', label: 'Sync Error', type: 'Text', length: 255, editor: 'sync' },
  { apiName: 'Partner_Center_Last_Synced__c', label: 'Last Synced', type: 'DateTime', editor: 'sync' },
  { apiName: 'Partner_Center_ETag__c', label: 'Partner Center ETag', type: 'Text', length: 100, editor: 'sync' },
  {
    apiName: 'Partner_Center_Snapshot__c',
    label: 'Sync Snapshot',
    type: 'LongTextArea',
    length: 32_768,
    editor: 'sync',
  },
  // The rep sets it ("sync now"); the sync clears it.
  { apiName: 'Partner_Center_Resync_Requested__c', label: 'Resync Requested', type: 'Checkbox', editor: 'rep' },
  // The rep sets it together with a decline; the sync sends it as statusReason.
  { apiName: 'Partner_Center_Decline_Reason__c', label: 'Decline Reason', type: 'Text', length: 255, editor: 'rep' },
  {
    apiName: 'Partner_Center_Sync_Icon__c',
    label: 'Partner Center',
    type: 'Text',
    formula: {
      reads: 'Partner_Center_Sync_State__c',
      results: { Synced: '✔ Synced', Pending: '⏳ Pending', Error: '✖ Error', Conflict: '⚠ Conflict' },
    },
    editor: 'sync',
  },
  // Added in the second build: the rep's deal type, and Microsoft's side of a co-sell (read-only to reps).
  {
    apiName: 'Partner_Center_Deal_Type__c',
    label: 'Deal Type',
    type: 'Picklist',
    values: DEAL_TYPE_VALUES,
    editor: 'rep',
  },
  {
    apiName: 'Partner_Center_Microsoft_Status__c',
    label: 'Microsoft Status',
    type: 'Text',
    length: 40,
    editor: 'sync',
  },
  {
    apiName: 'Partner_Center_Microsoft_Seller__c',
    label: 'Microsoft Seller',
    type: 'Text',
    length: 255,
    editor: 'sync',
  },
  {
    apiName: 'Partner_Center_Microsoft_CRM_Id__c',
    label: 'Microsoft CRM Id',
    type: 'Text',
    length: 100,
    editor: 'sync',
  },
] as const satisfies readonly ExpectedField[];

const count = (apiName: string, label: string): ExpectedField => ({
  apiName,
  label,
  type: 'Number',
  precision: 9,
  scale: 0,
  editor: 'sync',
});

/** `Partner_Center_Sync_Run__c`: one per `sf pcsync run` or reconcile pass of `sf pcsync serve`. */
export const SYNC_RUN_FIELDS = [
  { apiName: 'Started_At__c', label: 'Started At', type: 'DateTime', editor: 'sync' },
  { apiName: 'Finished_At__c', label: 'Finished At', type: 'DateTime', editor: 'sync' },
  { apiName: 'Trigger__c', label: 'Trigger', type: 'Picklist', values: RUN_TRIGGER_VALUES, editor: 'sync' },
  { apiName: 'Status__c', label: 'Status', type: 'Picklist', values: RUN_STATUS_VALUES, editor: 'sync' },
  count('Inbound_Created__c', 'Inbound Created'),
  count('Inbound_Updated__c', 'Inbound Updated'),
  count('Inbound_Unchanged__c', 'Inbound Unchanged'),
  count('Inbound_Skipped__c', 'Inbound Skipped'),
  count('Inbound_Conflicts__c', 'Inbound Conflicts'),
  count('Inbound_Errors__c', 'Inbound Errors'),
  count('Inbound_Linked__c', 'Inbound Linked'),
  count('Outbound_Created__c', 'Outbound Created'),
  count('Outbound_Updated__c', 'Outbound Updated'),
  count('Outbound_Unchanged__c', 'Outbound Unchanged'),
  count('Outbound_Skipped__c', 'Outbound Skipped'),
  count('Outbound_Conflicts__c', 'Outbound Conflicts'),
  count('Outbound_Errors__c', 'Outbound Errors'),
  count('Outbound_Linked__c', 'Outbound Linked'),
  { apiName: 'Inbound_Watermark__c', label: 'Inbound Watermark', type: 'DateTime', editor: 'sync' },
  { apiName: 'Outbound_Watermark__c', label: 'Outbound Watermark', type: 'DateTime', editor: 'sync' },
  count('Request_Count__c', 'Request Count'),
  { apiName: 'Replay_Id__c', label: 'Replay Id', type: 'Number', precision: 18, scale: 0, editor: 'sync' },
  count('Leads_Created__c', 'Leads Created'),
  count('Leads_Updated__c', 'Leads Updated'),
  count('Leads_Converted__c', 'Leads Converted'),
  count('Leads_Closed__c', 'Leads Closed'),
  count('Leads_Failed__c', 'Leads Failed'),
  count('Leads_Open__c', 'Leads Open'),
  { apiName: 'Message__c', label: 'Message', type: 'LongTextArea', length: 32_768, editor: 'sync' },
  { apiName: 'Run_Key__c', label: 'Run Key', type: 'Text', length: 64, externalIdUnique: true, editor: 'sync' },
] as const satisfies readonly ExpectedField[];

/** `Partner_Center_Sync_Lease__c`: who may run a sync pass in the org now (one record per key). */
export const SYNC_LEASE_FIELDS = [
  { apiName: 'Key__c', label: 'Key', type: 'Text', length: 80, externalIdUnique: true, editor: 'sync' },
  { apiName: 'Holder__c', label: 'Holder', type: 'Text', length: 255, editor: 'sync' },
  { apiName: 'Token__c', label: 'Holder Token', type: 'Text', length: 100, editor: 'sync' },
  { apiName: 'Acquired_At__c', label: 'Acquired At', type: 'DateTime', editor: 'sync' },
  { apiName: 'Expires_At__c', label: 'Expires At', type: 'DateTime', editor: 'sync' },
] as const satisfies readonly ExpectedField[];

/**
 * Lead custom fields (SPEC: "Lead — the same API names as on Opportunity where they mean the same"): the Opportunity
 * fields of those names, as they are there.
 */
export const LEAD_FIELD_NAMES = [
  'Referral_Identifier__c',
  'Referral_Link__c',
  'Partner_Center_Status__c',
  'Partner_Center_Substatus__c',
  'Partner_Center_Sync_State__c',
  'Partner_Center_Sync_Error__c',
  'Partner_Center_Last_Synced__c',
  'Partner_Center_ETag__c',
  'Partner_Center_Snapshot__c',
  'Partner_Center_Audit__c',
] as const;
export const LEAD_FIELDS: readonly ExpectedField[] = LEAD_FIELD_NAMES.map((name) => {
  const field = OPPORTUNITY_FIELDS.find((f) => f.apiName === name);
  if (!field) throw new Error(`${name} is not an Opportunity field`);
  return field;
});

/** `Partner_Center_Sync_Event__c`: one per record change made or refused; the record's timeline. */
export const SYNC_EVENT_FIELDS = [
  {
    apiName: 'Opportunity__c',
    label: 'Opportunity',
    type: 'Lookup',
    referenceTo: OPPORTUNITY,
    relationshipName: 'Partner_Center_Sync_Events',
    editor: 'sync',
  },
  {
    apiName: 'Lead__c',
    label: 'Lead',
    type: 'Lookup',
    referenceTo: LEAD,
    relationshipName: 'Partner_Center_Sync_Events',
    editor: 'sync',
  },
  {
    apiName: 'Sync_Run__c',
    label: 'Sync Run',
    type: 'Lookup',
    referenceTo: SYNC_RUN_OBJECT,
    relationshipName: 'Sync_Events',
    editor: 'sync',
  },
  { apiName: 'Direction__c', label: 'Direction', type: 'Picklist', values: EVENT_DIRECTION_VALUES, editor: 'sync' },
  { apiName: 'Action__c', label: 'Action', type: 'Picklist', values: EVENT_ACTION_VALUES, editor: 'sync' },
  { apiName: 'Referral_Identifier__c', label: 'Referral Identifier', type: 'Text', length: 100, editor: 'sync' },
  { apiName: 'Changed_Fields__c', label: 'Changed Fields', type: 'LongTextArea', length: 32_768, editor: 'sync' },
  { apiName: 'HTTP_Status__c', label: 'HTTP Status', type: 'Number', precision: 3, scale: 0, editor: 'sync' },
  { apiName: 'Correlation_Id__c', label: 'Correlation Id', type: 'Text', length: 100, editor: 'sync' },
  { apiName: 'Message__c', label: 'Message', type: 'Text', length: 255, editor: 'sync' },
  { apiName: 'Occurred_At__c', label: 'Occurred At', type: 'DateTime', editor: 'sync' },
  { apiName: 'Event_Key__c', label: 'Event Key', type: 'Text', length: 100, externalIdUnique: true, editor: 'sync' },
] as const satisfies readonly ExpectedField[];

export type OpportunityFieldName = (typeof OPPORTUNITY_FIELDS)[number]['apiName'];
export type SyncRunFieldName = (typeof SYNC_RUN_FIELDS)[number]['apiName'];
export type SyncEventFieldName = (typeof SYNC_EVENT_FIELDS)[number]['apiName'];

/** API names only, for code that builds SOQL or record bodies. */
export const OPPORTUNITY_FIELD_NAMES: readonly OpportunityFieldName[] = OPPORTUNITY_FIELDS.map((f) => f.apiName);
export const SYNC_RUN_FIELD_NAMES: readonly SyncRunFieldName[] = SYNC_RUN_FIELDS.map((f) => f.apiName);
export const SYNC_EVENT_FIELD_NAMES: readonly SyncEventFieldName[] = SYNC_EVENT_FIELDS.map((f) => f.apiName);

export type ExpectedObject = {
  readonly apiName: string;
  readonly label: string;
  readonly pluralLabel: string;
  /** The AutoNumber display format of the Name field. */
  readonly nameFormat: string;
};

/** The custom objects we create (Opportunity is standard: only its fields are shipped). */
export const CUSTOM_OBJECTS = [
  {
    apiName: SYNC_RUN_OBJECT,
    label: 'Partner Center Sync Run',
    pluralLabel: 'Partner Center Sync Runs',
    nameFormat: 'RUN-{000000}',
  },
  {
    apiName: SYNC_EVENT_OBJECT,
    label: 'Partner Center Sync Event',
    pluralLabel: 'Partner Center Sync Events',
    nameFormat: 'EVT-{0000000}',
  },
  {
    apiName: SYNC_LEASE_OBJECT,
    label: 'Partner Center Sync Lease',
    pluralLabel: 'Partner Center Sync Leases',
    nameFormat: 'LEASE-{0000}',
  },
] as const satisfies readonly ExpectedObject[];

/** Every object that carries shipped custom fields, with its expected fields. */
export const FIELDS_BY_OBJECT: Readonly<Record<string, readonly ExpectedField[]>> = {
  [OPPORTUNITY]: OPPORTUNITY_FIELDS,
  [LEAD]: LEAD_FIELDS,
  [SYNC_RUN_OBJECT]: SYNC_RUN_FIELDS,
  [SYNC_EVENT_OBJECT]: SYNC_EVENT_FIELDS,
  [SYNC_LEASE_OBJECT]: SYNC_LEASE_FIELDS,
};

/** `Object.Field` for every shipped custom field, as permission sets and package.xml name them. */
export function qualifiedFieldNames(): string[] {
  return Object.entries(FIELDS_BY_OBJECT).flatMap(([object, fields]) => fields.map((f) => `${object}.${f.apiName}`));
}

export type FieldAccess = { readonly readable: boolean; readonly editable: boolean };
export type ObjectAccess = {
  readonly read: boolean;
  readonly create: boolean;
  readonly edit: boolean;
  readonly delete: boolean;
};

export type ExpectedPermissionSet = {
  readonly apiName: string;
  readonly label: string;
  /** The access the set must grant on a field; undefined: the set does not list it. */
  readonly fieldAccess: (object: string, field: ExpectedField) => FieldAccess | undefined;
  /** The access on a custom object; undefined: the set does not list it. */
  readonly objectAccess: (object: string) => ObjectAccess | undefined;
  /** Grants on standard objects (beyond what the user's profile gives), with View All where listed. */
  readonly standardObjectAccess: ReadonlyArray<{ object: string; access: ObjectAccess; viewAll: boolean }>;
};

/**
 * `Partner_Center_Sales_Rep`: read every sync field, edit the rep fields, read the event timeline and runs.
 * `Partner_Center_Integration`: write everything the sync writes (formula fields can only be read), take and
 * release the lease.
 */
export const PERMISSION_SETS = [
  {
    apiName: SALES_REP_PERMISSION_SET,
    label: 'Partner Center Sales Rep',
    // The lease is the sync's own machinery: reps have no use for it.
    fieldAccess: (object, field) =>
      object === SYNC_LEASE_OBJECT
        ? undefined
        : { readable: true, editable: object === OPPORTUNITY && field.editor === 'rep' && field.formula === undefined },
    objectAccess: (object) =>
      object === SYNC_LEASE_OBJECT ? undefined : { read: true, create: false, edit: false, delete: false },
    standardObjectAccess: [],
  },
  {
    apiName: INTEGRATION_PERMISSION_SET,
    label: 'Partner Center Integration',
    fieldAccess: (_object, field) => ({ readable: true, editable: field.formula === undefined }),
    // A lease is released by deleting it; runs and events are never deleted by the sync.
    objectAccess: (object) => ({ read: true, create: true, edit: true, delete: object === SYNC_LEASE_OBJECT }),
    // serve's Change Data Capture subscription to /data/OpportunityChangeEvent needs View All Records on Opportunity
    // (Change Data Capture Developer Guide, "Required Permissions for Change Event Subscribers"); the profile still
    // gives the create and edit the sync needs.
    standardObjectAccess: [
      { object: OPPORTUNITY, access: { read: true, create: false, edit: false, delete: false }, viewAll: true },
    ],
  },
] as const satisfies readonly ExpectedPermissionSet[];
