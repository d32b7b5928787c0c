/**
 * holdYoungGeneration in a Node.js process of its own (the flag is the whole process's): a workload whose data
 * survives in bulk, as a backfill's window does, grows V8's young generation without it and leaves it at its size
 * with it.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const module = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/shared/young-generation.ts');

/** The young generation's size (MB) before and after keeping 400,000 small records alive, a window's worth. */
function youngGeneration(hold: boolean): { before: number; after: number } {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { holdYoungGeneration } from ${JSON.stringify(module)};
    const young = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size / 2 ** 20;
    ${hold ? 'holdYoungGeneration();' : ''}
    const before = young();
    const kept = [];
    for (let i = 0; i < 400_000; i++) kept.push({ id: 'referral-' + i, values: [i, String(i)] });
    console.log(JSON.stringify({ before, after: young(), kept: kept.length }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as { before: number; after: number };
}

describe('shared: the young generation held at its size', function () {
  this.timeout(60_000);

  it('grows under data that survives without it, and not with it', () => {
    const free = youngGeneration(false);
    expect(free.after, 'the workload grows the young generation when nothing holds it').to.be.greaterThan(free.before);
    const held = youngGeneration(true);
    expect(held.after).to.equal(held.before);
  });
});
