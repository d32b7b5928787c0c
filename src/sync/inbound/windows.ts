/**
 * The listing of changed referrals handed on in windows of at most `sync.windowSize` referrals, each planned and
 * written before the next pages are read, so a backfill's memory is bounded by the window, not by the listing.
 * Newest first: a referral that changes while the pages are read only moves onto a page already read; what changed
 * since the listing began is read once more at the end, so the pass misses nothing (later changes are the next
 * pass's). Across windows each referral is handled once, unless a newer copy of it comes.
 */
import type { Referral } from '../../partner-center/referral-types.js';
import type { SyncContext } from '../context.js';
import { pagesSince } from '../listing.js';
import { toWatermark } from '../run-record.js';

/**
 * Handles one window; `more`: another window follows (the listing is not yet at its end). The array is the handler's:
 * it may empty it once done with the referrals, so nothing holds them while the rest of its work goes on.
 */
export type WindowHandler = (referrals: Referral[], more: boolean) => Promise<void>;

/** Each referral's newest copy handed on so far (updatedDateTime in ms): one number per referral, not the referral. */
type Handled = Map<string, number>;

/**
 * Lists the referrals changed since `since` (all without it) and hands them on in windows of at most `size`.
 * Answers Partner Center's clock when the listing began: the next incremental pass starts there.
 */
export async function listInWindows(
  ctx: SyncContext,
  since: string | undefined,
  size: number,
  handle: WindowHandler
): Promise<{ startedAt?: string }> {
  const handled: Handled = new Map();
  const listed = await list(ctx, since, size, handled, handle);
  const startedAt = listed.startedAt;
  if (listed.pages > 1 && startedAt) await list(ctx, startedAt, size, handled, handle);
  return startedAt ? { startedAt } : {};
}

/** One listing, newest first; a referral already handed on comes again only as a newer copy. */
async function list(
  ctx: SyncContext,
  since: string | undefined,
  size: number,
  handled: Handled,
  handle: WindowHandler
): Promise<{ pages: number; startedAt?: string }> {
  const filter = since ? `updatedDateTime ge ${since}` : undefined;
  let startedAt: string | undefined;
  let pages = 0;
  let window = new Map<string, Referral>();
  const flush = async (more: boolean): Promise<void> => {
    const referrals = [...window.values()];
    window = new Map();
    for (const referral of referrals) handled.set(referral.id, Date.parse(referral.updatedDateTime));
    if (referrals.length > 0) await handle(referrals, more);
  };
  for await (const page of pagesSince(ctx, 'updatedDateTime', since, filter)) {
    startedAt ??= toWatermark(ctx.traffic.serverNow('partner-center'));
    pages++;
    for (const referral of page.value) {
      const updated = Date.parse(referral.updatedDateTime);
      const known = window.get(referral.id);
      if ((handled.get(referral.id) ?? -Infinity) >= updated) continue;
      if (!known || referral.updatedDateTime > known.updatedDateTime) window.set(referral.id, referral);
      if (window.size >= size) await flush(true);
    }
    ctx.progress({ phase: 'inbound: reading referrals', done: handled.size + window.size });
  }
  await flush(false);
  return { pages, ...(startedAt ? { startedAt } : {}) };
}
