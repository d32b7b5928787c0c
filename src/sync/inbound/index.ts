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
import type { RecordOutcome } from '../types.js';
import { rememberStates } from '../notify.js';
import { markGone } from './gone.js';
import { applyMicrosoftSide } from './microsoft.js';
import { outcomeOf, planReferral, type Planned } from './plan.js';
import { isTwin, readOpportunities, readReferrals, referenceRow, type InboundSelection } from './read.js';
import { healContactRoles } from './roles.js';
import { writeInbound } from './write.js';

export type { InboundSelection };

/**
 * Where the next incremental pass starts: Partner Center's clock when this listing began — or, when a referral
 * failed in a way the next run may cure, just before the oldest such referral, so it is listed again.
 */
function nextWatermark(
  startedAt: string | undefined,
  referrals: readonly Referral[],
  outcomes: RecordOutcome[]
): string | undefined {
  const newest = referrals.reduce<string | undefined>(
    (max, r) => (!max || r.updatedDateTime > max ? r.updatedDateTime : max),
    undefined
  );
  const retry = new Set(outcomes.filter((o) => o.retry && o.referralId).map((o) => o.referralId));
  const oldestRetry = referrals
    .filter((referral) => retry.has(referral.id))
    .reduce<string | undefined>((min, r) => (!min || r.updatedDateTime < min ? r.updatedDateTime : min), undefined);
  if (oldestRetry) return toWatermark(new Date(Date.parse(oldestRetry) - 1000));
  return startedAt ?? toWatermark(newest);
}

export async function inboundPass(
  ctx: SyncContext,
  selection: InboundSelection
): Promise<{ outcomes: RecordOutcome[]; watermark?: string }> {
  const read = await readReferrals(ctx, selection);
  // Lead referrals go to Leads first (src/sync/leads); the rest, accepted leads included, go on as Opportunities.
  const leadSide = await leadInbound(ctx, read.referrals);
  const outcomes: RecordOutcome[] = [...read.failed, ...leadSide.outcomes];
  const referrals = leadSide.remaining;
  const at = ctx.now().toISOString();
  const references = referrals.map((referral) => referral.externalReferenceId ?? '');
  const rows = await readOpportunities(ctx, [...referrals.map((referral) => referral.id), ...read.gone], references);
  rememberStates(ctx, rows.byId.values());
  outcomes.push(...(await markGone(ctx, read.gone, rows.byReferral, at)));

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
    return { outcomes, ...watermarkOf(read.startedAt, read.referrals, outcomes) };
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
  return { outcomes, ...watermarkOf(read.startedAt, read.referrals, outcomes) };
}

const watermarkOf = (
  startedAt: string | undefined,
  referrals: readonly Referral[],
  outcomes: RecordOutcome[]
): { watermark?: string } => {
  const watermark = nextWatermark(startedAt, referrals, outcomes);
  return watermark ? { watermark } : {};
};
