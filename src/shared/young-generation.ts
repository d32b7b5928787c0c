/**
 * The sf process's young generation given back and held small while a sync runs. V8 doubles the young generation (two
 * semi-spaces) whenever more bytes survived its scavenges since the last growth than it holds, up to
 * `--max-semi-space-size` (a 128 MB young generation on a 24 GB machine). Loading the sf CLI grows it to 64 MB, and a
 * backfill's window, which survives in bulk (ten thousand referrals, their plans and values live until the window is
 * written), grows it to its maximum, where it stays long after: 128 MB of the sf process's RSS.
 *
 * The maximum is read only when the process starts (NODE_OPTIONS), but the growth factor (`--semi-space-growth-factor`,
 * 2) is read at each growth: set to 1, the young generation no longer grows, and what a window holds goes to the old
 * generation, which is sized by what is live. Then one full collection that reduces the heap's footprint — V8's
 * `last-resort` collection, through its gc extension, which `--expose-gc` installs in contexts made after it is set —
 * gives back what the sf CLI's loading grew it to. Node.js's `v8.setFlagsFromString` sets both flags (Node.js docs,
 * "v8.setFlagsFromString"); test/unit/shared/young-generation.test.ts checks in a Node.js process of its own that the
 * young generation shrinks and stays small, so a Node.js or V8 that stops honouring either flag fails a test rather
 * than quietly costing memory. The cost is more scavenges, each promoting what survives it, and one full collection.
 *
 * What a backfill's window held is garbage once the window is written, but V8 grows the old generation to what was
 * live at its busiest and collects it when the next allocations call for it: the next window then grows from there,
 * and the sf process's RSS climbs window by window. `compactHeap()`, between windows, is the same full collection, so
 * each window starts from what is live (a few hundredths of a second each; nothing unless `holdYoungGeneration` ran —
 * a `sf pcsync run`), and between collections the old generation grows by at most a quarter of what is live.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * How far V8 lets the old generation grow past what its last full collection found live before it collects again:
 * by default a factor V8 picks from its collector's speed, up to 4× for a small heap, so a window's garbage (the parsed
 * pages and rows it read and dropped) piles up to several times what is live before it is collected. 25%: more
 * collections, each of a smaller heap (`--heap-growing-percent`, read each time V8 sets its next limit).
 */
const HEAP_GROWING_PERCENT = 25;

let collect: Collect | undefined;

export function holdYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--expose-gc');
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  collect = runInNewContext('gc') as Collect;
  compactHeap();
}

/** One full collection that gives back what is no longer live, once `holdYoungGeneration` ran; else nothing. */
export function compactHeap(): void {
  collect?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
