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
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export function holdYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as Collect;
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
