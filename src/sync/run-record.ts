/**
 * The run's own record in the org (Partner_Center_Sync_Run__c) and its events (Partner_Center_Sync_Event__c). Both
 * are upserted by a key the run chose (Run_Key__c, Event_Key__c), so a write retried after a lost answer never
 * leaves a second run record or a duplicate event. What a run reads of the runs before it: prior-runs.ts.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { clip, EVENT, RUN, type RunStatus } from '../salesforce/fields.js';
import {
  isTransient,
  MadeRecords,
  queryAll,
  soqlString,
  updateRecords,
  upsertRecords,
  type SObjectRecord,
} from '../salesforce/records.js';
import { LEAD_ACTIONS, type LeadAction, type RecordOutcome, type SyncResult, type SyncTrigger } from './types.js';

/** A run record still Running (prior-runs.ts reads them). */
export type UnclosedRun = { id: string; startedAt: string | null };

/**
 * Where the change event subscription resumes: the highest replay id a change event pass finished sending. The
 * highest, not the newest run's, so the stored position only moves forward whichever replica wrote last.
 */
export async function lastReplayId(connection: Connection): Promise<number | undefined> {
  const rows = await queryAll<Record<string, number | null>>(
    connection,
    `SELECT ${RUN.replayId} FROM ${RUN.object} WHERE ${RUN.replayId} != null ORDER BY ${RUN.replayId} DESC LIMIT 1`
  );
  const stored = rows[0]?.[RUN.replayId];
  return typeof stored === 'number' ? stored : undefined;
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
  return upsertOne(connection, RUN.object, RUN.key, { [RUN.key]: runKey, ...opening(trigger, startedAt) });
}

/** What a run record holds as it opens, its key aside. */
export const opening = (trigger: SyncTrigger, startedAt: string): SObjectRecord => ({
  [RUN.startedAt]: startedAt,
  [RUN.trigger]: trigger,
  [RUN.status]: 'Running',
});

const COUNT_FIELDS: Record<keyof SyncResult['summary']['inbound'], string> = {
  created: 'Created',
  updated: 'Updated',
  linked: 'Linked',
  unchanged: 'Unchanged',
  skipped: 'Skipped',
  conflict: 'Conflicts',
  error: 'Errors',
};

/** The run record's field for each Lead count (`Leads_Created__c` …). */
export const leadCountField = (action: LeadAction): string => `Leads_${action[0].toUpperCase()}${action.slice(1)}__c`;

export async function closeRun(
  connection: Connection,
  runKey: string,
  result: SyncResult,
  requestCount: number,
  message: string,
  closing: {
    /** The Leads left awaiting a decision (null: not known). */
    openLeads?: number | null;
    /** The change feed position this run finished sending; undefined when it left anything to retry. */
    replayId?: number;
  } = {}
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
  for (const action of LEAD_ACTIONS) counts[leadCountField(action)] = result.summary.leads[action];
  await upsertOne(connection, RUN.object, RUN.key, {
    [RUN.key]: runKey,
    [RUN.finishedAt]: result.finishedAt,
    [RUN.status]: result.status,
    [RUN.inboundWatermark]: result.watermarks.inbound ?? null,
    [RUN.outboundWatermark]: result.watermarks.outbound ?? null,
    [RUN.requestCount]: requestCount,
    [RUN.message]: clip(message, 32_000),
    ...(closing.replayId === undefined ? {} : { [RUN.replayId]: closing.replayId }),
    [RUN.openLeads]: closing.openLeads ?? null,
    ...counts,
  });
}

/**
 * Finishes as Interrupted the run records found still Running (priorRuns), this run's own aside, with the message
 * `why` gives for each from when it started. Answers how many; throws when any of them could not be.
 */
export async function finishUnclosed(
  connection: Connection,
  exceptRunId: string,
  found: readonly UnclosedRun[],
  why: (startedAt: string | null) => string
): Promise<number> {
  const interrupted: RunStatus = 'Interrupted';
  const updates = found
    .filter((row) => row.id !== exceptRunId)
    .map((row) => ({ Id: row.id, [RUN.status]: interrupted, [RUN.message]: why(row.startedAt) }));
  if (updates.length === 0) return 0;
  const failed = (await updateRecords(connection, RUN.object, updates)).filter((result) => !result.success);
  if (failed.length > 0) throw new Error(`${failed.length} of ${updates.length} run records could not be finished`);
  return updates.length;
}

/** The event's Action (Partner_Center_Sync_Event__c.Action__c's values) for each outcome, and for each Lead action. */
const ACTION: Record<RecordOutcome['outcome'], string> = {
  created: 'Created',
  updated: 'Updated',
  linked: 'Linked',
  unchanged: 'Skipped',
  skipped: 'Skipped',
  conflict: 'Conflict',
  error: 'Error',
};
const LEAD_ACTION: Record<LeadAction, string> = {
  created: 'Created',
  updated: 'Updated',
  converted: 'Converted',
  closed: 'Closed',
  failed: 'Error',
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
  const written = outcomes.filter((outcome) => outcome.outcome !== 'unchanged' && !outcome.repeated);
  const event = (outcome: RecordOutcome, index: number): SObjectRecord => ({
    [EVENT.key]: `${run.key}:${first + index}`,
    [EVENT.opportunity]: outcome.opportunityId ?? null,
    [EVENT.lead]: outcome.leadId ?? null,
    [EVENT.run]: run.id,
    [EVENT.direction]: outcome.direction === 'inbound' ? 'Inbound' : 'Outbound',
    [EVENT.action]: outcome.lead ? LEAD_ACTION[outcome.lead] : ACTION[outcome.outcome],
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
  });
  // Made as the upload reads them: a window's ten thousand events, their changes as JSON, are never all held at once.
  const events = new MadeRecords(written.length, (index) => event(written[index], index));
  if (events.length === 0) return 0;
  const { bulkThreshold } = options;
  const { results } = await upsertRecords(connection, EVENT.object, EVENT.key, events, { bulkThreshold });
  const failed = results.filter((result) => !result.success);
  if (failed.length > 0) throw new Error(`${failed.length} of ${events.length} sync events could not be written`);
  return events.length;
}
