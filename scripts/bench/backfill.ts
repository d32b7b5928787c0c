/**
 * Backfill (full first sync), its API economy against the minimum, the no-op run after it, the naive per-record
 * baseline on a sample, and peak RSS for a large backfill.
 */
import { runSync } from '../../src/sync/engine.js';
import { OPP } from '../../src/salesforce/fields.js';
import { dataRequests, isToken, isWrite, rssSampler, round, sum, type Bench } from './env.js';

const RUN_OBJECT = 'Partner_Center_Sync_Run__c';

export type BackfillResult = {
  referrals: number;
  /** False when the run outlived its time bound (the figures are then up to the bound). */
  finished: boolean;
  /** The run's status and its first record error, if any (a figure from a failed run is not a backfill). */
  status: string;
  errors: number;
  firstError?: string;
  opportunitiesCreated: number;
  wallMs: number;
  peakRssMb: number;
  partnerCenter: Record<string, number>;
  salesforce: Record<string, number>;
  pcListRequests: number;
  opportunityWriteRequests: number;
  opportunityWriteApi: 'collections' | 'bulk';
  records: Record<string, number>;
};

export type EconomyResult = {
  made: number;
  minimum: number;
  ratio: number;
  minimumParts: Record<string, number>;
};

export type NoopResult = {
  requests: number;
  writes: number;
  runRecordWrites: number;
  dataWritesExcludingJournal: number;
  byEndpoint: Record<string, number>;
};

export type NaiveResult = {
  sample: number;
  requests: number;
  requestsPerReferral: number;
  sampleMs: number;
  extrapolatedRequests: number;
  extrapolatedMs: number;
};

/** Bulk API 2.0 job: create, upload, close, one status poll, successful/failed/unprocessed result reads. */
const BULK_JOB_MIN_REQUESTS = 7;

export async function backfill(bench: Bench, n: number, timeoutMs = 15 * 60_000): Promise<BackfillResult> {
  const { pc, sf } = bench;
  pc.reset();
  sf.reset({ keepSchema: true });
  pc.admin.seedReferrals(n, 'cosell');
  sf.resetCounters();
  pc.resetCounters();
  const rss = rssSampler();
  const started = performance.now();
  const sync = runSync({ connection: bench.connection, client: bench.referrals, config: bench.config }, { full: true });
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  const result = await Promise.race([sync, bound]).finally(() => clearTimeout(timer));
  // Past the bound the run is left behind (it fails once the emulators close); the figures say it did not finish.
  if (!result) sync.catch(() => undefined);
  const wallMs = performance.now() - started;
  const peak = rss.stop();
  const failed = result?.records.find((record) => record.outcome === 'error');
  const firstError = failed ? JSON.stringify(failed).slice(0, 300) : undefined;
  const sfCounters = sf.counters();
  const bulk = sum(sfCounters, (key) => /jobs\/ingest/.test(key));
  const opportunityCollections = sf
    .requests()
    .filter((entry) => entry.method === 'PATCH' && entry.path.includes('/composite/sobjects/Opportunity/')).length;
  const records: Record<string, number> = {};
  for (const object of ['Opportunity', 'Account', 'Contact', 'OpportunityContactRole', RUN_OBJECT])
    records[object] = sf.records(object).length;
  return {
    referrals: n,
    finished: result !== undefined,
    status: result?.status ?? 'Unfinished',
    errors: result ? result.summary.inbound.error + result.summary.outbound.error : 0,
    ...(firstError ? { firstError } : {}),
    opportunitiesCreated: result ? result.summary.inbound.created : sf.records('Opportunity').length,
    wallMs,
    peakRssMb: round(peak / 2 ** 20),
    partnerCenter: pc.counters(),
    salesforce: sfCounters,
    pcListRequests: pc.counters()['GET /referrals'] ?? 0,
    opportunityWriteRequests: n > bench.config.sync.bulkThreshold ? bulk : opportunityCollections,
    opportunityWriteApi: n > bench.config.sync.bulkThreshold ? 'bulk' : 'collections',
    records,
  };
}

/**
 * The minimum for a backfill of N referrals: ceil(N/100) list pages; per object written (Opportunity, Account,
 * Contact, OpportunityContactRole), ceil(rows/200) collections, or one Bulk API 2.0 job above sync.bulkThreshold;
 * plus opening and closing the run record (2 writes).
 */
