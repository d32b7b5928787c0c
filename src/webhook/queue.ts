/**
 * Between an acknowledged delivery and the sync engine: deduplication (a bounded LRU of dedupe keys), coalescing per
 * referral id, and batches of at most `batchSize` ids handed to `processBatch` with at most `concurrency` batches at
 * a time.
 *
 * Timing: a referral waits until no event arrived for `quietMs`, or `maxWaitMs` after the first waiting event — so a
 * burst of events for the same referrals becomes one read per referral, and a lone event is synced within ~`quietMs`.
 * An event whose `ResourceChangeUtcDate` is older than the start of the referral's last (or running) sync, by more
 * than `clockSkewMs`, is already covered by that read and is coalesced into it; any other event for a referral whose
 * sync is running marks it to run once more afterwards (the running read may predate the change). A failed batch is
 * logged and counted, not retried (and covers nothing): the reconcile pass heals it.
 */
import { BoundedMap } from './bounded-map.js';
import { VALIDATION_EVENT } from './events.js';
import { WebhookMetrics } from './metrics.js';
import { silentLogger, type WebhookLogger } from './logger.js';
import type { VerifiedDelivery } from './verify.js';

/**
 * The sync engine, targeted at the referrals events named (e.g. `runSync(deps, { referralIds, trigger: 'Webhook' })`).
 */
export type ProcessBatch = (referralIds: string[]) => Promise<void>;

export type WebhookQueueOptions = {
  processBatch: ProcessBatch;
  /** Most referral ids per `processBatch` call (default 25). */
  batchSize?: number;
  /** Most `processBatch` calls at a time (default 2). */
  concurrency?: number;
  /** Start once no event arrived for this long (default 100 ms)… */
  quietMs?: number;
  /** …or this long after the first waiting event (default 1000 ms). */
  maxWaitMs?: number;
  /** Dedupe keys (and per-referral last sync starts) remembered (default 10,000; the least recently used go first). */
  dedupeCapacity?: number;
  /**
   * How far Partner Center's clock may run behind ours (default 2000 ms): an event counts as covered by a sync only
   * when its change date is at least this much older than the sync's start.
   */
  clockSkewMs?: number;
  logger?: WebhookLogger;
  metrics?: WebhookMetrics;
  now?: () => number;
};

export type AcceptOutcome = 'queued' | 'coalesced' | 'duplicate' | 'ignored';
export type AcceptResult = { outcome: AcceptOutcome; referralId?: string };
export type DrainResult = { drained: boolean; pending: number; inFlight: number };

type Waiting = { firstChangedAt: number; events: number };

export class WebhookQueue {
  public readonly metrics: WebhookMetrics;
  private readonly processBatch: ProcessBatch;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly quietMs: number;
  private readonly maxWaitMs: number;
  private readonly logger: WebhookLogger;
  private readonly now: () => number;
  private readonly clockSkewMs: number;
  private readonly seen: BoundedMap<true>;
  /** When the last sync of each referral started (bounded like `seen`). */
  private readonly syncStarted: BoundedMap<number>;
  private readonly pending = new Map<string, Waiting>();
  private readonly running = new Map<string, Waiting>();
  /** Ids that received an event while running: they go back to `pending` when their batch ends. */
  private readonly again = new Map<string, Waiting>();
  private readonly batches = new Set<Promise<void>>();
  private active = 0;
  private ready = false;
  private quietTimer?: NodeJS.Timeout;
  private maxTimer?: NodeJS.Timeout;
  private idleWaiters: Array<() => void> = [];

  public constructor(options: WebhookQueueOptions) {
    this.processBatch = options.processBatch;
    this.batchSize = Math.max(1, options.batchSize ?? 25);
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.quietMs = Math.max(0, options.quietMs ?? 100);
    this.maxWaitMs = Math.max(this.quietMs, options.maxWaitMs ?? 1000);
    const capacity = Math.max(1, options.dedupeCapacity ?? 10_000);
    this.seen = new BoundedMap(capacity);
    this.syncStarted = new BoundedMap(capacity);
    this.clockSkewMs = Math.max(0, options.clockSkewMs ?? 2000);
    this.logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? new WebhookMetrics();
    this.now = options.now ?? Date.now;
  }

  /** Referral ids waiting (including those that will run again after their current batch). */
  public get depth(): number {
    return this.pending.size + this.again.size;
  }

  public get inFlight(): number {
    return this.running.size;
  }

