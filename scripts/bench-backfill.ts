/**
 * `npm run bench:backfill -- [--referrals 10000] [--latency-ms 50] [--customers distinct] [--no-duplicate-rules]
 * [--window-size N] [--memory-trace FILE] [--node-options "…"]` — only the bench's backfill row: the emulators in
 * their own processes, `sf pcsync run --full` over N seeded co-sell referrals (each from a customer of its own;
 * `--customers numbered`: near-identical ones, as before), and per side the requests by endpoint beside the minimum
 * computed from the input sizes (scripts/bench/economy.ts), the sync process's peak RSS and its wall time.
 * --node-options reaches the sf process (e.g. a heap profile); --no-duplicate-rules turns the org's standard
 * duplicate rules off, as the full bench's 100,000 memory row does. --window-size runs with that sync.windowSize (a
 * config file of its own); --memory-trace FILE samples the sf process's memory from inside it
 * (scripts/bench/memory-trace.cjs) and prints where it was at its highest RSS; MEMORY_TRACE_SNAPSHOT_MS in the
 * environment reaches it too (heap snapshots at those times).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { backfill } from './bench/backfill.js';
import { isSignIn } from './bench/emulators.js';
import { minimumRequests } from './bench/economy.js';
import { startWorld } from './bench/world.js';

const { values } = parseArgs({
  options: {
    referrals: { type: 'string', default: '10000' },
    'latency-ms': { type: 'string', default: '50' },
    'node-options': { type: 'string' },
    'bound-minutes': { type: 'string', default: '30' },
    customers: { type: 'string', default: 'distinct' },
    'no-duplicate-rules': { type: 'boolean', default: false },
    'window-size': { type: 'string' },
    'memory-trace': { type: 'string' },
  },
});
const referrals = Number(values.referrals);
const latencyMs = Number(values['latency-ms']);
const log = (text: string): void => void process.stderr.write(`${new Date().toISOString()} ${text}\n`);

const world = await startWorld(latencyMs);
let exitCode = 0;
try {
  const shown = await world.cli.run(['pcsync', 'config', 'show', '--json']);
  const { bulkThreshold } = (JSON.parse(shown.stdout) as { result: { config: { sync: { bulkThreshold: number } } } })
    .result.config.sync;
  log(`backfill of ${referrals} referrals (latency ${latencyMs} ms, sync.bulkThreshold ${bulkThreshold})`);
  const trace = values['memory-trace'] ? path.resolve(values['memory-trace']) : undefined;
  const tracer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench', 'memory-trace.cjs');
  const nodeOptions = [values['node-options'], trace ? `--require ${tracer}` : ''].filter(Boolean).join(' ');
  const env = {
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    ...(trace ? { MEMORY_TRACE_FILE: trace } : {}),
    ...(trace && process.env.MEMORY_TRACE_SNAPSHOT_MS
      ? { MEMORY_TRACE_SNAPSHOT_MS: process.env.MEMORY_TRACE_SNAPSHOT_MS }
      : {}),
  };
  const configDir = mkdtempSync(path.join(tmpdir(), 'pcsync-bench-config-'));
  const args: string[] = [];
  if (values['window-size']) {
    const file = path.join(configDir, 'pcsync.json');
    writeFileSync(file, JSON.stringify({ sync: { windowSize: Number(values['window-size']) } }));
    args.push('--config', file);
  }
  const customers = values.customers === 'numbered' ? 'numbered' : 'distinct';
  const fill = await backfill(world, referrals, Number(values['bound-minutes']) * 60_000, {
    env,
    args,
    customers,
    duplicateRules: !values['no-duplicate-rules'],
  });
  const minimum = minimumRequests(fill.referrals, fill.rows, bulkThreshold);
  const lines: string[] = [
    `run: ${fill.run?.Status__c ?? 'no run record'}, exit ${String(fill.exitCode)}${fill.timedOut ? ' (timed out)' : ''}`,
    ...(fill.run?.Message__c ? [`run message: ${fill.run.Message__c}`] : []),
    `customers: ${customers}`,
    `wall ${(fill.wallMs / 1000).toFixed(1)} s; peak RSS ${fill.peakRssMb} MB (largest process ${fill.highWaterRssMb} MB)`,
    `rows: ${JSON.stringify(fill.rows)}`,
    `Request_Count__c ${String(fill.requestCount.recorded)}, emulators ${fill.requestCount.emulators}`,
    ...(trace ? tracedPeaks(trace) : []),
  ];
  rmSync(configDir, { recursive: true, force: true });
  const sides = [
    ['Partner Center', fill.made.partnerCenter, minimum.partnerCenter, fill.partnerCenter],
    ['Salesforce', fill.made.salesforce, minimum.salesforce, fill.salesforce],
  ] as const;
  for (const [name, made, least, counters] of sides) {
    lines.push(`${name}: ${made} made / ${least.total} minimum = ${(made / least.total).toFixed(3)}×`);
    for (const [part, n] of Object.entries(least.parts)) lines.push(`    minimum  ${String(n).padStart(5)}  ${part}`);
    const byCount = Object.entries(counters)
      .filter(([key]) => !isSignIn(key))
      .sort((a, b) => b[1] - a[1]);
    for (const [endpoint, n] of byCount) lines.push(`    made     ${String(n).padStart(5)}  ${endpoint}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} catch (error) {
  exitCode = 1;
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
} finally {
  await world.close();
}
process.exit(exitCode);

/** The sample of each traced process's highest RSS (MB): where the memory was then (a killed run leaves no summary). */
function tracedPeaks(trace: string): string[] {
  const prefix = `${path.basename(trace)}.`;
  return readdirSync(path.dirname(trace))
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .map((name) => {
      const lines = readFileSync(path.join(path.dirname(trace), name), 'utf8')
        .trim()
        .split('\n');
      const samples = lines.map((line) => JSON.parse(line) as { rss?: number; peak?: unknown });
      const peak = samples.reduce((best, sample) => ((sample.rss ?? 0) > (best.rss ?? 0) ? sample : best), {});
      return `memory at the peak (pid ${name.slice(prefix.length)}): ${JSON.stringify(peak)}`;
    });
}
