/**
 * One runner per org: a lease kept in the org itself (Partner_Center_Sync_Lease__c), so `sf pcsync run` from cron
 * and `sf pcsync serve` replicas on any machine never sync at the same time.
 *
 * Taken atomically by creating the key's record (Key__c is a unique External ID: of two concurrent creates, one
 * fails with DUPLICATE_VALUE); renewed by its holder while a pass runs; free again once Expires_At__c (the org's
 * clock) has passed, or at once when its holder ran on this machine and that process is gone. A stale lease is taken
 * over by deleting that record (only one delete of it can succeed) and creating a new one. A holder whose record was
 * taken over learns it at its next renewal and stops writing.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Connection } from '@jsforce/jsforce-node';
import { LEASE } from './fields.js';
import { queryAll, soqlString } from './records.js';
import { retrying } from './results.js';

export type LeaseRecord = {
  id: string;
  holder: string;
  token: string;
  acquiredAt: string;
  expiresAt: string;
};

export type LeaseOptions = {
  /** The lease's name: `sync` for sync passes. */
  key: string;
  /** What the holder is, in words (`sf pcsync run`). */
  holder: string;
  ttlMs: number;
  /** The org's current time (from its Date headers). */
  clock: () => Date;
  /** Is a process of this machine still running? (Injectable for tests.) */
  processAlive?: (pid: number) => boolean;
};

export class LeaseBusyError extends Error {
  public constructor(public readonly current: LeaseRecord) {
    super(`The lease is held by ${current.holder} since ${current.acquiredAt}`);
    this.name = 'LeaseBusyError';
  }
}

export class LeaseLostError extends Error {
  public constructor(key: string) {
    super(`The ${key} lease was taken over by another process`);
    this.name = 'LeaseLostError';
  }
}

type Row = Record<string, string | null> & { Id: string };

const FATAL = ['INVALID_TYPE', 'INVALID_FIELD', 'INSUFFICIENT_ACCESS_OR_READONLY', 'INSUFFICIENT_ACCESS', 'NOT_FOUND'];

const errorCode = (error: unknown): string | undefined =>
  (error as { errorCode?: string; name?: string }).errorCode ?? (error as { name?: string }).name;

const defaultProcessAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export class OrgLease {
  /** Host, process id and a random part: who we are, across machines and restarts. */
  public readonly token = `${hostname()}:${process.pid}:${randomUUID()}`;
  private held?: LeaseRecord;
  private lost = false;

  public constructor(
    private readonly connection: Connection,
    private readonly options: LeaseOptions
  ) {}

  public get record(): LeaseRecord | undefined {
    return this.held;
  }

  /** The lease's current record, if any. */
  public async read(): Promise<LeaseRecord | undefined> {
    const fields = [LEASE.holder, LEASE.token, LEASE.acquiredAt, LEASE.expiresAt].join(', ');
    const soql = `SELECT Id, ${fields} FROM ${LEASE.object} WHERE ${LEASE.key} = ${soqlString(this.options.key)}`;
    const [row] = await queryAll<Row>(this.connection, soql);
    return row ? toLease(row) : undefined;
  }

  /** Takes the lease if it is free; otherwise says who holds it. `stale` is the record taken over, if any. */
  public async tryAcquire(): Promise<
    { acquired: true; stale?: LeaseRecord } | { acquired: false; current: LeaseRecord }
  > {
    let stale: LeaseRecord | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const created = await this.create();
      if (created) return { acquired: true, ...(stale ? { stale } : {}) };
      const current = await this.read();
      if (!current) continue; // Released between our create and our read: try again.
      if (current.token === this.token) {
        // Our own create committed, its answer was lost.
        this.held = current;
        return { acquired: true, ...(stale ? { stale } : {}) };
      }
      if (!this.isStale(current)) return { acquired: false, current };
      stale = current;
      await this.remove(current.id);
    }
    const current = await this.read();
    if (current) return { acquired: false, current };
    throw new Error(`The ${this.options.key} lease could not be taken`);
  }

  /** Takes the lease, waiting up to `waitMs` for its holder to finish. */
  public async acquire(
    waitMs: number,
    options: { pollMs?: number; onWait?: (current: LeaseRecord) => void } = {}
  ): Promise<{ stale?: LeaseRecord }> {
    const deadline = Date.now() + waitMs;
    let announced = false;
    for (;;) {
      const result = await this.tryAcquire();
      if (result.acquired) return result.stale ? { stale: result.stale } : {};
      if (Date.now() >= deadline) throw new LeaseBusyError(result.current);
      if (!announced) options.onWait?.(result.current);
      announced = true;
      const pause = Math.min(options.pollMs ?? 1000, Math.max(0, deadline - Date.now()));
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** Extends the lease; throws LeaseLostError when another process has taken it over. */
  public async renew(): Promise<void> {
    const held = this.assertHeld();
    const expiresAt = this.expiry();
    try {
      await retrying(() => this.connection.sobject(LEASE.object).update({ Id: held.id, [LEASE.expiresAt]: expiresAt }));
    } catch (error) {
      if (['ENTITY_IS_DELETED', 'NOT_FOUND', 'INVALID_CROSS_REFERENCE_KEY'].includes(errorCode(error) ?? '')) {
        this.lost = true;
        throw new LeaseLostError(this.options.key);
      }
      throw error;
    }
    this.held = { ...held, expiresAt };
  }

  /** The held lease, or LeaseLostError when a renewal found it taken over. */
  public assertHeld(): LeaseRecord {
    if (!this.held || this.lost) throw new LeaseLostError(this.options.key);
    return this.held;
  }

  public async release(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (held && !this.lost) await this.remove(held.id);
  }

  private expiry(): string {
    return new Date(this.options.clock().getTime() + this.options.ttlMs).toISOString();
  }

  private isStale(lease: LeaseRecord): boolean {
    if (Date.parse(lease.expiresAt) <= this.options.clock().getTime()) return true;
    // A holder that ran on this machine and whose process is gone will never renew.
    const [host, pid] = lease.token.split(':');
    const alive = this.options.processAlive ?? defaultProcessAlive;
    return host === hostname() && /^\d+$/.test(pid ?? '') && Number(pid) !== process.pid && !alive(Number(pid));
  }

  private async create(): Promise<boolean> {
    const acquiredAt = this.options.clock().toISOString();
    const values = {
      [LEASE.key]: this.options.key,
      [LEASE.holder]: this.options.holder.slice(0, 255),
      [LEASE.token]: this.token,
      [LEASE.acquiredAt]: acquiredAt,
      [LEASE.expiresAt]: this.expiry(),
    };
    try {
      const result = await this.connection.sobject(LEASE.object).create(values);
      if (!result.success) return false;
      this.held = toLease({ Id: result.id, ...values });
      this.lost = false;
      return true;
    } catch (error) {
      // Not deployed, or not allowed: waiting will not help.
      if (FATAL.includes(errorCode(error) ?? '')) throw error;
      // Taken (DUPLICATE_VALUE), or no answer (one lost after the org committed shows up on the read that follows).
      return false;
    }
  }

  private async remove(id: string): Promise<void> {
    try {
      await retrying(() => this.connection.sobject(LEASE.object).destroy(id));
    } catch (error) {
      // Someone else removed it first: fine, the create that follows decides.
      if (!['ENTITY_IS_DELETED', 'NOT_FOUND', 'INVALID_CROSS_REFERENCE_KEY'].includes(errorCode(error) ?? ''))
        throw error;
    }
  }
}

function toLease(row: Row): LeaseRecord {
  return {
    id: row.Id,
    holder: row[LEASE.holder] ?? '(unknown)',
    token: row[LEASE.token] ?? '',
    acquiredAt: row[LEASE.acquiredAt] ?? '',
    expiresAt: row[LEASE.expiresAt] ?? '',
  };
}
