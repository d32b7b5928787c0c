/**
 * The sf process's young generation held at the size it has when a sync begins. V8 doubles the young generation (two
 * semi-spaces) whenever more bytes survived its scavenges since the last growth than it holds, up to
 * `--max-semi-space-size` (a 128 MB young generation on a 24 GB machine). A backfill's window survives in bulk — ten
 * thousand referrals, their plans and values live until the window is written — so the young generation grows to its
 * maximum, and stays at it long after: at 10,000 referrals that was about 64 MB of the sf process's RSS over the sf CLI
 * alone. The maximum is read only when the process starts (NODE_OPTIONS), but the growth factor
 * (`--semi-space-growth-factor`, 2) is read at each growth: set to 1, the young generation keeps the size the sf CLI
 * gave it, and what a window holds goes to the old generation, which is sized by what is live. Node.js's
 * `v8.setFlagsFromString` sets it (Node.js docs, "v8.setFlagsFromString"); test/unit/shared/young-generation.test.ts
 * checks in a Node.js process of its own that the growth stops, so a Node.js or V8 that stops reading the flag fails
 * a test rather than quietly costing memory. The cost is more scavenges, each promoting what survives it.
 */
import { setFlagsFromString } from 'node:v8';

export function holdYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
