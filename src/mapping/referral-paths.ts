/**
 * The referral fields a mapping rule may name, as dotted paths into Microsoft's Referral model
 * (partner-center-referrals.swagger.json, `Contracts.V3.Referral`). `[]` marks an array whose items are plucked:
 * `details.requirements.solutions[].id` is the list of solution ids.
 */
export type ReferralValueType = 'string' | 'number' | 'boolean' | 'datetime';

/** Each mappable referral path and the JSON type of its value (of each item, for `[]` paths). */
export const REFERRAL_FIELDS: Readonly<Record<string, ReferralValueType>> = {
  id: 'string',
  engagementId: 'string',
  eTag: 'string',
  name: 'string',
  externalReferenceId: 'string',
  type: 'string',
  qualification: 'string',
  status: 'string',
  substatus: 'string',
  statusReason: 'string',
  salesStage: 'string',
  direction: 'string',
  organizationId: 'string',
  organizationName: 'string',
  campaignId: 'string',
  referralProgram: 'string',
  referralSource: 'string',
  callToAction: 'string',
  createdDateTime: 'datetime',
  updatedDateTime: 'datetime',
  expirationDateTime: 'datetime',
  acceptedDateTime: 'datetime',
  closedDateTime: 'datetime',
  'links.self.uri': 'string',
  'links.relatedReferrals.uri': 'string',
  'consent.consentToContact': 'boolean',
  'consent.consentToShareReferralWithMicrosoftSellers': 'boolean',
  'customerProfile.name': 'string',
  'customerProfile.size': 'string',
  'customerProfile.address.addressLine1': 'string',
  'customerProfile.address.addressLine2': 'string',
  'customerProfile.address.city': 'string',
  'customerProfile.address.state': 'string',
  'customerProfile.address.postalCode': 'string',
  'customerProfile.address.country': 'string',
  'customerProfile.address.region': 'string',
  'customerProfile.team[].email': 'string',
  'customerProfile.team[].firstName': 'string',
  'customerProfile.team[].lastName': 'string',
  'customerProfile.team[].phoneNumber': 'string',
  'details.dealValue': 'number',
  'details.currency': 'string',
  'details.closingDateTime': 'datetime',
  'details.notes': 'string',
  'details.customerAction': 'string',
  'details.customerRequestedContact': 'boolean',
  'details.requirements.industries[].id': 'string',
  'details.requirements.products[].id': 'string',
  'details.requirements.services[].id': 'string',
  'details.requirements.solutions[].id': 'string',
  'inviteContext.assistanceRequestCode': 'string',
  'inviteContext.notes': 'string',
  'inviteContext.invitedBy.organizationId': 'string',
  'inviteContext.invitedBy.organizationName': 'string',
  'team[].email': 'string',
  'team[].firstName': 'string',
  'team[].lastName': 'string',
  'trackingInfo.microsoftMsxId': 'string',
  // A services co-sell's fields (create-a-referral; not in the connector swagger): see SERVICES_CO_SELL_FIELDS.
  partnerRole: 'string',
  solutionArea: 'string',
  solutionPlay: 'string',
};

export const REFERRAL_PATHS: readonly string[] = Object.keys(REFERRAL_FIELDS);

export function isPartnerCenterPath(path: string): boolean {
  return Object.hasOwn(REFERRAL_FIELDS, path);
}

/** True when the path plucks from an array (`a[].b`): its value is a list. */
export function isListPath(path: string): boolean {
  return path.includes('[]');
}

/** The referral fields Partner Center sets itself: a rule may only read them (direction inbound). */
export const READ_ONLY_REFERRAL_PATHS: ReadonlySet<string> = new Set([
  'id',
  'engagementId',
  'eTag',
  'direction',
  'organizationId',
  'organizationName',
  'createdDateTime',
  'updatedDateTime',
  'expirationDateTime',
  'acceptedDateTime',
  'closedDateTime',
  'links.self.uri',
  'links.relatedReferrals.uri',
  'inviteContext.invitedBy.organizationId',
  'inviteContext.invitedBy.organizationName',
]);
