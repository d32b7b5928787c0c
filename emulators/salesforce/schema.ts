/**
 * The org's schema: standard objects with the standard fields pcsync touches, plus whatever custom objects and
 * fields have been deployed (or loaded from force-app at start). Names are case-insensitive, as in a real org.
 */
import { DEFAULT_LEAD_STATUS, LEAD_STATUSES } from './lead-statuses.js';
import { addressFields } from './address.js';

export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'boolean'
  | 'picklist'
  | 'multipicklist'
  | 'double'
  | 'currency'
  | 'percent'
  | 'int'
  | 'date'
  | 'datetime'
  | 'time'
  | 'url'
  | 'email'
  | 'phone'
  | 'reference'
  | 'encryptedstring';

export type PicklistValue = {
  value: string;
  label: string;
  active: boolean;
  defaultValue: boolean;
  /** Dependent picklists: the controlling values this one is valid for (describe's base64 bitmap). */
  validFor?: string;
};

export type FieldDef = {
  name: string;
  label: string;
  type: FieldType;
  length: number;
  precision: number;
  scale: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  unique: boolean;
  caseSensitive: boolean;
  externalId: boolean;
  idLookup: boolean;
  custom: boolean;
  /** Filled by the org on create when not given (checkboxes, defaulted picklists, owner, timestamps). */
  defaultedOnCreate: boolean;
  defaultValue: unknown;
  picklistValues: PicklistValue[];
  restrictedPicklist: boolean;
  referenceTo: string[];
  relationshipName: string | null;
  /** For custom lookups: the child relationship name (`Sync_Events__r`) seen from the parent. */
  childRelationshipName: string | null;
  calculated: boolean;
  calculatedFormula: string | null;
  autoNumber: boolean;
  displayFormat: string | null;
  /** Dependent picklists: the controlling field (`BillingCountryCode` for `BillingStateCode`). */
  controllerName: string | null;
  /** A state or country code of an address: checked with its pair in address.ts, not as a plain picklist. */
  addressCode: boolean;
  /** Field-level security can be set on it: not a required field, a master-detail or a system field (Help: "Field
   * Permissions"); a field that is not permissionable is visible to everyone who can read its object. */
  permissionable: boolean;
};

export type ObjectDef = {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  /** Fields by lower-cased name, in declaration order. */
  fields: Map<string, FieldDef>;
};

export type ChildRelationship = { childSObject: string; field: string; relationshipName: string };

const SYSTEM_FIELD_NAMES = [
  'Id',
  'IsDeleted',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
];

export function field(name: string, type: FieldType, options: Partial<FieldDef> = {}): FieldDef {
  const defaults: Record<FieldType, Partial<FieldDef>> = {
    id: { length: 18, createable: false, updateable: false, nillable: false, idLookup: true },
    string: { length: 255 },
    textarea: { length: 32_000 },
    boolean: { nillable: false, defaultedOnCreate: true, defaultValue: false },
    picklist: { length: 255 },
    multipicklist: { length: 4099 },
    double: { precision: 18, scale: 0 },
    currency: { precision: 18, scale: 2 },
    percent: { precision: 3, scale: 0 },
    int: { precision: 9, scale: 0 },
    date: {},
    datetime: {},
    time: {},
    url: { length: 255 },
    email: { length: 80 },
    phone: { length: 40 },
    reference: { length: 18 },
    encryptedstring: { length: 175 },
  };
  const merged: FieldDef = {
    name,
    label: name.replace(/__c$/, '').replace(/_/g, ' '),
    type,
    length: 0,
    precision: 0,
    scale: 0,
    nillable: true,
    createable: true,
    updateable: true,
    unique: false,
    caseSensitive: false,
    externalId: false,
    idLookup: false,
    custom: name.endsWith('__c'),
    defaultedOnCreate: false,
    defaultValue: null,
    picklistValues: [],
    restrictedPicklist: false,
    referenceTo: [],
    relationshipName: null,
    childRelationshipName: null,
    calculated: false,
    calculatedFormula: null,
    autoNumber: false,
    displayFormat: null,
    controllerName: null,
    addressCode: false,
    permissionable: true,
    ...defaults[type],
    ...options,
  };
  return options.permissionable === undefined
    ? { ...merged, permissionable: merged.nillable || merged.type === 'boolean' }
    : merged;
}

export function readOnly(name: string, type: FieldType, options: Partial<FieldDef> = {}): FieldDef {
  return field(name, type, { createable: false, updateable: false, ...options });
}

