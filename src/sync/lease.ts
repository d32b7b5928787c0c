/**
 * The sync lease around one run: taken before the run writes anything (waiting up to a bound), renewed on a timer
 * while it runs, released at the end. A run that could not renew in time stops before its next batch of writes.
 */
import { hostname } from 'node:os';
import type { Connection } from '@jsforce/jsforce-node';
import type { PcsyncConfig } from '../config/schema.js';
import { LeaseBusyError, LeaseLostError, OrgLease, type LeaseRecord } from '../salesforce/lease.js';
import type { Traffic } from '../shared/traffic.js';
import { syncMessages as messages } from './messages.js';

/** The lease every sync pass takes. */
export const SYNC_LEASE_KEY = 'sync';

export type HeldLease = {
  /** The lease this run took over from a process that died (its run is to be marked Interrupted). */
  stale?: LeaseRecord;
  /** Throws when the lease can no longer be counted on. */
  assertHeld(): void;
  release(): Promise<void>;
};

export type LeaseRequest = {
  leaseWaitMs?: number;
  onLeaseWait?: (holder: string, since: string) => void;
  holder?: string;
};

export async function holdSyncLease(
  connection: Connection,
  config: PcsyncConfig,
  traffic: Traffic,
  request: LeaseRequest
): Promise<HeldLease> {
  const ttlMs = config.sync.leaseSeconds * 1000;
  const lease = new OrgLease(connection, {
    key: SYNC_LEASE_KEY,
    holder: `${request.holder ?? 'pcsync'} (pid ${process.pid} on ${hostname()})`,
    ttlMs,
    clock: () => traffic.serverNow('salesforce') ?? new Date(),
  });
  let taken: { stale?: LeaseRecord };
  try {
    taken = await lease.acquire(request.leaseWaitMs ?? 0, {
      onWait: (current) => request.onLeaseWait?.(current.holder, current.acquiredAt),
    });
  } catch (error) {
    if (!(error instanceof LeaseBusyError)) throw error;
    const { holder, acquiredAt, expiresAt } = error.current;
    throw messages.createError('error.leaseBusy', [holder, acquiredAt, expiresAt]);
  }

  // When the held lease was last extended: the start of the request that extended it, as the org dates the new
  // expiry from then.
  let renewedAt = Date.now();
  let lost: unknown;
  let timer: NodeJS.Timeout | undefined;
  let released = false;
  // A renewal is a request, made only once the lease is at risk: two thirds into its period. That leaves a third of
  // the period for it to land (with its own retries) and, should it fail, for further attempts a sixth apart before
  // the lease could lapse; a run shorter than two thirds of the period renews never.
  const later = (delay: number): void => {
    if (released) return;
    timer = setTimeout(renewNow, Math.max(0, delay));
    timer.unref();
  };
  const renewNow = (): void => {
    const startedAt = Date.now();
    lease.renew().then(
      () => {
        renewedAt = startedAt;
        later(renewedAt + (ttlMs * 2) / 3 - Date.now());
      },
      (error: unknown) => {
        // Taken over: stop at the next batch. Any other failure: try again (a lease not renewed for a whole period
        // counts as lost all the same).
        if (error instanceof LeaseLostError) lost ??= error;
        else later(Math.max(500, Math.floor(ttlMs / 6)));
      }
    );
  };
  later((ttlMs * 2) / 3);

  return {
    ...(taken.stale ? { stale: taken.stale } : {}),
    assertHeld: () => {
      // Not renewed for a whole lease period: another process may have taken over since.
      if (lost !== undefined || Date.now() - renewedAt >= ttlMs) throw messages.createError('error.leaseLost');
      lease.assertHeld();
    },
    release: async () => {
      released = true;
      clearTimeout(timer);
      await lease.release().catch(() => undefined);
    },
  };
}
