/**
 * The shipped lead mapping (SPEC.md, Configuration → `leads`): referral paths → Lead fields, the same rule schema as
 * the Opportunity mapping. Country and state name the Lead's address fields; in an org with State and
 * Country/Territory Picklists the sync writes their code fields (Partner Center sends ISO codes). The person on the
 * Lead (FirstName, LastName, Email, Phone) is the referral's first customer contact, not a rule, as a referral's
 * contacts become Contacts through `accounts` for Opportunities.
 */
import type { FieldRule } from '../config/schema.js';
import type { FieldPairRule } from './events.js';

const inbound = (partnerCenter: string, salesforce: string, extra: Partial<FieldRule> = {}): FieldPairRule => ({
  partnerCenter,
  salesforce,
  direction: 'inbound',
  on: 'always',
  owner: 'partnerCenter',
  optional: false,
  ...extra,
});

export const DEFAULT_LEAD_MAPPING: readonly FieldRule[] = [
  inbound('customerProfile.name', 'Company'),
  inbound('customerProfile.address.addressLine1', 'Street'),
  inbound('customerProfile.address.city', 'City'),
  inbound('customerProfile.address.state', 'State'),
  inbound('customerProfile.address.postalCode', 'PostalCode'),
  inbound('customerProfile.address.country', 'Country'),
  inbound('details.notes', 'Description'),
  inbound('referralSource', 'LeadSource', { default: 'Partner Referral' }),
];
