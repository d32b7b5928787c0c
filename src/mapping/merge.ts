/**
 * Three-way change detection for one record: each side's current mapped values against the snapshot both sides
 * last agreed on. Only real changes move, so the sync's own writes are never echoed back; a field changed on
 * both sides is decided by its owner, or parked as a conflict.
 */
import { createHash } from 'node:crypto';
import type { Direction, Owner } from '../config/schema.js';
import { sameValue } from './convert.js';

/**
 * What both sides agreed on, per field key, in each side's own form. `gone`: when the referral was found deleted
 * in Partner Center (the record is then left alone).
 */
export type Snapshot = { v: 1; fields: Record<string, { pc: unknown; sf: unknown }>; gone?: string };

/** A long value as the snapshot keeps it: its digest, so a snapshot stays small whatever the fields hold. */
type Digest = { sha256: string };

/** Values longer than this (as text or JSON) are kept as a digest. */
export const SNAPSHOT_VALUE_LIMIT = 120;

const isDigest = (value: unknown): value is Digest =>
  typeof value === 'object' && value !== null && typeof (value as Partial<Digest>).sha256 === 'string';

/** The form a value takes in the snapshot: itself, or the digest of a long one. */
export function snapshotValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text.length <= SNAPSHOT_VALUE_LIMIT) return value;
  return { sha256: createHash('sha256').update(text).digest('base64url') } satisfies Digest;
}

/** Does a current value equal what the snapshot holds for it (comparing digests for long values)? */
export function matchesBase(current: unknown, base: unknown): boolean {
  if (isDigest(base)) {
    const mine = snapshotValue(current);
    return isDigest(mine) && mine.sha256 === base.sha256;
  }
  return sameValue(current, base);
}

export type MergeField = {
  /** Stable id of the field pair, e.g. `details.dealValue|Amount`. */
  key: string;
  direction: Direction;
  owner: Owner;
  /** Partner Center's current value, in Partner Center's form and converted to Salesforce's. */
  pc: unknown;
  pcAsSf: unknown;
  /** Salesforce's current value, in Salesforce's form and converted to Partner Center's. */
  sf: unknown;
  sfAsPc: unknown;
  /**
   * A Salesforce value as Partner Center would receive it. The Salesforce side counts as changed only when what it
   * would send changed: "United States" where the org stored "US" (its country picklist's integration value) is no
   * change.
   */
  sfToPc?: (value: unknown) => unknown;
};

/** Did the Salesforce side move away from its base, as far as Partner Center can tell? */
export function salesforceMoved(field: Pick<MergeField, 'sf' | 'sfAsPc' | 'sfToPc'>, base: unknown): boolean {
  if (matchesBase(field.sf, base)) return false;
  return !(field.sfToPc && !isDigest(base) && sameValue(field.sfAsPc, field.sfToPc(base)));
}

export type FieldDecision =
  | { key: string; action: 'unchanged' }
  | { key: string; action: 'toSalesforce'; value: unknown; before: unknown }
  | { key: string; action: 'toPartnerCenter'; value: unknown; before: unknown }
  | { key: string; action: 'conflict'; partnerCenter: unknown; salesforce: unknown };

export type MergeOptions = {
  /** Which side wins for a field the snapshot does not know yet (a new record, or a new rule). */
  origin: 'partnerCenter' | 'salesforce';
};

const inbound = (direction: Direction): boolean => direction !== 'outbound';
const outbound = (direction: Direction): boolean => direction !== 'inbound';

export function decideField(
  field: MergeField,
  base: { pc: unknown; sf: unknown } | undefined,
  options: MergeOptions
): FieldDecision {
  const toSalesforce = (): FieldDecision =>
    sameValue(field.pcAsSf, field.sf)
      ? { key: field.key, action: 'unchanged' }
      : { key: field.key, action: 'toSalesforce', value: field.pcAsSf, before: field.sf };
  const toPartnerCenter = (): FieldDecision =>
    sameValue(field.sfAsPc, field.pc)
      ? { key: field.key, action: 'unchanged' }
      : { key: field.key, action: 'toPartnerCenter', value: field.sfAsPc, before: field.pc };

  if (!base) {
    if (field.direction === 'inbound') return toSalesforce();
    if (field.direction === 'outbound') return toPartnerCenter();
    return options.origin === 'partnerCenter' ? toSalesforce() : toPartnerCenter();
  }

  const pcChanged = !matchesBase(field.pc, base.pc);
  const sfChanged = salesforceMoved(field, base.sf);
  if (!pcChanged && !sfChanged) return { key: field.key, action: 'unchanged' };
  if (pcChanged && !sfChanged)
    return inbound(field.direction) ? toSalesforce() : { key: field.key, action: 'unchanged' };
  if (sfChanged && !pcChanged)
    return outbound(field.direction) ? toPartnerCenter() : { key: field.key, action: 'unchanged' };

  // Both changed. The same new value on both sides is agreement, not a conflict.
  if (sameValue(field.pcAsSf, field.sf)) return { key: field.key, action: 'unchanged' };
  if (field.direction === 'inbound') return toSalesforce();
  if (field.direction === 'outbound') return toPartnerCenter();
  switch (field.owner) {
    case 'partnerCenter':
      return toSalesforce();
    case 'salesforce':
      return toPartnerCenter();
    case 'manual':
      return { key: field.key, action: 'conflict', partnerCenter: field.pc, salesforce: field.sf };
  }
}

export function decideRecord(
  fields: readonly MergeField[],
  snapshot: Snapshot | undefined,
  options: MergeOptions
): FieldDecision[] {
  return fields.map((field) => decideField(field, snapshot?.fields[field.key], options));
}

/** The snapshot after a sync in which both sides now hold these values. */
export function snapshotOf(values: ReadonlyArray<{ key: string; pc: unknown; sf: unknown }>): Snapshot {
  const fields: Snapshot['fields'] = {};
  for (const { key, pc, sf } of values) fields[key] = { pc: snapshotValue(pc), sf: snapshotValue(sf) };
  return { v: 1, fields };
}

/** Parses Partner_Center_Snapshot__c; anything unreadable counts as no snapshot (the record is merged as new). */
export function parseSnapshot(text: string | null | undefined): Snapshot | undefined {
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<Snapshot>;
    return parsed.v === 1 && typeof parsed.fields === 'object' && parsed.fields !== null
      ? (parsed as Snapshot)
      : undefined;
  } catch {
    return undefined;
  }
}
