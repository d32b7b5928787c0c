/**
 * serve's sync passes: one at a time in this process (across processes and machines the org's sync lease decides),
 * each logged, the periodic ones rescheduled when they end, and the state /healthz reports.
 */
import { runSync, type SyncDependencies, type SyncOptions } from '../sync/engine.js';
import { failures, type SyncResult } from '../sync/types.js';
import type { WebhookLogger } from './logger.js';

export type PassName = 'webhook' | 'change-events' | 'reconcile' | 'outbound-poll';

/** What the passes (and the start-up's sign-in check) tell about this serve, for /healthz. */
export type PassHealth = {
  lastPassSucceededAt?: string;
  lastPassFailedAt?: string;
  auth: 'valid' | 'invalid' | 'unknown';
};

export type PassScheduler = {
  readonly health: PassHealth;
  /** The pass's result; undefined when it failed as a whole or was skipped (logged either way). */
  run(name: PassName, sync: SyncOptions): Promise<SyncResult | undefined>;
  /** A periodic pass that never overlaps itself: the next one is scheduled when this one ends. */
  every(name: PassName, intervalMs: number, sync: SyncOptions): void;
  /** Starts the outbound poll every `intervalMs` (0: none); once started, later calls change nothing. */
  poll(intervalMs: number): void;
  /** No periodic pass starts any more. */
  stop(): void;
  /** True when every pass in flight ended within `ms`. */
  drain(ms: number): Promise<boolean>;
};

/** How long a webhook batch waits for the org's sync lease (another process's pass) before it fails. */
const WEBHOOK_LEASE_WAIT_MS = 5 * 60_000;
/** The error a run throws when another process holds the sync lease (messages/sync.md error.leaseBusy). */
const LEASE_BUSY = 'LeaseBusyError';

/** True when `work` settles within `ms`; false (and no timer left behind) when the bound passes first. */
export function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([
    work.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
  ]);
}

export function createPassScheduler(
  deps: SyncDependencies,
  logger: WebhookLogger,
  /** The sync itself; a stand-in in unit tests. */
  sync: typeof runSync = runSync
): PassScheduler {
  const health: PassHealth = { auth: 'unknown' };
  const timers: NodeJS.Timeout[] = [];
  let stopping = false;

  const logPass = (pass: PassName, result: SyncResult, ms: number): void => {
    const { inbound, outbound, leads } = result.summary;
    logger.info('pass', {
      pass,
      status: result.status,
      ms,
      inboundCreated: inbound.created,
      inboundUpdated: inbound.updated,
      outboundCreated: outbound.created,
      outboundUpdated: outbound.updated,
      leadsCreated: leads.created,
      leadsConverted: leads.converted,
      errors: failures(result.summary),
      conflicts: inbound.conflict + outbound.conflict,
      runId: result.runId,
    });
  };

  // One pass at a time in this process; across processes and machines the org's sync lease decides.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const next = turn.then(work, work);
    turn = next.catch(() => undefined);
    return next;
  };
  const runPass = async (name: PassName, options: SyncOptions): Promise<SyncResult | undefined> => {
    const started = Date.now();
    // A periodic pass another process is already doing is skipped; an event-driven batch waits its turn.
    const eventDriven = name === 'webhook' || name === 'change-events';
    const leaseWaitMs = eventDriven ? WEBHOOK_LEASE_WAIT_MS : 0;
    try {
      const result = await inTurn(() => sync(deps, { ...options, holder: 'sf pcsync serve', leaseWaitMs }));
      logPass(name, result, Date.now() - started);
      if (result.status !== 'Failed') health.lastPassSucceededAt = new Date().toISOString();
      health.auth = 'valid';
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : 'pass failed';
      if (!eventDriven && (error as { name?: string }).name === LEASE_BUSY) {
        logger.info('pass-skipped', { pass: name, reason: message });
        return undefined;
      }
      health.lastPassFailedAt = new Date().toISOString();
      if (/sign in again|sign-in/i.test(message)) health.auth = 'invalid';
      logger.error('pass-failed', { pass: name, message });
      if (name === 'webhook') throw error instanceof Error ? error : new Error(message);
      return undefined;
    }
  };

  const running = new Set<Promise<unknown>>();
  const run = (name: PassName, options: SyncOptions): Promise<SyncResult | undefined> => {
    const promise = runPass(name, options).finally(() => running.delete(promise));
    running.add(promise);
    return promise;
  };

  const every = (name: PassName, intervalMs: number, options: SyncOptions): void => {
    const tick = async (): Promise<void> => {
      if (stopping) return;
      await run(name, options);
      if (!stopping) timers.push(setTimeout(() => void tick(), intervalMs));
    };
    timers.push(setTimeout(() => void tick(), intervalMs));
  };
  let polling = false;

  return {
    health,
    run,
    every,
    poll: (intervalMs) => {
      if (polling || intervalMs <= 0) return;
      polling = true;
      every('outbound-poll', intervalMs, { direction: 'outbound', trigger: 'Reconcile' });
    },
    stop: () => {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
    },
    drain: (ms) => settlesWithin(Promise.allSettled([...running]), ms),
  };
}
