/**
 * Inbound: referrals changed in Partner Center since the watermark become Opportunities, or update the
 * Opportunity they belong to — read (`read.ts`), planned against each record's snapshot (`plan.ts`), written in
 * batches (`write.ts`), with the contact roles any of them lacks (`roles.ts`) and the referrals that are gone
 * (`gone.ts`).
 */
import type { Referral } from '../../partner-center/referral-types.js';
import type { SyncContext } from '../context.js';
import { leadInbound } from '../leads/pass.js';
import { isFlaggedCoSell } from '../outbound/select.js';
import { toWatermark } from '../run-record.js';
import type { RecordOutcome, SettleWindow } from '../types.js';
import { rememberStates } from '../notify.js';
import { markGone } from './gone.js';
import { applyMicrosoftSide } from './microsoft.js';
import { outcomeOf, planReferral, type Planned } from './plan.js';
import { isTwin, listingSince, readByIds, readOpportunities, referenceRow, type InboundSelection } from './read.js';
import { healContactRoles } from './roles.js';
import { listInWindows } from './windows.js';
import { writeInbound } from './write.js';

export type { InboundSelection };

/**
 * Where the next incremental pass starts: Partner Center's clock when this listing began — or, when a referral
 * failed in a way the next run may cure, just before the oldest such referral, so it is listed again. Kept as each
 * window settles: two dates, not the referrals.
 */
class NextWatermark {
  private newest: string | undefined;
  private oldestRetry: string | undefined;

  public note(referrals: readonly Referral[], outcomes: readonly RecordOutcome[]): void {
    const retry = new Set(outcomes.filter((o) => o.retry && o.referralId).map((o) => o.referralId));
    for (const { id, updatedDateTime: at } of referrals) {
      if (!this.newest || at > this.newest) this.newest = at;
      if (retry.has(id) && (!this.oldestRetry || at < this.oldestRetry)) this.oldestRetry = at;
    }
  }

  public of(startedAt: string | undefined): { watermark?: string } {
    const watermark = this.oldestRetry
      ? toWatermark(new Date(Date.parse(this.oldestRetry) - 1000))
      : (startedAt ?? toWatermark(this.newest));
    return watermark ? { watermark } : {};
  }
}

/**
 * The pass over the referrals changed since the watermark, a window at a time. A pass of one window answers every
 * outcome; past one window, each window's are given to `settle` as it is done, and the pass answers none of them.
 */
export async function inboundPass(
  ctx: SyncContext,
  selection: InboundSelection,
  settle?: SettleWindow
): Promise<{ outcomes: RecordOutcome[]; watermark?: string }> {
  const next = new NextWatermark();
  if (selection.referralIds?.length) {
    const read = await readByIds(ctx, selection.referralIds);
    const outcomes = [...read.failed, ...(await syncWindow(ctx, read.referrals, read.gone))];
    next.note(read.referrals, outcomes);
    return { outcomes, ...next.of(undefined) };
  }
  const outcomes: RecordOutcome[] = [];
  let windowed = false;
  const since = listingSince(ctx, selection.since);
  const listed = await listInWindows(ctx, since, ctx.config.sync.windowSize, async (referrals, full) => {
    windowed ||= full && settle !== undefined;
    const done = await syncWindow(ctx, referrals, []);
    next.note(referrals, done);
    // Done with: the window's referrals are not held while its events are written (the listing keeps no copy).
    referrals.length = 0;
    if (windowed) await settle?.(done);
    else outcomes.push(...done);
  });
  return { outcomes, ...next.of(listed.startedAt) };
}

/** Plans and writes one window of referrals (and marks those Partner Center no longer has). */
async function syncWindow(
  ctx: SyncContext,
  listed: readonly Referral[],
  gone: readonly string[]
): Promise<RecordOutcome[]> {
  // Lead referrals go to Leads first (src/sync/leads); the rest, accepted leads included, go on as Opportunities.
  const leadSide = await leadInbound(ctx, listed);
  const outcomes: RecordOutcome[] = [...leadSide.outcomes];
  const referrals = leadSide.remaining;
  const at = ctx.now().toISOString();
  const references = referrals.map((referral) => referral.externalReferenceId ?? '');
  const rows = await readOpportunities(ctx, [...referrals.map((referral) => referral.id), ...gone], references);
  rememberStates(ctx, rows.byId.values());
  outcomes.push(...(await markGone(ctx, gone, rows.byReferral, at)));
  const creates: Planned[] = [];
  const updates: Planned[] = [];
  const opportunities = new Map<string, string>();
  const microsoft = await applyMicrosoftSide(ctx, referrals, rows);
  outcomes.push(...microsoft);
  const answered = new Set(microsoft.map((outcome) => outcome.referralId));
  for (const referral of referrals) {
    if (answered.has(referral.id)) continue;
    const twin = isTwin(rows, referral);
    const own = rows.byReferral.get(referral.id);
    // The partner's own referral found by the Opportunity Id it carries (a run stopped before writing it back).
    const linked = own || twin ? undefined : referenceRow(rows, referral);
    // A flagged co-sell's is the outbound pass's to link: it also sends Microsoft's invitation if that is missing.
    const leftOut = Boolean(linked && isFlaggedCoSell(linked));
    const row = own ?? (leftOut ? undefined : linked);
    const planned = twin || leftOut ? undefined : planReferral(ctx, referral, row, Boolean(linked));
    if (row?.Id) opportunities.set(referral.id, row.Id);
    if (planned) (row ? updates : creates).push(planned);
    else {
      const unchanged: RecordOutcome = {
        direction: 'inbound',
        outcome: 'unchanged',
        referralId: referral.id,
        changes: [],
      };
      outcomes.push({ ...unchanged, ...(row?.Id ? { opportunityId: row.Id } : {}) });
    }
  }
  ctx.progress({ phase: 'inbound: planned', done: referrals.length, total: referrals.length });

  if (ctx.dryRun) {
    outcomes.push(...[...creates, ...updates].map((planned) => outcomeOf(planned)));
    return outcomes;
  }
  const written = await writeInbound(ctx, creates, updates, at);
  outcomes.push(...written.outcomes);
  const created = new Set<string>();
  for (const outcome of written.outcomes) {
    if (!outcome.opportunityId || outcome.outcome === 'error' || !outcome.referralId) continue;
    opportunities.set(outcome.referralId, outcome.opportunityId);
    if (outcome.outcome === 'created') created.add(outcome.opportunityId);
  }
  const byId = new Map(referrals.map((referral) => [referral.id, referral]));
  await healContactRoles(ctx, byId, opportunities, created, written.customers, outcomes);
  return outcomes;
}
