// Prints the test files the given globs match, one a line, in the order `mocha --parallel` should start them: the
// slowest first, then every other match in name order (so a new test file runs without anyone editing this list).
//
//   mocha --parallel --jobs 2 $(node scripts/test-order.mjs 'test/**/*.test.ts')
//
// Why: mocha hands files to its workers in the order it gets them. In name order the end-to-end files (each a few
// minutes of sf start-ups) sit between the quick command tests and the quick unit tests, and the last long one can
// start when the other worker has little left, which ends the run with one worker idle. Longest first, the short
// files fill in at the end. A file missing from the list only runs later, never not at all.
import { globSync } from 'node:fs';

/**
 * CPU seconds of each file under `mocha --parallel --jobs 2` (its worker's and the sf and other processes it
 * spawned), measured 2026-11-30 by scripts/test-timing.cjs with the cheaper test sf starts (test/helpers/sf-cli.ts):
 * CPU rather than wall time, which other load on the machine stretches. Most first; under ~10 s a file's place does
 * not matter.
 */
const SLOWEST_FIRST = [
  'test/e2e/sync-leads-faults.test.ts', // 102
  'test/e2e/sync-leads.test.ts', // 70
  'test/e2e/sync-faults.test.ts', // 64
  'test/e2e/run.test.ts', // 62
  'test/e2e/bench.test.ts', // 62
  'test/e2e/sync-mapping-events.test.ts', // 49
  'test/e2e/sync-values.test.ts', // 49
  'test/e2e/lwc-preview.test.ts', // 45
  'test/e2e/pack.test.ts', // 44
  'test/e2e/salesforce-emulator.test.ts', // 43
  'test/e2e/serve.test.ts', // 37
  'test/e2e/sync-races.test.ts', // 36
  'test/e2e/install.test.ts', // 36
  'test/e2e/sync-deal-types.test.ts', // 32
  'test/e2e/serve-change-events.test.ts', // 24
  'test/e2e/auth.test.ts', // 24
  'test/e2e/sync-org.test.ts', // 23
  'test/e2e/notifications.test.ts', // 23
  'test/e2e/sync-crash.test.ts', // 23
  'test/e2e/sync-overlap.test.ts', // 23
  'test/e2e/config.test.ts', // 19
  'test/e2e/webhook.test.ts', // 19
  'test/e2e/sync-services-co-sell.test.ts', // 17
  'test/e2e/sync-windows.test.ts', // 16
  'test/e2e/doctor.test.ts', // 15
  'test/e2e/sync-strict-odata.test.ts', // 12
  'test/e2e/sync-bulk.test.ts', // 9
];

const matched = [...new Set(process.argv.slice(2).flatMap((pattern) => globSync(pattern)))].sort();
if (matched.length === 0) {
  console.error(`test-order: no test file matches ${process.argv.slice(2).join(' ')}`);
  process.exit(1);
}
const first = SLOWEST_FIRST.filter((file) => matched.includes(file));
console.log([...first, ...matched.filter((file) => !first.includes(file))].join('\n'));
