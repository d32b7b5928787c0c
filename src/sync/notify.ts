/**
 * Tells each Opportunity's owner (the bell and the Salesforce mobile app) when the run moved their record into
 * Error or Conflict, and when Microsoft accepted or declined their co-sell — once per transition: a record already
 * in Error before the run is not announced again. Sent through the standard invocable action
 * `customNotificationAction` (Actions Developer Guide, "Custom Notification Actions") with the org's notification
 * type Partner_Center_Sync_Alert, several notifications per call. A run above sync.bulkThreshold records (a
 * backfill) notifies no one. Nothing here fails the sync: a problem becomes one notice in the run record.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { NotifyEvent } from '../config/schema.js';
import { clip, OPP, type SyncState } from '../salesforce/fields.js';
import { inClauses, queryAll, soqlString } from '../salesforce/records.js';
import type { SyncContext } from './context.js';
import { syncMessages as messages } from './messages.js';
import type { RecordOutcome } from './types.js';

/** The custom notification type force-app deploys (notificationtypes/Partner_Center_Sync_Alert). */
export const NOTIFICATION_TYPE = 'Partner_Center_Sync_Alert';
/** Inputs per action call (an invocable action takes a batch of inputs per request). */
const INPUTS_PER_CALL = 100;
/** The action's limits on a notification's title and body. */
const MAX_TITLE = 250;
const MAX_BODY = 750;

export type Alert = { opportunityId: string; event: NotifyEvent; message: string };

const key15 = (id: string): string => id.slice(0, 15);

/** Remembers each Opportunity's sync state as the run first read it (later reads see the run's own writes). */
export function rememberStates(ctx: SyncContext, rows: Iterable<{ Id?: unknown; [field: string]: unknown }>): void {
  for (const row of rows) {
    if (typeof row.Id !== 'string' || ctx.priorStates.has(key15(row.Id))) continue;
    ctx.priorStates.set(key15(row.Id), (row[OPP.state] as SyncState | null | undefined) ?? null);
  }
}

const ENTERED: Partial<Record<RecordOutcome['outcome'], { event: NotifyEvent; state: SyncState }>> = {
  error: { event: 'error', state: 'Error' },
  conflict: { event: 'conflict', state: 'Conflict' },
};

/** Microsoft's answer when this outcome recorded it: its status field moved to …/Accepted or …/Declined. */
function microsoftAnswer(outcome: RecordOutcome): NotifyEvent | undefined {
  const change = outcome.changes.find((c) => c.field === OPP.microsoftStatus);
  const substatus = (value: unknown): string => (typeof value === 'string' ? value : '').split('/')[1] ?? '';
  const answer = substatus(change?.after);
  if (!change || answer === substatus(change.before)) return undefined;
  return answer === 'Accepted' ? 'accepted' : answer === 'Declined' ? 'declined' : undefined;
}

/** The transitions this run made that the owner hears about, one per record and event, noted as passes end. */
export class OwnerAlerts {
  private readonly byKey = new Map<string, Alert>();

  public note(
    outcomes: readonly RecordOutcome[],
    priorStates: ReadonlyMap<string, string | null>,
    events: readonly NotifyEvent[]
  ): this {
    for (const outcome of outcomes) {
      if (!outcome.opportunityId || outcome.repeated) continue;
      const entered = ENTERED[outcome.outcome];
      const event = entered
        ? priorStates.get(key15(outcome.opportunityId)) === entered.state
          ? undefined
          : entered.event
        : outcome.outcome === 'updated'
          ? microsoftAnswer(outcome)
          : undefined;
      if (!event || !events.includes(event)) continue;
      const alert = { opportunityId: outcome.opportunityId, event, message: outcome.message ?? '' };
      this.byKey.set(`${key15(alert.opportunityId)}:${event}`, alert);
    }
    return this;
  }

  public list(): Alert[] {
    return [...this.byKey.values()];
  }
}

export const alertsOf = (
  outcomes: readonly RecordOutcome[],
  priorStates: ReadonlyMap<string, string | null>,
  events: readonly NotifyEvent[]
): Alert[] => new OwnerAlerts().note(outcomes, priorStates, events).list();

type ActionResult = { isSuccess?: boolean; errors?: Array<{ statusCode?: string; message?: string }> | null };

