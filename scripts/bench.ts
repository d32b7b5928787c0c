/**
 * `npm run bench` — pcsync measured through real processes: both emulators started through npm with injected
 * latency, the sync as the real `sf pcsync run` and `sf pcsync serve`, every figure read from outside (the emulators'
 * counters and request logs, /proc, the run records) and printed beside its goal.
 *
 *   npm run bench -- [--quick] [--latency-ms 50] [--out bench/results] [--baseline] [--run-bound-minutes 40]
 *
 * --quick keeps small sizes (a check of the harness, not a measurement); --baseline also writes bench/BASELINE.md;
 * a sync run past --run-bound-minutes is stopped, and its row says so.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { repoRoot } from './cli-env.js';
import { backfill, noop } from './bench/backfill.js';
import { changeEvents } from './bench/change-events.js';
import { minimumRequests, sequentialRoundTrips } from './bench/economy.js';
import { inbound, outbound } from './bench/latency.js';
import { naive } from './bench/naive.js';
import { canPin } from './bench/processes.js';
import { receiver } from './bench/receiver.js';
import { markdown, table, write } from './bench/report.js';
import { noteLines, settingLines } from './bench/notes.js';
import { buildRows, type Measures } from './bench/rows.js';
import { startWorld } from './bench/world.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'latency-ms': { type: 'string', default: '50' },
    out: { type: 'string', default: path.join('bench', 'results') },
    baseline: { type: 'boolean', default: false },
    'run-bound-minutes': { type: 'string', default: '40' },
  },
});
const quick = values.quick;
const latencyMs = Number(values['latency-ms']);
if (!Number.isInteger(latencyMs) || latencyMs < 0) throw new Error('--latency-ms must be a whole number ≥ 0');

const sizes = quick
  ? { backfill: 300, naive: 20, inbound: 5, outbound: 3, receiver: 200, memory: 0, pollSeconds: 1 }
  : { backfill: 10_000, naive: 300, inbound: 50, outbound: 10, receiver: 2000, memory: 100_000, pollSeconds: 0 };
const RUN_BOUND_MS = Number(values['run-bound-minutes']) * 60_000;
if (!(RUN_BOUND_MS > 0)) throw new Error('--run-bound-minutes must be a number > 0');
const log = (text: string): void => void process.stderr.write(`${new Date().toISOString()} ${text}\n`);
const sfVersion = (
  JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/@salesforce/cli/package.json'), 'utf8')) as {
    version: string;
  }
).version;

const loadAtStart = os.loadavg();
const world = await startWorld(latencyMs);
let exitCode = 0;
try {
  log('the sf CLI on its own: sf pcsync config show --json');
  const shown = await world.cli.run(['pcsync', 'config', 'show', '--json']);
  const config = (
    JSON.parse(shown.stdout) as {
      result: { config: { sync: { bulkThreshold: number }; serve: { outboundPollIntervalSeconds: number } } };
    }
  ).result.config;
  const pollSeconds = sizes.pollSeconds || config.serve.outboundPollIntervalSeconds;
  const { bulkThreshold } = config.sync;
  const cli = {
    footprintMb: Math.round((Math.max(shown.rss.sampledBytes, shown.rss.highWaterBytes) / 2 ** 20) * 10) / 10,
    startMs: shown.wallMs,
  };

  log(`backfill of ${sizes.backfill} referrals (latency ${latencyMs} ms per request)`);
  const fill = await backfill(world, sizes.backfill, RUN_BOUND_MS);
  const minimum = minimumRequests(fill.referrals, fill.rows, bulkThreshold);
  log('no-op run');
  const idle = await noop(world, RUN_BOUND_MS);
  log(`naive per-record baseline on ${sizes.naive} referrals`);
  const base = await naive(world, sizes.naive, fill.referrals);
  const cpu = canPin() && os.cpus().length > 1 ? os.cpus().length - 1 : undefined;
  log(`inbound latency over ${sizes.inbound} changes (serve ${cpu === undefined ? 'unpinned' : `on CPU ${cpu}`})`);
  const inb = await inbound(world, sizes.inbound, cpu);
  let recv;
  try {
    log(`receiver: ${sizes.receiver} signed deliveries`);
    recv = await receiver(world, inb.serve, inb.referralIds, {
      deliveries: sizes.receiver,
      concurrency: 8,
      pinnedCpu: cpu ?? null,
    });
  } finally {
    await inb.serve.stop();
  }
  log(`outbound latency over ${sizes.outbound} flags (poll every ${pollSeconds} s)`);
  const out = await outbound(world, sizes.outbound, pollSeconds);
  // As many flags as the poll row, and as many edits of deals already synced: the same N, one home (sizes.outbound).
  log(`outbound latency through Change Data Capture over ${sizes.outbound} flags and ${sizes.outbound} edits`);
  const cdc = await changeEvents(world, sizes.outbound);
  let memory;
  if (sizes.memory > 0) {
    log(`memory: backfill of ${sizes.memory} referrals`);
    memory = await backfill(world, sizes.memory, RUN_BOUND_MS, { duplicateRules: false });
  }

  const measures: Measures = {
    latencyMs,
    cli,
    backfill: fill,
    minimum,
    latencyFloorMs: sequentialRoundTrips(fill.referrals, fill.rows, bulkThreshold) * latencyMs,
    noop: idle,
    naive: base,
    inbound: inb.result,
    receiver: recv,
    outbound: out,
    changeEvents: cdc,
    ...(memory ? { memory } : {}),
  };
  const rows = buildRows(measures);
  const load = { start: loadAtStart, end: os.loadavg() };
  const setting = settingLines({ quick, latencyMs, bulkThreshold, pollSeconds, cpu, sfVersion, load });
  const notes = noteLines(
    latencyMs,
    minimum,
    sequentialRoundTrips(fill.referrals, fill.rows, bulkThreshold),
    cli.startMs,
    cdc.quietMs
  );
  const json = {
    generatedAt: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    latencyMs,
    sizes,
    setting,
    measures,
    table: rows,
    notes,
  };
  const title = `pcsync bench (${quick ? 'quick' : 'full'}, ${latencyMs} ms latency)`;
  const md = markdown(title, setting, rows, notes);
  const files = write(values.out, new Date().toISOString().replace(/[:.]/g, '-'), json, md);
  if (values.baseline) {
    const baseline = path.join(repoRoot, 'bench', 'BASELINE.md');
    writeFileSync(baseline, await format(md, { ...(await resolveConfig(baseline)), parser: 'markdown' }));
    log(`wrote ${baseline}`);
  }
  process.stdout.write(
    `${table(rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\nWrote ${files.json} and ${files.markdown}\n`
  );
} catch (error) {
  exitCode = 1;
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
} finally {
  await world.close();
}
process.exit(exitCode);
