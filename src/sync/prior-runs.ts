/**
 * What a run reads of the runs before it: the newest finished run's watermarks, which an incremental run starts from,
 * and — once it holds the sync lease — the run records other runs left Running, which it finishes (run-book.ts).
 * An incremental run that writes wants both: one Composite request of the two queries, so finishing what other runs
 * left costs it no request of its own; a full run reads the second in the request that opens its own run record.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { composite, type Subrequest, type SubResponse } from '../salesforce/composite.js';
import { RUN, type RunStatus } from '../salesforce/fields.js';
import { queryAll } from '../salesforce/records.js';
import { path, retrying } from '../salesforce/results.js';
import { opening, openRun, toWatermark, type UnclosedRun } from './run-record.js';
import type { SyncTrigger } from './types.js';

export type { UnclosedRun };

export type Watermarks = { inbound?: string; outbound?: string };

/** The newest finished run's watermarks, and the Leads it left awaiting a decision (null: it did not know). */
export type PreviousRun = Watermarks & { openLeads?: number | null };

type Row = Record<string, string | number | null>;

const FINISHED: readonly RunStatus[] = ['Succeeded', 'Partially Succeeded'];
const RUNNING: RunStatus = 'Running';

const WATERMARKS_SOQL =
  `SELECT ${RUN.inboundWatermark}, ${RUN.outboundWatermark}, ${RUN.openLeads} FROM ${RUN.object} ` +
  `WHERE ${RUN.status} IN (${FINISHED.map((status) => `'${status}'`).join(', ')}) ` +
  `ORDER BY ${RUN.startedAt} DESC LIMIT 1`;
/** Up to 200 at a time: any more are found by the runs after. */
const UNCLOSED_SOQL = `SELECT Id, ${RUN.startedAt} FROM ${RUN.object} WHERE ${RUN.status} = '${RUNNING}' LIMIT 200`;

/** The watermarks of the newest run that finished (in part, too: its failed records are retried on their own). */
export async function lastWatermarks(connection: Connection): Promise<PreviousRun> {
  return previousRun(await queryAll<Row>(connection, WATERMARKS_SOQL));
}

/** The run records still Running (up to 200). */
export async function unclosedRuns(connection: Connection): Promise<UnclosedRun[]> {
  return unclosed(await queryAll<Row>(connection, UNCLOSED_SOQL));
}

/**
 * The watermarks (unless `watermarks` is false: a full run, or one given a start) and with them the records still
 * Running (unless `unclosed` is false: a dry run, which holds no lease). A query the Composite request could not
 * answer is left to its own request: the watermarks at once, the records still Running to the run book.
 */
export async function priorRuns(
  connection: Connection,
  want: { watermarks: boolean; unclosed: boolean }
): Promise<{ previous: PreviousRun; unclosed?: UnclosedRun[] }> {
  // Without the watermarks, nothing to share a request with: the run book reads the records still Running itself.
  if (!want.watermarks) return { previous: {} };
  if (!want.unclosed) return { previous: await lastWatermarks(connection) };
  const [watermarks, running] = await retrying(() =>
    composite(connection, [
      query(connection, WATERMARKS_SOQL, 'watermarks'),
      query(connection, UNCLOSED_SOQL, 'unclosed'),
    ])
  );
  const found = rows(watermarks);
  const stillRunning = rows(running);
  return {
    previous: found ? previousRun(found) : await lastWatermarks(connection),
    ...(stillRunning ? { unclosed: unclosed(stillRunning) } : {}),
  };
}

/**
 * Opens the run's record and reads the records still Running (its own among them) in one Composite request, for a
 * run that did not read them with its watermarks. What that request could not answer goes on its own: the open by
 * `openRun` (an upsert by the run's key, so a record the org made already is not made twice), the records still
 * Running left to the run book.
 */
export async function openReadingUnclosed(
  connection: Connection,
  key: string,
  trigger: SyncTrigger,
  startedAt: string
): Promise<{ id: string; unclosed?: UnclosedRun[] }> {
  const open: Subrequest = {
    method: 'PATCH',
    url: path(connection, `/sobjects/${RUN.object}/${RUN.key}/${encodeURIComponent(key)}`),
    referenceId: 'open',
    body: opening(trigger, startedAt),
  };
  const answers = await retrying(() =>
    composite(connection, [open, query(connection, UNCLOSED_SOQL, 'unclosed')])
  ).catch(() => undefined);
  const [opened, running] = answers ?? [];
  // An upsert answers its record's Id, made (201) or found by the key (200) (REST API Developer Guide, "Insert or
  // Update (Upsert) a Record Using an External ID").
  const id = opened && opened.httpStatusCode < 300 ? (opened.body as { id?: string } | null)?.id : undefined;
  const stillRunning = running && rows(running);
  return {
    id: id ?? (await openRun(connection, key, trigger, startedAt)),
    ...(stillRunning ? { unclosed: unclosed(stillRunning) } : {}),
  };
}

const query = (connection: Connection, soql: string, referenceId: string): Subrequest => ({
  method: 'GET',
  url: path(connection, `/query?q=${encodeURIComponent(soql)}`),
  referenceId,
});

const rows = (answer: SubResponse): Row[] | undefined =>
  answer.httpStatusCode === 200 ? (answer.body as { records?: Row[] }).records : undefined;

function previousRun(rows: readonly Row[]): PreviousRun {
  if (rows.length === 0) return {};
  const inbound = toWatermark(rows[0][RUN.inboundWatermark] as string | null);
  const outbound = toWatermark(rows[0][RUN.outboundWatermark] as string | null);
  const openLeads = rows[0][RUN.openLeads];
  return {
    ...(inbound ? { inbound } : {}),
    ...(outbound ? { outbound } : {}),
    openLeads: typeof openLeads === 'number' ? openLeads : null,
  };
}

const unclosed = (rows: readonly Row[]): UnclosedRun[] =>
  rows.map((row) => ({ id: String(row.Id), startedAt: (row[RUN.startedAt] as string | null) ?? null }));
