/**
 * `npm run bench` — how fast a change crosses over, and how many API requests a sync costs against the minimum,
 * against both emulators in process with injected per-request latency. Each figure is printed beside its reference.
 *
 *   tsx scripts/bench.ts [--quick] [--latency-ms 50] [--out bench/results]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { backfill, economy, memory, naive, noop } from './bench/backfill.js';
import { round, startBench } from './bench/env.js';
import { inbound, outbound } from './bench/latency.js';
import { receiver } from './bench/receiver.js';
import { markdown, table, write, type Row } from './bench/report.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'latency-ms': { type: 'string', default: '50' },
    out: { type: 'string', default: path.join('bench', 'results') },
  },
});
const quick = values.quick;
const latencyMs = Number(values['latency-ms']);
if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error('--latency-ms must be a number ≥ 0');

const sizes = quick
  ? { backfill: 500, naive: 50, inbound: 10, outbound: 3, receiver: 200, memory: 0 }
  : { backfill: 10_000, naive: 300, inbound: 50, outbound: 10, receiver: 2000, memory: 100_000 };

const ms = (n: number): string => (n >= 10_000 ? `${round(n / 1000, 1)} s` : `${Math.round(n)} ms`);
const log = (text: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${text}\n`);
};

const bench = await startBench(latencyMs);
let exitCode = 0;
try {
  log(`backfill of ${sizes.backfill} referrals (latency ${latencyMs} ms per request)`);
  const fill = await backfill(bench, sizes.backfill);
  const api = economy(bench, fill);
  log('no-op run');
  const idle = await noop(bench);
  log(`naive baseline on ${sizes.naive} referrals`);
  const base = await naive(bench, sizes.naive, sizes.backfill);
  log(`inbound latency over ${sizes.inbound} changes`);
  const inb = await inbound(bench, sizes.inbound);
  log(`outbound latency over ${sizes.outbound} flags`);
  const outb = await outbound(bench, sizes.outbound);
  log(`receiver over ${sizes.receiver} deliveries`);
  const recv = await receiver(bench, sizes.receiver, 8);
  let mem: Awaited<ReturnType<typeof memory>> | 'skipped in --quick' = 'skipped in --quick';
  if (!quick) {
    log(`memory: backfill of ${sizes.memory} referrals`);
    mem = await memory(bench, sizes.memory, 15 * 60_000);
  }

  const endpoints = (counters: Record<string, number>): string =>
    Object.entries(counters)
      .sort(([, a], [, b]) => b - a)
      .map(([key, n]) => `${key} ×${n}`)
      .join('; ');
  const rows: Row[] = [
    {
      measure: `inbound latency (${inb.changes} changes)`,
      result: `p50 ${ms(inb.p50Ms)} / p95 ${ms(inb.p95Ms)} / max ${ms(inb.maxMs)}`,
      reference: `floor ${ms(inb.floorMs)} = ${latencyMs} ms × ${round(inb.sequentialPerChange, 1)} sequential requests per change (of ${round(inb.requestsPerChange, 1)}); + ${inb.queueQuietMs} ms queue quiet window`,
      ratio:
        inb.floorMs > 0
          ? `p50 = ${round(inb.p50Ms / (inb.floorMs + inb.queueQuietMs), 2)}× (floor + quiet window)`
          : 'n/a (no latency)',
    },
    {
      measure: `outbound latency (${outb.samples} flags)`,
      result: `p50 ${ms(outb.p50Ms)} / p95 ${ms(outb.p95Ms)} / max ${ms(outb.maxMs)}`,
      reference: `poll interval ${ms(outb.pollIntervalMs)} (mean wait ½ interval + one outbound pass)`,
      ratio: `p50 = ${round(outb.p50Ms / outb.pollIntervalMs, 2)}× interval`,
    },
    {
      measure: `backfill ${fill.referrals.toLocaleString('en-US')}`,
      result: `${ms(fill.wallMs)}${fill.finished ? '' : ' (NOT FINISHED: stopped at its bound)'}, ${fill.opportunitiesCreated} Opportunities (run ${fill.status}, ${fill.errors} errors), peak RSS ${fill.peakRssMb} MB (emulators in process)`,
      reference: `PC: ${endpoints(fill.partnerCenter)} | SF: ${endpoints(fill.salesforce)}`,
      ratio: `${Math.round(fill.referrals / (fill.wallMs / 1000))} referrals/s`,
    },
    {
      measure: 'API economy (backfill)',
      result: `${api.made} requests (PC list ${fill.pcListRequests}, Opportunity writes ${fill.opportunityWriteRequests} via ${fill.opportunityWriteApi})`,
      reference: `minimum ${api.minimum}: ${Object.entries(api.minimumParts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
      ratio: `${api.ratio}× minimum`,
    },
    {
      measure: 'no-op run',
      result: `${idle.requests} requests, ${idle.dataWritesExcludingJournal} data writes (+${idle.runRecordWrites} run-record writes)`,
      reference: '0 data writes',
      ratio: idle.dataWritesExcludingJournal === 0 ? 'ok' : 'FAIL',
    },
    {
      measure: `naive baseline (sample ${base.sample}, extrapolated to ${fill.referrals.toLocaleString('en-US')})`,
      result: `${base.extrapolatedRequests} requests, ${ms(base.extrapolatedMs)} (sample: ${base.requests} requests in ${ms(base.sampleMs)}, ${base.requestsPerReferral}/referral)`,
      reference: `pcsync: ${api.made} requests, ${ms(fill.wallMs)}`,
      ratio: `${round(base.extrapolatedRequests / api.made, 1)}× requests, ${round(base.extrapolatedMs / fill.wallMs, 1)}× time`,
    },
    {
      measure: `receiver (${recv.deliveries} signed deliveries, concurrency ${recv.concurrency})`,
      result: `${Math.round(recv.perSecond)} acks/s, ack p50 ${round(recv.ackP50Ms, 2)} ms / p99 ${round(recv.ackP99Ms, 2)} ms`,
      reference: `${recv.acknowledged}/${recv.deliveries} acknowledged; ${recv.certificateFetches} certificate fetch(es); sender in the same thread`,
      ratio: `${round(recv.perSecond / 1000, 2)}k/s`,
    },
    {
      measure: 'memory (100,000-referral backfill)',
      result:
        typeof mem === 'string'
          ? mem
          : `peak RSS ${mem.peakRssMb} MB (${mem.created} created in ${ms(mem.wallMs)}${mem.finished ? '' : ', NOT FINISHED: stopped at its 15 min bound'}; run ${mem.status}, ${mem.errors} record errors)`,
      reference: typeof mem === 'string' ? '' : 'whole process: both emulators hold the 100,000 records too',
      ratio: typeof mem === 'string' ? '' : `${round((mem.peakRssMb * 1024) / mem.referrals, 1)} KB/referral`,
    },
  ];
  const notes = [
    `Latency injected: ${latencyMs} ms per request on both emulators; ${quick ? 'quick mode (small sizes; a harness check, not a measurement)' : 'full mode'}.`,
    "Inbound floor: injected latency × the sequential requests per change — the Salesforce requests between each change and its Opportunity update, merged where they overlap in time (emulator request log: start, duration), plus the Partner Center referral reads — averaged over the changes; the run record's close comes after the update and is not on the path. The webhook queue also waits for a 100 ms quiet window before a batch; the ratio is against floor + that window.",
    `API economy minimum: ceil(N/100) list pages; per object written ceil(rows/200) collections, or one Bulk API 2.0 job (7 requests: create, upload, close, one status poll, three result reads) above sync.bulkThreshold ${bench.config.sync.bulkThreshold}; + 2 run-record writes. Sign-in requests are not counted.`,
    `Naive baseline: measured on ${base.sample} referrals (GET referral, SOQL by Referral_Identifier__c, single upsert PATCH, sequential) and extrapolated linearly to ${fill.referrals}.`,
    'Peak RSS: process.memoryUsage.rss sampled every 20 ms; the emulators run in the same process.',
  ];
  const json = {
    generatedAt: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    latencyMs,
    node: process.version,
    measures: {
      inboundLatency: inb,
      outboundLatency: outb,
      backfill: fill,
      apiEconomy: api,
      noopRun: idle,
      naiveBaseline: base,
      receiver: recv,
      memory: mem,
    },
    table: rows,
    notes,
  };
  const md = markdown(`pcsync bench (${quick ? 'quick' : 'full'}, ${latencyMs} ms latency)`, rows, notes);
  const files = write(values.out, new Date().toISOString().replace(/[:.]/g, '-'), json, md);
  process.stdout.write(
    `${table(rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\nWrote ${files.json} and ${files.markdown}\n`
  );
} catch (error) {
  exitCode = 1;
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
} finally {
  await bench.close();
}
process.exit(exitCode);