/**
 * Sends the run's notifications; every problem is a notice in `ctx.notices`, never an error. `touched`: the records
 * the run changed or failed — above sync.bulkThreshold the run is a backfill, and notifies no one.
 */
export async function notifyOwners(ctx: SyncContext, alerts: readonly Alert[], touched: number): Promise<void> {
  const settings = ctx.config.notifications;
  if (ctx.dryRun || !settings.enabled) return;
  if (alerts.length === 0) return;
  if (touched > ctx.config.sync.bulkThreshold) {
    ctx.notices.add(messages.getMessage('notice.notifyBulk', [touched, ctx.config.sync.bulkThreshold]));
    return;
  }
  try {
    const typeId = await notificationTypeId(ctx.connection);
    if (!typeId) {
      ctx.notices.add(messages.getMessage('notice.notifyNoType', [NOTIFICATION_TYPE]));
      return;
    }
    const owners = await ownersOf(
      ctx.connection,
      alerts.map((a) => a.opportunityId)
    );
    const inputs = alerts.flatMap((alert) => {
      const opportunity = owners.get(key15(alert.opportunityId));
      if (!opportunity?.OwnerId) return [];
      const name = opportunity.Name ?? alert.opportunityId;
      return [
        {
          customNotifTypeId: typeId,
          recipientIds: [opportunity.OwnerId],
          title: clip(messages.getMessage(`notify.${alert.event}`, [name]), MAX_TITLE),
          body: clip(alert.message || messages.getMessage(`notify.${alert.event}`, [name]), MAX_BODY),
          targetId: alert.opportunityId,
        },
      ];
    });
    const failures: string[] = [];
    for (let start = 0; start < inputs.length; start += INPUTS_PER_CALL) {
      const batch = inputs.slice(start, start + INPUTS_PER_CALL);
      failures.push(...(await invoke(ctx.connection, batch.length, { inputs: batch })));
    }
    if (failures.length > 0) {
      ctx.notices.add(messages.getMessage('notice.notifyFailed', [failures.length, inputs.length, failures[0]]));
    }
  } catch (error) {
    ctx.notices.add(
      messages.getMessage('notice.notifyFailed', [alerts.length, alerts.length, (error as Error).message])
    );
  }
}

async function notificationTypeId(connection: Connection): Promise<string | undefined> {
  const soql = `SELECT Id, DeveloperName FROM CustomNotificationType WHERE DeveloperName = ${soqlString(NOTIFICATION_TYPE)}`;
  const result = await connection.tooling.query<{ Id: string }>(soql);
  return result.records[0]?.Id;
}

async function ownersOf(
  connection: Connection,
  ids: readonly string[]
): Promise<Map<string, { OwnerId?: string; Name?: string }>> {
  const owners = new Map<string, { OwnerId?: string; Name?: string }>();
  for (const clause of inClauses(ids)) {
    const rows = await queryAll<{ Id: string; OwnerId?: string; Name?: string }>(
      connection,
      `SELECT Id, Name, OwnerId FROM Opportunity WHERE Id IN ${clause}`
    );
    for (const row of rows) owners.set(key15(row.Id), row);
  }
  return owners;
}

/** One action call; the failures in words (the action answers 400 with per-input results when any input fails). */
async function invoke(connection: Connection, size: number, body: { inputs: unknown[] }): Promise<string[]> {
  const url = `/services/data/v${connection.version}/actions/standard/customNotificationAction`;
  let results: ActionResult[];
  try {
    results = await connection.requestPost<ActionResult[]>(url, body);
  } catch (error) {
    const data = answerOf(error);
    if (!data) return Array.from({ length: size }, () => (error as Error).message);
    results = data;
  }
  return results
    .filter((result) => !result.isSuccess)
    .map((result) => (result.errors ?? []).map((e) => `${e.statusCode ?? 'ERROR'}: ${e.message ?? ''}`).join('; '));
}

/**
 * The per-input results of a failed call: jsforce keeps several in `error.data`, and one (which has no `message`
 * of its own) as the response text in `error.data.message`.
 */
function answerOf(error: unknown): ActionResult[] | undefined {
  const data = (error as { data?: unknown }).data;
  if (Array.isArray(data)) return data as ActionResult[];
  try {
    const parsed = JSON.parse(String((data as { message?: unknown } | undefined)?.message)) as unknown;
    return Array.isArray(parsed) ? (parsed as ActionResult[]) : undefined;
  } catch {
    return undefined;
  }
}
