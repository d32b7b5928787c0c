/**
 * The rules the sync itself depends on: Partner Center's identifier, engagement, eTag and status land in the
 * Opportunity's own fields (SPEC.md, "Salesforce metadata"). They always apply, before the user's mapping, and a
 * user's rule cannot write these fields.
 */
import { OPP } from '../salesforce/fields.js';
import type { Referral } from '../partner-center/referral-types.js';
import type { FieldRule } from '../config/schema.js';
import type { FieldPairRule } from './events.js';
import { toSalesforceValue, type SalesforceValue } from './convert.js';
import { getPath } from './paths.js';

/** Where a rep opens the referral in Partner Center. */
export const REFERRAL_LINK_TEMPLATE = 'https://partner.microsoft.com/dashboard/referrals/v2/{value}';

const system = (partnerCenter: string, salesforce: string, transform?: FieldRule['transform']): FieldPairRule => ({
  partnerCenter,
  salesforce,
  direction: 'inbound',
  on: 'always',
  owner: 'partnerCenter',
  optional: false,
  ...(transform ? { transform } : {}),
});

export const SYSTEM_RULES: readonly FieldPairRule[] = [
  system('id', OPP.referralId),
  system('id', OPP.link, { type: 'urlTemplate', template: REFERRAL_LINK_TEMPLATE }),
  system('engagementId', OPP.engagementId),
  system('eTag', OPP.eTag),
  system('status', OPP.status),
  system('substatus', OPP.substatus),
];

/** The system rule that writes this Salesforce field, if any. */
export const systemRuleFor = (field: string): FieldPairRule | undefined =>
  SYSTEM_RULES.find((rule) => rule.salesforce.toLowerCase() === field.toLowerCase());

/** The rules a sync applies: the system rules, then the user's mapping. */
export const syncRules = (mapping: readonly FieldRule[]): FieldRule[] => [...SYSTEM_RULES, ...mapping];

/** The system fields' values for a referral, as the Opportunity holds them. */
export function systemValues(referral: Referral): Record<string, SalesforceValue> {
  return Object.fromEntries(
    SYSTEM_RULES.map((rule) => [rule.salesforce, toSalesforceValue(rule, getPath(referral, rule.partnerCenter))])
  );
}
