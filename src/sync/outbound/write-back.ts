/**
 * What the outbound pass writes back to each Opportunity — the referral it now holds and the snapshot both sides
 * agree on, or the refusal or failure in words a rep can act on — and the one batched write that does it.
 */
import { parseSnapshot } from '../../mapping/merge.js';
import { agreedSnapshot, textOf, type KeptBase, type OpportunityRow } from '../../mapping/pairing.js';
import { systemValues } from '../../mapping/system-rules.js';
import { PartnerCenterError } from '../../partner-center/errors.js';
import type { Referral } from '../../partner-center/referral-types.js';
import { clip, OPP } from '../../salesforce/fields.js';
import { updateRecords, type SObjectRecord } from '../../salesforce/records.js';
import type { SyncContext } from '../context.js';
import { auditLine, prependAudit } from '../audit.js';
import { recordedDealType, SHARING_KEY } from '../deal-type.js';
import { syncMessages as messages } from '../messages.js';
import { STAGE_KEY, statusValue } from '../stages.js';
import type { RecordOutcome } from '../types.js';

/** Work done for one Opportunity: what to write back to it and the outcome to report. */
export type Settled = { row: OpportunityRow; values?: SObjectRecord; outcome: RecordOutcome };

const audit = (ctx: SyncContext, row: OpportunityRow, at: string, outcome: RecordOutcome): string =>
  prependAudit(row[OPP.audit] as string | undefined, auditLine(at, outcome), ctx.config.sync.auditMaxLength);

/** The Opportunity's values once it holds `referral` (by default one just created for it). */
export function syncedValues(
  ctx: SyncContext,
  row: OpportunityRow,
  referral: Referral,
  outcome: RecordOutcome,
  at: string,
  keep: KeptBase = { snapshot: undefined, keys: new Set(), event: 'create' }
): SObjectRecord {
  const values: SObjectRecord = systemValues(referral);
  const rowAfter: OpportunityRow = { ...row, ...values };
  // A status Partner Center changed on its own is the inbound pass's to turn into a stage: its base stays.
  const keptStage = keep.keys.has(STAGE_KEY) ? keep.snapshot?.fields[STAGE_KEY] : undefined;
  const snapshot = agreedSnapshot(ctx.rules, referral, rowAfter, keep, {
    [STAGE_KEY]: keptStage ?? { pc: statusValue(referral), sf: row.StageName ?? null },
    [SHARING_KEY]: {
      pc: referral.consent?.consentToShareReferralWithMicrosoftSellers ?? null,
      sf: recordedDealType(row) ?? null,
    },
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
export function refused(
  ctx: SyncContext,
  row: OpportunityRow,
  message: string,
  at: string,
  referralId?: string
): Settled {
  const outcome: RecordOutcome = {
    direction: 'outbound',
    outcome: 'error',
    opportunityId: row.Id,
    ...(referralId ? { referralId } : {}),
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

/** The referral is gone from Partner Center (404): a terminal error, written once, and the record left alone. */
export function gone(ctx: SyncContext, row: OpportunityRow, referralId: string, at: string): Settled {
  const message = messages.getMessage('outcome.gone', [referralId]);
  const base: RecordOutcome = {
    direction: 'outbound',
    outcome: 'error',
    opportunityId: row.Id,
    referralId,
    changes: [],
    message,
  };
  const snapshot = parseSnapshot(row[OPP.snapshot] as string | undefined);
  if (snapshot?.gone) return { row, outcome: { ...base, repeated: true } };
  const marked = JSON.stringify({ v: 1, fields: snapshot?.fields ?? {}, gone: at });
  const values = { [OPP.state]: 'Error', [OPP.error]: clip(message), [OPP.snapshot]: marked, [OPP.resync]: false };
  return { row, outcome: base, values: { ...values, [OPP.audit]: audit(ctx, row, at, base) } };
}

/**
 * One batched update of every settled record that has values. A write that fails is followed by a second one of only
 * the error, so the record says what happened; if that fails too, the record is read again next run.
 */
export async function writeBack(ctx: SyncContext, settled: readonly Settled[]): Promise<void> {
  const writes = settled.filter((entry) => entry.values && !ctx.dryRun);
  if (writes.length === 0) return;
  const records = writes.map((entry) => ({ Id: entry.row.Id, ...entry.values }));
  const results = await updateRecords(ctx.connection, 'Opportunity', records);
  const failed = writes.filter((_, index) => !results[index].success);
  if (failed.length === 0) return;
  failed.forEach((entry) => {
    const result = results[writes.indexOf(entry)];
    const reasons = result.success ? '' : result.errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ');
    const key =
      entry.outcome.referralId && entry.outcome.outcome !== 'error' ? 'outcome.writeBackFailed' : 'outcome.writeFailed';
    Object.assign(entry.outcome, { outcome: 'error', message: messages.getMessage(key, [reasons]) });
  });
  const errors = failed.map((entry) => ({
    Id: entry.row.Id,
    [OPP.state]: 'Error',
    [OPP.error]: clip(entry.outcome.message ?? ''),
  }));
  const second = await updateRecords(ctx.connection, 'Opportunity', errors);
  second.forEach((result, index) => {
    if (!result.success) failed[index].outcome.retry = true;
  });
}
