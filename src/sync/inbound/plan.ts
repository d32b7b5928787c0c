/**
 * Pure planning for one incoming referral: what it changes on its Opportunity (or the Opportunity it creates),
 * merged against the record's snapshot, with the sync state, Audit line and next snapshot.
 */
import { sameValue } from '../../mapping/convert.js';
import { parseSnapshot, type Snapshot } from '../../mapping/merge.js';
import { agreedSnapshot, pair, salesforceWritesFor, textOf, type OpportunityRow } from '../../mapping/pairing.js';
import type { Referral } from '../../partner-center/referral-types.js';
import { clip, OPP } from '../../salesforce/fields.js';
import type { SObjectRecord } from '../../salesforce/records.js';
import type { SyncContext } from '../context.js';
import { auditLine, prependAudit } from '../journal.js';
import { syncMessages as messages } from '../messages.js';
import { STAGE_KEY, stageForReferral, statusValue } from '../stages.js';
import type { FieldChange, RecordOutcome } from '../types.js';

/** One referral's planned write. */
export type Planned = {
  referral: Referral;
  row?: OpportunityRow;
  values: SObjectRecord;
  changes: FieldChange[];
  conflict?: string;
};

/** What this referral changes on its Opportunity, or undefined when nothing does. */
export function planReferral(
  ctx: SyncContext,
  referral: Referral,
  row: OpportunityRow | undefined,
  at: string
): Planned | undefined {
  const snapshot: Snapshot | undefined = parseSnapshot(row?.[OPP.snapshot] as string | undefined);
  const pairing = pair(
    ctx.rules.filter((rule) => rule.direction !== 'outbound'),
    referral,
    row,
    snapshot,
    'partnerCenter'
  );
  const writes: SObjectRecord = salesforceWritesFor(pairing);
  const changes: FieldChange[] = Object.entries(writes).map(([field, after]) => ({
    field,
    before: row?.[field] ?? null,
    after,
  }));

  const stageBase = snapshot?.fields[STAGE_KEY];
  const status = statusValue(referral);
  if (!row || !stageBase || !sameValue(stageBase.pc, status)) {
    const stage = stageForReferral(referral, ctx.config.stages);
    if (row?.StageName !== stage) {
      writes.StageName = stage;
      changes.push({ field: 'StageName', before: row?.StageName ?? null, after: stage });
    }
  }

  const conflicts = pairing.decisions.filter((decision) => decision.action === 'conflict');
  const conflict = conflicts.length
    ? messages.getMessage('outcome.conflict', [conflicts.map((c) => c.key.split('|')[1]).join(', ')])
    : undefined;
  if (!row) {
    writes[OPP.referralId] = referral.id;
    writes[OPP.syncWith] = true;
    writes.Name ??= referral.name ?? referral.customerProfile?.name ?? referral.id;
    writes.CloseDate ??= defaultCloseDate(ctx.now());
  } else if (changes.length === 0 && !conflict && row[OPP.state] === 'Synced') {
    return undefined;
  }

  const rowAfter: OpportunityRow = { ...row, ...writes };
  // Only what both sides now agree on moves into the snapshot: a conflict, or a change still owed to Partner Center
  // (the outbound pass sends it), keeps its old base.
  const keep = {
    snapshot,
    keys: new Set(
      pairing.decisions.filter((d) => d.action === 'conflict' || d.action === 'toPartnerCenter').map((d) => d.key)
    ),
  };
  const nextSnapshot = agreedSnapshot(
    ctx.rules,
    referral,
    rowAfter,
    keep,
    { [STAGE_KEY]: { pc: status, sf: rowAfter.StageName ?? null } },
    !row
  );
  const outcome: RecordOutcome = {
    direction: 'inbound',
    outcome: row ? 'updated' : 'created',
    referralId: referral.id,
    changes,
    message: row
      ? messages.getMessage('outcome.inboundUpdated', [changes.map((c) => c.field).join(', ') || 'sync state'])
      : messages.getMessage('outcome.imported', [referral.id]),
  };
  Object.assign(writes, {
    [OPP.snapshot]: JSON.stringify(nextSnapshot),
    [OPP.state]: conflict ? 'Conflict' : 'Synced',
    [OPP.error]: conflict ? clip(conflict) : null,
    [OPP.lastSynced]: at,
    [OPP.audit]: prependAudit(
      row?.[OPP.audit] as string | undefined,
      auditLine(at, conflict ? { ...outcome, outcome: 'conflict', message: conflict } : outcome),
      ctx.config.sync.auditMaxLength
    ),
  });
  return { referral, row, values: writes, changes, ...(conflict ? { conflict } : {}) };
}

export function outcomeOf(planned: Planned, outcome: RecordOutcome['outcome']): RecordOutcome {
  return {
    direction: 'inbound',
    outcome,
    referralId: planned.referral.id,
    ...(planned.row?.Id ? { opportunityId: planned.row.Id } : {}),
    name: textOf(planned.values.Name) || textOf(planned.row?.Name) || (planned.referral.name ?? ''),
    changes: planned.changes,
    ...(planned.conflict ? { message: planned.conflict } : {}),
  };
}

const defaultCloseDate = (now: Date): string => new Date(now.getTime() + 90 * 86_400_000).toISOString().slice(0, 10);
