/** The bench's rows: each measure beside its goal (SPEC.md "fast", issues 16 and 18) or its first-principles floor. */
import type { BackfillResult, SyncProcess } from './backfill.js';
import type { ChangeEventResult } from './change-events.js';
import type { Minimum } from './economy.js';
import type { InboundResult, OutboundResult } from './latency.js';
import type { NaiveResult } from './naive.js';
import type { ReceiverResult } from './receiver.js';
import { verdict, type Row } from './report.js';
import { round } from './stats.js';

export const RSS_GOAL_MB = 300;
export const ECONOMY_GOAL = 1.1;
/** Issue 18: a rep's change reaches Partner Center through Change Data Capture with p95 ≤ 2 s. */
export const CDC_GOAL_MS = 2000;

export type Measures = {
  latencyMs: number;
  cli: { footprintMb: number; startMs: number };
  backfill: BackfillResult;
  minimum: Minimum;
  latencyFloorMs: number;
  noop: SyncProcess;
  naive: NaiveResult;
  inbound: InboundResult;
  receiver: ReceiverResult;
  outbound: OutboundResult;
  changeEvents: ChangeEventResult;
  memory?: BackfillResult;
};

export const ms = (n: number): string => (Math.abs(n) >= 10_000 ? `${round(n / 1000, 1)} s` : `${Math.round(n)} ms`);
const times = (n: number, floor: number): string => (floor > 0 ? `${round(n / floor, 2)}×` : 'n/a (no latency)');
const count = (n: number): string => n.toLocaleString('en-US');

const status = (run: SyncProcess): string =>
  `run ${run.run?.Status__c ?? 'without a run record'}, exit ${String(run.exitCode)}`;
const spread = (l: { p50Ms: number; p95Ms: number; maxMs: number }): string =>
  `p50 ${ms(l.p50Ms)} / p95 ${ms(l.p95Ms)} / max ${ms(l.maxMs)}`;

function rssRow(label: string, run: BackfillResult | undefined, cli: Measures['cli']): Row {
  if (!run) return { measure: label, result: 'full mode only', goal: `≤ ${RSS_GOAL_MB} MB`, against: '' };
  const unfinished = run.timedOut ? ', NOT FINISHED (stopped at its bound)' : '';
  return {
    measure: label,
    result:
      `${run.peakRssMb} MB (${status(run)}${unfinished}${run.duplicateRules ? '' : '; duplicate rules off'}); ` +
      `the sf CLI alone: ${cli.footprintMb} MB`,
    goal: `≤ ${RSS_GOAL_MB} MB`,
    against: `${round(run.peakRssMb / RSS_GOAL_MB, 2)}× goal: ${verdict(run.peakRssMb <= RSS_GOAL_MB)}`,
  };
}

/**
 * The Change Data Capture row. Its floor: the round trips a save needs to reach Partner Center — the event's
 * delivery, one Salesforce read, one Partner Center write — each at the injected latency, plus serve's quiet window.
 */
function changeEventRow(m: Measures): Row {
  const { changeEvents: cdc, outbound: out } = m;
  const floor = 3 * m.latencyMs + cdc.quietMs;
  return {
    measure: `outbound latency, Change Data Capture (${cdc.flags.samples} flags + ${cdc.edits.samples} edits)`,
    result:
      `${spread(cdc.all)}; flags p95 ${ms(cdc.flags.p95Ms)}, edits p95 ${ms(cdc.edits.p95Ms)}; ` +
      `the poll: ${spread(out)}`,
    goal:
      `p95 ≤ ${ms(CDC_GOAL_MS)} (issue 18); floor ${ms(floor)}: event delivery + 1 Salesforce read + ` +
      `1 Partner Center write + the ${ms(cdc.quietMs)} quiet window`,
    against:
      `p95 ${round(cdc.all.p95Ms / CDC_GOAL_MS, 2)}× goal: ${verdict(cdc.all.p95Ms <= CDC_GOAL_MS)}; ` +
      `p50 ${times(cdc.all.p50Ms, floor)} floor; p95 ${times(cdc.all.p95Ms, out.p95Ms)} the poll's`,
  };
}

