/**
 * Checks a configuration against an org's schema (through describe): every mapped Salesforce field exists on
 * its object, is of a type that can hold the Partner Center value (or the rule's constant), and can be written where
 * and when the rule writes it; a constant is also one the field takes (`constant-check.ts`).
 */
import type { Connection } from '@salesforce/core';
import type { DescribeSObjectResult, Field } from '@jsforce/jsforce-node';
import { formatPath, type ConfigProblem } from '../config/problems.js';
import { REFERRAL_FIELDS, type ReferralValueType } from '../mapping/referral-paths.js';
import type { FieldRule, PcsyncConfig, RuleEvent } from '../config/schema.js';
import { constantProblems, type RecordExists } from './constant-check.js';

/** The object every mapping rule starts from. */
export const MAPPED_OBJECT = 'Opportunity';

/** Salesforce field types that can hold each kind of Partner Center value. */
const COMPATIBLE: Record<ReferralValueType | 'list', readonly string[]> = {
  string: ['string', 'textarea', 'picklist', 'url', 'email', 'phone', 'id', 'reference', 'combobox', 'encryptedstring'],
  number: ['double', 'currency', 'int', 'long', 'percent'],
  boolean: ['boolean'],
  datetime: ['datetime', 'date'],
  list: ['string', 'textarea', 'multipicklist'],
};

export type Describer = (objectName: string) => Promise<DescribeSObjectResult | undefined>;

/** A describe with a per-object cache; an object the org lacks gives undefined. */
export function connectionDescriber(connection: Connection): Describer {
  const cache = new Map<string, Promise<DescribeSObjectResult | undefined>>();
  return (objectName) => {
    let pending = cache.get(objectName);
    if (!pending) {
      pending = connection.sobject(objectName).describe().catch(missingObject);
      cache.set(objectName, pending);
    }
    return pending;
  };
}

/** A describe of an object the org lacks (or the user cannot see) answers undefined; other failures stay failures. */
export function missingObject(error: Error & { errorCode?: string }): undefined {
  if (error.errorCode === 'NOT_FOUND' || error.name === 'NOT_FOUND' || error.errorCode === 'INVALID_TYPE')
    return undefined;
  throw error;
}

/** Can the running user write the field when the rule writes it (describe's `createable`, `updateable`)? */
export const canWrite = (field: Pick<Field, 'createable' | 'updateable'>, on: RuleEvent = 'always'): boolean =>
  on === 'create' ? field.createable : on === 'update' ? field.updateable : field.createable && field.updateable;

export type OrgCheckOptions = {
  /** How keys are named in the problems. */
  prefix?: string;
  /** With an org: whether a record exists (a constant lookup's Id is then checked). */
  exists?: RecordExists;
};

export async function checkAgainstOrg(
  config: PcsyncConfig,
  describe: Describer,
  options: OrgCheckOptions = {}
): Promise<ConfigProblem[]> {
  const prefix = options.prefix ?? 'plugins.pcsync';
  const problems: ConfigProblem[] = [];
  const root = await describe(MAPPED_OBJECT);
  if (!root) {
    return [{ path: prefix, message: `the org has no ${MAPPED_OBJECT} object`, severity: 'error' }];
  }
  for (const [index, rule] of config.mapping.entries()) {
    // A constant sent to Partner Center names no Salesforce field.
    if (rule.salesforce === undefined) continue;
    const path = formatPath(prefix, ['mapping', index, 'salesforce']);
    const resolved = await resolveField(rule.salesforce, root, describe);
    const problem =
      typeof resolved === 'string'
        ? rule.optional
          ? `${resolved} (optional rule: it will be skipped)`
          : resolved
        : fieldProblem(rule, resolved);
    if (problem) problems.push({ path, message: problem, severity: rule.optional ? 'warning' : 'error' });
    else if (rule.value !== undefined && typeof resolved !== 'string') {
      const name = `${resolved.objectName}.${resolved.field.name}`;
      const found = await constantProblems(rule.value, resolved.field, name, options.exists);
      problems.push(...found.map((p) => ({ ...p, path: formatPath(prefix, ['mapping', index, 'value']) })));
    }
  }
  return problems;
}

/** The type a rule's value has: its constant's, or that of the referral path it reads. */
function valueTypeOf(rule: FieldRule): ReferralValueType | 'list' {
  if (rule.value !== undefined) return typeof rule.value as 'string' | 'number' | 'boolean';
  if (rule.transform?.type === 'list') return 'list';
  return (rule.partnerCenter && REFERRAL_FIELDS[rule.partnerCenter]) || 'string';
}

/** What the running user cannot do to a field a rule writes on this event, and when the rule writes it. */
const NOT_WRITABLE: Record<RuleEvent, [string, string]> = {
  create: ['not createable by the running user', 'sets it when an Opportunity is created ("on": "create")'],
  update: ['not updateable by the running user', 'sets it when an Opportunity is updated ("on": "update")'],
  always: ['not writable (formula, system or read-only field)', 'writes it'],
};

function fieldProblem(
  rule: FieldRule,
  { field, objectName }: { field: Field; objectName: string }
): string | undefined {
  const valueType = valueTypeOf(rule);
  const source =
    rule.value !== undefined ? `the constant ${JSON.stringify(rule.value)}` : JSON.stringify(rule.partnerCenter);
  const allowed =
    rule.valueMap || rule.transform?.type === 'urlTemplate' || rule.transform?.type === 'countryCode'
      ? COMPATIBLE.string
      : COMPATIBLE[valueType];
  const type = String(field.type);
  if (!allowed.includes(type) && !(rule.valueMap && COMPATIBLE.number.includes(type))) {
    return `${objectName}.${field.name} is of type ${type}, which cannot hold the ${valueType} value of ${source}; map it to a field of type ${allowed.join(', ')}`;
  }
  if (rule.direction !== 'outbound' && !canWrite(field, rule.on)) {
    const [cannot, when] = NOT_WRITABLE[rule.on];
    const advice = rule.value === undefined ? 'use "outbound" or another field' : 'use another field';
    return `${objectName}.${field.name} is ${cannot}, but the rule's direction ${JSON.stringify(rule.direction)} ${when}; ${advice}`;
  }
  return undefined;
}

async function resolveField(
  fieldPath: string,
  root: DescribeSObjectResult,
  describe: Describer
): Promise<{ field: Field; objectName: string } | string> {
  const parts = fieldPath.split('.');
  let current = root;
  for (const relationship of parts.slice(0, -1)) {
    const lookup = current.fields.find((field) => field.relationshipName?.toLowerCase() === relationship.toLowerCase());
    const target = lookup?.referenceTo?.[0];
    if (!lookup || !target) return `${current.name} has no relationship ${JSON.stringify(relationship)}`;
    const next = await describe(target);
    if (!next) return `the org has no ${target} object`;
    current = next;
  }
  const name = parts[parts.length - 1];
  const field = current.fields.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (!field)
    return `${current.name} has no field ${JSON.stringify(name)}; deploy force-app (sf project deploy start) or fix the field name`;
  return { field, objectName: current.name };
}