  /** Takes a verified delivery: never throws, never waits for the sync. */
  public accept(delivery: VerifiedDelivery): AcceptResult {
    const fields = {
      eventName: delivery.eventName,
      referralId: delivery.referralId,
      changedAt: delivery.payload.ResourceChangeUtcDate,
    };
    if (this.seen.has(delivery.dedupeKey)) {
      this.seen.set(delivery.dedupeKey, true);
      this.metrics.deduplicated++;
      this.logger.info('webhook.duplicate', fields);
      return { outcome: 'duplicate', referralId: delivery.referralId };
    }
    this.seen.set(delivery.dedupeKey, true);

    if (!delivery.knownEvent || delivery.eventName === VALIDATION_EVENT || delivery.referralId === undefined) {
      this.metrics.ignored++;
      const why = !delivery.knownEvent
        ? 'unknown event'
        : delivery.eventName === VALIDATION_EVENT
          ? 'validation event'
          : 'no referral id in ResourceUri';
      this.logger[delivery.knownEvent && delivery.eventName !== VALIDATION_EVENT ? 'warn' : 'info']('webhook.ignored', {
        ...fields,
        why,
      });
      return { outcome: 'ignored' };
    }

    const id = delivery.referralId;
    const changedAt = delivery.changedAt.getTime();
    const lastStart = this.syncStarted.get(id);
    if (lastStart !== undefined && changedAt < lastStart - this.clockSkewMs) {
      this.metrics.coalesced++;
      this.logger.info('webhook.accepted', { ...fields, outcome: 'covered' });
      return { outcome: 'coalesced', referralId: id };
    }
    const target = this.running.has(id) ? this.again : this.pending;
    const existing = target.get(id);
    let outcome: AcceptOutcome = 'queued';
    if (existing) {
      existing.events++;
      existing.firstChangedAt = Math.min(existing.firstChangedAt, changedAt);
      this.metrics.coalesced++;
      outcome = 'coalesced';
    } else {
      target.set(id, { firstChangedAt: changedAt, events: 1 });
    }
    this.logger.info('webhook.accepted', { ...fields, outcome });
    this.schedule();
    return { outcome, referralId: id };
  }

  /** Resolves when nothing is waiting or running (tests; the server's shutdown uses `drain`). */
  public async whenIdle(): Promise<void> {
    if (this.isIdle()) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Starts everything waiting at once (no quiet period) and resolves when all of it finished, or after `timeoutMs`
   * with what is left. Batches still running after the bound are not cancelled.
   */
  public async drain(timeoutMs: number): Promise<DrainResult> {
    this.ready = true;
    this.clearTimers();
    this.pump();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.whenIdle().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), Math.max(0, timeoutMs));
      }),
    ]);
    clearTimeout(timer);
    const result = { drained: !timedOut, pending: this.depth, inFlight: this.inFlight };
    this.logger[timedOut ? 'warn' : 'info']('webhook.drained', result);
    return result;
  }

  private isIdle(): boolean {
    return this.pending.size === 0 && this.running.size === 0 && this.again.size === 0;
  }

  private schedule(): void {
    if (this.ready) {
      this.pump();
      return;
    }
    if (this.pending.size === 0) return;
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.flush(), this.quietMs);
    this.maxTimer ??= setTimeout(() => this.flush(), this.maxWaitMs);
  }

  private flush(): void {
    this.clearTimers();
    this.ready = true;
    this.pump();
  }

  private clearTimers(): void {
    clearTimeout(this.quietTimer);
    clearTimeout(this.maxTimer);
    this.quietTimer = undefined;
    this.maxTimer = undefined;
  }

  private pump(): void {
    while (this.ready && this.active < this.concurrency && this.pending.size > 0) {
      const batch: Array<[string, Waiting]> = [];
      for (const entry of this.pending) {
        batch.push(entry);
        if (batch.length >= this.batchSize) break;
      }
      for (const [id, waiting] of batch) {
        this.pending.delete(id);
        this.running.set(id, waiting);
      }
      this.active++;
      const run = this.run(batch).finally(() => {
        this.batches.delete(run);
      });
      this.batches.add(run);
    }
    if (this.pending.size === 0) this.ready = false;
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async run(batch: Array<[string, Waiting]>): Promise<void> {
    const ids = batch.map(([id]) => id);
    const started = this.now();
    for (const id of ids) this.syncStarted.set(id, started);
    this.metrics.batches++;
    try {
      await this.processBatch(ids);
      const done = this.now();
      this.metrics.processed += ids.length;
      for (const [, waiting] of batch) this.metrics.observeLag((done - waiting.firstChangedAt) / 1000);
      this.logger.info('webhook.batch', { referrals: ids.length, ms: done - started, outcome: 'ok' });
    } catch (error) {
      this.metrics.failed += ids.length;
      for (const id of ids) if (this.syncStarted.get(id) === started) this.syncStarted.delete(id);
      this.logger.error('webhook.batch', {
        referrals: ids.length,
        ms: this.now() - started,
        outcome: 'failed',
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      this.active--;
      for (const id of ids) {
        this.running.delete(id);
        const next = this.again.get(id);
        if (next) {
          this.again.delete(id);
          this.pending.set(id, next);
        }
      }
      if (this.pending.size > 0 && !this.ready && !this.quietTimer) this.schedule();
      this.pump();
    }
  }
}
