/**
 * The shipped default mapping (SPEC.md, "Configuration"). Status/substatus ↔ StageName goes through `stages`;
 * the customer's Account and Contacts through `accounts`; neither is a field rule.
 */
import type { FieldRule } from '../config/schema.js';

const ASSISTANCE_CODES: Array<[code: string, label: string]> = [
  ['WorkloadSpecificValueProposition', 'Workload specific value proposition'],
  ['CustomerTechnicalArchitecture', 'Customer technical architecture'],
  ['ProofOfConceptOrDemo', 'Proof of concept or demo'],
  ['QuotesOrLicensing', 'Quotes or licensing'],
  ['PostSalesCustomerSuccess', 'Post sales customer success'],
  ['GeneralOrOther', 'General or other'],
];

type RuleInput = Partial<FieldRule> & Pick<FieldRule, 'partnerCenter' | 'salesforce'>;

const rule = (input: RuleInput): FieldRule => ({
  direction: 'both',
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
  rule({ partnerCenter: 'id', salesforce: 'Referral_Identifier__c', direction: 'inbound' }),
  rule({ partnerCenter: 'engagementId', salesforce: 'Partner_Center_Engagement_Id__c', direction: 'inbound' }),
  rule({ partnerCenter: 'eTag', salesforce: 'Partner_Center_ETag__c', direction: 'inbound' }),
  rule({ partnerCenter: 'status', salesforce: 'Partner_Center_Status__c', direction: 'inbound' }),
  rule({ partnerCenter: 'substatus', salesforce: 'Partner_Center_Substatus__c', direction: 'inbound' }),
  rule({
    partnerCenter: 'id',
    salesforce: 'Referral_Link__c',
    direction: 'inbound',
    transform: { type: 'urlTemplate', template: 'https://partner.microsoft.com/dashboard/referrals/v2/{value}' },
  }),
  rule({
    partnerCenter: 'inviteContext.assistanceRequestCode',
    salesforce: 'How_Can_Microsoft_Help__c',
    owner: 'salesforce',
    valueMap: ASSISTANCE_CODES.map(([partnerCenter, salesforce]) => ({ partnerCenter, salesforce })),
  }),
  rule({
    partnerCenter: 'details.requirements.solutions[].id',
    salesforce: 'Partner_Center_Solutions__c',
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
