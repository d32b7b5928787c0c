/**
 * Pure planning for one incoming referral: what it changes on its Opportunity (or the Opportunity it creates),
 * merged against the record's snapshot and fitted to the org's fields, and the snapshot both sides then agree on.
 */
import { sameValue, type SalesforceValue } from '../../mapping/convert.js';
import { rulesFor, type SyncEvent } from '../../mapping/events.js';
import { parseSnapshot } from '../../mapping/merge.js';
import { agreedSnapshot, pair, salesforceWritesFor, textOf, type OpportunityRow } from '../../mapping/pairing.js';
import type { Referral } from '../../partner-center/referral-types.js';
import { clip, OPP } from '../../salesforce/fields.js';
import { fit } from '../../salesforce/limits.js';
import type { SObjectRecord } from '../../salesforce/records.js';
import { auditLine, prependAudit } from '../audit.js';
import type { SyncContext } from '../context.js';
import { syncMessages as messages } from '../messages.js';
import { SHARING_KEY } from '../deal-type.js';
import { STAGE_KEY, stageForReferral, statusValue } from '../stages.js';
import type { FieldChange, Outcome, RecordOutcome } from '../types.js';

/** One referral's planned write. */
export type Planned = {
  referral: Referral;
  row?: OpportunityRow;
  /** The field values to write (mapped fields, stage, the sync's own fields; for a new record its defaults). */
  writes: SObjectRecord;
  changes: FieldChange[];
  /**
   * The snapshot both sides agree on once the writes are done, as the JSON the record holds. A new record's is made
   * each time it is asked for (as its upload's chunk is built), so a backfill's window does not hold ten thousand of
   * them; an existing record's is made once (it is merged against the record's own, which is not kept) and held as
   * one string rather than an object per mapped field.
   */
  snapshot: () => string;
  conflict?: string;
  /** What was adjusted to fit (a text cut to its field's length). */
  notes: string[];
  /** Values Salesforce would refuse: nothing of the referral is written, the record says why. */
  refusal?: string;
  /** The Opportunity was found by the Id the referral carries, not by its identifier. */
  linked: boolean;
};

const defaultCloseDate = (now: Date): string => new Date(now.getTime() + 90 * 86_400_000).toISOString().slice(0, 10);

/** Each write fitted to its field: text cut to length (noted), numbers too large for the field refused. */
function fitWrites(ctx: SyncContext, writes: SObjectRecord): { notes: string[]; refusals: string[] } {
  const notes: string[] = [];
  const refusals: string[] = [];
  for (const [field, value] of Object.entries(writes)) {
    const limit = ctx.limits.get(field.toLowerCase());
    const fitted = fit(limit, value as SalesforceValue);
    const label = limit?.label ?? field;
    if ('refused' in fitted) {
      const { value: number, digits } = fitted.refused;
      refusals.push(messages.getMessage('refused.digits', [label, number, field, digits]));
      delete writes[field];
    } else if (fitted.clipped) {
      writes[field] = fitted.value;
      notes.push(messages.getMessage('note.clipped', [label, fitted.clipped.from, fitted.clipped.to]));
    }
  }
  return { notes, refusals };
}

