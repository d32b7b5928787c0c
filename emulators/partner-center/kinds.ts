/**
 * The kinds of incoming referral Partner Center sends, and how each looks on the wire.
 *
 * referrals-api-introduction: "A Marketplace lead, Qualified lead, and a Co-sell Opportunity can be distinguished with
 * combination of three parameters: ReferralType, Qualification and InvitedBy.OrganizationID".
 * https://learn.microsoft.com/en-us/partner-center/developer/referrals-api-introduction
 * The values come from referral-resources (ReferralQualification: Direct "Created directly by a customer",
 * MarketingQualified "Generated via Microsoft marketing automation systems", SalesQualified "From a Microsoft sales
 * agent"; ReferralType: Independent "visible to one partner", Shared "visible to two parties that are working
 * together") and get-a-list-of-referrals ("inbound co-sell opportunities … initiated by a Microsoft sales
 * representative or another partner" are `type eq 'Shared' and direction eq 'Incoming'`; ones "that have not been
 * responded to" are `substatus eq 'Pending'`; its sample incoming Direct/Independent referral is New/Pending).
 * https://learn.microsoft.com/en-us/partner-center/developer/referral-resources
 * https://learn.microsoft.com/en-us/partner-center/developer/get-a-list-of-referrals
 */
import { MICROSOFT_ORGANIZATION_ID, type Referral } from './contract.js';
import { seededCustomer, type CustomerStyle } from './customers.js';

export const REFERRAL_KINDS = [
  'marketplace-lead',
  'marketing-qualified-lead',
  'sales-qualified-lead',
  'microsoft-co-sell',
  'partner-to-partner',
] as const;
export type ReferralKind = (typeof REFERRAL_KINDS)[number];

/** The emulator's first two kind names, still accepted: a lead from Microsoft marketing, a co-sell from a seller. */
export const KIND_ALIASES = {
  lead: 'marketing-qualified-lead',
  cosell: 'microsoft-co-sell',
} as const satisfies Readonly<Record<string, ReferralKind>>;

export type KindName = ReferralKind | keyof typeof KIND_ALIASES;

/** Another partner that invites us to a partner-to-partner co-sell (its id is a made-up organisation GUID). */
export const OTHER_PARTNER = {
  organizationId: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
  organizationName: 'Northwind Traders',
};

type Classification = Pick<Referral, 'type' | 'qualification'> & {
  /** Who invited us (`inviteContext.invitedBy`); none for a lead a customer created in the marketplace. */
  invitedBy?: { organizationId: string; organizationName: string };
  label: string;
};

/** The classification table: one row per kind. */
export const CLASSIFICATION: Readonly<Record<ReferralKind, Classification>> = {
  'marketplace-lead': { label: 'Marketplace lead', type: 'Independent', qualification: 'Direct' },
  'marketing-qualified-lead': {
    label: 'Marketing-qualified lead',
    type: 'Independent',
    qualification: 'MarketingQualified',
    invitedBy: { organizationId: MICROSOFT_ORGANIZATION_ID, organizationName: 'Microsoft' },
  },
  'sales-qualified-lead': {
    label: 'Sales-qualified lead',
    type: 'Independent',
    qualification: 'SalesQualified',
    invitedBy: { organizationId: MICROSOFT_ORGANIZATION_ID, organizationName: 'Microsoft' },
  },
  'microsoft-co-sell': {
    label: 'Co-sell opportunity',
    type: 'Shared',
    qualification: 'SalesQualified',
    invitedBy: { organizationId: MICROSOFT_ORGANIZATION_ID, organizationName: 'Microsoft' },
  },
  // A co-sell another partner starts: Shared (two parties work together), invited by that partner. Learn gives no
  // qualification for it (none of Direct, MarketingQualified, SalesQualified describes it), so `None`.
  'partner-to-partner': {
    label: 'Partner co-sell opportunity',
    type: 'Shared',
    qualification: 'None',
    invitedBy: OTHER_PARTNER,
  },
};

/**
 * A marketplace lead's source and call to action. referral-resources lists ReferralSource ("Represents source of
 * Marketplace lead") and CallToAction ("Represents call to action for a Marketplace lead") but their value tables
 * could not be read, and the swagger types `referralSource` and `callToAction` as plain strings; these defaults name
 * the storefront and the button as the marketplace does ("Contact me", "Get It Now", "Free Trial", "Test Drive"). Pass
 * others through the admin endpoint's overrides.
 * https://learn.microsoft.com/en-us/partner-center/marketplace-offers/partner-center-portal/commercial-marketplace-get-customer-leads
 */
export const MARKETPLACE_LEAD_DEFAULTS = { referralSource: 'AppSource', callToAction: 'ContactMe' } as const;

export function kindOf(name: unknown): ReferralKind | undefined {
  if (typeof name !== 'string') return undefined;
  if ((REFERRAL_KINDS as readonly string[]).includes(name)) return name as ReferralKind;
  return (KIND_ALIASES as Readonly<Record<string, ReferralKind | undefined>>)[name];
}

/** An incoming referral of this kind as Partner Center shows it to us (the store adds ids, dates and eTag). */
export function incomingReferral(
  kind: ReferralKind,
  n: number,
  dates: { now: string; expires: string; closing: string },
  org: { id: string },
  customers: CustomerStyle = 'numbered'
): Omit<Referral, 'id' | 'engagementId' | 'eTag'> {
  const row = CLASSIFICATION[kind];
  const fromMicrosoft = row.invitedBy?.organizationId === MICROSOFT_ORGANIZATION_ID;
  return {
    name: `${row.label} ${n}`,
    direction: 'Incoming',
    type: row.type,
    qualification: row.qualification,
    status: 'New',
    substatus: 'Pending',
    createdDateTime: dates.now,
    updatedDateTime: dates.now,
    expirationDateTime: dates.expires,
    ...(kind === 'marketplace-lead' ? MARKETPLACE_LEAD_DEFAULTS : {}),
    customerProfile: seededCustomer(n, customers),
    consent: { consentToContact: true, consentToToShareInfoWithOthers: true },
    details: {
      notes: kind === 'marketplace-lead' ? 'I would like to learn more about your offer.' : 'From Microsoft',
      dealValue: 10000 + n,
      currency: 'USD',
      closingDateTime: dates.closing,
      ...(kind === 'marketplace-lead' ? { customerRequestedContact: true } : {}),
    },
    // Who works the engagement on the inviting side: a Microsoft seller, or the other partner's.
    team:
      kind === 'marketplace-lead'
        ? []
        : fromMicrosoft
          ? [{ firstName: 'Mo', lastName: 'Seller', email: 'mo.seller@microsoft.example' }]
          : [{ firstName: 'Pat', lastName: 'Partner', email: 'pat.partner@northwind.example' }],
    ...(row.invitedBy
      ? {
          inviteContext: {
            notes: row.type === 'Shared' ? 'You are invited to co-sell.' : 'A customer asked for a partner.',
            invitedBy: { ...row.invitedBy },
            ...(kind === 'microsoft-co-sell' ? { assistanceRequestCode: 'GeneralOrOther' } : {}),
          },
        }
      : {}),
    target: [{ type: 'BusinessProfileLocation', id: org.id }],
  };
}
