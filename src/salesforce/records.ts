/**
 * Batched writes through the REST API a real org offers for them: sObject Collections (200 records a request)
 * and, above a threshold, a Bulk API 2.0 ingest job (`bulk.ts`). Partial failure is data: every record gets its
 * own result (`results.ts`).
 */
import type { Connection } from '@jsforce/jsforce-node';
import { runIngestJob, type BulkRow } from './bulk.js';
import { recordsBetween, type Records } from './bulk-csv.js';
import { createInComposites } from './composite.js';
import {
  retrying,
  batchFailure,
  chunks,
  IDEMPOTENT_RETRIES,
  isTransient,
  isUnprocessed,
  path,
  toResult,
  type CollectionReply,
  type SaveError,
  type SObjectRecord,
  type WriteResult,
} from './results.js';

export { isTransient, type SaveError, type SObjectRecord, type WriteResult } from './results.js';
export { MadeRecords, type Records } from './bulk-csv.js';

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
    // A create is repeated only after an answer that the org processed nothing: with no answer, it may have
    // committed, and only the caller can look for what it made.
    const again = method === 'PATCH' ? isTransient : isUnprocessed;
    const send = (): Promise<CollectionReply> =>
      connection.request<CollectionReply>({
        method,
        url,
        body: JSON.stringify({ allOrNone: false, records: batch }),
        headers: { 'content-type': 'application/json', ...headers },
      });
    try {
      results.push(...(await retrying(send, again, IDEMPOTENT_RETRIES)).map(toResult));
    } catch (error) {
      results.push(...batchFailure(batch.length, error));
    }
  }
  return results;
}

const typed = (sobject: string, records: readonly SObjectRecord[]): SObjectRecord[] =>
  records.map((record) => ({ attributes: { type: sobject }, ...record }));

const DUPLICATE_HEADER = { 'Sforce-Duplicate-Rule-Header': 'allowSave=true' };

export type CreateOptions = {
  /** Save even when the org's duplicate rules match (REST API Developer Guide, "Duplicate Rule Header"). */
  allowDuplicates?: boolean;
};

