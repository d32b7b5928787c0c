/**
 * Inbound: referrals changed in Partner Center since the watermark become Opportunities, or update the
 * Opportunity they belong to. New ones are upserted by Referral_Identifier__c (crash-safe: a rerun updates, never
 * duplicates); changed ones are updated by Id, and only with the fields that really changed.
 */
import { Messages } from '@salesforce/core';
import { parseSnapshot, type Snapshot } from '../mapping/merge.js';
import { sameValue } from '../mapping/convert.js';
import type { Referral } from '../partner-center/referral-types.js';
import {
  inClauses,
  queryAll,
  updateRecords,
  upsertRecords,
  type SObjectRecord,
  type WriteResult,
} from '../salesforce/records.js';
import { createContactRoles, resolveAccounts, resolveContacts } from './accounts.js';
import { opportunitySelect, type SyncContext } from './context.js';
import { clip, OPP } from '../salesforce/fields.js';
import { auditLine, prependAudit, toWatermark } from './journal.js';
import { agreedSnapshot, pair, salesforceWritesFor, textOf, type OpportunityRow } from '../mapping/pairing.js';
import { STAGE_KEY, stageForReferral, statusValue } from './stages.js';
import type { FieldChange, RecordOutcome } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'sync');

export type InboundSelection = { since?: string; referralIds?: string[] };

type Planned = {
  referral: Referral;
  row?: OpportunityRow;
  values: SObjectRecord;
  changes: FieldChange[];
  conflict?: string;
};

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;

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
  if (referrals.length === 0) return { outcomes: [], ...(watermark ? { watermark } : {}) };

  const rows = await readOpportunities(ctx, referrals);
  const at = ctx.now().toISOString();
  const outcomes: RecordOutcome[] = [];
  const creates: Planned[] = [];
  const updates: Planned[] = [];

  for (const referral of referrals) {
    const row = rows.byReferral.get(referral.id) ?? rowByExternalReference(rows.byId, referral);
    if (row && row[OPP.referralId] && row[OPP.referralId] !== referral.id) {
      // The Microsoft-side twin of one of our co-sell referrals: the Opportunity already follows its partner referral.
      outcomes.push({
        direction: 'inbound',
        outcome: 'unchanged',
        referralId: referral.id,
        opportunityId: row.Id,
        changes: [],
      });
      continue;
    }
    const planned = plan(ctx, referral, row, at);
    if (!planned) {
      outcomes.push({
        direction: 'inbound',
        outcome: 'unchanged',
        referralId: referral.id,
        opportunityId: row?.Id,
        changes: [],
      });
    } else if (row) updates.push(planned);
    else creates.push(planned);
  }
  ctx.progress({ phase: 'inbound: planned', done: referrals.length, total: referrals.length });

  if (ctx.dryRun) {
    for (const planned of [...creates, ...updates])
      outcomes.push(outcomeOf(planned, planned.row ? 'updated' : 'created'));
    return { outcomes, ...(watermark ? { watermark } : {}) };
  }

  // New Opportunities: their Accounts and Contacts first, then one batched upsert.
  const accounts = await resolveAccounts(
    ctx.connection,
    creates.map((p) => p.referral),
    ctx.config.accounts,
    false
  );
  const contacts = ctx.config.accounts.contacts.create
    ? await resolveContacts(
        ctx.connection,
        creates.map((p) => p.referral),
        accounts.accountByReferral,
        false
      )
    : new Map<string, string[]>();
  for (const planned of creates) {
    const accountId = accounts.accountByReferral.get(planned.referral.id);
    if (accountId) planned.values.AccountId = accountId;
  }
  const created = creates.length
    ? (
        await upsertRecords(
          ctx.connection,
          'Opportunity',
          OPP.referralId,
          creates.map((p) => p.values),
          { bulkThreshold: ctx.config.sync.bulkThreshold }
        )
      ).results
    : [];
  ctx.progress({ phase: 'inbound: written', done: created.length, total: creates.length + updates.length });
  const updated = updates.length
    ? await updateRecords(
        ctx.connection,
        'Opportunity',
        updates.map((p) => ({ Id: p.row?.Id, ...p.values }))
      )
    : [];
  ctx.progress({
    phase: 'inbound: written',
    done: created.length + updated.length,
    total: creates.length + updates.length,
  });

  const roles: Array<{ opportunityId: string; contactIds: string[] }> = [];
  const settle = (planned: Planned, result: WriteResult, kind: 'created' | 'updated'): void => {
    if (result.success) {
      const contactIds = contacts.get(planned.referral.id);
      if (kind === 'created' && result.created !== false && contactIds)
        roles.push({ opportunityId: result.id, contactIds });
      outcomes.push({ ...outcomeOf(planned, planned.conflict ? 'conflict' : kind), opportunityId: result.id });
    } else {
      const reason = result.errors.map((error) => `${error.errorCode}: ${error.message}`).join('; ');
      outcomes.push({ ...outcomeOf(planned, 'error'), message: messages.getMessage('outcome.writeFailed', [reason]) });
    }
  };
  creates.forEach((planned, index) => settle(planned, created[index], 'created'));
  updates.forEach((planned, index) => settle(planned, updated[index], 'updated'));
  await createContactRoles(ctx.connection, roles, ctx.config.accounts.contacts.role);
  return { outcomes, ...(watermark ? { watermark } : {}) };
}

