// Root hooks that measure each test file: its wall time and CPU seconds, the worker's own and those of the processes
// it spawned and reaped (sf, npm, tsx, chromium), one JSON line a file. What scripts/test-order.mjs's list comes from:
//
//   TEST_TIMING_OUT=/tmp/timing.jsonl \
//     npx mocha --parallel --jobs 2 --require scripts/test-timing.cjs 'test/**/*.test.ts'
//
// CPU rather than wall time: other load on a shared machine stretches the wall time, not the CPU seconds. Linux only
// (children's CPU from /proc/self/stat). Under --parallel, root before/after-all hooks run once per file.
const { appendFileSync, readFileSync } = require('node:fs');
const path = require('node:path');

const out = process.env.TEST_TIMING_OUT ?? path.join(process.cwd(), 'test-results', 'test-timing.jsonl');

/** CPU seconds of this process's reaped children: cutime + cstime, fields 16 and 17, in 1/100 s clock ticks. */
function childrenCpu() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function ownCpu() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

let start;
exports.mochaHooks = {
  beforeAll() {
    start = { wall: Date.now(), own: ownCpu(), children: childrenCpu() };
  },
  afterAll() {
    const file = (this.test.parent.suites[0] ?? this.test.parent).file;
    const row = {
      file: file && path.relative(process.cwd(), file),
      wallSeconds: (Date.now() - start.wall) / 1000,
      cpuSeconds: Number((ownCpu() - start.own + childrenCpu() - start.children).toFixed(1)),
    };
    appendFileSync(out, `${JSON.stringify(row)}\n`);
  },
};