export function required(name: string, type: FieldType, options: Partial<FieldDef> = {}): FieldDef {
  return field(name, type, { nillable: false, ...options });
}

export function lookup(name: string, to: string, relationshipName: string, options: Partial<FieldDef> = {}): FieldDef {
  return field(name, 'reference', { referenceTo: [to], relationshipName, ...options });
}

export function picklist(values: string[], defaultValue?: string): PicklistValue[] {
  return values.map((value) => ({ value, label: value, active: true, defaultValue: value === defaultValue }));
}

export function systemFields(): FieldDef[] {
  return [
    field('Id', 'id', { label: 'Record ID' }),
    readOnly('IsDeleted', 'boolean', { nillable: false, defaultValue: false }),
    readOnly('CreatedDate', 'datetime', { nillable: false, defaultedOnCreate: true }),
    readOnly('CreatedById', 'reference', {
      nillable: false,
      defaultedOnCreate: true,
      referenceTo: ['User'],
      relationshipName: 'CreatedBy',
      length: 18,
    }),
    readOnly('LastModifiedDate', 'datetime', { nillable: false, defaultedOnCreate: true }),
    readOnly('LastModifiedById', 'reference', {
      nillable: false,
      defaultedOnCreate: true,
      referenceTo: ['User'],
      relationshipName: 'LastModifiedBy',
      length: 18,
    }),
    readOnly('SystemModstamp', 'datetime', { nillable: false, defaultedOnCreate: true }),
  ];
}

function ownerField(): FieldDef {
  return lookup('OwnerId', 'User', 'Owner', { nillable: false, defaultedOnCreate: true, label: 'Owner ID' });
}

export function makeObject(
  name: string,
  keyPrefix: string,
  fields: FieldDef[],
  options: Partial<ObjectDef> = {}
): ObjectDef {
  const map = new Map<string, FieldDef>();
  for (const f of fields) map.set(f.name.toLowerCase(), f);
  return {
    name,
    label: name.replace(/__c$/, '').replace(/_/g, ' '),
    labelPlural: `${name.replace(/__c$/, '').replace(/_/g, ' ')}s`,
    keyPrefix,
    custom: name.endsWith('__c'),
    createable: true,
    updateable: true,
    deletable: true,
    fields: map,
    ...options,
  };
}

export const OPPORTUNITY_STAGES: Array<{ name: string; probability: number; closed: boolean; won: boolean }> = [
  { name: 'Prospecting', probability: 10, closed: false, won: false },
  { name: 'Qualification', probability: 10, closed: false, won: false },
  { name: 'Needs Analysis', probability: 20, closed: false, won: false },
  { name: 'Value Proposition', probability: 50, closed: false, won: false },
  { name: 'Id. Decision Makers', probability: 60, closed: false, won: false },
  { name: 'Perception Analysis', probability: 70, closed: false, won: false },
  { name: 'Proposal/Price Quote', probability: 75, closed: false, won: false },
  { name: 'Negotiation/Review', probability: 90, closed: false, won: false },
  { name: 'Closed Won', probability: 100, closed: true, won: true },
  { name: 'Closed Lost', probability: 0, closed: true, won: false },
];

export type SchemaOptions = {
  /** State and Country/Territory Picklists (on in a new org): the `…StateCode`/`…CountryCode` fields exist. */
  stateCountryPicklists: boolean;
};

