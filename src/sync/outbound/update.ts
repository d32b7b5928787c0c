/**
 * An Opportunity that already has its referral: read the referral, patch only what changed (guarded by its
 * eTag), and on 412 — Partner Center changed it since the read — read again, merge again and retry once.
 */
import { textOf, type OpportunityRow } from '../../mapping/pairing.js';
import { PartnerCenterError, ReferralConflictError } from '../../partner-center/errors.js';
import type { Referral } from '../../partner-center/referral-types.js';
import { OPP } from '../../salesforce/fields.js';
import type { SyncContext } from '../context.js';
import { syncMessages as messages } from '../messages.js';
import { isTerminal } from '../stages.js';
import type { RecordOutcome } from '../types.js';
import { planPatch, type PatchPlan } from './plan.js';
import { failed, gone, refused, syncedValues, type Settled } from './write-back.js';

/** Nothing to send (or nothing Partner Center will take): the outcome says why. */
function settledWithoutPatch(referral: Referral, plan: PatchPlan, base: RecordOutcome): RecordOutcome {
  const closed = isTerminal(referral) && plan.operations.length > 0;
  const message = plan.conflictMessage
    ? plan.conflictMessage
    : closed
      ? messages.getMessage('outcome.terminal', [referral.substatus])
      : plan.notPatchable.length
        ? messages.getMessage('outcome.notPatchable', [plan.notPatchable.join(', ')])
        : undefined;
  const outcome = plan.conflictMessage ? 'conflict' : closed ? 'skipped' : 'unchanged';
  return { ...base, outcome, ...(message ? { message } : {}) };
}

export async function updateReferral(ctx: SyncContext, row: OpportunityRow, at: string): Promise<Settled> {
  const referralId = String(row[OPP.referralId]);
  const base: RecordOutcome = {
    direction: 'outbound',
    outcome: 'unchanged',
    opportunityId: row.Id,
    referralId,
    changes: [],
  };
  try {
    let referral = await ctx.client.get(referralId);
    for (let attempt = 0; ; attempt++) {
      const plan = planPatch(ctx.rules, ctx.config.stages, row, referral);
      // Nothing goes out for a record whose deal type Partner Center cannot honour: the rep reads why on it.
      if (plan.refusal) return refused(ctx, row, plan.refusal, at, referralId);
      if (isTerminal(referral) || plan.operations.length === 0) {
        const outcome = settledWithoutPatch(referral, plan, base);
        return {
          row,
          outcome,
          values: ctx.dryRun ? undefined : syncedValues(ctx, row, referral, outcome, at, plan.keep),
        };
      }
      const fields = plan.changes.map((c) => c.field).join(', ');
      const outcome: RecordOutcome = {
        ...base,
        outcome: plan.conflictMessage ? 'conflict' : 'updated',
        name: textOf(row.Name),
        changes: plan.changes,
        message: plan.conflictMessage ?? messages.getMessage('outcome.updated', [fields]),
      };
      if (ctx.dryRun) return { row, outcome };
      try {
        const updated =
          (await ctx.client.update(referralId, plan.operations, { eTag: referral.eTag })) ??
          (await ctx.client.get(referralId));
        return { row, outcome, values: syncedValues(ctx, row, updated, outcome, at, plan.keep) };
      } catch (error) {
        if (!(error instanceof ReferralConflictError) || attempt > 0) throw error;
        referral = await ctx.client.get(referralId);
      }
    }
  } catch (error) {
    if (error instanceof PartnerCenterError && error.status === 404) return gone(ctx, row, referralId, at);
    return failed(ctx, row, error, at, referralId);
  }
}