export function buildRows(m: Measures): Row[] {
  const { backfill: fill, minimum, inbound: inb, outbound: out, receiver: recv, naive: base } = m;
  const inboundFloor = 2 * m.latencyMs;
  const poll = out.pollIntervalSeconds * 1000;
  const outboundFloor = poll / 2 + 2 * m.latencyMs;
  const ratio = {
    partnerCenter: fill.made.partnerCenter / minimum.partnerCenter.total,
    salesforce: fill.made.salesforce / minimum.salesforce.total,
  };
  const economyMet = ratio.partnerCenter <= ECONOMY_GOAL && ratio.salesforce <= ECONOMY_GOAL;
  const pcsyncRequests = fill.made.partnerCenter + fill.made.salesforce;
  const noopMet = m.noop.dataWrites === 0 && m.noop.exitCode === 0;
  const genuine = recv.deliveries - recv.tampered;
  const receiverMet = recv.acknowledged === genuine && recv.verified === genuine && recv.refused === recv.tampered;
  const pinned = recv.pinnedCpu === null ? 'unpinned' : `on CPU ${recv.pinnedCpu}`;
  return [
    {
      measure: `inbound latency (${inb.samples} changes)`,
      result: `${spread(inb)}; ${round(inb.requestsPerChange, 1)} requests per change`,
      goal: `within seconds (SPEC); floor ${ms(inboundFloor)}: webhook delivery + 1 referral read + 1 Salesforce write`,
      against: `p50 ${times(inb.p50Ms, inboundFloor)}, p95 ${times(inb.p95Ms, inboundFloor)} floor`,
    },
    {
      measure: `outbound latency, poll (${out.samples} flags)`,
      result: spread(out),
      goal: `within the poll interval, ${ms(poll)} (SPEC); floor ${ms(outboundFloor)}: ½ interval + query + create`,
      against:
        `p95 ${round(out.p95Ms / poll, 2)}× interval: ${verdict(out.p95Ms <= poll)}; ` +
        `p50 ${times(out.p50Ms, outboundFloor)} floor`,
    },
    changeEventRow(m),
    {
      measure: `backfill ${count(fill.referrals)}: requests ÷ minimum`,
      result:
        `Partner Center ${fill.made.partnerCenter} / ${minimum.partnerCenter.total}; ` +
        `Salesforce ${fill.made.salesforce} / ${minimum.salesforce.total} (${status(fill)})`,
      goal: `≤ ${ECONOMY_GOAL.toFixed(2)}× per side`,
      against: `${round(ratio.partnerCenter, 2)}× / ${round(ratio.salesforce, 2)}×: ${verdict(economyMet)}`,
    },
    {
      measure: `backfill ${count(fill.referrals)}: wall time ÷ latency floor`,
      result: `${ms(fill.wallMs)} for the sf process (its own start-up alone: ${ms(m.cli.startMs)})`,
      goal: `close to the floor, ${ms(m.latencyFloorMs)}: the minimum's sequential round trips × ${m.latencyMs} ms`,
      against: times(fill.wallMs, m.latencyFloorMs),
    },
    {
      measure: 'run record Request_Count__c (backfill)',
      result:
        `${String(fill.requestCount.recorded)} recorded; the emulators counted ${fill.requestCount.emulators} ` +
        `up to the run record's close (+${fill.afterClose} after it)`,
      goal: 'equal',
      against: verdict(fill.requestCount.equal),
    },
    {
      measure: 'no-op run writes',
      result:
        `${m.noop.dataWrites} data writes; ${m.noop.made.partnerCenter + m.noop.made.salesforce} requests in all ` +
        `(${status(m.noop)})`,
      goal: '0, the run record and the lease aside',
      against: verdict(noopMet),
    },
    {
      measure: `naive per-record baseline (${base.sample} measured, × ${count(base.extrapolatedTo)})`,
      result:
        `${count(base.extrapolatedRequests)} requests, ${ms(base.extrapolatedMs)} ` +
        `(${round(base.requestsPerReferral, 2)} per referral)`,
      goal: `more than pcsync's ${count(pcsyncRequests)} requests and ${ms(fill.wallMs)}`,
      against:
        `${round(base.extrapolatedRequests / pcsyncRequests, 1)}× requests, ` +
        `${round(base.extrapolatedMs / fill.wallMs, 1)}× time`,
    },
    {
      measure: `receiver (${count(recv.deliveries)} signed deliveries, ${recv.concurrency} connections)`,
      result:
        `${Math.round(recv.perSecond)} deliveries/s checked ${pinned}; ${Math.round(recv.perCpuSecond)} per ` +
        `CPU-second; ack p50 ${round(recv.ackP50Ms, 1)} ms / p99 ${round(recv.ackP99Ms, 1)} ms`,
      goal: 'every genuine delivery verified and acknowledged at once, every tampered one refused (SPEC)',
      against:
        `${recv.acknowledged} of ${genuine} genuine acknowledged (${recv.verified} logged verified), ` +
        `${recv.refused} of ${recv.tampered} tampered refused: ${verdict(receiverMet)}`,
    },
    rssRow(`sync process peak RSS, ${count(fill.referrals)} referrals`, fill, m.cli),
    rssRow(`sync process peak RSS, ${count(m.memory?.referrals ?? 100_000)} referrals`, m.memory, m.cli),
  ];
}
