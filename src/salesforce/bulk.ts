/**
 * Bulk API 2.0 ingest jobs at the fewest requests (Bulk API 2.0 Developer Guide, "Ingest jobs"): create the job,
 * upload the CSV, mark it UploadComplete, poll its state, read the successful results — and the failed and the
 * unprocessed results only when the job's counts say there are any (the failed not even then when few enough go
 * again at once, `Resend`). Polling is in bulk-polls.ts. Each result row carries the input columns, so
 * rows are matched back to their input by key, never by order. A job whose end could not be seen is `unsettled`:
 * it may still make rows, so nothing it was given may be created again in this run.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { waitForEnd, type JobInfo } from './bulk-polls.js';
import { csvChunks, csvColumns, resultRow, type BulkRow, type Records, type ResultRow } from './bulk-csv.js';
import { streamCsv, uploadCsv } from './csv-stream.js';
import { batchFailure, retrying, type SaveError, type SObjectRecord, type WriteResult } from './results.js';

export type { BulkRow };

export type IngestJob = {
  object: string;
  operation: 'insert' | 'upsert';
  externalIdFieldName?: string;
  /** What identifies a row among the job's input, from its CSV values (as the results echo them). */
  keyOf: (row: BulkRow) => string;
  /** Failed rows sent again another way (`resendFailed`). */
  resend?: Resend;
};

/**
 * Failed rows sent again through `send`, whose answer says why each failed — and for a row a duplicate rule refused,
 * which record it matched (Bulk API results name none). When no more than `rows` failed, all of them go again and the
 * failed results are not read: one request, where reading them first makes two. Otherwise the failed results are
 * read, and only the rows whose error `again` picks go again.
 */
export type Resend = {
  rows: number;
  again: (error: SaveError) => boolean;
  send: (records: SObjectRecord[]) => Promise<WriteResult[]>;
};

export type IngestOutcome = { results: WriteResult[]; settled: boolean };

const rowError = (text: string | undefined): WriteResult => {
  // "CODE:message:fields --", several joined by spaces; the first says why.
  const [errorCode, ...rest] = (text ?? 'UNKNOWN').split(':');
  const message = rest
    .join(':')
    .replace(/:[^:]*--\s*$/, '')
    .trim();
  return { success: false, errors: [{ errorCode: errorCode.trim() || 'UNKNOWN', message: message || errorCode }] };
};

/** Each input row's result, found by its key; equal keys take equal rows' results in turn. */
export function matchResults(
  keys: readonly string[],
  outcome: { successful: ResultRow[]; failed: ResultRow[]; unprocessed: ResultRow[] },
  unprocessedReason: string
): WriteResult[] {
  const waiting = new Map<string, number[]>();
  keys.forEach((key, index) => {
    const list = waiting.get(key);
    if (list) list.push(index);
    else waiting.set(key, [index]);
  });
  const results = Array.from<WriteResult | undefined>({ length: keys.length });
  const place = (row: ResultRow, result: WriteResult): void => {
    const index = waiting.get(row.key)?.shift();
    if (index !== undefined) results[index] = result;
  };
  for (const row of outcome.successful) {
    place(row, { success: true, id: row.id ?? '', created: row.created ?? false, errors: [] });
  }
  for (const row of outcome.failed) place(row, rowError(row.error));
  for (const row of outcome.unprocessed) {
    place(row, { success: false, errors: [{ errorCode: 'UNPROCESSED', message: unprocessedReason }] });
  }
  // A row the ended job reports nowhere: what became of it is unknown, so it is looked for again.
  return results.map(
    (result) =>
      result ?? { success: false, errors: [{ errorCode: 'REQUEST_FAILED', message: 'no result for the row' }] }
  );
}

