/**
 * What the outbound pass writes back to each Opportunity — the referral it now holds and the snapshot both sides
 * agree on, or the refusal or failure in words a rep can act on — and the one batched write that does it.
 */
import { agreedSnapshot, textOf, type OpportunityRow } from '../../mapping/pairing.js';
import { systemValues } from '../../mapping/system-rules.js';
import { PartnerCenterError } from '../../partner-center/errors.js';
import type { Referral } from '../../partner-center/referral-types.js';
import { clip, OPP } from '../../salesforce/fields.js';
import { updateRecords, type SObjectRecord } from '../../salesforce/records.js';
import type { SyncContext } from '../context.js';
import { auditLine, prependAudit } from '../journal.js';
import { syncMessages as messages } from '../messages.js';
import { STAGE_KEY, statusValue } from '../stages.js';
import type { RecordOutcome } from '../types.js';
import type { KeptBase } from './plan.js';

/** Work done for one Opportunity: what to write back to it and the outcome to report. */
export type Settled = { row: OpportunityRow; values?: SObjectRecord; outcome: RecordOutcome };

const audit = (ctx: SyncContext, row: OpportunityRow, at: string, outcome: RecordOutcome): string =>
  prependAudit(row[OPP.audit] as string | undefined, auditLine(at, outcome), ctx.config.sync.auditMaxLength);

/** The Opportunity's values once it holds `referral`. */
export function syncedValues(
  ctx: SyncContext,
  row: OpportunityRow,
  referral: Referral,
  outcome: RecordOutcome,
  at: string,
  keep: KeptBase = { snapshot: undefined, keys: new Set() }
): SObjectRecord {
  const values: SObjectRecord = systemValues(referral);
  const rowAfter: OpportunityRow = { ...row, ...values };
  const snapshot = agreedSnapshot(ctx.rules, referral, rowAfter, keep, {
    [STAGE_KEY]: { pc: statusValue(referral), sf: row.StageName ?? null },
  });
  const conflicted = outcome.outcome === 'conflict';
  return {
    ...values,
    [OPP.snapshot]: JSON.stringify(snapshot),
    [OPP.state]: conflicted ? 'Conflict' : 'Synced',
    [OPP.error]: conflicted ? clip(outcome.message ?? '') : null,
    [OPP.lastSynced]: at,
    [OPP.resync]: false,
    [OPP.audit]: audit(ctx, row, at, outcome),
  };
}

/** Partner Center's rules refuse the record: the message goes on it (once; the same refusal is not rewritten). */
export function refused(ctx: SyncContext, row: OpportunityRow, message: string, at: string): Settled {
  const outcome: RecordOutcome = {
    direction: 'outbound',
    outcome: 'error',
    opportunityId: row.Id,
    name: textOf(row.Name),
    changes: [],
    message,
  };
  if (row[OPP.state] === 'Error' && row[OPP.error] === clip(message) && row[OPP.resync] !== true) {
    return { row, outcome };
  }
  const values = { [OPP.state]: 'Error', [OPP.error]: clip(message), [OPP.resync]: false };
  return { row, outcome, values: { ...values, [OPP.audit]: audit(ctx, row, at, outcome) } };
}

/** A call failed: the error, with Partner Center's status and correlation id when it came from there. */
export function failed(
  ctx: SyncContext,
  row: OpportunityRow,
  error: unknown,
  at: string,
  referralId?: string
): Settled {
  const pc = error instanceof PartnerCenterError ? error : undefined;
  const message = pc
    ? messages.getMessage('outcome.partnerCenterFailed', [pc.status, pc.partnerCenterMessage || pc.message])
    : (error as Error).message;
  const outcome: RecordOutcome = {
    direction: 'outbound',
    outcome: 'error',
    opportunityId: row.Id,
    ...(referralId ? { referralId } : {}),
    name: textOf(row.Name),
    changes: [],
    message,
    ...(pc ? { httpStatus: pc.status, correlationId: pc.correlationId } : {}),
  };
  const values = { [OPP.state]: 'Error', [OPP.error]: clip(message) };
  return { row, outcome, values: { ...values, [OPP.audit]: audit(ctx, row, at, outcome) } };
}

/** One batched update of every settled record that has values; a failed write turns its outcome into an error. */
export async function writeBack(ctx: SyncContext, settled: readonly Settled[]): Promise<void> {
  const writes = settled.filter((entry) => entry.values && !ctx.dryRun);
  if (writes.length === 0) return;
  const records = writes.map((entry) => ({ Id: entry.row.Id, ...entry.values }));
  const results = await updateRecords(ctx.connection, 'Opportunity', records);
  results.forEach((result, index) => {
    if (result.success) return;
    const outcome = writes[index].outcome;
    outcome.outcome = 'error';
    const reasons = result.errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ');
    outcome.message = messages.getMessage('outcome.writeFailed', [reasons]);
  });
}
