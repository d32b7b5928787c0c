/**
 * Inbound latency (Partner Center change → Opportunity updated, through the signed webhook and the serve service)
 * and outbound latency (rep flags an Opportunity → referral exists, through the serve service's outbound poll).
 */
import { startService, type RunningService } from '../../src/webhook/service.js';
import { runSync } from '../../src/sync/engine.js';
import { OPP, RUN } from '../../src/salesforce/fields.js';
import { silentLogger } from '../../src/webhook/index.js';
import { dataRequests, percentile, until, type Bench } from './env.js';

export type InboundResult = {
  changes: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  requestsPerChange: number;
  sequentialPerChange: number;
  floorMs: number;
  queueQuietMs: number;
};
export type OutboundResult = { samples: number; p50Ms: number; p95Ms: number; maxMs: number; pollIntervalMs: number };

const QUEUE_QUIET_MS = 100; // WebhookQueue default: a batch starts once no event arrived for this long

/**
 * Salesforce requests that ran one after another between a change and its Opportunity update: requests whose
 * [start, end] overlap merge into one wave. Requests not finished when the update was seen (closing the run record) are not on the path.
 */
function salesforceWaves(log: Array<{ at: string; ms: number }>, windows: Array<{ from: number; to: number }>): number {
  let waves = 0;
  for (const window of windows) {
    const intervals = log
      .map((entry) => ({ start: Date.parse(entry.at), end: Date.parse(entry.at) + entry.ms }))
      .filter((entry) => entry.start >= window.from && entry.end <= window.to)
      .sort((a, b) => a.start - b.start);
    let end = -Infinity;
    for (const interval of intervals) {
      if (interval.start >= end) waves++;
      end = Math.max(end, interval.end);
    }
  }
  return waves;
}

async function serve(bench: Bench, outboundPollIntervalMs?: number): Promise<RunningService> {
  const certificatePrefix = bench.pc.certificateUrl.slice(0, bench.pc.certificateUrl.lastIndexOf('/') + 1);
  return startService({
    deps: { connection: bench.connection, client: bench.referrals, config: bench.config },
    host: '127.0.0.1',
    port: 0,
    path: '/webhooks/partner-center',
    allowList: [certificatePrefix],
    trustedRoots: [bench.pc.signingRootPem],
    issuerAllowList: [`${bench.pc.url}/pkiops/`],
    reconcile: outboundPollIntervalMs !== undefined,
    reconcileIntervalMs: 3_600_000,
    outboundPollIntervalMs: outboundPollIntervalMs ?? 3_600_000,
    logger: silentLogger,
    checkAuth: async () => {
      await bench.referrals.pages().next();
    },
  });
}

export async function inbound(bench: Bench, changes: number): Promise<InboundResult> {
  const { pc, sf } = bench;
  pc.reset();
  sf.reset({ keepSchema: true });
  // One warm-up referral (certificate fetch, connections) plus the measured ones, imported before the webhook exists.
  const referrals = Array.from({ length: changes + 1 }, () => pc.admin.createIncoming('cosell'));
  await runSync({ connection: bench.connection, client: bench.referrals, config: bench.config }, { full: true });
  const service = await serve(bench);
  try {
    await bench.webhooks.register({ url: service.webhookUrl, events: ['referral-updated'] });
    const stage = (id: string): unknown =>
      sf.records('Opportunity').find((row) => row[OPP.referralId] === id)?.StageName;
    const windows: Array<{ from: number; to: number }> = [];
    const webhookRuns = (): Array<Record<string, unknown>> =>
      sf.records(RUN.object).filter((run) => run[RUN.trigger] === 'Webhook');
    let passes = 0;
    const change = async (id: string): Promise<number> => {
      const from = Date.now();
      const started = performance.now();
      pc.admin.transition(id, 'accept');
      await until(() => stage(id) === 'Qualification', 30_000, `the accepted stage of ${id}`);
      windows.push({ from, to: Date.now() });
      const elapsed = performance.now() - started;
      // The pass goes on to close its run record: let it finish so that the next change starts on a quiet service.
      passes++;
      await until(
        () => webhookRuns().length >= passes && webhookRuns().every((run) => run[RUN.status] !== 'Running'),
        30_000,
        'the webhook pass to close its run record'
      );
      return elapsed;
    };
    await change(referrals[0].id);
    await pc.admin.deliveriesIdle(10_000);
    windows.length = 0;
    sf.resetCounters();
    pc.resetCounters();
    const times: number[] = [];
    for (const referral of referrals.slice(1)) {
      times.push(await change(referral.id));
      await pc.admin.deliveriesIdle(10_000);
    }
    // Every request on the path of one change (its webhook pass: run record, rules, referral read, query, write)…
    const requestsPerChange = (dataRequests(sf.counters()) + dataRequests(pc.counters())) / changes;
    // …of which on the path, in sequence: Salesforce requests from the change to the Opportunity update, overlapping
    // ones counted once (emulator request log: start, duration), plus the Partner Center referral reads.
    const sequentialPerChange = (salesforceWaves(sf.requests(), windows) + dataRequests(pc.counters())) / changes;
    return {
      changes,
      p50Ms: percentile(times, 50),
      p95Ms: percentile(times, 95),
      maxMs: Math.max(...times),
      requestsPerChange,
      sequentialPerChange,
      floorMs: sequentialPerChange * bench.latencyMs,
      queueQuietMs: QUEUE_QUIET_MS,
    };
  } finally {
    await service.close(10_000);
  }
}

export async function outbound(bench: Bench, samples: number, pollIntervalMs = 1000): Promise<OutboundResult> {
  const { pc, sf } = bench;
  pc.reset();
  sf.reset({ keepSchema: true });
  sf.seed({ Account: [{ Name: 'Bench Tailspin', BillingCountryCode: 'US' }] });
  const account = sf.records('Account').find((row) => row.Name === 'Bench Tailspin');
  if (!account) throw new Error('the bench Account was not seeded');
  const service = await serve(bench, pollIntervalMs);
  try {
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const name = `Bench rollout ${i}`;
      const started = performance.now();
      sf.seed({
        Opportunity: [
          {
            Name: name,
            StageName: 'Qualification',
            CloseDate: '2027-05-31',
            AccountId: account.Id,
            [OPP.syncWith]: true,
            [OPP.solutions]: 'SOL-34104-EBB',
          },
        ],
      });
      const row = await until(
        () => sf.records('Opportunity').find((r) => r.Name === name && r[OPP.referralId]),
        30_000,
        `the referral of ${name}`
      );
      const referral = pc.admin.getReferral(String(row[OPP.referralId]));
      if (referral.externalReferenceId !== row.Id) throw new Error(`the referral of ${name} does not point back to it`);
      times.push(performance.now() - started);
    }
    return {
      samples,
      p50Ms: percentile(times, 50),
      p95Ms: percentile(times, 95),
      maxMs: Math.max(...times),
      pollIntervalMs,
    };
  } finally {
    await service.close(10_000);
  }
}
