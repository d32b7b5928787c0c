/**
 * Outbound: Opportunities a rep flagged (Sync with Partner Center) that changed since the watermark, or asked
 * for a resync, go to Partner Center: Partner Center's rules are checked first (no call when they fail); a new one
 * becomes a referral (co-sell in two steps when Microsoft's help is requested) after a look-up by
 * externalReferenceId, so a crash between create and write-back never duplicates; an existing one gets a JSON Patch
 * of only what changed, guarded by its eTag.
 */
import { Messages } from '@salesforce/core';
import { sameValue } from '../mapping/convert.js';
import { parseSnapshot, type Snapshot } from '../mapping/merge.js';
import type { JsonObject } from '../mapping/paths.js';
import { PartnerCenterError, ReferralConflictError } from '../partner-center/errors.js';
import type { Member, NewReferral, Referral, ReferralPatchOperation } from '../partner-center/referral-types.js';
import { inClauses, queryAll, updateRecords, type SObjectRecord } from '../salesforce/records.js';
import { opportunitySelect, type SyncContext } from './context.js';
import { clip, OPP } from '../salesforce/fields.js';
import { auditLine, prependAudit, toWatermark } from './journal.js';
import {
  agreedSnapshot,
  pair,
  patchFor,
  referralBodyFor,
  ruleKey,
  rowValue,
  textOf,
  type OpportunityRow,
} from '../mapping/pairing.js';
import { readinessProblems } from './readiness.js';
import { isTerminal, STAGE_KEY, statusValue, transitionForStage } from './stages.js';
import type { FieldChange, RecordOutcome } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'sync');

export type OutboundSelection = { since?: string; recordIds?: string[] };

type ContactRoleRow = {
  OpportunityId: string;
  IsPrimary: boolean;
  Contact?: { FirstName?: string; LastName?: string; Email?: string; Phone?: string };
};

/** Work done for one Opportunity: what to write back to it and the outcome to report. */
type Settled = { row: OpportunityRow; values?: SObjectRecord; outcome: RecordOutcome };

export async function outboundPass(
  ctx: SyncContext,
  selection: OutboundSelection
): Promise<{ outcomes: RecordOutcome[]; watermark: string }> {
  const watermark = toWatermark(ctx.now().toISOString()) as string;
  const rows = await readCandidates(ctx, selection);
  ctx.progress({ phase: 'outbound: reading Opportunities', done: rows.length, total: rows.length });
  const at = ctx.now().toISOString();
  const settled: Settled[] = [];
  const toCreate: OpportunityRow[] = [];
  const toUpdate: OpportunityRow[] = [];

  const contactsByOpp = await readContacts(
    ctx,
    rows.filter((row) => !row[OPP.referralId])
  );
  for (const row of rows) {
    if (!row[OPP.referralId]) {
      const problems = readinessProblems(
        {
          accountName: rowValue(row, 'Account.Name') as string | undefined,
          billingCountry: (rowValue(row, 'Account.BillingCountry') as string | null) ?? undefined,
          solutionsText: row[OPP.solutions] as string | null,
          helpRequested: Boolean(row[OPP.help]),
          contactCount: contactsByOpp.get(String(row.Id))?.length ?? 0,
        },
        ctx.rules
      );
      if (problems.length > 0) settled.push(refused(ctx, row, problems.map((p) => p.message).join(' '), at));
      else toCreate.push(row);
    } else if (salesforceSideChanged(ctx, row)) {
      toUpdate.push(row);
    } else {
      settled.push({
        row,
        outcome: {
          direction: 'outbound',
          outcome: 'unchanged',
          opportunityId: row.Id,
          referralId: String(row[OPP.referralId]),
          changes: [],
        },
      });
    }
  }

  settled.push(...(await createReferrals(ctx, toCreate, contactsByOpp, at)));
  settled.push(...(await Promise.all(toUpdate.map((row) => updateReferral(ctx, row, at)))));
  ctx.progress({ phase: 'outbound: sent to Partner Center', done: settled.length, total: rows.length });

  const writes = settled.filter((entry) => entry.values && !ctx.dryRun);
  const results = writes.length
    ? await updateRecords(
        ctx.connection,
        'Opportunity',
        writes.map((entry) => ({ Id: entry.row.Id, ...entry.values }))
      )
    : [];
  results.forEach((result, index) => {
    if (!result.success) {
      const outcome = writes[index].outcome;
      outcome.outcome = 'error';
      outcome.message = messages.getMessage('outcome.writeFailed', [
        result.errors.map((e) => `${e.errorCode}: ${e.message}`).join('; '),
      ]);
    }
  });
  return { outcomes: settled.map((entry) => entry.outcome), watermark };
}