export async function runIngestJob(connection: Connection, spec: IngestJob, records: Records): Promise<IngestOutcome> {
  // jsforce drops an insert's Id (IngestJobV2's JobDataV2): the CSV leaves it out the same way.
  const columns = csvColumns(records).filter((column) => spec.operation !== 'insert' || column !== 'Id');
  const keys: string[] = [];
  const job = connection.bulk2.createJob({
    object: spec.object,
    operation: spec.operation,
    ...(spec.externalIdFieldName ? { externalIdFieldName: spec.externalIdFieldName } : {}),
    lineEnding: 'LF',
  });
  const check = async (): Promise<JobInfo> => await job.check();
  const nothingMade = (error: unknown): IngestOutcome => ({
    results: batchFailure(records.length, error),
    settled: true,
  });
  try {
    await job.open();
  } catch (error) {
    return nothingMade(error); // no job, or one that never gets data
  }
  try {
    // CSV chunks made as the request body is sent: never the whole CSV at once, nor a copy of the rows. A body sent
    // again starts its keys again.
    await uploadCsv(connection, `/jobs/ingest/${job.id}/batches`, () => {
      keys.length = 0;
      return csvChunks(records, columns, spec.keyOf, keys);
    });
  } catch (error) {
    await job.abort().catch(() => undefined); // never UploadComplete, so never processed; abort only tidies
    return nothingMade(error);
  }
  let closeError: unknown;
  await job.close().catch((error: unknown) => {
    closeError = error; // the org may have taken it all the same: its state says
  });
  const info = await waitForEnd(connection, check, records.length, 'ingest', spec.object);
  if (info?.state === 'Open') {
    await job.abort().catch(() => undefined);
    return nothingMade(closeError);
  }
  if (!info) {
    await job.abort().catch(() => undefined);
    const unclear = { errorCode: 'REQUEST_FAILED', message: `Bulk API job ${job.id}: its outcome could not be read` };
    return { results: batchFailure(records.length, unclear), settled: false };
  }
  const processed = info.numberRecordsProcessed ?? 0;
  const failedCount = info.numberRecordsFailed ?? 0;
  // Every row processed, and few enough failed to go again at once: their answer says why, so no read of them.
  const direct = spec.resend !== undefined && processed === records.length && failedCount <= spec.resend.rows;
  let outcome: { successful: ResultRow[]; failed: ResultRow[]; unprocessed: ResultRow[] };
  try {
    // Read as they arrive and kept only as keys, Ids and errors: the results echo every input column. A read that
    // fails part-way is read again from its first row.
    const rows = async (results: string): Promise<ResultRow[]> =>
      retrying(async () => {
        const kept: ResultRow[] = [];
        await streamCsv(connection, `/jobs/ingest/${job.id}/${results}`, (row) =>
          kept.push(resultRow(row, spec.keyOf))
        );
        return kept;
      });
    outcome = {
      successful: processed > failedCount ? await rows('successfulResults') : [],
      failed: failedCount > 0 && !direct ? await rows('failedResults') : [],
      unprocessed: processed < records.length ? await rows('unprocessedrecords') : [],
    };
  } catch (error) {
    // The job ended, so looking for its rows again is safe; what it made is unknown until then.
    const unread = { errorCode: 'REQUEST_FAILED', message: `Bulk API job ${job.id}: ${(error as Error).message}` };
    return { results: batchFailure(records.length, unread), settled: true };
  }
  const reason = info.errorMessage ?? `Bulk API job ${job.id} ended ${info.state} before this row`;
  const results = matchResults(keys, outcome, reason);
  if (spec.resend) await resendFailed(spec.resend, records, results, direct ? failedCount : undefined);
  return { results, settled: true };
}

/**
 * Sends failed rows again (`Resend`), their answers in their place. `unread`: how many failed when their results were
 * not read — the rows the successful results did not name are those, but only when as many: otherwise one of them may
 * have been made and not matched, so none goes again (its REQUEST_FAILED has the caller look for it first).
 */
async function resendFailed(
  resend: Resend,
  records: Records,
  results: WriteResult[],
  unread: number | undefined
): Promise<void> {
  const failed = results.flatMap((result, index) => (result.success ? [] : [index]));
  const chosen =
    unread === undefined
      ? failed.filter((index) => {
          const result = results[index];
          return !result.success && resend.again(result.errors[0]);
        })
      : failed.length === unread
        ? failed
        : [];
  if (chosen.length === 0) return;
  const again = await resend.send(chosen.map((index) => records.at(index) ?? {}));
  chosen.forEach((index, at) => (results[index] = again[at]));
}
