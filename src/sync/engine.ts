/**
 * One sync run: the inbound pass, then the outbound pass (or one of them), incremental from the last finished
 * run's watermarks unless told otherwise, leaving its run record, events and Audit lines in the org. A run that
 * writes holds the org's sync lease from start to end, so no two runs anywhere overlap.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { PcsyncConfig } from '../config/schema.js';
import type { PartnerCenterClient } from '../partner-center/client.js';
import { instrumentConnection } from '../salesforce/instrument.js';
import type { FieldLimits } from '../salesforce/limits.js';
import { OrgSchema } from '../salesforce/org-schema.js';
import { Traffic, totalOf } from '../shared/traffic.js';
import type { SyncContext } from './context.js';
import { describeOrg } from './describe-org.js';
import { inboundPass } from './inbound/index.js';
import { leadOutbound } from './leads/pass.js';
import { notifyOwners } from './notify.js';
import { holdSyncLease, type HeldLease } from './lease.js';
import { outboundPass } from './outbound/index.js';
import { RunBook } from './run-book.js';
import { priorRuns } from './prior-runs.js';
import { toWatermark } from './run-record.js';
import { RunOutcomes } from './run-outcomes.js';
import type { Progress, RecordOutcome, SyncResult, SyncTrigger } from './types.js';
import { compactHeap } from '../shared/young-generation.js';

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
  /** How long to wait for another process's sync lease (default: not at all). */
  leaseWaitMs?: number;
  /** Told once when the run waits for the lease. */
  onLeaseWait?: (holder: string, since: string) => void;
  /** Who this run is, for the lease (`sf pcsync run`). */
  holder?: string;
  /** The change feed position this run completes: kept on its run record only if it leaves nothing to retry. */
  replayId?: number;
  /** Why this run runs as it does, in words, for its run record (a change event pass's retry, a lost replay id). */
  notices?: string[];
};

export type SyncDependencies = {
  connection: Connection;
  client: PartnerCenterClient;
  config: PcsyncConfig;
  /** Counts requests and keeps the servers' clocks; give the one the Partner Center client records into. */
  traffic?: Traffic;
};

export async function runSync(deps: SyncDependencies, options: SyncOptions = {}): Promise<SyncResult> {
  const now = options.now ?? ((): Date => new Date());
  const dryRun = options.dryRun ?? false;
  const trigger = options.trigger ?? 'Manual';
  const traffic = deps.traffic ?? new Traffic();
  instrumentConnection(deps.connection, traffic);
  const before = traffic.snapshot();
  const schema = new OrgSchema(deps.connection);
  const { rules, limits } = await describeOrg(deps.config, schema);
  const lease = dryRun ? undefined : await holdSyncLease(deps.connection, deps.config, traffic, options);
  try {
    return await syncUnderLease(deps, options, { rules, limits, schema, traffic, before, now, dryRun, trigger, lease });
  } finally {
    await lease?.release();
  }
}

type RunSetup = {
  rules: SyncContext['rules'];
  limits: FieldLimits;
  schema: OrgSchema;
  traffic: Traffic;
  before: ReturnType<Traffic['snapshot']>;
  now: () => Date;
  dryRun: boolean;
  trigger: SyncTrigger;
  lease?: HeldLease;
};