/** The standard objects of a fresh single-currency org (no RecordTypes, no person accounts). */
export function standardObjects(options: SchemaOptions): ObjectDef[] {
  const address = (prefix: string, label = prefix): FieldDef[] =>
    addressFields(prefix, label, options.stateCountryPicklists, field);
  const industries = picklist([
    'Agriculture',
    'Banking',
    'Communications',
    'Consulting',
    'Education',
    'Energy',
    'Engineering',
    'Finance',
    'Government',
    'Healthcare',
    'Manufacturing',
    'Media',
    'Retail',
    'Technology',
    'Other',
  ]);
  const account = makeObject('Account', '001', [
    ...systemFields(),
    required('Name', 'string', { length: 255, label: 'Account Name' }),
    field('Type', 'picklist', {
      picklistValues: picklist(['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other']),
    }),
    lookup('ParentId', 'Account', 'Parent'),
    ...address('Billing'),
    ...address('Shipping'),
    field('Phone', 'phone'),
    field('Fax', 'phone'),
    field('AccountNumber', 'string', { length: 40 }),
    field('Website', 'url'),
    field('Site', 'string', { length: 80 }),
    field('Industry', 'picklist', { picklistValues: industries }),
    field('AnnualRevenue', 'currency', { precision: 18, scale: 0 }),
    field('NumberOfEmployees', 'int', { precision: 8 }),
    field('Description', 'textarea'),
    ownerField(),
  ]);
  const contact = makeObject('Contact', '003', [
    ...systemFields(),
    lookup('AccountId', 'Account', 'Account'),
    field('Salutation', 'picklist', { picklistValues: picklist(['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.']) }),
    field('FirstName', 'string', { length: 40 }),
    required('LastName', 'string', { length: 80 }),
    readOnly('Name', 'string', { length: 121, label: 'Full Name' }),
    ...address('Mailing'),
    ...address('Other'),
    field('Phone', 'phone'),
    field('MobilePhone', 'phone'),
    field('Email', 'email'),
    field('Title', 'string', { length: 128 }),
    field('Department', 'string', { length: 80 }),
    field('LeadSource', 'picklist', {
      picklistValues: picklist(['Web', 'Phone Inquiry', 'Partner Referral', 'Other']),
    }),
    field('Description', 'textarea'),
    ownerField(),
  ]);
  const opportunity = makeObject('Opportunity', '006', [
    ...systemFields(),
    lookup('AccountId', 'Account', 'Account', { label: 'Account ID' }),
    field('IsPrivate', 'boolean', { nillable: false, defaultedOnCreate: true, defaultValue: false }),
    required('Name', 'string', { length: 120 }),
    field('Description', 'textarea'),
    required('StageName', 'picklist', {
      label: 'Stage',
      picklistValues: picklist(
        OPPORTUNITY_STAGES.map((s) => s.name),
        'Prospecting'
      ),
    }),
    field('Amount', 'currency'),
    field('Probability', 'percent', { defaultedOnCreate: true }),
    readOnly('ExpectedRevenue', 'currency', { calculated: true }),
    required('CloseDate', 'date'),
    field('Type', 'picklist', {
      picklistValues: picklist(['Existing Customer - Upgrade', 'Existing Customer - Replacement', 'New Customer']),
    }),
    field('NextStep', 'string', { length: 255 }),
    field('LeadSource', 'picklist', {
      picklistValues: picklist(['Web', 'Phone Inquiry', 'Partner Referral', 'Other']),
    }),
    readOnly('IsClosed', 'boolean', { nillable: false, defaultedOnCreate: true }),
    readOnly('IsWon', 'boolean', { nillable: false, defaultedOnCreate: true }),
    field('ForecastCategoryName', 'picklist', {
      defaultedOnCreate: true,
      picklistValues: picklist(['Omitted', 'Pipeline', 'Best Case', 'Commit', 'Closed']),
    }),
    readOnly('HasOpportunityLineItem', 'boolean', { nillable: false, defaultedOnCreate: true }),
    readOnly('LastActivityDate', 'date'),
    ownerField(),
  ]);
  const contactRole = makeObject('OpportunityContactRole', '00K', [
    ...systemFields(),
    required('OpportunityId', 'reference', {
      referenceTo: ['Opportunity'],
      relationshipName: 'Opportunity',
      updateable: false,
    }),
    required('ContactId', 'reference', { referenceTo: ['Contact'], relationshipName: 'Contact' }),
    field('Role', 'picklist', {
      picklistValues: picklist([
        'Business User',
        'Decision Maker',
        'Economic Buyer',
        'Economic Decision Maker',
        'Evaluator',
        'Executive Sponsor',
        'Influencer',
        'Technical Buyer',
        'Other',
      ]),
    }),
    field('IsPrimary', 'boolean', { nillable: false, defaultedOnCreate: true, defaultValue: false }),
  ]);
  const lead = makeObject('Lead', '00Q', [
    ...systemFields(),
    field('FirstName', 'string', { length: 40 }),
    required('LastName', 'string', { length: 80 }),
    readOnly('Name', 'string', { length: 121, label: 'Full Name' }),
    field('Title', 'string', { length: 128 }),
    required('Company', 'string', { length: 255 }),
    ...address('', ''),
    field('Phone', 'phone'),
    field('Email', 'email'),
    field('Website', 'url'),
    field('Description', 'textarea'),
    field('LeadSource', 'picklist', {
      picklistValues: picklist(['Web', 'Phone Inquiry', 'Partner Referral', 'Other']),
    }),
    required('Status', 'picklist', {
      defaultedOnCreate: true,
      defaultValue: DEFAULT_LEAD_STATUS,
      picklistValues: picklist(
        LEAD_STATUSES.map((s) => s.label),
        DEFAULT_LEAD_STATUS
      ),
    }),
    // Set by convertLead() only (Object Reference, "Lead"): read-only through the API.
    readOnly('IsConverted', 'boolean', { nillable: false, defaultedOnCreate: true }),
    readOnly('ConvertedDate', 'date'),
    readOnly('ConvertedAccountId', 'reference', { referenceTo: ['Account'], relationshipName: 'ConvertedAccount' }),
    readOnly('ConvertedContactId', 'reference', { referenceTo: ['Contact'], relationshipName: 'ConvertedContact' }),
    readOnly('ConvertedOpportunityId', 'reference', {
      referenceTo: ['Opportunity'],
      relationshipName: 'ConvertedOpportunity',
    }),
    ownerField(),
  ]);
  const user = makeObject('User', '005', [
    ...systemFields(),
    required('Username', 'string', { length: 80, unique: true }),
    field('FirstName', 'string', { length: 40 }),
    required('LastName', 'string', { length: 80 }),
    readOnly('Name', 'string', { length: 121, label: 'Full Name' }),
    required('Email', 'email', { length: 128 }),
    required('Alias', 'string', { length: 8 }),
    field('CompanyName', 'string', { length: 80 }),
    field('Title', 'string', { length: 80 }),
    field('IsActive', 'boolean', { nillable: false, defaultedOnCreate: true, defaultValue: true }),
    field('TimeZoneSidKey', 'picklist', { length: 40 }),
    field('LocaleSidKey', 'picklist', { length: 40 }),
    field('LanguageLocaleKey', 'picklist', { length: 40 }),
    field('UserType', 'picklist', { createable: false, updateable: false }),
    required('ProfileId', 'reference', { referenceTo: ['Profile'], relationshipName: 'Profile', label: 'Profile ID' }),
  ]);
  const organization = makeObject(
    'Organization',
    '00D',
    [
      ...systemFields(),
      readOnly('Name', 'string', { length: 80 }),
      readOnly('Division', 'string', { length: 80 }),
      readOnly('Country', 'string', { length: 80 }),
      readOnly('InstanceName', 'string', { length: 5 }),
      readOnly('IsSandbox', 'boolean'),
      readOnly('TrialExpirationDate', 'datetime'),
      readOnly('NamespacePrefix', 'string', { length: 15 }),
      readOnly('OrganizationType', 'picklist', { length: 40 }),
      readOnly('DefaultLocaleSidKey', 'picklist', { length: 40 }),
      readOnly('LanguageLocaleKey', 'picklist', { length: 40 }),
      readOnly('TimeZoneSidKey', 'picklist', { length: 40 }),
    ],
    { createable: false, deletable: false }
  );
  return [account, contact, opportunity, contactRole, lead, user, organization];
}

