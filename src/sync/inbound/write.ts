/**
 * The inbound writes, in batches: the customers' Accounts and Contacts first (found or made, every result read),
 * then one upsert of the new Opportunities by the referral identifier (a repeat updates, never duplicates) and one
 * update of the changed ones, re-checked just before it so a rep's edit made since the read is merged again.
 */
import { OPP } from '../../salesforce/fields.js';
import {
  inClauses,
  isTransient,
  MadeRecords,
  queryAll,
  updateRecords,
  upsertRecords,
  type SObjectRecord,
  type WriteResult,
} from '../../salesforce/records.js';
import { relateCustomers, type CustomerLinks } from '../customers.js';
import type { SyncContext } from '../context.js';
import { syncMessages as messages } from '../messages.js';
import type { RecordOutcome } from '../types.js';
import { outcomeOf, planReferral, valuesOf, type Planned } from './plan.js';
import { readOpportunities } from './read.js';

/**
 * Writes the updates, first re-reading each row's SystemModstamp: a row a rep edited since the pass read it is
 * read again and planned again (merged by each field's owner), once; still moving, it is left for the next run.
 * Salesforce offers no conditional update for Opportunity (REST API Developer Guide, "Conditional Request Headers":
 * sObject Rows of Account only), so what remains is the one round trip between this check and the write.
 */
async function updateGuarded(
  ctx: SyncContext,
  updates: readonly Planned[],
  valuesFor: (planned: Planned) => SObjectRecord
): Promise<{ written: Array<[Planned, WriteResult]>; settled: RecordOutcome[] }> {
  const settled: RecordOutcome[] = [];
  let ready: Planned[] = [];
  let pending = [...updates];
  for (let attempt = 0; pending.length > 0; attempt++) {
    const moved = await movedSinceRead(ctx, pending);
    ready.push(...pending.filter((planned) => !moved.has(planned)));
    if (moved.size === 0) break;
    if (attempt > 0) {
      const message = messages.getMessage('outcome.changedDuringSync');
      settled.push(...[...moved].map((planned) => ({ ...outcomeOf(planned, 'unchanged', message), retry: true })));
      break;
    }
    const fresh = await readOpportunities(
      ctx,
      [...moved].map((planned) => planned.referral.id),
      []
    );
    pending = [];
    for (const planned of moved) {
      const row = fresh.byReferral.get(planned.referral.id);
      const again = row ? planReferral(ctx, planned.referral, row, planned.linked) : undefined;
      if (again) pending.push(again);
      else settled.push(outcomeOf(planned, 'unchanged', messages.getMessage('outcome.changedDuringSync')));
    }
  }
  ready = ready.filter((planned) => planned.row?.Id);
  const records = ready.map((planned) => ({ Id: planned.row?.Id, ...valuesFor(planned) }));
  const results = records.length ? await updateRecords(ctx.connection, 'Opportunity', records) : [];
  return { written: ready.map((planned, index) => [planned, results[index]]), settled };
}

/** The planned updates whose row was modified since the pass read it. */
async function movedSinceRead(ctx: SyncContext, planned: readonly Planned[]): Promise<Set<Planned>> {
  const stamps = new Map<string, string>();
  for (const clause of inClauses(planned.map((p) => String(p.row?.Id)))) {
    const soql = `SELECT Id, SystemModstamp FROM Opportunity WHERE Id IN ${clause}`;
    for (const row of await queryAll<{ Id: string; SystemModstamp: string }>(ctx.connection, soql)) {
      stamps.set(row.Id.slice(0, 15), row.SystemModstamp);
    }
  }
  return new Set(planned.filter((p) => stamps.get(String(p.row?.Id).slice(0, 15)) !== p.row?.SystemModstamp));
}

/**
 * An upsert whose answer never came (a dropped connection, an unavailable org after the commit) may still have
 * written: the rows are looked up by the referral identifier, and those found are settled with their Id, so the
 * Opportunity gets its timeline now rather than being met as unchanged by the next run.
 */
