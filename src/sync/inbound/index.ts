/**
 * Inbound: referrals changed in Partner Center since the watermark become Opportunities, or update the
 * Opportunity they belong to — read (`read.ts`), planned against each record's snapshot (`plan.ts`), written in
 * batches (`write.ts`).
 */
import type { SyncContext } from '../context.js';
import { toWatermark } from '../journal.js';
import { OPP } from '../../salesforce/fields.js';
import type { RecordOutcome } from '../types.js';
import { outcomeOf, planReferral, type Planned } from './plan.js';
import { readOpportunities, readReferrals, rowFor, type InboundSelection } from './read.js';
import { writeInbound } from './write.js';

export type { InboundSelection };

export async function inboundPass(
  ctx: SyncContext,
  selection: InboundSelection
): Promise<{ outcomes: RecordOutcome[]; watermark?: string }> {
  const referrals = await readReferrals(ctx, selection);
  const newest = referrals.reduce<string | undefined>(
    (max, r) => (!max || r.updatedDateTime > max ? r.updatedDateTime : max),
    selection.since
  );
  const watermark = toWatermark(newest);
  const withWatermark = (outcomes: RecordOutcome[]): { outcomes: RecordOutcome[]; watermark?: string } => ({
    outcomes,
    ...(watermark ? { watermark } : {}),
  });
  if (referrals.length === 0) return withWatermark([]);

  const rows = await readOpportunities(ctx, referrals);
  const at = ctx.now().toISOString();
  const outcomes: RecordOutcome[] = [];
  const creates: Planned[] = [];
  const updates: Planned[] = [];
  for (const referral of referrals) {
    const row = rowFor(rows, referral);
    const unchanged: RecordOutcome = {
      direction: 'inbound',
      outcome: 'unchanged',
      referralId: referral.id,
      opportunityId: row?.Id,
      changes: [],
    };
    // The Microsoft-side twin of one of our co-sell referrals: the Opportunity already follows its partner referral.
    const twin = row && row[OPP.referralId] && row[OPP.referralId] !== referral.id;
    const planned = twin ? undefined : planReferral(ctx, referral, row, at);
    if (!planned) outcomes.push(unchanged);
    else (row ? updates : creates).push(planned);
  }
  ctx.progress({ phase: 'inbound: planned', done: referrals.length, total: referrals.length });

  if (ctx.dryRun) {
    const planned = [...creates, ...updates].map((p) => outcomeOf(p, p.row ? 'updated' : 'created'));
    return withWatermark([...outcomes, ...planned]);
  }
  return withWatermark([...outcomes, ...(await writeInbound(ctx, creates, updates))]);
}
