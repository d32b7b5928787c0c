/**
 * The run's own record in the org (Partner_Center_Sync_Run__c) and its events (Partner_Center_Sync_Event__c). Both
 * are upserted by a key the run chose (Run_Key__c, Event_Key__c), so a write retried after a lost answer never
 * leaves a second run record or a duplicate event. The next incremental run starts from the watermarks of the
 * newest run that finished.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { clip, EVENT, RUN, type RunStatus } from '../salesforce/fields.js';
import {
  isTransient,
  queryAll,
  soqlString,
  updateRecords,
  upsertRecords,
  type SObjectRecord,
} from '../salesforce/records.js';
import type { RecordOutcome, SyncResult, SyncTrigger } from './types.js';

export type Watermarks = { inbound?: string; outbound?: string };

/** The watermarks of the newest run that finished (in part, too: its failed records are retried on their own). */
export async function lastWatermarks(connection: Connection): Promise<Watermarks> {
  const finished = "('Succeeded', 'Partially Succeeded')";
  const rows = await queryAll<Record<string, string | null>>(
    connection,
    `SELECT ${RUN.inboundWatermark}, ${RUN.outboundWatermark} FROM ${RUN.object} ` +
      `WHERE ${RUN.status} IN ${finished} ORDER BY ${RUN.startedAt} DESC LIMIT 1`
  );
  const inbound = toWatermark(rows[0]?.[RUN.inboundWatermark]);
  const outbound = toWatermark(rows[0]?.[RUN.outboundWatermark]);
  return { ...(inbound ? { inbound } : {}), ...(outbound ? { outbound } : {}) };
}

/** A date-time as both OData and SOQL take it: UTC, whole seconds, `Z` (Salesforce answers `…+0000`). */
export function toWatermark(value: string | Date | null | undefined): string | undefined {
  if (!value) return undefined;
  const time = value instanceof Date ? value.getTime() : Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(time) ? undefined : new Date(Math.floor(time / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A watermark moved back by the overlap window that every incremental pass re-reads. */
export const withOverlap = (watermark: string | undefined, overlapMs: number): string | undefined =>
  watermark ? toWatermark(new Date(Date.parse(watermark) - overlapMs)) : undefined;

/** One upsert by External ID, retried while the failure is transient (the key makes a repeat harmless). */
async function upsertOne(connection: Connection, sobject: string, key: string, values: SObjectRecord): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await connection.sobject(sobject).upsert(values, key);
      if (result.success && result.id) return result.id;
      // An update by External ID may answer without the Id (204): read it by the key.
      if (result.success) {
        const soql = `SELECT Id FROM ${sobject} WHERE ${key} = ${soqlString(String(values[key]))}`;
        return (await queryAll<{ Id: string }>(connection, soql))[0]?.Id ?? '';
      }
      throw Object.assign(new Error(`${sobject}: ${JSON.stringify(result.errors)}`), { errorCode: 'UNKNOWN' });
    } catch (error) {
      const errorCode = (error as { errorCode?: string }).errorCode ?? 'REQUEST_FAILED';
      if (attempt >= 2 || !isTransient({ errorCode })) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * 4 ** attempt));
    }
  }
}

export async function openRun(
  connection: Connection,
  runKey: string,
  trigger: SyncTrigger,
  startedAt: string
): Promise<string> {
  const values = { [RUN.key]: runKey, [RUN.startedAt]: startedAt, [RUN.trigger]: trigger, [RUN.status]: 'Running' };
  return upsertOne(connection, RUN.object, RUN.key, values);
}

const COUNT_FIELDS: Record<keyof SyncResult['summary']['inbound'], string> = {
  created: 'Created',
  updated: 'Updated',
  linked: 'Linked',
  unchanged: 'Unchanged',
  skipped: 'Skipped',
  conflict: 'Conflicts',
  error: 'Errors',
};

