/**
 * Referrals Partner Center no longer has (404): their Opportunity ends in a terminal error state once — the
 * snapshot remembers it — with one event, and is left alone afterwards: no more reads, no more writes.
 */
import { parseSnapshot } from '../../mapping/merge.js';
import type { OpportunityRow } from '../../mapping/pairing.js';
import { clip, OPP } from '../../salesforce/fields.js';
import { updateRecords } from '../../salesforce/records.js';
import { auditLine, prependAudit } from '../audit.js';
import type { SyncContext } from '../context.js';
import { syncMessages as messages } from '../messages.js';
import type { RecordOutcome } from '../types.js';

export async function markGone(
  ctx: SyncContext,
  gone: readonly string[],
  rows: ReadonlyMap<string, OpportunityRow>,
  at: string
): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = [];
  const writes: Array<Record<string, unknown>> = [];
  for (const referralId of gone) {
    const row = rows.get(referralId);
    const message = messages.getMessage('outcome.gone', [referralId]);
    const outcome: RecordOutcome = {
      direction: 'inbound',
      outcome: row ? 'error' : 'skipped',
      referralId,
      changes: [],
      message,
      ...(row?.Id ? { opportunityId: row.Id } : {}),
    };
    const snapshot = parseSnapshot(row?.[OPP.snapshot] as string | undefined);
    if (!row || snapshot?.gone) {
      outcomes.push({ ...outcome, repeated: Boolean(row) });
      continue;
    }
    outcomes.push(outcome);
    const marked = { v: 1 as const, fields: snapshot?.fields ?? {}, gone: at };
    const audit = prependAudit(
      row[OPP.audit] as string | undefined,
      auditLine(at, outcome),
      ctx.config.sync.auditMaxLength
    );
    writes.push({
      Id: row.Id,
      [OPP.state]: 'Error',
      [OPP.error]: clip(message),
      [OPP.snapshot]: JSON.stringify(marked),
      [OPP.audit]: audit,
    });
  }
  if (writes.length > 0 && !ctx.dryRun) {
    ctx.checkpoint();
    const results = await updateRecords(ctx.connection, 'Opportunity', writes);
    results.forEach((result, index) => {
      if (result.success) return;
      const outcome = outcomes.find((candidate) => candidate.opportunityId === writes[index].Id);
      if (outcome) outcome.retry = true;
    });
  }
  return outcomes;
}
