/**
 * Bulk API 2.0 ingest jobs at the fewest requests (Bulk API 2.0 Developer Guide, "Ingest jobs"): create the job,
 * upload the CSV, mark it UploadComplete, poll its state, read the successful results — and the failed and the
 * unprocessed results only when the job's counts say there are any. Each result row carries the input columns, so
 * rows are matched back to their input by key, never by order. A job whose end could not be seen is `unsettled`:
 * it may still make rows, so nothing it was given may be created again in this run.
 */
import { Readable } from 'node:stream';
import type { Connection } from '@jsforce/jsforce-node';
import { csvChunks, csvColumns, resultRow, type BulkRow, type ResultRow } from './bulk-csv.js';
import { streamCsv } from './csv-stream.js';
import { batchFailure, retrying, type SObjectRecord, type WriteResult } from './results.js';

export type { BulkRow };

export type IngestJob = {
  object: string;
  operation: 'insert' | 'upsert';
  externalIdFieldName?: string;
  /** What identifies a row among the job's input, from its CSV values (as the results echo them). */
  keyOf: (row: BulkRow) => string;
};

export type IngestOutcome = { results: WriteResult[]; settled: boolean };

type JobInfo = { state: string; numberRecordsProcessed?: number; numberRecordsFailed?: number; errorMessage?: string };

/**
 * Polling: a first look after a pause, then a pause as long as the rest should take at the rate the job has shown —
 * the slower of its rate since UploadComplete and its rate since the look before, so a job that slows as the org fills
 * (duplicate rules have more rows to match against) is not looked at again too early — with a margin so the next look
 * is the last; with no progress shown yet, twice the pause before. A poll that comes too early is a request spent for
 * nothing, so the first pause of a job is as long as its rows took the org in the jobs before it (the same org, the
 * same connection): after the first job, most take one poll.
 */
const FIRST_PAUSE = 1000;
/**
 * At most 5 minutes between looks: Salesforce gives each batch of a job 5 minutes before it retries it (Bulk API 2.0
 * Developer Guide, "Understanding Bulk API 2.0 Ingest"), so a longer job shows its progress at least that often.
 */
const PAUSE_BOUNDS = [250, 300_000] as const;
/** How much longer than the estimate to wait: an early look costs a request, a late one only the overshoot. */
const MARGIN = 1.3;
const POLL_TIMEOUT = 30 * 60_000;
/**
 * Milliseconds a row took the org, as its earlier jobs of the kind showed (an upper bound: the end is seen at a
 * poll). Per kind: a query job reads rows far faster than an ingest job writes them.
 */
const paceOf = { ingest: new WeakMap<Connection, number>(), query: new WeakMap<Connection, number>() };

/** What a look at the job saw: the milliseconds since UploadComplete and the rows processed by then. */
type Look = { elapsed: number; processed: number };

function nextPause(previous: number, looks: readonly Look[], rows: number): number {
  const [before, last] = looks.length > 1 ? looks.slice(-2) : [{ elapsed: 0, processed: 0 }, looks[0]];
  const average = last.processed / Math.max(last.elapsed, 1);
  const recent = (last.processed - before.processed) / Math.max(last.elapsed - before.elapsed, 1);
  const rate = Math.min(average, recent > 0 ? recent : average);
  const estimate = rate > 0 ? (rows - last.processed) / rate + 250 : previous * 2;
  return Math.min(PAUSE_BOUNDS[1], Math.max(PAUSE_BOUNDS[0], estimate * MARGIN));
}

/**
 * The first look, by the pace of the jobs before, comes within 30 s all the same: a job of another object may go much
 * faster than theirs (no duplicate matching), and a slower one is timed by the rate that look shows.
 */
const FIRST_LOOK_BOUND = 30_000;
const firstPause = (pace: number | undefined, rows: number): number =>
  pace === undefined ? FIRST_PAUSE : Math.min(FIRST_LOOK_BOUND, Math.max(PAUSE_BOUNDS[0], pace * rows * MARGIN));
const TERMINAL = new Set(['JobComplete', 'Failed', 'Aborted']);

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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

/**
 * Polls until the job ends; undefined when its state cannot be read (a read that keeps failing) or in time. The time
 * the end took is remembered as the org's pace: as it is when a poll had to wait for it, never above it when the first
 * poll already found the job ended (the job may have ended well before; the pace only comes down then).
 */
export async function waitForEnd<Info extends JobInfo>(
  connection: Connection,
  check: () => Promise<Info>,
  rows: number,
  kind: keyof typeof paceOf = 'ingest'
): Promise<Info | undefined> {
  const closedAt = Date.now();
  const paces = paceOf[kind];
  const pace = paces.get(connection);
  let wait = firstPause(pace, rows);
  const looks: Look[] = [];
  for (let polls = 1; Date.now() - closedAt < POLL_TIMEOUT; polls++) {
    await pause(wait);
    let info: Info;
    try {
      info = await retrying(check);
    } catch {
      return undefined;
    }
    if (TERMINAL.has(info.state)) {
      const seen = (Date.now() - closedAt) / Math.max(rows, 1);
      paces.set(connection, polls === 1 && pace !== undefined ? Math.min(pace, seen) : seen);
      return info;
    }
    if (info.state === 'Open') return info; // UploadComplete never arrived: the job makes nothing
    looks.push({ elapsed: Date.now() - closedAt, processed: info.numberRecordsProcessed ?? 0 });
    wait = nextPause(wait, looks, rows);
  }
  return undefined;
}

export async function runIngestJob(
  connection: Connection,
  spec: IngestJob,
  records: readonly SObjectRecord[]
): Promise<IngestOutcome> {
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
    // A stream of CSV chunks, made as the request body is sent: never the whole CSV at once, nor a copy of the rows.
    await job.uploadData(Readable.from(csvChunks(records, columns, spec.keyOf, keys)));
  } catch (error) {
    await job.abort().catch(() => undefined); // never UploadComplete, so never processed; abort only tidies
    return nothingMade(error);
  }
  let closeError: unknown;
  await job.close().catch((error: unknown) => {
    closeError = error; // the org may have taken it all the same: its state says
  });
  const info = await waitForEnd(connection, check, records.length);
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
      failed: failedCount > 0 ? await rows('failedResults') : [],
      unprocessed: processed < records.length ? await rows('unprocessedrecords') : [],
    };
  } catch (error) {
    // The job ended, so looking for its rows again is safe; what it made is unknown until then.
    const unread = { errorCode: 'REQUEST_FAILED', message: `Bulk API job ${job.id}: ${(error as Error).message}` };
    return { results: batchFailure(records.length, unread), settled: true };
  }
  const reason = info.errorMessage ?? `Bulk API job ${job.id} ended ${info.state} before this row`;
  return { results: matchResults(keys, outcome, reason), settled: true };
}