export async function closeRun(
  connection: Connection,
  runKey: string,
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
      counts[`${prefix}_${suffix}__c`] = result.summary[direction][outcome as keyof typeof COUNT_FIELDS];
    }
  }
  await upsertOne(connection, RUN.object, RUN.key, {
    [RUN.key]: runKey,
    [RUN.finishedAt]: result.finishedAt,
    [RUN.status]: result.status,
    [RUN.inboundWatermark]: result.watermarks.inbound ?? null,
    [RUN.outboundWatermark]: result.watermarks.outbound ?? null,
    [RUN.requestCount]: requestCount,
    [RUN.message]: clip(message, 32_000),
    ...counts,
  });
}

/** Runs still marked Running when a lease is taken over from a stale holder: their process died. */
export async function markInterrupted(connection: Connection, exceptRunId: string, message: string): Promise<number> {
  const running: RunStatus = 'Running';
  const rows = await queryAll<{ Id: string }>(
    connection,
    `SELECT Id FROM ${RUN.object} WHERE ${RUN.status} = '${running}' AND Id != '${exceptRunId}' LIMIT 200`
  );
  const interrupted: RunStatus = 'Interrupted';
  const updates = rows.map((row) => ({ Id: row.Id, [RUN.status]: interrupted, [RUN.message]: message }));
  if (updates.length > 0) await updateRecords(connection, RUN.object, updates);
  return updates.length;
}

const ACTION: Record<RecordOutcome['outcome'], string> = {
  created: 'Created',
  updated: 'Updated',
  linked: 'Linked',
  unchanged: 'Skipped',
  skipped: 'Skipped',
  conflict: 'Conflict',
  error: 'Error',
};

const bound = (value: unknown): unknown =>
  typeof value === 'string' && value.length > 500 ? `${value.slice(0, 499)}…` : value;

/** The event's message: the outcome's, then its notes. */
const eventMessage = (outcome: RecordOutcome): string | null => {
  const text = [outcome.message, ...(outcome.notes ?? [])].filter(Boolean).join(' ');
  return text ? clip(text) : null;
};

/**
 * One event per record change, conflict or error (unchanged records leave none), numbered from `first` within the
 * run (a run that writes its events a window at a time goes on where the last window stopped). Answers how many.
 */
export async function writeEvents(
  connection: Connection,
  run: { id: string; key: string },
  outcomes: readonly RecordOutcome[],
  at: string,
  options: { bulkThreshold: number; first?: number }
): Promise<number> {
  const first = options.first ?? 0;
  const events = outcomes
    .filter((outcome) => outcome.outcome !== 'unchanged' && !outcome.repeated)
    .map((outcome, index) => ({
      [EVENT.key]: `${run.key}:${first + index}`,
      [EVENT.opportunity]: outcome.opportunityId ?? null,
      [EVENT.run]: run.id,
      [EVENT.direction]: outcome.direction === 'inbound' ? 'Inbound' : 'Outbound',
      [EVENT.action]: ACTION[outcome.outcome],
      [EVENT.referralId]: outcome.referralId ?? null,
      [EVENT.changedFields]:
        outcome.changes.length > 0
          ? clip(
              JSON.stringify(
                outcome.changes.map((c) => ({ field: c.field, before: bound(c.before), after: bound(c.after) }))
              ),
              32_000
            )
          : null,
      [EVENT.httpStatus]: outcome.httpStatus ?? null,
      [EVENT.correlationId]: outcome.correlationId ?? null,
      [EVENT.message]: eventMessage(outcome),
      [EVENT.occurredAt]: at,
    }));
  if (events.length === 0) return 0;
  const { bulkThreshold } = options;
  const { results } = await upsertRecords(connection, EVENT.object, EVENT.key, events, { bulkThreshold });
  const failed = results.filter((result) => !result.success);
  if (failed.length > 0) throw new Error(`${failed.length} of ${events.length} sync events could not be written`);
  return events.length;
}
