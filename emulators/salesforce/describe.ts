/** Describe: the global object list, an object's summary, and the full describe with fields and child relationships. */
import { COLLECTION_LIMIT } from './collections.js';
import { type Reply, type RequestContext, json } from './http.js';
import type { Org } from './org.js';
import { requireObject } from './rest.js';
import type { FieldDef, ObjectDef } from './schema.js';
import type { UserSchema } from './access.js';

function soapType(f: FieldDef): string {
  switch (f.type) {
    case 'id':
    case 'reference':
      return 'tns:ID';
    case 'boolean':
      return 'xsd:boolean';
    case 'double':
    case 'currency':
    case 'percent':
      return 'xsd:double';
    case 'int':
      return 'xsd:int';
    case 'date':
      return 'xsd:date';
    case 'datetime':
      return 'xsd:dateTime';
    case 'time':
      return 'xsd:time';
    default:
      return 'xsd:string';
  }
}

/** A field as describe shows it to the running user (`view`: their createable/updateable, field-level security). */
export function describeField(f: FieldDef, object: ObjectDef, view: UserSchema): Record<string, unknown> {
  return {
    aggregatable: !['textarea', 'boolean'].includes(f.type),
    autoNumber: f.autoNumber,
    byteLength: f.length * 3,
    calculated: f.calculated,
    calculatedFormula: f.calculatedFormula,
    cascadeDelete: false,
    caseSensitive: f.caseSensitive,
    controllerName: f.controllerName,
    createable: view.createable(object, f),
    custom: f.custom,
    defaultValue: f.type === 'boolean' ? Boolean(f.defaultValue) : (f.defaultValue ?? null),
    defaultedOnCreate: f.defaultedOnCreate,
    dependentPicklist: f.controllerName !== null,
    digits: f.type === 'int' ? f.precision : 0,
    externalId: f.externalId,
    filterable: f.type !== 'textarea' || f.length <= 255,
    groupable: !['textarea', 'double', 'currency', 'percent', 'datetime'].includes(f.type),
    htmlFormatted: false,
    idLookup: f.idLookup,
    label: f.label,
    length: ['string', 'textarea', 'picklist', 'multipicklist', 'url', 'email', 'phone', 'encryptedstring'].includes(
      f.type
    )
      ? f.length
      : 0,
    name: f.name,
    nameField: f.name === 'Name',
    namePointing: f.name === 'OwnerId',
    nillable: f.nillable,
    permissionable: f.permissionable,
    picklistValues: f.picklistValues.map((v) => ({
      active: v.active,
      defaultValue: v.defaultValue,
      label: v.label,
      validFor: v.validFor ?? null,
      value: v.value,
    })),
    polymorphicForeignKey: false,
    precision: ['double', 'currency', 'percent'].includes(f.type) ? f.precision : 0,
    referenceTo: f.referenceTo,
    relationshipName: f.relationshipName,
    restrictedPicklist: f.restrictedPicklist,
    scale: f.scale,
    soapType: soapType(f),
    sortable: f.type !== 'textarea' || f.length <= 255,
    type: f.type,
    unique: f.unique,
    updateable: view.updateable(object, f),
  };
}

function objectSummary(org: Org, object: ObjectDef, version: string): Record<string, unknown> {
  const base = `/services/data/v${version}/sobjects/${object.name}`;
  const can = (op: 'create' | 'edit' | 'delete'): boolean => org.access.canObject(object, op);
  return {
    activateable: false,
    createable: object.createable && can('create'),
    custom: object.custom,
    customSetting: false,
    deletable: object.deletable && can('delete'),
    deprecatedAndHidden: false,
    feedEnabled: false,
    keyPrefix: object.keyPrefix,
    label: object.label,
    labelPlural: object.labelPlural,
    layoutable: true,
    mergeable: ['Account', 'Contact', 'Lead'].includes(object.name),
    mruEnabled: true,
    name: object.name,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: object.deletable && can('delete'),
    updateable: object.updateable && can('edit'),
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
  };
}

export function describeGlobal(org: Org, ctx: RequestContext): Reply {
  return json(200, {
    encoding: 'UTF-8',
    maxBatchSize: COLLECTION_LIMIT,
    sobjects: org.view.allObjects().map((o) => objectSummary(org, o, ctx.version)),
  });
}

export function describeBasic(org: Org, ctx: RequestContext, name: string): Reply {
  const object = requireObject(org, name);
  return json(200, { objectDescribe: objectSummary(org, object, ctx.version), recentItems: [] });
}

export function describe(org: Org, ctx: RequestContext, name: string): Reply {
  const object = requireObject(org, name);
  return json(200, {
    ...objectSummary(org, object, ctx.version),
    childRelationships: org.view.childRelationships(object).map((c) => ({
      cascadeDelete: c.childSObject === 'OpportunityContactRole',
      childSObject: c.childSObject,
      deprecatedAndHidden: false,
      field: c.field,
      junctionIdListNames: [],
      junctionReferenceTo: [],
      relationshipName: c.relationshipName,
      restrictedDelete: false,
    })),
    fields: org.view.fields(object).map((f) => describeField(f, object, org.view)),
    recordTypeInfos: [],
    supportedScopes: [{ label: 'All', name: 'everything' }],
  });
}
