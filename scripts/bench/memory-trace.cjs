// Preloaded (NODE_OPTIONS --require) into the sf process by `npm run bench:backfill -- --memory-trace FILE`: where
// the process's memory is, from inside it, every MEMORY_TRACE_MS (100): RSS beside V8's heap — each space's used and
// reserved size (the young generation's reserve is the two semi-spaces) — external memory, array buffers, and the
// HTTP request in flight (`doing`: `>` made, `<` answered). One JSON line a sample into FILE.PID; the last line is the sample of the highest RSS. MEMORY_TRACE_SNAPSHOT_MS
// (comma-separated) also writes a heap snapshot at those times (it collects garbage first: what is live, not what
// the heap holds). Only the command's own process traces; sf's other processes (none in a run) do not.
const fs = require('node:fs');
const v8 = require('node:v8');
const channels = require('node:diagnostics_channel');

const file = process.env.MEMORY_TRACE_FILE;
if (file && process.argv.includes('pcsync')) {
  const started = Date.now();
  const out = fs.openSync(`${file}.${process.pid}`, 'w');
  const mb = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;
  let peak;
  // The HTTP request in flight (undici's diagnostics channels, which jsforce's undici publishes to): what the process
  // was doing at each sample.
  let doing = '';
  const named = (request) => `${request.method} ${request.path.split('?')[0].replace(/\/services\/data\/v[\d.]+/, '')}`;
  channels.subscribe('undici:request:create', ({ request }) => (doing = `> ${named(request)}`));
  channels.subscribe('undici:request:trailers', ({ request }) => (doing = `< ${named(request)}`));
  const sample = (tag) => {
    const memory = process.memoryUsage();
    const spaces = {};
    for (const space of v8.getHeapSpaceStatistics()) {
      if (space.space_size > 0)
        spaces[space.space_name.replace(/_space$/, '')] = [mb(space.space_used_size), mb(space.space_size)];
    }
    const row = {
      ms: Date.now() - started,
      ...(tag ? { tag } : {}),
      doing,
      rss: mb(memory.rss),
      heapTotal: mb(memory.heapTotal),
      heapUsed: mb(memory.heapUsed),
      external: mb(memory.external),
      arrayBuffers: mb(memory.arrayBuffers),
      spaces,
    };
    if (!peak || row.rss > peak.rss) peak = row;
    fs.writeSync(out, `${JSON.stringify(row)}\n`);
  };
  setInterval(sample, Number(process.env.MEMORY_TRACE_MS ?? 100)).unref();
  for (const at of (process.env.MEMORY_TRACE_SNAPSHOT_MS ?? '').split(',').filter(Boolean)) {
    setTimeout(() => v8.writeHeapSnapshot(`${file}.${process.pid}.${at}.heapsnapshot`), Number(at)).unref();
  }
  process.on('exit', () => {
    sample('exit');
    fs.writeSync(out, `${JSON.stringify({ peak })}\n`);
  });
}
