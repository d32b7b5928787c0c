/**
 * One sync run: the inbound pass, then the outbound pass (or one of them), incremental from the last successful
 * run's watermarks unless told otherwise, leaving its run record, events and Audit lines in the org.
 */
import { Messages } from '@salesforce/core';
import type { Connection } from '@jsforce/jsforce-node';
import type { PcsyncConfig } from '../config/schema.js';
import { syncRules } from '../mapping/system-rules.js';
import type { PartnerCenterClient } from '../partner-center/client.js';
import type { SyncContext } from './context.js';
import { OPP } from '../salesforce/fields.js';
import { inboundPass } from './inbound/index.js';
import { closeRun, lastWatermarks, openRun, toWatermark, writeEvents } from './journal.js';
import { outboundPass } from './outbound/index.js';
import { emptySummary, type Progress, type RecordOutcome, type SyncResult, type SyncTrigger } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'sync');

export type SyncOptions = {
  direction?: 'inbound' | 'outbound' | 'both';
  /** Ignore the watermarks: every referral and every flagged Opportunity. */
  full?: boolean;
  /** Start from this date-time instead of the watermarks. */
  since?: string;
  referralIds?: string[];
  recordIds?: string[];
  dryRun?: boolean;
  trigger?: SyncTrigger;
  progress?: Progress;
  now?: () => Date;
};

export type SyncDependencies = { connection: Connection; client: PartnerCenterClient; config: PcsyncConfig };

export async function runSync(deps: SyncDependencies, options: SyncOptions = {}): Promise<SyncResult> {
  const now = options.now ?? ((): Date => new Date());
  const dryRun = options.dryRun ?? false;
  const trigger = options.trigger ?? 'Manual';
  const startedAt = now().toISOString();
  const ctx: SyncContext = {
    ...deps,
    rules: await applicableRules(deps),
    dryRun,
    now,
    progress: options.progress ?? ((): void => undefined),
  };

  const previous = options.full || options.since ? {} : await lastWatermarks(deps.connection);
  const given = toWatermark(options.since);
  const since = { inbound: given ?? previous.inbound, outbound: given ?? previous.outbound };
  const targeted = Boolean(options.referralIds?.length || options.recordIds?.length);
  const direction = options.direction ?? 'both';
  const runInbound = direction !== 'outbound' && (!targeted || Boolean(options.referralIds?.length));
  const runOutbound = direction !== 'inbound' && (!targeted || Boolean(options.recordIds?.length));

  const runId = dryRun ? undefined : await openRun(deps.connection, trigger, startedAt);
  const outcomes: RecordOutcome[] = [];
  const watermarks: SyncResult['watermarks'] = {
    ...(previous.inbound ? { inbound: previous.inbound } : {}),
    ...(previous.outbound ? { outbound: previous.outbound } : {}),
  };
  let failure: unknown;
  try {
    if (runInbound) {
      const inbound = await inboundPass(ctx, {
        ...(since.inbound ? { since: since.inbound } : {}),
        ...(options.referralIds ? { referralIds: options.referralIds } : {}),
      });
      outcomes.push(...inbound.outcomes);
      // A failed record holds the watermark back, so the next run retries it.
      if (!targeted && inbound.watermark && !inbound.outcomes.some((o) => o.outcome === 'error'))
        watermarks.inbound = inbound.watermark;
    }
    if (runOutbound) {
      const outbound = await outboundPass(ctx, {
        ...(since.outbound ? { since: since.outbound } : {}),
        ...(options.recordIds ? { recordIds: options.recordIds } : {}),
      });
      outcomes.push(...outbound.outcomes);
      const writeFailed = outbound.outcomes.some((o) => o.outcome === 'error' && o.httpStatus !== undefined);
      if (!targeted && !writeFailed) watermarks.outbound = outbound.watermark;
    }
  } catch (error) {
    failure = error;
  }

  const summary = { inbound: emptySummary(), outbound: emptySummary() };
  for (const outcome of outcomes) summary[outcome.direction][outcome.outcome]++;
  const errors = outcomes.filter((o) => o.outcome === 'error').length;
  const result: SyncResult = {
    ...(runId ? { runId } : {}),
    dryRun,
    trigger,
    startedAt,
    finishedAt: now().toISOString(),
    status: failure ? 'Failed' : errors > 0 ? 'Partially Succeeded' : 'Succeeded',
    summary,
    watermarks: failure
      ? {
          ...(previous.inbound ? { inbound: previous.inbound } : {}),
          ...(previous.outbound ? { outbound: previous.outbound } : {}),
        }
      : watermarks,
    records: outcomes,
  };
  if (runId) {
    await writeEvents(deps.connection, runId, outcomes, result.finishedAt);
    await closeRun(
      deps.connection,
      runId,
      result,
      0,
      failure
        ? failure instanceof Error
          ? failure.message
          : 'sync failed'
        : messages.getMessage('run.summary', [outcomes.length, errors])
    );
  }
  if (failure) throw failure instanceof Error ? failure : new Error('sync failed', { cause: failure });
  return result;
}

/**
 * The rules this org can take: the system rules, then the mapping without an optional rule whose field the org
 * lacks. A missing sync field stops the run.
 */
async function applicableRules(deps: SyncDependencies): Promise<SyncContext['rules']> {
  const describe = await deps.connection.sobject('Opportunity').describe();
  const fields = new Set(describe.fields.map((field) => field.name.toLowerCase()));
  const missing = Object.values(OPP).filter((name) => !fields.has(name.toLowerCase()));
  if (missing.length > 0) throw messages.createError('error.notDeployed', [missing.join(', ')]);
  return syncRules(
    deps.config.mapping.filter(
      (rule) => !rule.optional || rule.salesforce.includes('.') || fields.has(rule.salesforce.toLowerCase())
    )
  );
}
