/**
 * Batched writes through the REST API a real org offers for them: sObject Collections (200 records a request)
 * and, above a threshold, a Bulk API 2.0 ingest job (`bulk.ts`). Partial failure is data: every record gets its
 * own result (`results.ts`).
 */
import type { Connection } from '@jsforce/jsforce-node';
import { bulkUpsert } from './bulk.js';
import {
  retrying,
  batchFailure,
  chunks,
  IDEMPOTENT_RETRIES,
  isTransient,
  path,
  toResult,
  type CollectionReply,
  type SObjectRecord,
  type WriteResult,
} from './results.js';

export { isTransient, type SaveError, type SObjectRecord, type WriteResult } from './results.js';

export const COLLECTION_SIZE = 200;

async function collection(
  connection: Connection,
  method: 'POST' | 'PATCH',
  url: string,
  records: SObjectRecord[],
  headers: Record<string, string> = {}
): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const batch of chunks(records, COLLECTION_SIZE)) {
    // A create is not repeated here: its answer may have been lost after the org committed it, and only the
    // caller can look for what it made.
    const retries = method === 'PATCH' ? IDEMPOTENT_RETRIES : [];
    for (let attempt = 0; ; attempt++) {
      try {
        const reply = await connection.request<CollectionReply>({
          method,
          url,
          body: JSON.stringify({ allOrNone: false, records: batch }),
          headers: { 'content-type': 'application/json', ...headers },
        });
        results.push(...reply.map(toResult));
        break;
      } catch (error) {
        const failure = batchFailure(batch.length, error);
        const first = failure[0];
        if (attempt < retries.length && !first.success && isTransient(first.errors[0])) {
          await new Promise((resolve) => setTimeout(resolve, retries[attempt]));
          continue;
        }
        results.push(...failure);
        break;
      }
    }
  }
  return results;
}

const typed = (sobject: string, records: readonly SObjectRecord[]): SObjectRecord[] =>
  records.map((record) => ({ attributes: { type: sobject }, ...record }));

export type CreateOptions = {
  /** Save even when the org's duplicate rules match (REST API Developer Guide, "Duplicate Rule Header"). */
  allowDuplicates?: boolean;
};

export function createRecords(
  connection: Connection,
  sobject: string,
  records: readonly SObjectRecord[],
  options: CreateOptions = {}
): Promise<WriteResult[]> {
  const headers: Record<string, string> = options.allowDuplicates
    ? { 'Sforce-Duplicate-Rule-Header': 'allowSave=true' }
    : {};
  return collection(connection, 'POST', path(connection, '/composite/sobjects'), typed(sobject, records), headers);
}

/** Each record carries its `Id`. */
export function updateRecords(
  connection: Connection,
  sobject: string,
  records: readonly SObjectRecord[]
): Promise<WriteResult[]> {
  const body = records.map(({ Id, ...fields }) => ({ attributes: { type: sobject }, id: Id, ...fields }));
  return collection(connection, 'PATCH', path(connection, '/composite/sobjects'), body);
}

export type UpsertOptions = {
  /** Above this many records, Bulk API 2.0 jobs instead of collections. */
  bulkThreshold: number;
  /** Rows per Bulk API 2.0 job, so no upload nears the API's 150 MB limit (default 10,000). */
  bulkJobRows?: number;
};

/** Upserts by an External ID field, through collections or, for large sets, Bulk API 2.0. Results keep input order. */
export async function upsertRecords(
  connection: Connection,
  sobject: string,
  externalIdField: string,
  records: readonly SObjectRecord[],
  options: UpsertOptions
): Promise<{ results: WriteResult[]; api: 'collections' | 'bulk' }> {
  if (records.length > options.bulkThreshold) {
    const results: WriteResult[] = [];
    for (const job of chunks(records, options.bulkJobRows ?? 10_000)) {
      results.push(...(await bulkUpsert(connection, sobject, externalIdField, job)));
    }
    return { results, api: 'bulk' };
  }
  const url = path(connection, `/composite/sobjects/${sobject}/${externalIdField}`);
  return { results: await collection(connection, 'PATCH', url, typed(sobject, records)), api: 'collections' };
}

/** Runs a SOQL query and reads every page (nextRecordsUrl). */
export async function queryAll<T extends SObjectRecord>(connection: Connection, soql: string): Promise<T[]> {
  const records: T[] = [];
  let page = await retrying(() => connection.query<T>(soql, { autoFetch: false }));
  records.push(...page.records);
  while (!page.done && page.nextRecordsUrl) {
    const locator = page.nextRecordsUrl;
    page = await retrying(() => connection.queryMore<T>(locator));
    records.push(...page.records);
  }
  return records;
}

/** A SOQL string literal. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `IN (...)` lists of at most `size` literals, so no query exceeds SOQL's length limit. */
export function inClauses(values: readonly string[], size = 200): string[] {
  return chunks([...new Set(values)], size).map((batch) => `(${batch.map(soqlString).join(', ')})`);
}
