/**
 * The standard fields a mapping may name on the objects pcsync touches, with the describe type a real org reports.
 * Used to check a mapping without an org; with --target-org the org's own describe is used instead.
 */
export type LocalField = {
  name: string;
  type: string;
  updateable: boolean;
  relationshipName?: string;
  referenceTo?: string[];
  /** A custom picklist's active values, and whether it refuses others (its `valueSet`). */
  picklistValues?: string[];
  restrictedPicklist?: boolean;
};

const field = (name: string, type: string, updateable = true): LocalField => ({ name, type, updateable });
const lookup = (name: string, relationshipName: string, target: string): LocalField => ({
  name,
  type: 'reference',
  updateable: true,
  relationshipName,
  referenceTo: [target],
});
const system = [
  field('Id', 'id', false),
  field('CreatedDate', 'datetime', false),
  field('LastModifiedDate', 'datetime', false),
  field('SystemModstamp', 'datetime', false),
  lookup('OwnerId', 'Owner', 'User'),
];
const address = (prefix: string): LocalField[] => [
  field(`${prefix}Street`, 'textarea'),
  field(`${prefix}City`, 'string'),
  field(`${prefix}State`, 'string'),
  field(`${prefix}StateCode`, 'picklist'),
  field(`${prefix}PostalCode`, 'string'),
  field(`${prefix}Country`, 'string'),
  field(`${prefix}CountryCode`, 'picklist'),
];

export const STANDARD_FIELDS: Readonly<Record<string, readonly LocalField[]>> = {
  Opportunity: [
    ...system,
    field('Name', 'string'),
    field('StageName', 'picklist'),
    field('CloseDate', 'date'),
    field('Amount', 'currency'),
    field('Description', 'textarea'),
    field('Probability', 'percent'),
    field('NextStep', 'string'),
    field('LeadSource', 'picklist'),
    field('Type', 'picklist'),
    field('IsClosed', 'boolean', false),
    field('IsWon', 'boolean', false),
    lookup('AccountId', 'Account', 'Account'),
  ],
  Account: [
    ...system,
    field('Name', 'string'),
    ...address('Billing'),
    ...address('Shipping'),
    field('Website', 'url'),
    field('Phone', 'phone'),
    field('Industry', 'picklist'),
    field('NumberOfEmployees', 'int'),
    field('Description', 'textarea'),
  ],
  Contact: [
    ...system,
    field('FirstName', 'string'),
    field('LastName', 'string'),
    field('Email', 'email'),
    field('Phone', 'phone'),
    field('Title', 'string'),
    lookup('AccountId', 'Account', 'Account'),
  ],
  User: [...system, field('Username', 'string'), field('Name', 'string', false), field('Email', 'email')],
};
