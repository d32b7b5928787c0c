/**
 * Finding or creating related records (an incoming customer's Account and Contacts, the contact roles) so that
 * a repeat — after a crash, or after an answer lost once the org had committed — never makes a second one: look
 * first, create what is missing, and when a create's outcome is unclear, look again before creating once more.
 * Every result is read; a failure comes back with its reason.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { SalesforceValue } from '../mapping/convert.js';
import { fit, type FieldLimits } from '../salesforce/limits.js';
import type { BulkRow } from '../salesforce/bulk.js';
import { insertRecords, isTransient, type SaveError, type SObjectRecord } from '../salesforce/records.js';
import { syncMessages as messages } from './messages.js';

export type Failure = { error: SaveError; transient: boolean };

export type Ensured = {
  ids: Map<string, string>;
  failures: Map<string, Failure>;
  /** Keys linked to an existing record because the org's duplicate rule matched it (its Id). */
  matchedByRule: Map<string, string>;
};

export type EnsureRequest = {
  sobject: string;
  /** The record each key stands for (already fitted). */
  wanted: ReadonlyMap<string, SObjectRecord>;
  /** The Ids of the records that already exist for these keys. */
  find: (keys: readonly string[]) => Promise<Map<string, string>>;
  /** Save even where the org's duplicate rules match; otherwise the matched record is linked instead. */
  allowDuplicates?: boolean;
  /** Above this many records to create, a Bulk API 2.0 job instead of collections. */
  bulkThreshold: number;
  /** A record's key from its values as a Bulk API job's results echo them (CSV text). */
  keyOf: (row: BulkRow) => string;
};

/** Lead Ids start so in every org: the standard Contact rule matches Leads too, and a Lead is not a Contact. */
const LEAD_ID_PREFIX = '00Q';

export async function ensureRecords(connection: Connection, request: EnsureRequest): Promise<Ensured> {
  const ids = await request.find([...request.wanted.keys()]);
  const failures = new Map<string, Failure>();
  const matchedByRule = new Map<string, string>();
  /** Refused only because Leads matched (Help: "Standard Duplicate Rules"): saved despite them, below. */
  const matchedOnlyLeads: string[] = [];
  let missing = [...request.wanted.keys()].filter((key) => !ids.has(key));
  for (let attempt = 0; attempt < 2 && missing.length > 0; attempt++) {
    const { results, settled } = await insertRecords(
      connection,
      request.sobject,
      missing.map((key) => request.wanted.get(key) as SObjectRecord),
      { allowDuplicates: request.allowDuplicates, bulkThreshold: request.bulkThreshold, keyOf: request.keyOf }
    );
    const unclear: string[] = [];
    results.forEach((result, index) => {
      const key = missing[index];
      if (result.success) {
        ids.set(key, result.id);
        failures.delete(key);
        return;
      }
      const error = result.errors[0];
      // The org's duplicate rule says the customer exists already: that record is the one to use.
      const matches = error.errorCode === 'DUPLICATES_DETECTED' ? (error.duplicateIds ?? []) : [];
      const matched = matches.find((id) => !id.startsWith(LEAD_ID_PREFIX) || request.sobject === 'Lead');
      if (matched) {
        ids.set(key, matched);
        matchedByRule.set(key, matched);
        failures.delete(key);
        return;
      }
      if (matches.length > 0) matchedOnlyLeads.push(key);
      failures.set(key, { error, transient: isTransient(error) });
      if (isTransient(error)) unclear.push(key);
    });
    if (unclear.length === 0) break;
    // The org may have made them before the answer was lost: look again, then create only what is still missing.
    const found = await request.find(unclear);
    for (const [key, id] of found) {
      ids.set(key, id);
      failures.delete(key);
    }
    // A Bulk API job whose end was not seen may still make rows: what is missing waits for the next run.
    if (!settled) break;
    missing = unclear.filter((key) => !found.has(key));
  }
  if (matchedOnlyLeads.length > 0) {
    const { results } = await insertRecords(
      connection,
      request.sobject,
      matchedOnlyLeads.map((key) => request.wanted.get(key) as SObjectRecord),
      { allowDuplicates: true, bulkThreshold: request.bulkThreshold, keyOf: request.keyOf }
    );
    results.forEach((result, index) => {
      const key = matchedOnlyLeads[index];
      if (result.success) {
        ids.set(key, result.id);
        failures.delete(key);
      } else failures.set(key, { error: result.errors[0], transient: isTransient(result.errors[0]) });
    });
  }
  return { ids, failures, matchedByRule };
}

/** A record's values fitted to its object's fields; the notes say what was cut. */
export function fitRecord(
  values: Record<string, SalesforceValue>,
  limits: FieldLimits,
  objectLabel: string
): { record: SObjectRecord; notes: string[] } {
  const record: SObjectRecord = {};
  const notes: string[] = [];
  for (const [field, value] of Object.entries(values)) {
    const limit = limits.get(field.toLowerCase());
    const fitted = fit(limit, value);
    if ('refused' in fitted) continue; // Related records carry no numbers today; a refused value is left out.
    record[field] = fitted.value;
    if (fitted.clipped) {
      const name = `${objectLabel} ${limit?.label ?? field}`;
      notes.push(messages.getMessage('note.clipped', [name, fitted.clipped.from, fitted.clipped.to]));
    }
  }
  return { record, notes };
}

/** What a person reads about a failed related record: the reason and what to do. */
export function failureText(failure: Failure): string {
  const reason = `${failure.error.errorCode}: ${failure.error.message}`;
  const fix = failure.transient
    ? 'fix.later'
    : failure.error.errorCode === 'DUPLICATES_DETECTED'
      ? 'fix.duplicates'
      : 'fix.retry';
  return `${reason}. ${messages.getMessage(fix)}`;
}