/**
 * The schema as someone sees it: the whole of it (SchemaRegistry, system mode) or what the running user's profile
 * and permission sets let them see (access.ts). SOQL, describe and the REST resources read it through this.
 */
export type SchemaView = {
  object(name: string): ObjectDef | undefined;
  objectByPrefix(prefix: string): ObjectDef | undefined;
  allObjects(): ObjectDef[];
  field(object: ObjectDef, name: string): FieldDef | undefined;
  /** The object's fields, in declaration order. */
  fields(object: ObjectDef): FieldDef[];
  relationship(object: ObjectDef, relationshipName: string): FieldDef | undefined;
  childRelationships(object: ObjectDef): ChildRelationship[];
  childRelationship(object: ObjectDef, name: string): ChildRelationship | undefined;
};

export class SchemaRegistry implements SchemaView {
  private readonly objects = new Map<string, ObjectDef>();
  private customPrefixCounter = 0;

  /** `more`: objects beside the standard ones (the setup objects of setup-objects.ts). */
  public constructor(options: SchemaOptions, more: ObjectDef[] = []) {
    for (const object of [...standardObjects(options), ...more]) this.objects.set(object.name.toLowerCase(), object);
  }

  public object(name: string): ObjectDef | undefined {
    return this.objects.get(name.toLowerCase());
  }

  public objectByPrefix(prefix: string): ObjectDef | undefined {
    for (const object of this.objects.values()) if (object.keyPrefix === prefix) return object;
    return undefined;
  }

  public allObjects(): ObjectDef[] {
    return [...this.objects.values()];
  }

