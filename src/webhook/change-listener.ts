/**
 * `serve`'s Change Data Capture subscription: only the replica holding the org's `change-feed` lease subscribes, so
 * one Opportunity save starts one outbound pass whatever the number of replicas. The lease is a lease of its own (not
 * the `sync` lease, which each pass takes and gives back): it is renewed while the subscription lives, and a replica
 * that finds it taken over unsubscribes; the others try to take it at each renewal period, so one takes over when the
 * holder dies. A refused subscribe because the org has no channel member is said once, with the fix, and the caller
 * falls back to the outbound poll.
 */
import { hostname } from 'node:os';
import type { Connection } from '@jsforce/jsforce-node';
import type { PcsyncConfig } from '../config/schema.js';
import { LeaseLostError, OrgLease } from '../salesforce/lease.js';
import {
  ChangeFeedRefused,
  REPLAY_NEW,
  subscribeChangeFeed,
  SubscribeStopped,
  type ChangeBatch,
  type ChangeEvent,
  type ChangeFeed,
} from '../sync/change-feed.js';
import { syncMessages as messages } from '../sync/messages.js';
import type { WebhookLogger } from './logger.js';

/** The lease whose holder subscribes. */
export const CHANGE_FEED_LEASE_KEY = 'change-feed';
/** A rep's saves in a row become one pass; short enough to stay well within seconds. */
export const CHANGE_FEED_QUIET_MS = 300;
const MAX_BATCH = 200;

export type ChangeListenerOptions = {
  connection: Connection;
  config: PcsyncConfig;
  logger: WebhookLogger;
  /** The org's current time, for the lease. */
  clock: () => Date;
  /** Where the subscription starts: the stored replay id, or REPLAY_NEW. */
  replayFrom: () => Promise<number>;
  onBatch: (batch: ChangeBatch) => Promise<readonly string[] | void>;
  /** The stored replay id is no longer retained: the subscription started from new events, the gap is the caller's. */
  onReplayLost: (replayId: number) => void;
  onEvent?: (outcome: 'relevant' | 'echo' | 'ignored', event: ChangeEvent) => void;
  /** The subscribe was refused (no channel member, or a replay id the bus no longer has). */
  onRefused: (reason: ChangeFeedRefused['reason']) => void;
};

export type ChangeListener = {
  /** Whether this replica is subscribed now. */
  subscribed(): boolean;
  close(): Promise<void>;
};

export function startChangeListener(options: ChangeListenerOptions): ChangeListener {
  const { logger } = options;
  const ttlMs = options.config.sync.leaseSeconds * 1000;
  const lease = new OrgLease(options.connection, {
    key: CHANGE_FEED_LEASE_KEY,
    holder: `sf pcsync serve (pid ${process.pid} on ${hostname()})`,
    ttlMs,
    clock: options.clock,
  });
  let feed: ChangeFeed | undefined;
  let held = false;
  let closed = false;
  let toldUnavailable = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> = Promise.resolve();
  // A subscription still being made when the listener closes is given up, not awaited (it may never be answered).
  const stopping = new AbortController();

  const unsubscribe = async (): Promise<void> => {
    const current = feed;
    feed = undefined;
    await current?.close();
  };

  const subscribe = async (from?: number): Promise<void> => {
    const replayFrom = from ?? (await options.replayFrom());
    try {
      feed = await subscribeChangeFeed({
        connection: options.connection,
        rules: options.config.mapping,
        replayFrom,
        quietMs: CHANGE_FEED_QUIET_MS,
        maxBatch: MAX_BATCH,
        onBatch: options.onBatch,
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
        onError: (error) => logger.error('change-feed-failed', { message: (error as Error).message }),
        signal: stopping.signal,
      });
      logger.info('change-feed-subscribed', { replayFrom });
    } catch (error) {
      if (error instanceof SubscribeStopped) return;
      if (!(error instanceof ChangeFeedRefused)) throw error;
      if (error.reason === 'invalid-replay-id' && replayFrom !== REPLAY_NEW) {
        // Subscribed from new events first, then the gap is filled: a change made between the two is in both.
        logger.warn('change-feed-replay-lost', { replayId: replayFrom, message: error.message });
        await subscribe(REPLAY_NEW);
        if (feed) options.onReplayLost(replayFrom);
        return;
      }
      if (error.reason === 'unknown-channel') {
        if (!toldUnavailable)
          logger.warn('change-feed-unavailable', {
            message: messages.getMessage('changeFeed.unavailable', [error.message]),
          });
        toldUnavailable = true;
      } else {
        logger.warn('change-feed-refused', { reason: error.reason, message: error.message });
      }
      options.onRefused(error.reason);
      // Not subscribed: the lease goes to whoever can subscribe, and this replica tries again later.
      held = false;
      await lease.release();
    }
  };

  let standing = false;
  const tick = async (): Promise<void> => {
    if (closed) return;
    try {
      if (held) {
        await lease.renew();
        return;
      }
      const taken = await lease.tryAcquire();
      if (!taken.acquired) {
        // Said once per wait: another replica holds the subscription; this one takes over when its lease lapses.
        if (!standing) logger.info('change-feed-standby', {});
        standing = true;
        return;
      }
      standing = false;
      held = true;
      await subscribe();
    } catch (error) {
      if (error instanceof LeaseLostError) {
        held = false;
        logger.info('change-feed-lease-lost', {});
        await unsubscribe();
        return;
      }
      logger.error('change-feed-failed', { message: (error as Error).message });
    }
  };

  const schedule = (): void => {
    if (closed) return;
    ticking = tick().finally(() => {
      if (!closed) timer = setTimeout(schedule, Math.max(1000, Math.floor(ttlMs / 3)));
    });
  };
  schedule();

  return {
    subscribed: () => feed !== undefined,
    close: async (): Promise<void> => {
      closed = true;
      clearTimeout(timer);
      stopping.abort();
      await ticking;
      await unsubscribe();
      if (held) await lease.release().catch(() => undefined);
    },
  };
}
