/**
 * One Opportunity and its referral seen side by side through the mapping: each rule's value on both sides,
 * the merge decisions against the record's snapshot, and what each decision writes where.
 */
import type { FieldRule } from '../config/schema.js';
import { appliesOn, CONSTANT_SIDE, rulesFor, type SyncEvent } from './events.js';
import { READ_ONLY_REFERRAL_PATHS } from './referral-paths.js';
import { toPartnerCenterValue, toSalesforceValue, type SalesforceValue } from './convert.js';
import { decideRecord, snapshotValue, type FieldDecision, type MergeField, type Snapshot } from './merge.js';
import { getPath, setPath, toJsonPointer, type Json, type JsonObject } from './paths.js';
import { PATCHABLE_PATHS, type Referral, type ReferralPatchOperation } from '../partner-center/referral-types.js';

export type OpportunityRow = Record<string, unknown> & { Id?: string };

/** A row's text field as a string ('' when blank). */
export const textOf = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

export const ruleKey = (rule: Pick<FieldRule, 'partnerCenter' | 'salesforce'>): string =>
  `${rule.partnerCenter ?? CONSTANT_SIDE}|${rule.salesforce ?? CONSTANT_SIDE}`;

/** A field of the row, following relationship paths (`Account.BillingCountry`). */
export function rowValue(row: OpportunityRow | undefined, field: string): SalesforceValue {
  let current: unknown = row;
  for (const part of field.split('.')) {
    if (typeof current !== 'object' || current === null) return null;
    const record = current as Record<string, unknown>;
    const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === part.toLowerCase());
    current = key === undefined ? undefined : record[key];
  }
  return (current ?? null) as SalesforceValue;
}

/** The rule's Salesforce side for this row: its field's value, or its constant when it sends one. */
export const salesforceSide = (rule: FieldRule, row: OpportunityRow | undefined): SalesforceValue =>
  rule.salesforce === undefined ? (rule.value ?? null) : rowValue(row, rule.salesforce);

/** The rule's Partner Center side for this referral: its path's value, or its constant when it sets one. */
const partnerCenterSide = (rule: FieldRule, referral: Referral | undefined): Json =>
  rule.partnerCenter === undefined
    ? (rule.value ?? null)
    : referral
      ? (getPath(referral, rule.partnerCenter) ?? null)
      : null;

export function mergeFields(
  rules: readonly FieldRule[],
  referral: Referral | undefined,
  row: OpportunityRow | undefined
): Array<MergeField & { rule: FieldRule }> {
  return rules.map((rule) => {
    const pc = partnerCenterSide(rule, referral);
    const sf = salesforceSide(rule, row);
    return {
      rule,
      key: ruleKey(rule),
      direction: rule.direction,
      owner: rule.owner,
      pc,
      pcAsSf: toSalesforceValue(rule, pc),
      sf,
      sfAsPc: toPartnerCenterValue(rule, sf) ?? null,
      sfToPc: (value: unknown) => toPartnerCenterValue(rule, value as SalesforceValue) ?? null,
    };
  });
}

export type Pairing = {
  fields: Array<MergeField & { rule: FieldRule }>;
  decisions: FieldDecision[];
};

export function pair(
  rules: readonly FieldRule[],
  referral: Referral | undefined,
  row: OpportunityRow | undefined,
  snapshot: Snapshot | undefined,
  origin: 'partnerCenter' | 'salesforce'
): Pairing {
  const fields = mergeFields(rules, referral, row);
  return { fields, decisions: decideRecord(fields, snapshot, { origin }) };
}

const patchable = new Set<string>(PATCHABLE_PATHS);

/** Does Partner Center's PATCH take the rule's path (swagger `UpdateReferralDetails`)? */
export const isPatchable = (rule: Pick<FieldRule, 'partnerCenter'>): boolean =>
  rule.partnerCenter !== undefined && patchable.has(toJsonPointer(rule.partnerCenter));

/**
 * The JSON Patch operations for the decisions that move to Partner Center, and the paths Partner Center will not take.
 */