/** What this referral changes on its Opportunity, or undefined when nothing does. */
export function planReferral(
  ctx: SyncContext,
  referral: Referral,
  row: OpportunityRow | undefined,
  linked = false
): Planned | undefined {
  const snapshot = parseSnapshot(row?.[OPP.snapshot] as string | undefined);
  const event: SyncEvent = row ? 'update' : 'create';
  const pairing = pair(
    rulesFor(ctx.rules, event).filter((rule) => rule.direction !== 'outbound'),
    referral,
    row,
    snapshot,
    'partnerCenter'
  );
  const writes: SObjectRecord = salesforceWritesFor(pairing);
  const status = statusValue(referral);
  const stageBase = snapshot?.fields[STAGE_KEY];
  if (!row || !stageBase || !sameValue(stageBase.pc, status)) {
    const stage = stageForReferral(referral, ctx.config.stages);
    if (row?.StageName !== stage) writes.StageName = stage;
  }
  const { notes, refusals } = fitWrites(ctx, writes);
  const changes: FieldChange[] = Object.entries(writes).map(([field, after]) => ({
    field,
    before: row?.[field] ?? null,
    after,
  }));

  const conflicts = pairing.decisions.filter((decision) => decision.action === 'conflict');
  const conflicted = conflicts.map((c) => c.key.split('|')[1]).join(', ');
  const conflict = conflicts.length ? messages.getMessage('outcome.conflict', [conflicted]) : undefined;
  const missingAccount = Boolean(row && !row.AccountId && referral.customerProfile?.name);
  if (!row) {
    writes[OPP.syncWith] = true;
    writes.Name ??= clip(referral.name ?? referral.customerProfile?.name ?? referral.id, 120);
    writes.CloseDate ??= defaultCloseDate(ctx.now());
  } else if (changes.length === 0 && !conflict && !refusals.length && !missingAccount && row[OPP.state] === 'Synced') {
    return undefined;
  }

  // Only what both sides now agree on moves into the snapshot: a conflict, or a change still owed to Partner Center
  // (the outbound pass sends it), keeps its old base.
  const kept = pairing.decisions.filter((d) => d.action === 'conflict' || d.action === 'toPartnerCenter');
  const keep = { snapshot, keys: new Set(kept.map((d) => d.key)), event };
  const agreed = (): string => {
    const rowAfter: OpportunityRow = { ...row, ...writes };
    const next = agreedSnapshot(
      ctx.rules,
      referral,
      rowAfter,
      keep,
      {
        [STAGE_KEY]: { pc: status, sf: rowAfter.StageName ?? null },
        // The deal type is the outbound pass's to send: its base stays until then.
        ...(snapshot?.fields[SHARING_KEY] ? { [SHARING_KEY]: snapshot.fields[SHARING_KEY] } : {}),
      },
      !row
    );
    return JSON.stringify(next);
  };
  const made = row ? agreed() : undefined;
  return {
    referral,
    ...(row ? { row } : {}),
    writes,
    changes,
    snapshot: made === undefined ? agreed : (): string => made,
    ...(conflict ? { conflict } : {}),
    notes,
    ...(refusals.length ? { refusal: refusals.join(' ') } : {}),
    linked,
  };
}

/** The outcome a planned referral reports. */
export function outcomeOf(planned: Planned, outcome?: Outcome, message?: string): RecordOutcome {
  const kind: Outcome =
    outcome ??
    (planned.refusal
      ? 'error'
      : planned.conflict
        ? 'conflict'
        : planned.linked
          ? 'linked'
          : planned.row
            ? 'updated'
            : 'created');
  const fields = planned.changes.map((c) => c.field).join(', ') || 'sync state';
  const words =
    message ??
    planned.refusal ??
    planned.conflict ??
    (planned.linked
      ? messages.getMessage('outcome.linkedInbound')
      : planned.row
        ? messages.getMessage('outcome.inboundUpdated', [fields])
        : messages.getMessage('outcome.imported', [planned.referral.id]));
  return {
    direction: 'inbound',
    outcome: kind,
    referralId: planned.referral.id,
    ...(planned.row?.Id ? { opportunityId: planned.row.Id } : {}),
    name: textOf(planned.writes.Name) || textOf(planned.row?.Name) || (planned.referral.name ?? ''),
    changes: kind === 'error' ? [] : planned.changes,
    message: words,
    ...(planned.notes.length ? { notes: planned.notes } : {}),
  };
}

/**
 * The values written for a planned referral: its writes, the snapshot and the sync state — or, when it fails (its
 * values refused, or its customer's Account not saved), only the state and the reason.
 */
export function valuesOf(ctx: SyncContext, planned: Planned, at: string, failure?: string): SObjectRecord {
  const error = failure ?? planned.refusal;
  const row = planned.row;
  const outcome = outcomeOf(planned, error ? 'error' : undefined, error);
  const audit = prependAudit(
    row?.[OPP.audit] as string | undefined,
    auditLine(at, outcome),
    ctx.config.sync.auditMaxLength
  );
  if (planned.refusal) return { [OPP.state]: 'Error', [OPP.error]: clip(planned.refusal), [OPP.audit]: audit };
  return {
    ...planned.writes,
    [OPP.snapshot]: planned.snapshot(),
    [OPP.state]: error ? 'Error' : planned.conflict ? 'Conflict' : 'Synced',
    [OPP.error]: error ? clip(error) : planned.conflict ? clip(planned.conflict) : null,
    [OPP.lastSynced]: at,
    [OPP.audit]: audit,
  };
}