export function economy(bench: Bench, result: BackfillResult): EconomyResult {
  const batches = (rows: number): number =>
    rows === 0 ? 0 : rows > bench.config.sync.bulkThreshold ? BULK_JOB_MIN_REQUESTS : Math.ceil(rows / 200);
  const minimumParts: Record<string, number> = {
    'Partner Center list pages (ceil(N/100))': Math.ceil(result.referrals / 100),
    'Opportunity writes': batches(result.records.Opportunity),
    'Account writes': batches(result.records.Account),
    'Contact writes': batches(result.records.Contact),
    'OpportunityContactRole writes': batches(result.records.OpportunityContactRole),
    'run record open + close, lease take + release': 4,
  };
  const minimum = sum(minimumParts);
  const made = dataRequests(result.partnerCenter) + dataRequests(result.salesforce);
  return { made, minimum, ratio: round(made / minimum, 2), minimumParts };
}

/** An incremental run right after the backfill. */
export async function noop(bench: Bench): Promise<NoopResult> {
  bench.sf.resetCounters();
  bench.pc.resetCounters();
  await fetch(`${bench.sf.url}/__emulator/requests`, { method: 'DELETE' });
  await runSync({ connection: bench.connection, client: bench.referrals, config: bench.config }, {});
  const sfCounters = bench.sf.counters();
  const pcCounters = bench.pc.counters();
  const writes = sum(sfCounters, isWrite) + sum(pcCounters, isWrite);
  // The run takes and releases its lease and opens and closes its run record; nothing else may write.
  const journal = bench.sf
    .requests()
    .filter((entry) => /^(POST|PATCH|PUT|DELETE)$/.test(entry.method) && /Sync_(Run|Lease)__c/.test(entry.path)).length;
  const byEndpoint: Record<string, number> = {};
  for (const [key, n] of Object.entries(pcCounters)) if (!isToken(key)) byEndpoint[`PC ${key}`] = n;
  for (const [key, n] of Object.entries(sfCounters)) byEndpoint[`SF ${key}`] = n;
  return {
    requests: dataRequests(pcCounters) + dataRequests(sfCounters),
    writes,
    runRecordWrites: journal,
    dataWritesExcludingJournal: writes - journal,
    byEndpoint,
  };
}

/**
 * What a per-record flow does (as Microsoft's Power Automate flows do): for each referral, read it, query its
 * Opportunity by Referral_Identifier__c, upsert that one Opportunity — sequentially. Measured on `sample` referrals
 * already imported, extrapolated linearly to `n`.
 */
export async function naive(bench: Bench, sample: number, n: number): Promise<NaiveResult> {
  const ids = bench.sf
    .records('Opportunity')
    .map((row) => row[OPP.referralId])
    .filter((id): id is string => typeof id === 'string' && id.length > 0)
    .slice(0, sample);
  // One token request up front so the sample counts data requests only.
  await bench.referrals.get(ids[0]);
  bench.sf.resetCounters();
  bench.pc.resetCounters();
  const opportunity = bench.connection.sobject('Opportunity');
  const started = performance.now();
  for (const id of ids) {
    const referral = await bench.referrals.get(id);
    await bench.connection.query(`SELECT Id, Name, Amount FROM Opportunity WHERE ${OPP.referralId} = '${id}'`);
    await opportunity.upsert(
      { [OPP.referralId]: id, Name: referral.name, Description: referral.details?.notes ?? null },
      OPP.referralId
    );
  }
  const sampleMs = performance.now() - started;
  const requests = dataRequests(bench.pc.counters()) + dataRequests(bench.sf.counters());
  return {
    sample: ids.length,
    requests,
    requestsPerReferral: round(requests / ids.length, 2),
    sampleMs,
    extrapolatedRequests: Math.round((requests / ids.length) * n),
    extrapolatedMs: (sampleMs / ids.length) * n,
  };
}

/** Peak RSS (whole process, emulators included) over a full backfill of `n` referrals. */
export async function memory(
  bench: Bench,
  n: number,
  timeoutMs: number
): Promise<{
  referrals: number;
  peakRssMb: number;
  wallMs: number;
  created: number;
  finished: boolean;
  status: string;
  errors: number;
  firstError?: string;
}> {
  const result = await backfill(bench, n, timeoutMs);
  return {
    referrals: n,
    peakRssMb: result.peakRssMb,
    wallMs: result.wallMs,
    created: result.opportunitiesCreated,
    finished: result.finished,
    status: result.status,
    errors: result.errors,
    ...(result.firstError ? { firstError: result.firstError } : {}),
  };
}