async function readReferrals(ctx: SyncContext, selection: InboundSelection): Promise<Referral[]> {
  if (selection.referralIds?.length) {
    return Promise.all(selection.referralIds.map((id) => ctx.client.get(id)));
  }
  const referrals: Referral[] = [];
  const filter = selection.since ? `updatedDateTime ge ${selection.since}` : undefined;
  for await (const page of ctx.client.pages({ ...(filter ? { filter } : {}), orderBy: 'updatedDateTime asc' })) {
    referrals.push(...page.value);
    ctx.progress({
      phase: 'inbound: reading referrals',
      done: referrals.length,
      ...(page['@odata.count'] ? { total: page['@odata.count'] } : {}),
    });
  }
  // A referral changed twice during paging can appear twice: keep its newest copy.
  const byId = new Map<string, Referral>();
  for (const referral of referrals) byId.set(referral.id, referral);
  return [...byId.values()];
}

async function readOpportunities(
  ctx: SyncContext,
  referrals: readonly Referral[]
): Promise<{ byReferral: Map<string, OpportunityRow>; byId: Map<string, OpportunityRow> }> {
  const select = opportunitySelect(ctx.rules);
  const byReferral = new Map<string, OpportunityRow>();
  const byId = new Map<string, OpportunityRow>();
  for (const clause of inClauses(referrals.map((r) => r.id))) {
    for (const row of await queryAll<OpportunityRow>(
      ctx.connection,
      `SELECT ${select} FROM Opportunity WHERE ${OPP.referralId} IN ${clause}`
    )) {
      byReferral.set(String(row[OPP.referralId]), row);
      if (row.Id) byId.set(row.Id.slice(0, 15), row);
    }
  }
  const references = referrals
    .map((r) => r.externalReferenceId)
    .filter((id): id is string => Boolean(id && SALESFORCE_ID.test(id)));
  const unmatched = references.filter((id) => !byId.has(id.slice(0, 15)));
  for (const clause of inClauses(unmatched)) {
    for (const row of await queryAll<OpportunityRow>(
      ctx.connection,
      `SELECT ${select} FROM Opportunity WHERE Id IN ${clause}`
    )) {
      if (row.Id) byId.set(row.Id.slice(0, 15), row);
    }
  }
  return { byReferral, byId };
}

function rowByExternalReference(
  byId: ReadonlyMap<string, OpportunityRow>,
  referral: Referral
): OpportunityRow | undefined {
  const reference = referral.externalReferenceId;
  return reference && SALESFORCE_ID.test(reference) ? byId.get(reference.slice(0, 15)) : undefined;
}

/** What this referral changes on its Opportunity, or undefined when nothing does. */
function plan(ctx: SyncContext, referral: Referral, row: OpportunityRow | undefined, at: string): Planned | undefined {
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

function outcomeOf(planned: Planned, outcome: RecordOutcome['outcome']): RecordOutcome {
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