  public field(object: ObjectDef, name: string): FieldDef | undefined {
    return object.fields.get(name.toLowerCase());
  }

  public fields(object: ObjectDef): FieldDef[] {
    return [...object.fields.values()];
  }

  /** The lookup field behind a relationship name (`Account` → AccountId, `Foo__r` → Foo__c). */
  public relationship(object: ObjectDef, relationshipName: string): FieldDef | undefined {
    const wanted = relationshipName.toLowerCase();
    for (const f of object.fields.values()) if (f.relationshipName?.toLowerCase() === wanted) return f;
    return undefined;
  }

  /** Child relationships of an object (`Opportunity.OpportunityContactRoles`, custom `…__r`). */
  public childRelationships(object: ObjectDef): ChildRelationship[] {
    const children: ChildRelationship[] = [];
    for (const child of this.objects.values()) {
      for (const f of child.fields.values()) {
        if (f.type !== 'reference' || !f.referenceTo.some((t) => t.toLowerCase() === object.name.toLowerCase()))
          continue;
        const name = childRelationshipName(child, f);
        if (name) children.push({ childSObject: child.name, field: f.name, relationshipName: name });
      }
    }
    return children;
  }

  public childRelationship(object: ObjectDef, name: string): ChildRelationship | undefined {
    return this.childRelationships(object).find((c) => c.relationshipName.toLowerCase() === name.toLowerCase());
  }

  /** Creates (or returns) a custom object with the standard fields every custom object has. */
  public ensureCustomObject(
    name: string,
    options: { label?: string; labelPlural?: string; nameField?: FieldDef } = {}
  ): ObjectDef {
    const existing = this.object(name);
    if (existing) {
      if (options.label) existing.label = options.label;
      if (options.labelPlural) existing.labelPlural = options.labelPlural;
      if (options.nameField) existing.fields.set('name', options.nameField);
      return existing;
    }
    this.customPrefixCounter++;
    const keyPrefix = `a${this.customPrefixCounter.toString(36).padStart(2, '0')}`;
    const nameField =
      options.nameField ?? field('Name', 'string', { length: 80, custom: false, label: `${name} Name` });
    const object = makeObject(name, keyPrefix, [...systemFields(), ownerField(), nameField], {
      label: options.label ?? name.replace(/__c$/, '').replace(/_/g, ' '),
      labelPlural: options.labelPlural ?? `${name.replace(/__c$/, '').replace(/_/g, ' ')}s`,
      custom: true,
    });
    this.objects.set(name.toLowerCase(), object);
    return object;
  }

  public setField(object: ObjectDef, def: FieldDef): void {
    object.fields.set(def.name.toLowerCase(), def);
  }

  public isSystemField(name: string): boolean {
    return SYSTEM_FIELD_NAMES.some((n) => n.toLowerCase() === name.toLowerCase());
  }

  /** A deep copy, so a failed deploy (or a reset) can restore the previous schema. */
  public snapshot(): SchemaSnapshot {
    return { objects: cloneObjects(this.objects), counter: this.customPrefixCounter };
  }

  public restore(snapshot: SchemaSnapshot): void {
    this.objects.clear();
    for (const [key, object] of cloneObjects(snapshot.objects)) this.objects.set(key, object);
    this.customPrefixCounter = snapshot.counter;
  }
}

export type SchemaSnapshot = { objects: Map<string, ObjectDef>; counter: number };

function cloneObjects(source: Map<string, ObjectDef>): Map<string, ObjectDef> {
  const objects = new Map<string, ObjectDef>();
  for (const [key, object] of source) {
    const fields = new Map<string, FieldDef>();
    for (const [fk, f] of object.fields) {
      fields.set(fk, {
        ...f,
        picklistValues: f.picklistValues.map((v) => ({ ...v })),
        referenceTo: [...f.referenceTo],
      });
    }
    objects.set(key, { ...object, fields });
  }
  return objects;
}

function childRelationshipName(child: ObjectDef, f: FieldDef): string | undefined {
  if (f.custom || f.childRelationshipName) return f.childRelationshipName ?? undefined;
  if (SYSTEM_FIELD_NAMES.includes(f.name) || f.name === 'OwnerId') return undefined;
  // Standard lookups: the plural of the child object (Account.Contacts, Opportunity.OpportunityContactRoles).
  if (child.name === 'Account' && f.name === 'ParentId') return 'ChildAccounts';
  if (child.name === 'Lead') return undefined;
  return `${child.name}s`.replace(/ys$/, 'ies');
}
