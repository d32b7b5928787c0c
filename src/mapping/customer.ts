/**
 * The customer's Account as the mapping names it: the rules from `customerProfile.*` to `Account.*` fields say
 * which Account fields hold the customer's name and address, for matching an incoming referral's customer to an
 * Account and for creating one.
 */
import type { FieldRule } from '../config/schema.js';
import type { Referral } from '../partner-center/referral-types.js';
import { toSalesforceValue, type SalesforceValue } from './convert.js';
import { isFieldPair, type FieldPairRule } from './events.js';
import { getPath } from './paths.js';

const ACCOUNT = 'Account.';

/** What `accounts.match` can name, and the referral path each comes from. */
export const MATCH_PATHS = {
  name: 'customerProfile.name',
  country: 'customerProfile.address.country',
  postalCode: 'customerProfile.address.postalCode',
} as const;
export type MatchKey = keyof typeof MATCH_PATHS;

const STREET_PATH = 'customerProfile.address.addressLine1';
const STREET_LINE_2 = 'customerProfile.address.addressLine2';

/** The rules that map a customer value to a field of the Opportunity's Account. */
export const customerRules = (rules: readonly FieldRule[]): FieldPairRule[] =>
  rules
    .filter(isFieldPair)
    .filter(
      (rule) =>
        rule.salesforce.startsWith(ACCOUNT) &&
        !rule.salesforce.slice(ACCOUNT.length).includes('.') &&
        rule.partnerCenter.startsWith('customerProfile.') &&
        !rule.partnerCenter.includes('[]')
    );

/** The Account field (without `Account.`) that holds a customer path, if the mapping names one. */
export function accountField(rules: readonly FieldRule[], referralPath: string): string | undefined {
  const rule = customerRules(rules).find((candidate) => candidate.partnerCenter === referralPath);
  return rule?.salesforce.slice(ACCOUNT.length);
}

/** The Account fields a new Account for this referral's customer gets, converted as the rules say. */
export function accountValues(rules: readonly FieldRule[], referral: Referral): Record<string, SalesforceValue> {
  const values: Record<string, SalesforceValue> = {};
  for (const rule of customerRules(rules)) {
    let value = toSalesforceValue(rule, getPath(referral, rule.partnerCenter));
    // Partner Center splits the street over two lines; Salesforce keeps one multi-line street.
    const second = getPath(referral, STREET_LINE_2);
    if (rule.partnerCenter === STREET_PATH && typeof second === 'string' && second) {
      value = [value, second].filter(Boolean).join('\n');
    }
    values[rule.salesforce.slice(ACCOUNT.length)] = value;
  }
  return values;
}
