/**
 * Checks a configuration against an org's schema (through describe): every mapped Salesforce field exists on
 * its object, is of a type that can hold the Partner Center value, and can be written where the rule writes it.
 */
import type { Connection } from '@salesforce/core';
import type { DescribeSObjectResult, Field } from '@jsforce/jsforce-node';
import { formatPath, type ConfigProblem } from '../config/problems.js';
import { REFERRAL_FIELDS, type ReferralValueType } from '../mapping/referral-paths.js';
import type { FieldRule, PcsyncConfig } from '../config/schema.js';

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

export async function checkAgainstOrg(
  config: PcsyncConfig,
  describe: Describer,
  prefix = 'plugins.pcsync'
): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  const root = await describe(MAPPED_OBJECT);
  if (!root) {
    return [{ path: prefix, message: `the org has no ${MAPPED_OBJECT} object`, severity: 'error' }];
  }
  for (const [index, rule] of config.mapping.entries()) {
    const path = formatPath(prefix, ['mapping', index, 'salesforce']);
    const problem = await checkRule(rule, root, describe);
    if (problem) problems.push({ path, message: problem, severity: rule.optional ? 'warning' : 'error' });
  }
  return problems;
}

async function checkRule(
  rule: FieldRule,
  root: DescribeSObjectResult,
  describe: Describer
): Promise<string | undefined> {
  const resolved = await resolveField(rule.salesforce, root, describe);
  if (typeof resolved === 'string') return rule.optional ? `${resolved} (optional rule: it will be skipped)` : resolved;
  const { field, objectName } = resolved;

  const valueType: ReferralValueType | 'list' =
    rule.transform?.type === 'list' ? 'list' : (REFERRAL_FIELDS[rule.partnerCenter] ?? 'string');
  const allowed =
    rule.valueMap || rule.transform?.type === 'urlTemplate' || rule.transform?.type === 'countryCode'
      ? COMPATIBLE.string
      : COMPATIBLE[valueType];
  const type = String(field.type);
  if (!allowed.includes(type) && !(rule.valueMap && COMPATIBLE.number.includes(type))) {
    return `${objectName}.${field.name} is of type ${type}, which cannot hold the ${valueType} value of ${JSON.stringify(rule.partnerCenter)}; map it to a field of type ${allowed.join(', ')}`;
  }
  if (rule.direction !== 'outbound' && (!field.updateable || !field.createable)) {
    return `${objectName}.${field.name} is not writable (formula, system or read-only field), but the rule's direction ${JSON.stringify(rule.direction)} writes it; use "outbound" or another field`;
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
