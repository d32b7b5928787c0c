/**
 * holdYoungGeneration in a Node.js process of its own (the flags are the whole process's): after a start-up that grew
 * V8's young generation, it gives that back, and a workload whose data survives in bulk, as a backfill's window does,
 * does not grow it again as it grows it without the call.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const module = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/shared/young-generation.ts');

type Sizes = { grown: number; before: number; after: number };

/** The young generation's size (MB) after a start-up's growth, then before and after keeping a window's worth. */
function youngGeneration(hold: boolean): Sizes {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { holdYoungGeneration } from ${JSON.stringify(module)};
    const young = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size / 2 ** 20;
    const keep = (n) => Array.from({ length: n }, (_, i) => ({ id: 'referral-' + i, values: [i, String(i)] }));
    let loaded = keep(400_000);
    const grown = young();
    loaded = undefined;
    ${hold ? 'holdYoungGeneration();' : ''}
    const before = young();
    const window = keep(400_000);
    console.log(JSON.stringify({ grown, before, after: young(), kept: window.length }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as Sizes;
}

type Pages = { most: number; before: number; after: number };

/**
 * The heap's largest size (MB) while pages of rows are read and dropped one after another over a live set, as a
 * backfill's windows read theirs; then its size before and after compactHeap(). `growth`: V8's own heap growth
 * (heap-growing-percent 0, its default) instead of the module's, to compare.
 */
function pages(growth: 'held' | 'default'): Pages {
  const script = `
    import { getHeapStatistics, setFlagsFromString } from 'node:v8';
    import { compactHeap, holdYoungGeneration } from ${JSON.stringify(module)};
    holdYoungGeneration();
    ${growth === 'default' ? "setFlagsFromString('--heap-growing-percent=0');" : ''}
    const heap = () => getHeapStatistics().total_heap_size / 2 ** 20;
    const keep = (n, tag) => Array.from({ length: n }, (_, i) => ({ id: tag + '-' + i, values: [i, String(i) + tag] }));
    const live = keep(200_000, 'live');
    let most = 0;
    for (let page = 0; page < 40; page++) {
      let rows = keep(100_000, 'page-' + page);
      most = Math.max(most, heap());
      rows = undefined;
    }
    const before = heap();
    compactHeap();
    console.log(JSON.stringify({ most, before, after: heap(), live: live.length }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as Pages;
}

describe('shared: the young generation given back and held small', function () {
  this.timeout(60_000);

  it('shrinks after a start-up that grew it, and a window that survives does not grow it again', () => {
    const free = youngGeneration(false);
    expect(free.grown, 'the start-up grows it').to.be.greaterThan(8);
    expect(free.after, 'without the call it stays grown').to.be.at.least(free.grown);
    const held = youngGeneration(true);
    expect(held.before, 'given back').to.be.lessThan(held.grown);
    expect(held.after, 'not grown again').to.be.lessThan(held.grown);
  });

  it('pages read and dropped grow the heap by a fraction of what is live, and compactHeap gives their garbage back', () => {
    const own = pages('default');
    const held = pages('held');
    expect(held.most, "the heap grows far less than with V8's own growth").to.be.lessThan(own.most * 0.6);
    expect(own.after, 'compactHeap gives the garbage back').to.be.lessThan(own.before * 0.8);
  });
});
