/**
 * The Partner Center referral model, written by hand from Microsoft's connector swagger
 * (`Microsoft.Partner.Service.PartnerReferrals.Contracts.V3.Referral`, camelCase on the wire) and the referral
 * resource docs. `test/unit/partner-center/referral-types.test.ts` checks these shapes against the swagger with ajv.
 */

import type { ServicesCoSell } from './services-co-sell.js';

export const REFERRAL_STATUSES = ['None', 'New', 'Active', 'Closed'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

export const REFERRAL_SUBSTATUSES = [
  'None',
  'Pending',
  'Received',
  'Accepted',
  'Won',
  'Lost',
  'Declined',
  'Expired',
] as const;
export type ReferralSubstatus = (typeof REFERRAL_SUBSTATUSES)[number];

/** No action is permitted once a referral reaches one of these. */
export const TERMINAL_SUBSTATUSES: readonly ReferralSubstatus[] = ['Won', 'Lost', 'Declined', 'Expired'];

export type ReferralType = 'Shared' | 'Independent';

export type ReferralQualification = 'None' | 'Direct' | 'MarketingQualified' | 'SalesQualified';

export type ReferralDirection = 'Incoming' | 'Outgoing';

export const ASSISTANCE_REQUEST_CODES = [
  'Unknown',
  'GeneralOrOther',
  'CustomerTechnicalArchitecture',
  'ProofOfConceptOrDemo',
  'QuotesOrLicensing',
  'PostSalesCustomerSuccess',
  'WorkloadSpecificValueProposition',
] as const;
export type AssistanceRequestCode = (typeof ASSISTANCE_REQUEST_CODES)[number];

export const SALES_STAGES = ['Qualify', 'Develop', 'Propose', 'Close'] as const;
export type SalesStage = (typeof SALES_STAGES)[number];

export type ReferralTargetType = 'None' | 'BusinessProfileLocation' | 'SolutionProfile';

export type ContactPreference = {
  locale?: string;
  disableNotifications?: boolean;
};

export type Member = {
  firstName?: string;
  lastName?: string;
  phoneNumber?: string;
  email?: string;
  contactPreference?: ContactPreference;
};

export type Address = {
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2, mandatory on create. */
  country?: string;
  region?: string;
};

export type CustomerProfileId = {
  id: string;
  profileType: 'Duns' | 'External';
};

export type CustomerProfile = {
  name?: string;
  address?: Address;
  size?: string;
  team?: Member[];
  ids?: CustomerProfileId[];
};

export type Consent = {
  consentToToShareInfoWithOthers?: boolean;
  consentToContact?: boolean;
  consentToShareReferralWithMicrosoftSellers?: boolean;
};

export type Tag = { id?: string };

export type SolutionTag = {
  id?: string;
  name?: string;
  type?: 'None' | 'Category' | 'Name';
};

export type ReferralRequirements = {
  industries?: Tag[];
  products?: Tag[];
  services?: Tag[];
  solutions?: SolutionTag[];
};

export type ReferralDetails = {
  notes?: string;
  dealValue?: number;
  /** ISO 4217, e.g. USD. */
  currency?: string;
  closingDateTime?: string;
  customerAction?: string;
  customerRequestedContact?: boolean;
  requirements?: ReferralRequirements;
};

export type ReferralTarget = {
  id?: string;
  type?: ReferralTargetType;
};

export type InviteContext = {
  notes?: string;
  invitedBy?: { organizationId?: string; organizationName?: string };
  assistanceRequestCode?: AssistanceRequestCode;
};

export type ReferralLink = { uri?: string; method?: string };

/** A referral as Partner Center returns it. */
export type Referral = ServicesCoSell & {
  id: string;
  engagementId: string;
  name?: string;
  externalReferenceId?: string;
  organizationId?: string;
  organizationName?: string;
  createdDateTime: string;
  updatedDateTime: string;
  expirationDateTime?: string;
  acceptedDateTime?: string;
  closedDateTime?: string;
  status: ReferralStatus;
  substatus: ReferralSubstatus;
  statusReason?: string;
  type: ReferralType;
  qualification?: ReferralQualification;
  direction?: ReferralDirection;
  salesStage?: SalesStage;
  campaignId?: string;
  referralProgram?: string;
  customerProfile: CustomerProfile;
  consent: Consent;
  details: ReferralDetails;
  team?: Member[];
  inviteContext?: InviteContext;
  target?: ReferralTarget[];
  /** Swagger `trackingInfo`: `microsoftMsxId` is the "Opportunity ID for the referral in Microsoft CRM". */
  trackingInfo?: { microsoftMsxId?: string };
  eTag: string;
  links?: { relatedReferrals?: ReferralLink; self?: ReferralLink };
};

/** The body of POST /referrals (Microsoft requires type, customerProfile, consent and details). */
export type NewReferral = ServicesCoSell & {
  name?: string;
  engagementId?: string;
  externalReferenceId?: string;
  status?: ReferralStatus;
  substatus?: ReferralSubstatus;
  statusReason?: string;
  type: ReferralType;
  qualification?: ReferralQualification;
  salesStage?: SalesStage;
  campaignId?: string;
  customerProfile: CustomerProfile & { address: Address & { country: string } };
  consent: Consent;
  details: ReferralDetails;
  team?: Member[];
  inviteContext?: InviteContext;
  target?: ReferralTarget[];
};

/** The paths Microsoft's PATCH accepts (swagger `UpdateReferralDetails`). */
export const PATCHABLE_PATHS = [
  '/campaignId',
  '/consent/consentToShareReferralWithMicrosoftSellers',
  '/customerProfile/team',
  '/customerProfile/team/-',
  '/details/closingDateTime',
  '/details/currency',
  '/details/dealValue',
  '/details/notes',
  '/details/requirements/solutions',
  '/details/requirements/solutions/-',
  '/externalReferenceId',
  '/referralProgram',
  '/salesStage',
  '/status',
  '/substatus',
  '/statusReason',
  '/team',
  '/team/-',
] as const;
export type PatchablePath = (typeof PATCHABLE_PATHS)[number];

/** One JSON Patch operation; Partner Center supports only `add` and `replace`. */
export type ReferralPatchOperation = {
  op: 'add' | 'replace';
  path: PatchablePath;
  value: unknown;
};

/** The OData list envelope. */
export type ReferralPage = {
  '@odata.context'?: string;
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value: Referral[];
};

/** Webhook registration (PascalCase on the wire, as Partner Center's webhook API sends it). */
export type WebhookRegistration = {
  SubscriberId?: string;
  WebhookUrl: string;
  WebhookEvents: string[];
  SignatureTokenToMsSignatureHeader?: boolean;
};

export type ValidationEventResult = {
  responseCode: string;
  responseMessage: string;
  systemError: boolean;
  dateTimeUtc: string;
};

export type ValidationEventStatus = {
  correlationId: string;
  partnerId: string;
  status: string;
  callbackUrl: string;
  results: ValidationEventResult[];
};

/** The body of a webhook delivery. */
export type WebhookEvent = {
  EventName: string;
  ResourceUri: string;
  ResourceName: string;
  AuditUri: string | null;
  ResourceChangeUtcDate: string;
};