async function readCandidates(ctx: SyncContext, selection: OutboundSelection): Promise<OpportunityRow[]> {
  const select = opportunitySelect(ctx.rules);
  if (selection.recordIds?.length) {
    const rows: OpportunityRow[] = [];
    for (const clause of inClauses(selection.recordIds)) {
      rows.push(
        ...(await queryAll<OpportunityRow>(ctx.connection, `SELECT ${select} FROM Opportunity WHERE Id IN ${clause}`))
      );
    }
    return rows;
  }
  const changed = selection.since ? ` AND (SystemModstamp > ${selection.since} OR ${OPP.resync} = true)` : '';
  return queryAll<OpportunityRow>(
    ctx.connection,
    `SELECT ${select} FROM Opportunity WHERE ${OPP.syncWith} = true${changed} ORDER BY SystemModstamp`
  );
}

async function readContacts(ctx: SyncContext, rows: readonly OpportunityRow[]): Promise<Map<string, Member[]>> {
  const byOpp = new Map<string, Member[]>();
  for (const clause of inClauses(rows.map((row) => String(row.Id)))) {
    const roles = await queryAll<ContactRoleRow>(
      ctx.connection,
      `SELECT OpportunityId, IsPrimary, Contact.FirstName, Contact.LastName, Contact.Email, Contact.Phone FROM OpportunityContactRole WHERE OpportunityId IN ${clause}`
    );
    for (const role of roles.sort((a, b) => Number(b.IsPrimary) - Number(a.IsPrimary))) {
      if (!role.Contact?.Email) continue;
      const member: Member = {
        firstName: role.Contact.FirstName,
        lastName: role.Contact.LastName,
        email: role.Contact.Email,
        ...(role.Contact.Phone ? { phoneNumber: role.Contact.Phone } : {}),
      };
      const key = role.OpportunityId.slice(0, 15);
      byOpp.set(key, [...(byOpp.get(key) ?? []), member]);
    }
  }
  // Keyed by the 15-character Id so 15/18-character forms agree.
  return new Map([...rows].map((row) => [String(row.Id), byOpp.get(String(row.Id).slice(0, 15)) ?? []]));
}

const splitSolutions = (value: unknown): string[] =>
  typeof value === 'string'
    ? value
        .split(';')
        .map((id) => id.trim())
        .filter(Boolean)
    : [];

/** Did the rep change anything the sync sends since the snapshot, or ask for a resync? (No Partner Center call needed to know.) */
function salesforceSideChanged(ctx: SyncContext, row: OpportunityRow): boolean {
  if (row[OPP.resync] === true) return true;
  const snapshot = parseSnapshot(row[OPP.snapshot] as string | undefined);
  if (!snapshot) return true;
  if (!sameValue(row.StageName, snapshot.fields[STAGE_KEY]?.sf)) return true;
  // A record's Id never changes: it goes out (as externalReferenceId) with the next real change, never on its own.
  return ctx.rules.some(
    (rule) =>
      rule.direction !== 'inbound' &&
      rule.salesforce !== 'Id' &&
      !sameValue(rowValue(row, rule.salesforce), snapshot.fields[ruleKey(rule)]?.sf)
  );
}

function refused(ctx: SyncContext, row: OpportunityRow, message: string, at: string): Settled {
  const outcome: RecordOutcome = {
    direction: 'outbound',
    outcome: 'error',
    opportunityId: row.Id,
    name: textOf(row.Name),
    changes: [],
    message,
  };
  // The same refusal as last time is not written again.
  if (row[OPP.state] === 'Error' && row[OPP.error] === clip(message) && row[OPP.resync] !== true)
    return { row, outcome };
  return {
    row,
    outcome,
    values: {
      [OPP.state]: 'Error',
      [OPP.error]: clip(message),
      [OPP.resync]: false,
      [OPP.audit]: prependAudit(
        row[OPP.audit] as string | undefined,
        auditLine(at, outcome),
        ctx.config.sync.auditMaxLength
      ),
    },
  };
}

function failed(ctx: SyncContext, row: OpportunityRow, error: unknown, at: string, referralId?: string): Settled {
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
  return {
    row,
    outcome,
    values: {
      [OPP.state]: 'Error',
      [OPP.error]: clip(message),
      [OPP.audit]: prependAudit(
        row[OPP.audit] as string | undefined,
        auditLine(at, outcome),
        ctx.config.sync.auditMaxLength
      ),
    },
  };
}