async function syncUnderLease(deps: SyncDependencies, options: SyncOptions, setup: RunSetup): Promise<SyncResult> {
  const { traffic, now, dryRun, trigger, lease } = setup;
  const ctx: SyncContext = {
    ...deps,
    rules: setup.rules,
    limits: setup.limits,
    schema: setup.schema,
    dryRun,
    now,
    traffic,
    progress: options.progress ?? ((): void => undefined),
    checkpoint: () => lease?.assertHeld(),
    notices: new Set(options.notices),
    priorStates: new Map(),
  };
  const orgNow = (): string => (traffic.serverNow('salesforce') ?? now()).toISOString();
  const startedAt = orgNow();
  const prior = await priorRuns(deps.connection, { watermarks: !options.full && !options.since, unclosed: !dryRun });
  const { openLeads: previousOpenLeads, ...previous } = prior.previous;
  const given = toWatermark(options.since);
  const since = { inbound: given ?? previous.inbound, outbound: given ?? previous.outbound };
  const targeted = Boolean(options.referralIds?.length || options.recordIds?.length);
  const direction = options.direction ?? 'both';
  const runInbound = direction !== 'outbound' && (!targeted || Boolean(options.referralIds?.length));
  const runOutbound = direction !== 'inbound' && (!targeted || Boolean(options.recordIds?.length));

  const bulkThreshold = deps.config.sync.bulkThreshold;
  const stale = lease?.stale;
  const run = dryRun
    ? undefined
    : await RunBook.open(deps.connection, {
        trigger,
        startedAt,
        bulkThreshold,
        ...(stale ? { stale } : {}),
        ...(prior.unclosed ? { unclosed: prior.unclosed } : {}),
      });

  const outcomes = new RunOutcomes({
    events: dryRun || !deps.config.notifications.enabled ? undefined : deps.config.notifications.events,
    priorStates: ctx.priorStates,
  });
  const watermarks: SyncResult['watermarks'] = { ...previous };
  // A pass over several windows hands each window's outcomes here as it is done: their events are written then, and
  // the run keeps their counts and failures, so memory does not grow with every record.
  const settleWindow = async (window: RecordOutcome[]): Promise<void> => {
    await run?.writeEvents(window, orgNow());
    outcomes.settle(window);
    // The next window reads its own Opportunities; this one's states were only needed for its notifications.
    ctx.priorStates.clear();
    compactHeap(); // what the window held is garbage now: the next one starts from what is live
  };
  let failure: unknown;
  let openLeads: number | null = null;
  let made = 0; // flagged Opportunities the inbound pass created: the outbound read has at least as many rows
  try {
    if (runInbound) {
      const inbound = await inboundPass(
        ctx,
        {
          ...(since.inbound ? { since: since.inbound } : {}),
          ...(options.referralIds ? { referralIds: options.referralIds } : {}),
        },
        settleWindow
      );
      outcomes.add(inbound.outcomes);
      made = outcomes.summary.inbound.created;
      if (!targeted && inbound.watermark) watermarks.inbound = inbound.watermark;
    }
    if (runOutbound) {
      ctx.checkpoint();
      const outbound = await outboundPass(
        ctx,
        {
          ...(since.outbound ? { since: since.outbound } : {}),
          ...(options.recordIds ? { recordIds: options.recordIds } : {}),
          made,
        },
        settleWindow
      );
      outcomes.add(outbound.outcomes);
      if (!targeted && outbound.watermark) watermarks.outbound = outbound.watermark;
    }
    // Asked only while Leads may await a decision: none known and none seen this run costs no request.
    const leadsKnown = knownOpenLeads(
      ctx,
      outcomes.metLeads,
      previousOpenLeads,
      runInbound && !since.inbound && !targeted
    );
    openLeads = leadsKnown;
    if (runOutbound && !targeted && leadsKnown === null && deps.config.leads.sync === 'lead') {
      ctx.checkpoint();
      const leads = await leadOutbound(ctx);
      outcomes.add(leads.outcomes);
      openLeads = leads.open;
    }
  } catch (error) {
    failure = error;
  }
  await notifyOwners(ctx, outcomes.owedAlerts(), outcomes.touched);

  const { summary, errors } = outcomes;
  const result: SyncResult = {
    ...(run ? { runId: run.id } : {}),
    dryRun,
    trigger,
    startedAt,
    finishedAt: orgNow(),
    status: failure ? 'Failed' : errors > 0 ? 'Partially Succeeded' : 'Succeeded',
    summary,
    watermarks: failure ? previous : watermarks,
    records: outcomes.records,
    ...(ctx.notices.size ? { notices: [...ctx.notices] } : {}),
  };
  if (run) {
    failure = await run.close(result, {
      outcomes,
      failure,
      notices: ctx.notices,
      requests: () => {
        const spent = traffic.since(setup.before);
        return totalOf(spent.salesforce) + totalOf(spent['partner-center']);
      },
      openLeads,
      ...(options.replayId === undefined ? {} : { replayId: options.replayId }),
      checkpoint: ctx.checkpoint,
    });
  }
  if (failure) throw failure instanceof Error ? failure : new Error('sync failed', { cause: failure });
  return result;
}

/**
 * How many of the sync's Leads await the seller's decision, when that is known without asking the org: none if the
 * last finished run left none (or there is none and this run listed every referral) and this run met no Lead.
 * Null: unknown — the outbound pass asks.
 */
function knownOpenLeads(
  ctx: SyncContext,
  metLeads: boolean,
  previous: number | null | undefined,
  listedAll: boolean
): number | null {
  if (ctx.config.leads.sync !== 'lead') return null;
  const noneBefore = previous === 0 || (previous === undefined && listedAll);
  return noneBefore && !metLeads ? 0 : null;
}
