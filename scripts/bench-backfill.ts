/**
 * `npm run bench:backfill -- [--referrals 10000] [--latency-ms 50] [--customers distinct] [--no-duplicate-rules]
 * [--node-options "…"]` — only the bench's backfill row: the emulators in their own processes, `sf pcsync run
 * --full` over N seeded co-sell referrals (each from a customer of its own; `--customers numbered`: near-identical
 * ones, as before), and per side the requests by endpoint beside the minimum computed from the input sizes
 * (scripts/bench/economy.ts), the sync process's peak RSS and its wall time. --node-options reaches the sf process
 * (e.g. a heap profile); --no-duplicate-rules turns the org's standard duplicate rules off, as the full bench's
 * 100,000 memory row does.
 */
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
  const env = values['node-options'] ? { NODE_OPTIONS: values['node-options'] } : undefined;
  const customers = values.customers === 'numbered' ? 'numbered' : 'distinct';
  const fill = await backfill(world, referrals, Number(values['bound-minutes']) * 60_000, {
    ...(env ? { env } : {}),
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
  ];
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
