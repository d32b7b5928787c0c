/**
 * Batched writes through the REST API a real org offers for them: sObject Collections (200 records a request)
 * and, above a threshold, a Bulk API 2.0 ingest job. Partial failure is data: every record gets its own result.
 */
import type { Connection } from '@jsforce/jsforce-node';

export const COLLECTION_SIZE = 200;

export type SaveError = { errorCode: string; message: string; fields?: string[] };
export type WriteResult =
  { success: true; id: string; created?: boolean; errors: [] } | { success: false; id?: string; errors: SaveError[] };

export type SObjectRecord = Record<string, unknown>;

/** Collections report `statusCode`; single-record resources and Bulk report `errorCode`. */
type ReplyError = { statusCode?: string; errorCode?: string; message: string; fields?: string[] };
type CollectionReply = Array<{ id?: string | null; success: boolean; created?: boolean; errors?: ReplyError[] }>;

const saveError = (error: ReplyError): SaveError => ({
  errorCode: error.statusCode ?? error.errorCode ?? 'UNKNOWN',
  message: error.message,
  ...(error.fields?.length ? { fields: error.fields } : {}),
});

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

const toResult = (reply: CollectionReply[number]): WriteResult =>
  reply.success && reply.id
    ? { success: true, id: reply.id, ...(reply.created === undefined ? {} : { created: reply.created }), errors: [] }
    : {
        success: false,
        ...(reply.id ? { id: reply.id } : {}),
        errors: reply.errors?.length ? reply.errors.map(saveError) : [{ errorCode: 'UNKNOWN', message: 'no result' }],
      };

/** The request failed as a whole (network, limit, auth): every record of the batch fails with that error. */
const batchFailure = (count: number, error: unknown): WriteResult[] => {
  const { errorCode, message } = error as { errorCode?: string; message?: string };
  const saveError: SaveError = { errorCode: errorCode ?? 'REQUEST_FAILED', message: message ?? String(error) };
  return Array.from({ length: count }, () => ({ success: false as const, errors: [saveError] }));
};

const path = (connection: Connection, rest: string): string => `/services/data/v${connection.version}${rest}`;

/** Errors that say nothing about the data: the same request may succeed later. */
const TRANSIENT = new Set(['REQUEST_FAILED', 'SERVER_UNAVAILABLE', 'UNABLE_TO_LOCK_ROW', 'UNKNOWN_EXCEPTION']);

/** A failure another attempt may cure (no answer, the org busy or briefly down), as opposed to refused data. */
export const isTransient = (error: Pick<SaveError, 'errorCode'>): boolean =>
  TRANSIENT.has(error.errorCode) || /^ERROR_HTTP_5\d\d$/.test(error.errorCode);

/** Retries of an idempotent batch (an update by Id or an upsert by External ID) after a transient failure. */
const IDEMPOTENT_RETRIES = [250, 1000];

async function collection(
  connection: Connection,
  method: 'POST' | 'PATCH',
  url: string,
  records: SObjectRecord[]
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
          headers: { 'content-type': 'application/json' },
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

export function createRecords(
  connection: Connection,
  sobject: string,
  records: readonly SObjectRecord[]
): Promise<WriteResult[]> {
  return collection(connection, 'POST', path(connection, '/composite/sobjects'), typed(sobject, records));
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

type BulkRow = Record<string, unknown> & { sf__Id?: string; sf__Created?: string; sf__Error?: string };

async function bulkUpsert(
  connection: Connection,
  sobject: string,
  externalIdField: string,
  records: readonly SObjectRecord[]
): Promise<WriteResult[]> {
  const input = records.map((record) =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key, value ?? '#N/A']))
  );
  let outcome: { successfulResults: BulkRow[]; failedResults: BulkRow[]; unprocessedRecords: BulkRow[] };
  try {
    outcome = (await connection.bulk2.loadAndWaitForResults({
      object: sobject,
      operation: 'upsert',
      externalIdFieldName: externalIdField,
      input: input,
      pollTimeout: 30 * 60_000,
    })) as unknown as typeof outcome;
  } catch (error) {
    return batchFailure(records.length, error);
  }
  const byKey = new Map<string, WriteResult>();
  for (const row of outcome.successfulResults) {
    byKey.set(String(row[externalIdField]), {
      success: true,
      id: String(row.sf__Id),
      created: String(row.sf__Created) === 'true',
      errors: [],
    });
  }
  for (const row of outcome.failedResults) {
    const [errorCode, ...rest] = String(row.sf__Error ?? 'UNKNOWN').split(':');
    byKey.set(String(row[externalIdField]), {
      success: false,
      errors: [{ errorCode, message: rest.join(':').trim() || errorCode }],
    });
  }
  return records.map(
    (record) =>
      byKey.get(String(record[externalIdField])) ?? {
        success: false,
        errors: [{ errorCode: 'UNPROCESSED', message: 'Bulk API left the row unprocessed' }],
      }
  );
}

/** Runs a SOQL query and reads every page (nextRecordsUrl). */
export async function queryAll<T extends SObjectRecord>(connection: Connection, soql: string): Promise<T[]> {
  const records: T[] = [];
  let page = await connection.query<T>(soql, { autoFetch: false });
  records.push(...page.records);
  while (!page.done && page.nextRecordsUrl) {
    page = await connection.queryMore<T>(page.nextRecordsUrl);
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