async function recoverLost(
  ctx: SyncContext,
  planned: readonly Planned[],
  results: WriteResult[]
): Promise<WriteResult[]> {
  const unclear = planned.filter((_, index) => {
    const result = results[index];
    return !result.success && result.errors.some(isTransient);
  });
  if (unclear.length === 0) return results;
  let found: Awaited<ReturnType<typeof readOpportunities>>;
  try {
    found = await readOpportunities(
      ctx,
      unclear.map((p) => p.referral.id),
      []
    );
  } catch {
    return results; // Still unreachable: the transient failures stand, and the next run looks again.
  }
  return results.map((result, index) => {
    const row = found.byReferral.get(planned[index].referral.id);
    return !result.success && result.errors.some(isTransient) && row?.Id
      ? { success: true, id: String(row.Id), created: true, errors: [] }
      : result;
  });
}

function settle(
  planned: Planned,
  result: WriteResult,
  failure?: { message: string; transient: boolean }
): RecordOutcome {
  if (!result.success) {
    const reason = result.errors.map((error) => `${error.errorCode}: ${error.message}`).join('; ');
    const message = messages.getMessage('outcome.writeFailed', [reason]);
    return { ...outcomeOf(planned, 'error', message), retry: result.errors.some(isTransient) };
  }
  const outcome = failure
    ? { ...outcomeOf(planned, 'error', failure.message), retry: failure.transient }
    : outcomeOf(planned);
  return { ...outcome, opportunityId: result.id };
}

const withNotes = (planned: Planned, customers: CustomerLinks): Planned => {
  const notes = customers.notes.get(planned.referral.id);
  return notes?.length ? { ...planned, notes: [...planned.notes, ...notes] } : planned;
};

export type InboundWrite = {
  outcomes: RecordOutcome[];
  /** The customers related for the written referrals (their Contacts serve the contact roles). */
  customers: CustomerLinks;
};

export async function writeInbound(
  ctx: SyncContext,
  creates: readonly Planned[],
  updates: readonly Planned[],
  at: string
): Promise<InboundWrite> {
  // Refused values: a new referral is not created (the outcome says why); an existing record says why once.
  const outcomes: RecordOutcome[] = creates.filter((p) => p.refusal).map((planned) => outcomeOf(planned));
  const toCreate = creates.filter((planned) => !planned.refusal);

  ctx.checkpoint();
  const needsAccount = [...toCreate, ...updates].filter((p) => !p.refusal && !p.row?.AccountId);
  const customers = await relateCustomers(
    ctx,
    needsAccount.map((planned) => planned.referral)
  );
  const valuesFor = (planned: Planned): SObjectRecord => {
    const failure = customers.failures.get(planned.referral.id)?.message;
    const values = valuesOf(ctx, withNotes(planned, customers), at, failure);
    const accountId = customers.accountByReferral.get(planned.referral.id);
    if (accountId && !planned.refusal) values.AccountId = accountId;
    return values;
  };
  const repeated = (planned: Planned): boolean =>
    Boolean(planned.refusal) &&
    planned.row?.[OPP.state] === 'Error' &&
    planned.row[OPP.error] === valuesFor(planned)[OPP.error];
  outcomes.push(...updates.filter(repeated).map((planned) => ({ ...outcomeOf(planned), repeated: true })));

  ctx.checkpoint();
  const total = toCreate.length + updates.length;
  // Made as the upload reads them: the window's values are never all held at once.
  const createValues = new MadeRecords(toCreate.length, (index) => ({
    ...valuesFor(toCreate[index]),
    [OPP.referralId]: toCreate[index].referral.id,
  }));
  const bulkThreshold = ctx.config.sync.bulkThreshold;
  const created = toCreate.length
    ? await recoverLost(
        ctx,
        toCreate,
        (await upsertRecords(ctx.connection, 'Opportunity', OPP.referralId, createValues, { bulkThreshold })).results
      )
    : [];
  ctx.progress({ phase: 'inbound: written', done: created.length, total });
  const guarded = await updateGuarded(
    ctx,
    updates.filter((planned) => !repeated(planned)),
    valuesFor
  );
  outcomes.push(...guarded.settled);
  ctx.progress({ phase: 'inbound: written', done: created.length + guarded.written.length, total });

  const failureOf = (planned: Planned): { message: string; transient: boolean } | undefined =>
    customers.failures.get(planned.referral.id);
  const settleWithNotes = (planned: Planned, result: WriteResult): RecordOutcome =>
    settle(withNotes(planned, customers), result, failureOf(planned));
  toCreate.forEach((planned, index) => outcomes.push(settleWithNotes(planned, created[index])));
  for (const [planned, result] of guarded.written) outcomes.push(settleWithNotes(planned, result));
  return { outcomes, customers };
}
