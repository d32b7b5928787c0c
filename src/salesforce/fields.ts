/** The Opportunity fields the sync itself reads and writes (SPEC.md, "Salesforce metadata"). */
export const OPP = {
  syncWith: 'Sync_With_Partner_Center__c',
  referralId: 'Referral_Identifier__c',
  link: 'Referral_Link__c',
  help: 'How_Can_Microsoft_Help__c',
  solutions: 'Partner_Center_Solutions__c',
  audit: 'Partner_Center_Audit__c',
  status: 'Partner_Center_Status__c',
  substatus: 'Partner_Center_Substatus__c',
  engagementId: 'Partner_Center_Engagement_Id__c',
  state: 'Partner_Center_Sync_State__c',
  error: 'Partner_Center_Sync_Error__c',
  lastSynced: 'Partner_Center_Last_Synced__c',
  eTag: 'Partner_Center_ETag__c',
  snapshot: 'Partner_Center_Snapshot__c',
  resync: 'Partner_Center_Resync_Requested__c',
  declineReason: 'Partner_Center_Decline_Reason__c',
  dealType: 'Partner_Center_Deal_Type__c',
  microsoftStatus: 'Partner_Center_Microsoft_Status__c',
  microsoftSeller: 'Partner_Center_Microsoft_Seller__c',
  microsoftCrmId: 'Partner_Center_Microsoft_CRM_Id__c',
} as const;

/**
 * The values of Partner_Center_Deal_Type__c: Microsoft's three deal types (create-a-referral), from the least to the
 * most shared. Private is not shared with Microsoft sellers; Partner-led and Co-sell are, and a Co-sell invites
 * Microsoft to help.
 */
export const DEAL_TYPE = { private: 'Private', partnerLed: 'Partner-led', coSell: 'Co-sell' } as const;
export type DealType = (typeof DEAL_TYPE)[keyof typeof DEAL_TYPE];

export const RUN = {
  object: 'Partner_Center_Sync_Run__c',
  startedAt: 'Started_At__c',
  finishedAt: 'Finished_At__c',
  trigger: 'Trigger__c',
  status: 'Status__c',
  inboundWatermark: 'Inbound_Watermark__c',
  outboundWatermark: 'Outbound_Watermark__c',
  requestCount: 'Request_Count__c',
  /** The change feed position the run finished sending (change event passes only). */
  replayId: 'Replay_Id__c',
  message: 'Message__c',
  key: 'Run_Key__c',
  /** The sync's Leads left awaiting the seller's decision (blank: not known), so a run without any asks for none. */
  openLeads: 'Leads_Open__c',
} as const;

/** The run statuses (Partner_Center_Sync_Run__c.Status__c). */
export type RunStatus = 'Running' | 'Succeeded' | 'Partially Succeeded' | 'Failed' | 'Interrupted';

export const LEASE = {
  object: 'Partner_Center_Sync_Lease__c',
  key: 'Key__c',
  holder: 'Holder__c',
  token: 'Token__c',
  acquiredAt: 'Acquired_At__c',
  expiresAt: 'Expires_At__c',
} as const;

export const EVENT = {
  object: 'Partner_Center_Sync_Event__c',
  opportunity: 'Opportunity__c',
  lead: 'Lead__c',
  run: 'Sync_Run__c',
  direction: 'Direction__c',
  action: 'Action__c',
  referralId: 'Referral_Identifier__c',
  changedFields: 'Changed_Fields__c',
  httpStatus: 'HTTP_Status__c',
  correlationId: 'Correlation_Id__c',
  message: 'Message__c',
  occurredAt: 'Occurred_At__c',
  key: 'Event_Key__c',
} as const;

export type SyncState = 'Not Synced' | 'Pending' | 'Synced' | 'Error' | 'Conflict';

/** Text(255) fields: the sync never sends a longer value. */
export const clip = (text: string, max = 255): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
