/**
 * A large read as one Bulk API 2.0 query job (Bulk API 2.0 Developer Guide, "Query Jobs"): create the job, wait for
 * its end, then read its results — CSV, a page a request, the next page named by the `Sforce-Locator` header
 * ("Get Results for a Query Job"), as large as the org chooses — the fewest requests — unless the reader bounds them
 * (`pageRows`, to hold one window at a time). The CSV gives every value as text; `typedRecord` turns rows back into
 * what a REST query answers.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { waitForEnd } from './bulk-polls.js';
import type { BulkRow } from './bulk-csv.js';
import { streamCsv } from './csv-stream.js';
import type { FieldLimits } from './limits.js';
import { path, retrying, type SObjectRecord } from './results.js';

type QueryJobInfo = { id: string; state: string; errorMessage?: string };

/**
 * The rows of a SOQL query run as a Bulk API 2.0 query job, each made a record by `toRecord` from its CSV values as
 * it is read (the values are not kept; they may be views of the body's text, so what `toRecord` keeps it copies:
 * `ownValues`). `rows`: about how many to expect.
 */
export async function bulkQuery<T>(
  connection: Connection,
  soql: string,
  rows: number,
  toRecord: (row: BulkRow) => T
): Promise<T[]> {
  const records: T[] = [];
  for await (const { page } of bulkQueryPages(connection, soql, rows, toRecord))
    for (const record of page) records.push(record);
  return records;
}

/**
 * The same rows a page of results at a time, the next page read only once the caller is done with this one, so a
 * reader holds one page, not the job's every row. `pageRows`: at most this many rows a page (the results' maxRecords:
 * "splits the results into smaller sets with this value as the maximum size", "Get Results for a Query Job");
 * without it the org chooses. `more`: another page follows.
 */
export async function* bulkQueryPages<T>(
  connection: Connection,
  soql: string,
  rows: number,
  toRecord: (row: BulkRow) => T,
  pageRows?: number
): AsyncGenerator<{ page: T[]; more: boolean }, void, undefined> {
  const created = await retrying(() =>
    connection.request<QueryJobInfo>({
      method: 'POST',
      url: path(connection, '/jobs/query'),
      body: JSON.stringify({ operation: 'query', query: soql }),
      headers: { 'content-type': 'application/json' },
    })
  );
  const jobPath = path(connection, `/jobs/query/${created.id}`);
  const check = (): Promise<QueryJobInfo> => connection.request<QueryJobInfo>({ method: 'GET', url: jobPath });
  const info = await waitForEnd(connection, check, rows, 'query');
  if (info?.state !== 'JobComplete') {
    await connection.request({ method: 'PATCH', url: jobPath, body: '{"state":"Aborted"}' }).catch(() => undefined);
    throw new Error(`Bulk API query job ${created.id} ${info ? `ended ${info.state}` : 'did not end in time'}`);
  }
  yield* queryResultPages(connection, created.id, toRecord, pageRows);
}

/** A query job's results, a page at a time (each page's CSV has its header), each row made a record by `toRecord`. */
async function* queryResultPages<T>(
  connection: Connection,
  jobId: string,
  toRecord: (row: BulkRow) => T,
  pageRows: number | undefined
): AsyncGenerator<{ page: T[]; more: boolean }, void, undefined> {
  let locator: string | undefined;
  do {
    const query = [...(pageRows ? [`maxRecords=${pageRows}`] : []), ...(locator ? [`locator=${locator}`] : [])];
    const results = `/jobs/query/${jobId}/results${query.length ? `?${query.join('&')}` : ''}`;
    // A page read again after a failure part-way starts its rows again.
    let page: T[] = [];
    const { headers } = await retrying(() => {
      page = [];
      return streamCsv(connection, results, (row) => page.push(toRecord(row)));
    });
    const next = headers['sforce-locator'];
    locator = next && next !== 'null' ? encodeURIComponent(next) : undefined;
    yield { page, more: locator !== undefined };
  } while (locator);
}

const NUMBER = new Set(['double', 'currency', 'percent', 'int', 'long']);

/** A CSV value as the REST API's JSON gives it: the field's type from the describe; an empty value is null. */
function typedValue(value: string, type: string | undefined): unknown {
  if (value === '') return null;
  if (type === 'boolean') return value === 'true';
  if (type !== undefined && NUMBER.has(type)) return Number(value);
  // REST writes a dateTime's zone as +0000, the Bulk API's CSV as Z.
  if (type === 'datetime') return value.replace(/Z$/, '+0000');
  return value;
}

/** Each nested record of `record` collapsed: one with no value at any depth is no record. */
const collapseParents = (record: SObjectRecord): SObjectRecord => {
  for (const [key, value] of Object.entries(record)) {
    if (value !== null && typeof value === 'object') record[key] = collapse(value as SObjectRecord);
  }
  return record;
};

/** A nested record with no value at any depth is no record: REST answers a missing parent as null. */
const collapse = (record: SObjectRecord): SObjectRecord | null =>
  Object.values(collapseParents(record)).every((value) => value === null) ? null : record;

/**
 * A row as a REST query answers it: typed values, and `Parent.Field` columns as a nested `Parent` record — null when
 * every column of it is empty (the CSV cannot tell a missing parent from one whose selected fields are all blank;
 * both read as no value). `limits` gives the object's field types, `parents` each relationship's.
 */
export function typedRecord<T extends SObjectRecord>(
  limits: FieldLimits,
  parents: ReadonlyMap<string, FieldLimits> = new Map()
): (row: BulkRow) => T {
  return (row) => {
    const record: SObjectRecord = {};
    for (const [column, value] of Object.entries(row)) {
      const parts = column.split('.');
      const field = parts.pop() as string;
      // The type: the object's own field, or a field of the parent a relationship names (deeper: as text).
      const types = parts.length === 0 ? limits : parts.length === 1 ? parents.get(parts[0].toLowerCase()) : undefined;
      let target = record;
      for (const part of parts) target = (target[part] ??= {}) as SObjectRecord;
      target[field] = typedValue(value, types?.get(field.toLowerCase())?.type);
    }
    return collapseParents(record) as T;
  };
}