export async function createRecords(
  connection: Connection,
  sobject: string,
  records: readonly SObjectRecord[],
  options: CreateOptions = {}
): Promise<WriteResult[]> {
  const headers: Record<string, string> = options.allowDuplicates ? DUPLICATE_HEADER : {};
  const url = path(connection, '/composite/sobjects');
  if (records.length <= COLLECTION_SIZE) return collection(connection, 'POST', url, typed(sobject, records), headers);
  // More than one collection: several in each Composite request, which counts as one API call.
  return createInComposites(connection, chunks(typed(sobject, records), COLLECTION_SIZE), headers);
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

export type BulkOptions = {
  /** Above this many records, Bulk API 2.0 jobs instead of collections. */
  bulkThreshold: number;
  /** Rows per Bulk API 2.0 job, so no upload nears the API's 150 MB limit (default 10,000). */
  bulkJobRows?: number;
};

export type BatchOutcome = {
  results: WriteResult[];
  api: 'collections' | 'bulk';
  /** False when a Bulk API job's end could not be seen: it may still make rows, so none may be created again. */
  settled: boolean;
};

/**
 * Upserts by an External ID field, through collections or, for large sets, Bulk API 2.0. Results keep input order.
 * `records` may be made as they are read (`MadeRecords`): a job's upload reads each as its chunk is sent.
 */
export async function upsertRecords(
  connection: Connection,
  sobject: string,
  externalIdField: string,
  records: Records,
  options: BulkOptions & CreateOptions
): Promise<BatchOutcome> {
  if (records.length > options.bulkThreshold) {
    const keyOf = (row: BulkRow): string => row[externalIdField] ?? '';
    const job = { object: sobject, operation: 'upsert' as const, externalIdFieldName: externalIdField, keyOf };
    return bulkJobs(records, options, (rows) => runIngestJob(connection, job, rows));
  }
  const url = path(connection, `/composite/sobjects/${sobject}/${externalIdField}`);
  const headers: Record<string, string> = options.allowDuplicates ? DUPLICATE_HEADER : {};
  const results = await collection(connection, 'PATCH', url, typed(sobject, [...records]), headers);
  return { results, api: 'collections', settled: true };
}

/**
 * Creates records through collections or, above the threshold, Bulk API 2.0 insert jobs; `keyOf` tells the rows
 * apart in the jobs' results (from their CSV values). A row a duplicate rule refused in a job goes again through
 * collections, whose answer names the matched record (Bulk API results carry no match, and Bulk API 2.0 has no
 * duplicate rule header); when no more than one collection's rows failed, all of them go so at once, unread (`Resend`).
 * Results keep input order.
 */
export async function insertRecords(
  connection: Connection,
  sobject: string,
  records: readonly SObjectRecord[],
  options: BulkOptions & CreateOptions & { keyOf: (row: BulkRow) => string }
): Promise<BatchOutcome> {
  if (records.length <= options.bulkThreshold) {
    return { results: await createRecords(connection, sobject, records, options), api: 'collections', settled: true };
  }
  const resend = {
    rows: COLLECTION_SIZE,
    again: (error: SaveError): boolean => error.errorCode === 'DUPLICATES_DETECTED',
    send: (rows: SObjectRecord[]): Promise<WriteResult[]> => createRecords(connection, sobject, rows, options),
  };
  const job = { object: sobject, operation: 'insert' as const, keyOf: options.keyOf, resend };
  return bulkJobs(records, options, (rows) => runIngestJob(connection, job, rows));
}

async function bulkJobs(
  records: Records,
  options: BulkOptions,
  run: (rows: Records) => Promise<{ results: WriteResult[]; settled: boolean }>
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { results: [], api: 'bulk', settled: true };
  const size = options.bulkJobRows ?? 10_000;
  for (let start = 0; start < records.length; start += size) {
    const job = await run(records.length <= size ? records : recordsBetween(records, start, start + size));
    outcome.results.push(...job.results);
    outcome.settled &&= job.settled;
  }
  return outcome;
}

/** Runs a SOQL query and reads every page (nextRecordsUrl). */
export async function queryAll<T extends SObjectRecord>(connection: Connection, soql: string): Promise<T[]> {
  return (await readPages<T>(connection, soql, () => true)).records;
}

/**
 * Reads a query's pages while `more` (given the first page's totalSize and size) says the rest are worth it,
 * keeping of each page only the rows `keep` wants, so a scan holds what it found, not every row it read.
 */
async function readPages<T extends SObjectRecord>(
  connection: Connection,
  soql: string,
  more: (totalSize: number, pageSize: number) => boolean,
  keep: (row: T) => boolean = (): boolean => true
): Promise<{ records: T[]; pages: number }> {
  const records: T[] = [];
  let page = await retrying(() => connection.query<T>(soql, { autoFetch: false }));
  let pages = 1;
  records.push(...page.records.filter(keep));
  if (!page.done && !more(page.totalSize, page.records.length)) throw new TooManyRows();
  while (!page.done && page.nextRecordsUrl) {
    const locator = page.nextRecordsUrl;
    page = await retrying(() => connection.queryMore<T>(locator));
    pages++;
    records.push(...page.records.filter(keep));
  }
  return { records, pages };
}

class TooManyRows extends Error {}

export type Lookup = { select: string; from: string; field: string; values: readonly string[]; scanAbove: number };

const fieldSet = (select: string): Set<string> => new Set(select.split(',').map((name) => name.trim().toLowerCase()));

/**
 * The rows whose `field` is one of `values` (compared as SOQL compares text: without case). A few values cost one
 * `IN` query per 200. Above `scanAbove` values, one paged read of every row with the field set (2,000 rows a page)
 * — unless its first page's totalSize says the org holds so many that the pages would outnumber the IN queries;
 * then the IN queries after all (one request spent on the first page).
 * The scan reads only `Id` and the field: an org may hold many more such rows than were asked (a backfill's later
 * windows scan every row the earlier ones wrote, and match none of them), and their other fields — long text among
 * them — would be read and dropped a page at a time. The rows it matched are then read whole: by Id, 200 a query,
 * or, when those queries would outnumber the scan's pages, by the scan again with every field asked — so a lookup
 * that matches most of what it scans costs the scan's pages twice, and one that matches none costs them once.
 */
export async function lookUp<T extends SObjectRecord>(connection: Connection, lookup: Lookup): Promise<T[]> {
  const { select, from, field } = lookup;
  const clauses = inClauses(lookup.values);
  if (lookup.values.length > lookup.scanAbove) {
    const wanted = new Set(lookup.values.map((value) => value.toLowerCase()));
    const keep = (row: SObjectRecord): boolean => wanted.has(String(row[field]).toLowerCase());
    const scan = (fields: string): string => `SELECT ${fields} FROM ${from} WHERE ${field} != null`;
    const key = `Id, ${field}`;
    try {
      const worth = (total: number, size: number): boolean =>
        Math.ceil(total / Math.max(size, 1)) - 1 <= clauses.length;
      const found = await readPages<SObjectRecord>(connection, scan(key), worth, keep);
      const scanned = fieldSet(key);
      if ([...fieldSet(select)].every((name) => scanned.has(name))) return found.records as T[];
      const ids = found.records.map((row) => String(row.Id));
      const byId = inClauses(ids);
      if (byId.length > found.pages) return (await readPages<T>(connection, scan(select), () => true, keep)).records;
      const rows: T[] = [];
      for (const clause of byId) {
        const soql = `SELECT ${select} FROM ${from} WHERE Id IN ${clause}`;
        rows.push(...(await readPages<T>(connection, soql, () => true, keep)).records);
      }
      return rows;
    } catch (error) {
      if (!(error instanceof TooManyRows)) throw error;
    }
  }
  const rows: T[] = [];
  for (const clause of clauses)
    rows.push(...(await queryAll<T>(connection, `SELECT ${select} FROM ${from} WHERE ${field} IN ${clause}`)));
  return rows;
}

/** A SOQL string literal. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `IN (...)` lists of at most `size` literals, so no query exceeds SOQL's length limit. */
export function inClauses(values: readonly string[], size = 200): string[] {
  return chunks([...new Set(values)], size).map((batch) => `(${batch.map(soqlString).join(', ')})`);
}