/** The Opportunity's values once it holds `referral`. */
function writeBack(
  ctx: SyncContext,
  row: OpportunityRow,
  referral: Referral,
  outcome: RecordOutcome,
  at: string,
  keep?: { snapshot: Snapshot | undefined; keys: Set<string> }
): SObjectRecord {
  const values: SObjectRecord = {
    [OPP.referralId]: referral.id,
    [OPP.engagementId]: referral.engagementId ?? null,
    [OPP.eTag]: referral.eTag ?? null,
    [OPP.status]: referral.status ?? null,
    [OPP.substatus]: referral.substatus ?? null,
  };
  for (const rule of ctx.rules) {
    if (rule.direction === 'inbound' && !rule.salesforce.includes('.') && rule.salesforce === OPP.link) {
      values[OPP.link] =
        rule.transform?.type === 'urlTemplate'
          ? rule.transform.template.replace('{value}', encodeURIComponent(referral.id))
          : null;
    }
  }
  const rowAfter: OpportunityRow = { ...row, ...values };
  const snapshot = agreedSnapshot(ctx.rules, referral, rowAfter, keep ?? { snapshot: undefined, keys: new Set() }, {
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
    [OPP.audit]: prependAudit(
      row[OPP.audit] as string | undefined,
      auditLine(at, outcome),
      ctx.config.sync.auditMaxLength
    ),
  };
}

async function createReferrals(
  ctx: SyncContext,
  rows: readonly OpportunityRow[],
  contacts: ReadonlyMap<string, Member[]>,
  at: string
): Promise<Settled[]> {
  if (rows.length === 0) return [];
  // Heal a crash between create and write-back: a referral already carrying this Opportunity's Id is adopted.
  const existing = new Map<string, Referral>();
  if (!ctx.dryRun) {
    for (let i = 0; i < rows.length; i += 10) {
      const filter = rows
        .slice(i, i + 10)
        .map((row) => `externalReferenceId eq '${String(row.Id)}'`)
        .join(' or ');

      for await (const referral of ctx.client.list({ filter })) {
        if (
          referral.externalReferenceId &&
          (!referral.target?.some((t) => t.id === 'msft') || !existing.has(referral.externalReferenceId))
        ) {
          existing.set(referral.externalReferenceId, referral);
        }
      }
    }
  }
  return Promise.all(
    rows.map(async (row): Promise<Settled> => {
      const id = String(row.Id);
      const coSell = Boolean(row[OPP.help]);
      const planned: RecordOutcome = {
        direction: 'outbound',
        outcome: 'created',
        opportunityId: id,
        name: textOf(row.Name),
        changes: [],
      };
      if (ctx.dryRun)
        return {
          row,
          outcome: { ...planned, message: coSell ? 'would create a co-sell referral' : 'would create a referral' },
        };
      try {
        const adopted = existing.get(id);
        const referral = adopted ?? (await createOne(ctx, row, contacts.get(id) ?? [], coSell));
        const outcome: RecordOutcome = {
          ...planned,
          referralId: referral.id,
          message: messages.getMessage(coSell ? 'outcome.createdCoSell' : 'outcome.created', [referral.id]),
        };
        return { row, outcome, values: writeBack(ctx, row, referral, outcome, at) };
      } catch (error) {
        return failed(ctx, row, error, at);
      }
    })
  );
}

async function createOne(ctx: SyncContext, row: OpportunityRow, team: Member[], coSell: boolean): Promise<Referral> {
  const mapped = referralBodyFor(ctx.rules, row) as JsonObject & Partial<NewReferral>;
  const solutions = splitSolutions(row[OPP.solutions]);
  const body: Omit<NewReferral, 'type'> = {
    ...(mapped as Omit<NewReferral, 'type'>),
    externalReferenceId: String(row.Id),
    customerProfile: { ...(mapped.customerProfile ?? {}), team } as NewReferral['customerProfile'],
    consent: { consentToContact: true, consentToShareReferralWithMicrosoftSellers: true },
    details: mapped.details ?? {},
    target: [{ type: 'SolutionProfile', id: solutions[0] }],
  };
  if (coSell) return (await ctx.client.createCoSell(body)).shared;
  return ctx.client.create({ ...body, type: 'Shared' });
}

async function updateReferral(ctx: SyncContext, row: OpportunityRow, at: string): Promise<Settled> {
  const referralId = String(row[OPP.referralId]);
  try {
    let referral = await ctx.client.get(referralId);
    for (let attempt = 0; ; attempt++) {
      const plan = planPatch(ctx, row, referral);
      if (isTerminal(referral) || plan.operations.length === 0) {
        const closed = isTerminal(referral) && plan.operations.length > 0;
        const outcome: RecordOutcome = {
          direction: 'outbound',
          outcome: plan.conflictMessage ? 'conflict' : closed ? 'skipped' : 'unchanged',
          opportunityId: row.Id,
          referralId,
          changes: [],
          ...(plan.notPatchable.length
            ? { message: messages.getMessage('outcome.notPatchable', [plan.notPatchable.join(', ')]) }
            : {}),
          ...(closed ? { message: messages.getMessage('outcome.terminal', [referral.substatus]) } : {}),
          ...(plan.conflictMessage ? { message: plan.conflictMessage } : {}),
        };
        return { row, outcome, values: ctx.dryRun ? undefined : writeBack(ctx, row, referral, outcome, at, plan.keep) };
      }
      const outcome: RecordOutcome = {
        direction: 'outbound',
        outcome: plan.conflictMessage ? 'conflict' : 'updated',
        opportunityId: row.Id,
        referralId,
        name: textOf(row.Name),
        changes: plan.changes,
        message:
          plan.conflictMessage ?? messages.getMessage('outcome.updated', [plan.changes.map((c) => c.field).join(', ')]),
      };
      if (ctx.dryRun) return { row, outcome };
      try {
        const updated =
          (await ctx.client.update(referralId, plan.operations, { eTag: referral.eTag })) ??
          (await ctx.client.get(referralId));
        return { row, outcome, values: writeBack(ctx, row, updated, outcome, at, plan.keep) };
      } catch (error) {
        if (!(error instanceof ReferralConflictError) || attempt > 0) throw error;

        referral = await ctx.client.get(referralId);
      }
    }
  } catch (error) {
    return failed(ctx, row, error, at, referralId);
  }
}

function planPatch(
  ctx: SyncContext,
  row: OpportunityRow,
  referral: Referral
): {
  operations: ReferralPatchOperation[];
  changes: FieldChange[];
  notPatchable: string[];
  conflictMessage?: string;
  keep: { snapshot: Snapshot | undefined; keys: Set<string> };
} {
  const snapshot = parseSnapshot(row[OPP.snapshot] as string | undefined);
  const pairing = pair(
    ctx.rules.filter((rule) => rule.direction !== 'inbound'),
    referral,
    row,
    snapshot,
    'salesforce'
  );
  // A rep who resolved a conflict and asked for a resync has decided: Salesforce's value goes.
  const resolving = row[OPP.state] === 'Conflict' && row[OPP.resync] === true;
  // A change still owed to Salesforce (the inbound pass writes it) keeps its old base in the snapshot.
  const owedToSalesforce = pairing.decisions
    .filter((decision) => decision.action === 'toSalesforce')
    .map((decision) => decision.key);
  pairing.decisions = pairing.decisions.map((decision, index) =>
    decision.action === 'conflict' && resolving
      ? {
          key: decision.key,
          action: 'toPartnerCenter',
          value: pairing.fields[index].sfAsPc,
          before: pairing.fields[index].pc,
        }
      : decision.action === 'toSalesforce'
        ? { key: decision.key, action: 'unchanged' }
        : decision
  );
  const { operations, notPatchable } = patchFor(pairing);
  const changes: FieldChange[] = pairing.decisions.flatMap((decision) =>
    decision.action === 'toPartnerCenter'
      ? [{ field: decision.key.split('|')[0], before: decision.before, after: decision.value }]
      : []
  );

  const stageBase = snapshot?.fields[STAGE_KEY];
  if (!stageBase || !sameValue(row.StageName, stageBase.sf)) {
    const transition = transitionForStage(
      row.StageName as string | undefined,
      row[OPP.declineReason] as string | undefined,
      referral,
      ctx.config.stages
    );
    if (transition) {
      operations.push(
        { op: 'replace', path: '/status', value: transition.status },
        { op: 'replace', path: '/substatus', value: transition.substatus }
      );
      if (transition.statusReason)
        operations.push({ op: 'replace', path: '/statusReason', value: transition.statusReason });
      changes.push({
        field: 'status',
        before: statusValue(referral),
        after: `${transition.status}/${transition.substatus}`,
      });
    }
  }
  const conflicts = pairing.decisions.filter((decision) => decision.action === 'conflict');
  const keep = { snapshot, keys: new Set([...conflicts.map((c) => c.key), ...owedToSalesforce]) };
  return {
    operations,
    changes,
    notPatchable,
    keep,
    ...(conflicts.length
      ? {
          conflictMessage: messages.getMessage('outcome.conflict', [
            conflicts.map((c) => c.key.split('|')[1]).join(', '),
          ]),
        }
      : {}),
  };
}
