/**
 * The outbound passes Change Data Capture starts, retried when they fail: with the poll off, nothing else would
 * send a change whose pass failed. A batch's pass is tried a bounded number of times, each try with its own run
 * record saying which attempt it is; what is still unsent after the last goes back to the feed, which sends it with
 * the next batch and keeps the stored replay id from passing it.
 */
import type { SyncOptions } from '../sync/engine.js';
import { syncMessages as messages } from '../sync/messages.js';
import type { ChangeBatch } from '../sync/change-feed.js';
import type { SyncResult } from '../sync/types.js';
import type { WebhookLogger } from './logger.js';

/** Tries of one batch, and the waits between them (a busy org or a Partner Center hiccup passes in seconds). */
export const CHANGE_PASS_ATTEMPTS = 3;
const BACKOFF_MS = [1000, 4000];

/** Runs one outbound pass; undefined when it failed as a whole (already logged). */
export type RunPass = (sync: SyncOptions) => Promise<SyncResult | undefined>;

export type ChangePassOptions = {
  run: RunPass;
  logger: WebhookLogger;
  sleep?: (ms: number) => Promise<void>;
};

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The ids of a pass still to send: all of them when the pass failed, else those whose failure may pass. */
function leftToSend(ids: readonly string[], result: SyncResult | undefined): string[] {
  if (!result || result.status === 'Failed') return [...ids];
  const retry = new Set(result.records.filter((r) => r.retry && r.opportunityId).map((r) => r.opportunityId));
  return ids.filter((id) => retry.has(id));
}

/** Tries `attempt` up to CHANGE_PASS_ATTEMPTS times, until it says it is done; the notice names the try. */
async function bounded(options: ChangePassOptions, attempt: (notices: string[]) => Promise<boolean>): Promise<boolean> {
  const sleep = options.sleep ?? wait;
  for (let n = 1; ; n++) {
    const notices = n > 1 ? [messages.getMessage('changeFeed.retry', [n, CHANGE_PASS_ATTEMPTS])] : [];
    if (await attempt(notices)) return true;
    if (n >= CHANGE_PASS_ATTEMPTS) return false;
    await sleep(BACKOFF_MS[n - 1] ?? BACKOFF_MS[BACKOFF_MS.length - 1]);
  }
}

/** Sends a batch's records; resolves to the ids still unsent after the last try. */
export async function sendChangeBatch(options: ChangePassOptions, batch: ChangeBatch): Promise<string[]> {
  let left = [...batch.recordIds];
  const done = await bounded(options, async (notices) => {
    const result = await options.run({
      recordIds: left,
      direction: 'outbound',
      trigger: 'Change Event',
      notices,
      // A real position only (a feed that started from new events has none until its first event).
      ...(batch.replayId >= 0 ? { replayId: batch.replayId } : {}),
    });
    left = leftToSend(left, result);
    return left.length === 0;
  });
  if (!done) options.logger.warn('change-feed-unsent', { records: left.length, attempts: CHANGE_PASS_ATTEMPTS });
  return left;
}

/**
 * The stored replay id is no longer retained: one incremental pass from the outbound watermark sends what changed
 * meanwhile, its run record saying why.
 */
export async function sendSinceWatermark(options: ChangePassOptions, lostReplayId: number): Promise<boolean> {
  const why = messages.getMessage('changeFeed.replayLost', [lostReplayId]);
  const done = await bounded(options, async (notices) => {
    const result = await options.run({ direction: 'outbound', trigger: 'Change Event', notices: [why, ...notices] });
    return result !== undefined && result.status !== 'Failed' && !result.records.some((r) => r.retry);
  });
  if (!done) options.logger.error('change-feed-catch-up-failed', { replayId: lostReplayId });
  return done;
}
