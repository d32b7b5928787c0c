/**
 * The shipped default mapping (SPEC.md, "Configuration"). Status/substatus ↔ StageName goes through `stages`;
 * the customer's Account and Contacts through `accounts`; neither is a field rule. The sync's own fields
 * (identifier, link, engagement, eTag, status) are system rules (`system-rules.ts`), not part of any mapping.
 */
import type { FieldRule } from '../config/schema.js';
import { OPP } from '../salesforce/fields.js';

const ASSISTANCE_CODES: Array<[code: string, label: string]> = [
  ['WorkloadSpecificValueProposition', 'Workload specific value proposition'],
  ['CustomerTechnicalArchitecture', 'Customer technical architecture'],
  ['ProofOfConceptOrDemo', 'Proof of concept or demo'],
  ['QuotesOrLicensing', 'Quotes or licensing'],
  ['PostSalesCustomerSuccess', 'Post sales customer success'],
  ['GeneralOrOther', 'General or other'],
];

type RuleInput = Partial<FieldRule>;

const rule = (input: RuleInput): FieldRule => ({
  direction: 'both',
  on: 'always',
  owner: 'partnerCenter',
  optional: false,
  ...input,
});

export const DEFAULT_MAPPING: readonly FieldRule[] = [
  rule({ partnerCenter: 'name', salesforce: 'Name', owner: 'salesforce' }),
  rule({ partnerCenter: 'details.dealValue', salesforce: 'Amount', owner: 'salesforce' }),
  rule({ partnerCenter: 'details.currency', salesforce: 'CurrencyIsoCode', owner: 'salesforce', optional: true }),
  rule({
    partnerCenter: 'details.closingDateTime',
    salesforce: 'CloseDate',
    owner: 'salesforce',
    transform: { type: 'date' },
  }),
  rule({ partnerCenter: 'details.notes', salesforce: 'Description', owner: 'salesforce' }),
  rule({ partnerCenter: 'externalReferenceId', salesforce: 'Id', direction: 'outbound', owner: 'salesforce' }),
  // A standard Lead Source value of every org; set once, so a seller's own choice later stays.
  rule({ salesforce: 'LeadSource', value: 'Partner Referral', direction: 'inbound', on: 'create' }),
  rule({
    partnerCenter: 'inviteContext.assistanceRequestCode',
    salesforce: OPP.help,
    owner: 'salesforce',
    valueMap: ASSISTANCE_CODES.map(([partnerCenter, salesforce]) => ({ partnerCenter, salesforce })),
  }),
  rule({
    partnerCenter: 'details.requirements.solutions[].id',
    salesforce: OPP.solutions,
    owner: 'salesforce',
    transform: { type: 'list', separator: ';' },
  }),
  rule({
    partnerCenter: 'customerProfile.name',
    salesforce: 'Account.Name',
    direction: 'outbound',
    owner: 'salesforce',
  }),
  rule({
    partnerCenter: 'customerProfile.address.addressLine1',
    salesforce: 'Account.BillingStreet',
    direction: 'outbound',
    owner: 'salesforce',
  }),
  rule({
    partnerCenter: 'customerProfile.address.city',
    salesforce: 'Account.BillingCity',
    direction: 'outbound',
    owner: 'salesforce',
  }),
  rule({
    partnerCenter: 'customerProfile.address.state',
    salesforce: 'Account.BillingState',
    direction: 'outbound',
    owner: 'salesforce',
  }),
  rule({
    partnerCenter: 'customerProfile.address.postalCode',
    salesforce: 'Account.BillingPostalCode',
    direction: 'outbound',
    owner: 'salesforce',
  }),
  rule({
    partnerCenter: 'customerProfile.address.country',
    salesforce: 'Account.BillingCountry',
    direction: 'outbound',
    owner: 'salesforce',
    transform: { type: 'countryCode' },
  }),
];
