/**
 * Where the sync stands, from the org's own records: who holds the sync lease (and whether it has lapsed, by the
 * org's clock, as the lease itself judges), and the last run that finished against the latest one.
 */
import { OrgLease } from '../salesforce/lease.js';
import { RUN, type RunStatus } from '../salesforce/fields.js';
import { queryAll } from '../salesforce/records.js';
import { SYNC_LEASE_KEY } from '../sync/lease.js';
import { describeError, outcome } from './outcome.js';
import type { Check, CheckOutcome, DoctorContext } from './types.js';

const orgNow = (ctx: DoctorContext): Date => ctx.clocks.salesforce.serverNow('salesforce') ?? ctx.now();

async function lease(ctx: DoctorContext): Promise<CheckOutcome> {
  // Only read() is called: the lease's own query, so the doctor reads the record exactly as a run would.
  const orgLease = new OrgLease(ctx.connection, {
    key: SYNC_LEASE_KEY,
    holder: 'sf pcsync doctor',
    ttlMs: ctx.config.sync.leaseSeconds * 1000,
    clock: () => orgNow(ctx),
  });
  let current;
  try {
    current = await orgLease.read();
  } catch (error) {
    return outcome('fail', 'leaseUnreadable', [describeError(error)], { key: 'deploy' });
  }
  if (!current) return outcome('pass', 'leaseFree');
  const { holder, acquiredAt, expiresAt } = current;
  if (Date.parse(expiresAt) > orgNow(ctx).getTime())
    return outcome('info', 'leaseHeld', [holder, acquiredAt, expiresAt]);
  return outcome('warn', 'leaseLapsed', [holder, acquiredAt, expiresAt], { key: 'leaseLapsed' });
}

type RunRow = Record<string, string | null>;

/** The runs whose watermarks the next incremental run starts from (src/sync/run-record.ts). */
const FINISHED: readonly RunStatus[] = ['Succeeded', 'Partially Succeeded'];

async function lastRun(ctx: DoctorContext): Promise<CheckOutcome> {
  const select = `SELECT ${[RUN.status, RUN.trigger, RUN.startedAt, RUN.finishedAt, RUN.message].join(', ')}`;
  const newest = `ORDER BY ${RUN.startedAt} DESC LIMIT 1`;
  const finished = `(${FINISHED.map((status) => `'${status}'`).join(', ')})`;
  let latest: RunRow | undefined;
  let succeeded: RunRow | undefined;
  try {
    [latest] = await queryAll<RunRow>(ctx.connection, `${select} FROM ${RUN.object} ${newest}`);
    [succeeded] = await queryAll<RunRow>(
      ctx.connection,
      `${select} FROM ${RUN.object} WHERE ${RUN.status} IN ${finished} ${newest}`
    );
  } catch (error) {
    return outcome('fail', 'runsUnreadable', [describeError(error)], { key: 'deploy' });
  }
  if (!latest) return outcome('warn', 'runsNone', [], { key: 'firstRun' });
  const field = (row: RunRow, name: string): string => row[name] ?? '?';
  const describe = (row: RunRow): string[] => [
    field(row, RUN.status),
    field(row, RUN.trigger),
    field(row, RUN.startedAt),
    field(row, RUN.message).slice(0, 200),
  ];
  if (!succeeded) {
    if (latest[RUN.status] === 'Running') return outcome('info', 'runFirstRunning', [field(latest, RUN.startedAt)]);
    return outcome('fail', 'runNeverSucceeded', describe(latest), { key: 'runFailed' });
  }
  const since = [field(succeeded, RUN.finishedAt), field(succeeded, RUN.trigger)];
  const latestStatus = latest[RUN.status] as RunStatus;
  if (latestStatus === 'Failed' || latestStatus === 'Interrupted') {
    return outcome('warn', 'runFailedSince', [...describe(latest), ...since], { key: 'runFailed' });
  }
  return outcome('pass', 'runSucceeded', since);
}

export const SYNC_STATE_CHECKS: readonly Check[] = [
  { id: 'sf-lease', run: lease },
  { id: 'sf-last-run', run: lastRun },
];
