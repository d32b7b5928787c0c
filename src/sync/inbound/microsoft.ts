/**
 * Microsoft's side of a co-sell on the Opportunity: the connected referral Microsoft answers (accepted, declined,
 * won…) is not an Opportunity of its own, but its status and substatus, Microsoft's seller and Microsoft's CRM id
 * (`trackingInfo.microsoftMsxId`) land on the partner's Opportunity, with an event on its timeline — as Microsoft's
 * connector has a flow for ("Microsoft CRM Identifier … filled when a co-sell referral is created and accepted by
 * Microsoft": learn.microsoft.com/partner-center/referrals/connector-salesforce). These fields are the sync's alone
 * (reps read them), so the write needs no merge.
 */
import { sameValue } from '../../mapping/convert.js';
import type { OpportunityRow } from '../../mapping/pairing.js';
import type { Member, Referral } from '../../partner-center/referral-types.js';
import { clip, OPP } from '../../salesforce/fields.js';
import { updateRecords } from '../../salesforce/records.js';
import type { SyncContext } from '../context.js';
import { syncMessages as messages } from '../messages.js';
import type { FieldChange, RecordOutcome } from '../types.js';
import { isMicrosoftsSide, referenceRow, type OpportunitiesByReferral } from './read.js';

const person = (member: Member): string => {
  const name = [member.firstName, member.lastName].filter(Boolean).join(' ');
  return member.email ? (name ? `${name} <${member.email}>` : member.email) : name;
};

/** What Microsoft's connected referral says, as the Opportunity's Microsoft fields hold it. */
export function microsoftValues(referral: Referral): Record<string, string | null> {
  const status = [referral.status, referral.substatus].filter(Boolean).join('/');
  const sellers = (referral.team ?? []).map(person).filter(Boolean).join(', ');
  return {
    [OPP.microsoftStatus]: status ? clip(status, 40) : null,
    [OPP.microsoftSeller]: sellers ? clip(sellers, 255) : null,
    [OPP.microsoftCrmId]: referral.trackingInfo?.microsoftMsxId
      ? clip(referral.trackingInfo.microsoftMsxId, 100)
      : null,
  };
}

/** Substatuses with words of their own (referral-resources' status table); any other is shown as it came. */
const ANSWERS = new Set(['Pending', 'Received', 'Accepted', 'Declined', 'Expired', 'Won', 'Lost']);

/** The words of Microsoft's answer, for the event. */
const answerOf = (referral: Referral): string =>
  ANSWERS.has(referral.substatus)
    ? messages.getMessage(`microsoft.${referral.substatus.toLowerCase()}`)
    : messages.getMessage('microsoft.other', [`${referral.status}/${referral.substatus}`]);

/** Writes Microsoft's side of each co-sell whose connected referral was read and changed. */
export async function applyMicrosoftSide(
  ctx: SyncContext,
  referrals: readonly Referral[],
  rows: OpportunitiesByReferral
): Promise<RecordOutcome[]> {
  const planned: Array<{ referral: Referral; row: OpportunityRow; values: Record<string, string | null> }> = [];
  const changesOf = (row: OpportunityRow, values: Record<string, string | null>): FieldChange[] =>
    Object.entries(values)
      .filter(([field, value]) => !sameValue(row[field] ?? null, value))
      .map(([field, after]) => ({ field, before: row[field] ?? null, after }));
  for (const referral of referrals) {
    if (!isMicrosoftsSide(referral)) continue;
    const row = referenceRow(rows, referral);
    if (!row?.Id) continue;
    const values = microsoftValues(referral);
    if (changesOf(row, values).length > 0) planned.push({ referral, row, values });
  }
  if (planned.length === 0 || ctx.dryRun) {
    return planned.map(({ referral, row, values }) => ({
      direction: 'inbound',
      outcome: 'updated',
      referralId: referral.id,
      opportunityId: String(row.Id),
      changes: changesOf(row, values),
      message: answerOf(referral),
    }));
  }
  const results = await updateRecords(
    ctx.connection,
    'Opportunity',
    planned.map(({ row, values }) => ({ Id: String(row.Id), ...values }))
  );
  return planned.map(({ referral, row, values }, index): RecordOutcome => {
    const result = results[index];
    const base = { direction: 'inbound' as const, referralId: referral.id, opportunityId: String(row.Id) };
    if (!result.success) {
      const error = result.errors[0];
      const message = messages.getMessage('outcome.writeFailed', [`${error.errorCode}: ${error.message}`]);
      return { ...base, outcome: 'error', changes: [], message, retry: true };
    }
    return { ...base, outcome: 'updated', changes: changesOf(row, values), message: answerOf(referral) };
  });
}
