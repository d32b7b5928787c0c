/**
 * The backfill (a full first sync) and the no-op run after it, each as the real `sf pcsync run` process: its wall
 * time, its process tree's peak RSS, the requests both emulators counted, the rows it left in the org, and its run
 * record — whose Request_Count__c is checked against the emulators' own count of the run's requests.
 */
import { isSignIn, isWrite, lastSeq, total, type Counters } from './emulators.js';
import type { World } from './world.js';

/** The objects a backfill writes: the data, then the run's events (SPEC: every run writes its events). */
export const WRITTEN_OBJECTS = [
  'Opportunity',
  'Account',
  'Contact',
  'OpportunityContactRole',
  'Partner_Center_Sync_Event__c',
] as const;
const RUN_OBJECT = 'Partner_Center_Sync_Run__c';
/** The run's bookkeeping objects: its run record and the org's sync lease. */
const BOOKKEEPING_PATH = /\/Partner_Center_Sync_(Run|Lease)__c\b/;

export type RunRecord = {
  Id: string;
  Status__c: string;
  Request_Count__c: number | null;
  Inbound_Created__c: number | null;
  Inbound_Errors__c: number | null;
  Outbound_Errors__c: number | null;
  Message__c: string | null;
};

export type SyncProcess = {
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  wallMs: number;
  peakRssMb: number;
  highWaterRssMb: number;
  processes: number;
  partnerCenter: Counters;
  salesforce: Counters;
  /** Data requests (sign-in excluded) the emulators counted while the process ran. */
  made: { partnerCenter: number; salesforce: number };
  /** Salesforce requests logged after the run record's closing write (not in the run's own count). */
  afterClose: number;
  run?: RunRecord;
  /** Request_Count__c against the emulators: their data requests up to and including the run record's close. */
  requestCount: { recorded: number | null; emulators: number; equal: boolean };
  /** Writes other than the run record and the lease, both sides. */
  dataWrites: number;
};

const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

async function runIds(world: World): Promise<Set<string>> {
  const { records } = await world.sf.query<{ Id: string }>(`SELECT Id FROM ${RUN_OBJECT}`);
  return new Set(records.map((row) => row.Id));
}

/** `sf pcsync run ARGS` from zeroed counters; every figure read from outside the process. */
export async function syncProcess(
  world: World,
  args: string[],
  timeoutMs: number,
  env?: Record<string, string>
): Promise<SyncProcess> {
  const { sf, pc, cli } = world;
  const before = await runIds(world);
  const since = lastSeq(await sf.requests());
  await Promise.all([sf.resetCounters(), pc.resetCounters()]);
  const command = ['pcsync', 'run', '--target-org', cli.alias, ...args];
  const outcome = await cli.run(command, { timeoutMs, ...(env ? { env } : {}) });
  // Read the counters and the log before the bench's own read-backs below add to them.
  const [salesforce, partnerCenter, log] = await Promise.all([sf.counters(), pc.counters(), sf.requests()]);
  const mine = log.filter((entry) => entry.seq > since);
  const close = mine
    .filter((entry) => entry.method === 'PATCH' && entry.path.includes(`/sobjects/${RUN_OBJECT}/`))
    .pop();
  const afterClose = close ? mine.filter((entry) => entry.seq > close.seq).length : 0;
  const made = { partnerCenter: total(partnerCenter, (key) => !isSignIn(key)), salesforce: total(salesforce) };
  const fields =
    'Id, Status__c, Request_Count__c, Inbound_Created__c, Inbound_Errors__c, Outbound_Errors__c, Message__c';
  const runs = (await sf.query<RunRecord>(`SELECT ${fields} FROM ${RUN_OBJECT}`)).records;
  const run = runs.find((row) => !before.has(row.Id));
  const emulators = made.partnerCenter + made.salesforce - afterClose;
  const bookkeeping = mine.filter((entry) => isWrite(`${entry.method} `) && BOOKKEEPING_PATH.test(entry.path)).length;
  // A Composite request that wrote no record (the describes, its subrequests all GETs) is a read: the request log says
  // how many records each request wrote (capped in length, so a long run may count such a read as a write, never less).
  const readsAsComposite = mine.filter((entry) => /\/composite$/.test(entry.path) && entry.records === 0).length;
  const writes =
    total(salesforce, isWrite) - readsAsComposite + total(partnerCenter, (key) => isWrite(key) && !isSignIn(key));
  return {
    command: `sf ${command.join(' ')}`,
    exitCode: outcome.code,
    timedOut: outcome.timedOut,
    wallMs: outcome.wallMs,
    peakRssMb: mb(Math.max(outcome.rss.sampledBytes, outcome.rss.highWaterBytes)),
    highWaterRssMb: mb(outcome.rss.highWaterBytes),
    processes: outcome.rss.processes,
    partnerCenter,
    salesforce,
    made,
    afterClose,
    ...(run ? { run } : {}),
    requestCount: {
      recorded: run?.Request_Count__c ?? null,
      emulators,
      equal: run?.Request_Count__c === emulators,
    },
    dataWrites: writes - bookkeeping,
  };
}

export type BackfillResult = SyncProcess & {
  referrals: number;
  rows: Record<string, number>;
  duplicateRules: boolean;
};

export type BackfillOptions = {
  /** Reaches the sf process (e.g. NODE_OPTIONS for a heap profile). */
  env?: Record<string, string>;
  customers?: 'numbered' | 'distinct';
  /**
   * The org's standard duplicate rules (on, as in a real org, unless told). The memory row turns them off: the
   * emulator looks each new Account and Contact up by match keys (duplicate-index.ts), but an Account's lookup still
   * costs more as Accounts accrue, while the sync's memory does not depend on it.
   */
  duplicateRules?: boolean;
  /** More arguments for `sf pcsync run --full` (e.g. `--config FILE`). */
  args?: string[];
};

/**
 * A full first sync of `n` seeded co-sell referrals into an empty org, each from a customer of its own (a real
 * partner's referrals come from different companies; near-identical seeded ones would all be one customer to the
 * org's duplicate rules; `numbered` seeds those, for comparison with earlier baselines).
 */
export async function backfill(
  world: World,
  n: number,
  timeoutMs: number,
  options: BackfillOptions = {}
): Promise<BackfillResult> {
  await Promise.all([world.sf.reset(), world.pc.reset()]);
  await world.sf.settings({ duplicateRules: options.duplicateRules ?? true });
  await world.pc.seed(n, 'cosell', options.customers ?? 'distinct');
  const result = await syncProcess(world, ['--full', ...(options.args ?? [])], timeoutMs, options.env);
  const rows: Record<string, number> = {};
  for (const object of WRITTEN_OBJECTS) rows[object] = await world.sf.count(object);
  return { ...result, referrals: n, rows, duplicateRules: options.duplicateRules ?? true };
}

/** An incremental run right after a backfill, with nothing changed on either side. */
export function noop(world: World, timeoutMs: number): Promise<SyncProcess> {
  return syncProcess(world, [], timeoutMs);
}