export function patchFor(pairing: Pairing): { operations: ReferralPatchOperation[]; notPatchable: string[] } {
  const operations: ReferralPatchOperation[] = [];
  const notPatchable: string[] = [];
  pairing.decisions.forEach((decision, index) => {
    const { rule } = pairing.fields[index];
    if (decision.action !== 'toPartnerCenter' || rule.partnerCenter === undefined) return;
    const pointer = toJsonPointer(rule.partnerCenter);
    if (!patchable.has(pointer)) {
      notPatchable.push(rule.partnerCenter);
      return;
    }
    const holder: JsonObject = {};
    setPath(holder, rule.partnerCenter, (decision.value ?? null) as Json);
    const value = getPath(holder, pointer.slice(1).replace(/\//g, '.'));
    operations.push({ op: 'replace', path: pointer as ReferralPatchOperation['path'], value: value ?? null });
  });
  return { operations, notPatchable };
}

/** The Salesforce field values the decisions that move to Salesforce write (never through relationship paths). */
export function salesforceWritesFor(pairing: Pairing): Record<string, SalesforceValue> {
  const writes: Record<string, SalesforceValue> = {};
  pairing.decisions.forEach((decision, index) => {
    const { rule } = pairing.fields[index];
    if (decision.action === 'toSalesforce' && rule.salesforce !== undefined && !rule.salesforce.includes('.'))
      writes[rule.salesforce] = decision.value as SalesforceValue;
  });
  return writes;
}

/** What a new referral for this row gets, path by path: every rule that writes Partner Center when it creates one. */
export function referralCreateValues(rules: readonly FieldRule[], row: OpportunityRow): Array<[path: string, Json]> {
  const values: Array<[string, Json]> = [];
  for (const rule of rulesFor(rules, 'create')) {
    if (rule.direction === 'inbound' || rule.partnerCenter === undefined) continue;
    if (READ_ONLY_REFERRAL_PATHS.has(rule.partnerCenter)) continue;
    const value = toPartnerCenterValue(rule, salesforceSide(rule, row));
    if (value !== undefined) values.push([rule.partnerCenter, value]);
  }
  return values;
}

/** The referral body's mapped part for a new referral. */
export function referralBodyFor(rules: readonly FieldRule[], row: OpportunityRow): JsonObject {
  const body: JsonObject = {};
  for (const [path, value] of referralCreateValues(rules, row)) setPath(body, path, value);
  return body;
}

/**
 * Which snapshot entries keep their old base after a write (conflicts, changes still owed to the other side), and
 * the event the write is. On an update a create-only rule keeps its entry as the create set it, so a later change of
 * its field on either side is neither echoed nor reverted; on a create an update-only rule's entry is what both sides
 * hold then (nothing is written for it), so only later changes follow.
 */
export type KeptBase = { snapshot: Snapshot | undefined; keys: ReadonlySet<string>; event: SyncEvent };

/** The snapshot both sides agree on once the writes are done: the referral as it now is, the row as it now is. */
export function agreedSnapshot(
  rules: readonly FieldRule[],
  referral: Referral,
  row: OpportunityRow,
  keep: KeptBase,
  extra: Record<string, { pc: unknown; sf: unknown }> = {},
  /** For an Opportunity just created from the referral: its Account was matched or made from the same customer. */
  relationshipsFromReferral = false
): Snapshot {
  const fields: Snapshot['fields'] = {};
  for (const field of mergeFields(rules, referral, row)) {
    const previous = keep.snapshot?.fields[field.key];
    if (keep.event === 'update' && !appliesOn(field.rule, 'update')) {
      if (previous) fields[field.key] = previous;
      continue;
    }
    const kept = keep.keys.has(field.key) ? previous : undefined;
    const viaRelationship = relationshipsFromReferral && field.rule.salesforce?.includes('.');
    const sf = viaRelationship ? field.pcAsSf : field.sf;
    fields[field.key] = kept ?? { pc: snapshotValue(field.pc), sf: snapshotValue(sf) };
  }
  const extras = Object.fromEntries(
    Object.entries(extra).map(([key, value]) => [key, { pc: snapshotValue(value.pc), sf: snapshotValue(value.sf) }])
  );
  return { v: 1, fields: { ...fields, ...extras } };
}
