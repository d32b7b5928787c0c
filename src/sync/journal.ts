/**
 * What a run leaves in the org: its Partner_Center_Sync_Run__c, one Partner_Center_Sync_Event__c per record change,
 * conflict or error, and a line at the top of each touched record's Audit field. The next incremental run starts
 * from the last successful run's watermarks.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { createRecords, queryAll, updateRecords } from '../salesforce/records.js';
import { clip, EVENT, RUN } from '../salesforce/fields.js';
import type { RecordOutcome, SyncResult, SyncTrigger } from './types.js';

export type Watermarks = { inbound?: string; outbound?: string };

/** The watermarks of the newest run that succeeded (or succeeded in part: its failed records are retried by their own state). */
export async function lastWatermarks(connection: Connection): Promise<Watermarks> {
  const rows = await queryAll<Record<string, string | null>>(
    connection,
    `SELECT ${RUN.inboundWatermark}, ${RUN.outboundWatermark} FROM ${RUN.object} WHERE ${RUN.status} IN ('Succeeded', 'Partially Succeeded') ORDER BY ${RUN.startedAt} DESC LIMIT 1`
  );
  const row = rows[0];
  const inbound = toWatermark(row?.[RUN.inboundWatermark]);
  const outbound = toWatermark(row?.[RUN.outboundWatermark]);
  return { ...(inbound ? { inbound } : {}), ...(outbound ? { outbound } : {}) };
}

/**
 * A date-time as both OData and SOQL take it: UTC, whole seconds, `Z` (Salesforce answers `…+0000`).
 * Rounding down re-reads at most one second of changes, which the snapshots make free.
 */
export function toWatermark(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(time) ? undefined : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function openRun(
  connection: Connection,
  trigger: SyncTrigger,
  startedAt: string
): Promise<string | undefined> {
  const [result] = await createRecords(connection, RUN.object, [
    { [RUN.startedAt]: startedAt, [RUN.trigger]: trigger, [RUN.status]: 'Running' },
  ]);
  return result?.success ? result.id : undefined;
}

const COUNT_FIELDS: Record<string, string> = {
  created: 'Created',
  updated: 'Updated',
  unchanged: 'Unchanged',
  skipped: 'Skipped',
  conflict: 'Conflicts',
  error: 'Errors',
};

export async function closeRun(
  connection: Connection,
  runId: string,
  result: SyncResult,
  requestCount: number,
  message: string
): Promise<void> {
  const counts: Record<string, number> = {};
  for (const [direction, prefix] of [
    ['inbound', 'Inbound'],
    ['outbound', 'Outbound'],
  ] as const) {
    for (const [outcome, suffix] of Object.entries(COUNT_FIELDS)) {
      counts[`${prefix}_${suffix}__c`] = result.summary[direction][outcome as keyof (typeof result.summary)['inbound']];
    }
  }
  await updateRecords(connection, RUN.object, [
    {
      Id: runId,
      [RUN.finishedAt]: result.finishedAt,
      [RUN.status]: result.status,
      [RUN.inboundWatermark]: result.watermarks.inbound ?? null,
      [RUN.outboundWatermark]: result.watermarks.outbound ?? null,
      [RUN.requestCount]: requestCount,
      [RUN.message]: clip(message, 32_000),
      ...counts,
    },
  ]);
}

const ACTION: Record<RecordOutcome['outcome'], string> = {
  created: 'Created',
  updated: 'Updated',
  unchanged: 'Skipped',
  skipped: 'Skipped',
  conflict: 'Conflict',
  error: 'Error',
};

/** One event per record change, conflict or error (unchanged records leave none). */
export async function writeEvents(
  connection: Connection,
  runId: string | undefined,
  outcomes: readonly RecordOutcome[],
  at: string
): Promise<void> {
  const events = outcomes
    .filter((outcome) => outcome.outcome !== 'unchanged')
    .map((outcome) => ({
      [EVENT.opportunity]: outcome.opportunityId ?? null,
      [EVENT.run]: runId ?? null,
      [EVENT.direction]: outcome.direction === 'inbound' ? 'Inbound' : 'Outbound',
      [EVENT.action]: ACTION[outcome.outcome],
      [EVENT.referralId]: outcome.referralId ?? null,
      [EVENT.changedFields]:
        outcome.changes.length > 0 ? clip(JSON.stringify(outcome.changes.map(boundChange)), 32_000) : null,
      [EVENT.httpStatus]: outcome.httpStatus ?? null,
      [EVENT.correlationId]: outcome.correlationId ?? null,
      [EVENT.message]: outcome.message ? clip(outcome.message) : null,
      [EVENT.occurredAt]: at,
    }));
  if (events.length > 0) await createRecords(connection, EVENT.object, events);
}

const boundChange = (change: {
  field: string;
  before: unknown;
  after: unknown;
}): { field: string; before: unknown; after: unknown } => ({
  field: change.field,
  before: bound(change.before),
  after: bound(change.after),
});
const bound = (value: unknown): unknown =>
  typeof value === 'string' && value.length > 500 ? `${value.slice(0, 499)}…` : value;

/** The Audit field with a new line on top, cut to `max` characters at a line boundary. */
export function prependAudit(current: string | null | undefined, line: string, max: number): string {
  const text = current ? `${line}\n${current}` : line;
  if (text.length <= max) return text;
  const cut = text.lastIndexOf('\n', max);
  return cut > 0 ? text.slice(0, cut) : text.slice(0, max);
}

export function auditLine(at: string, outcome: RecordOutcome): string {
  const arrow = outcome.direction === 'inbound' ? 'Partner Center → Salesforce' : 'Salesforce → Partner Center';
  return `${at} ${arrow}: ${outcome.outcome}${outcome.message ? ` — ${outcome.message}` : ''}`;
}
