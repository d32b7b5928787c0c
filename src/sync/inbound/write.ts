/**
 * The inbound writes, in batches: the customers' Accounts and Contacts first (found or made, every result read),
 * then one upsert of the new Opportunities by the referral identifier (a repeat updates, never duplicates) and one
 * update of the changed ones — each re-checked just before the write, so a rep's edit made since the read is merged
 * again, never overwritten.
 */
import { OPP } from '../../salesforce/fields.js';
import { inClauses, isTransient, queryAll, updateRecords, upsertRecords } from '../../salesforce/records.js';
import type { WriteResult } from '../../salesforce/records.js';
import { relateCustomers, type CustomerLinks } from '../customers.js';
import type { SyncContext } from '../context.js';
import { syncMessages as messages } from '../messages.js';
import type { RecordOutcome } from '../types.js';
import { outcomeOf, planReferral, valuesOf, type Planned } from './plan.js';
import { readOpportunities } from './read.js';

/** Updates whose row changed since it was read are planned again from a fresh read of the row. */
async function recheck(ctx: SyncContext, updates: Planned[]): Promise<{ ready: Planned[]; settled: RecordOutcome[] }> {
  if (updates.length === 0) return { ready: [], settled: [] };
  const stamps = new Map<string, string>();
  for (const clause of inClauses(updates.map((planned) => String(planned.row?.Id)))) {
    const soql = `SELECT Id, SystemModstamp FROM Opportunity WHERE Id IN ${clause}`;
    for (const row of await queryAll<{ Id: string; SystemModstamp: string }>(ctx.connection, soql)) {
      stamps.set(row.Id.slice(0, 15), row.SystemModstamp);
    }
  }
  const moved = (planned: Planned): boolean =>
    stamps.get(String(planned.row?.Id).slice(0, 15)) !== planned.row?.SystemModstamp;
  const changed = updates.filter(moved);
  if (changed.length === 0) return { ready: updates, settled: [] };
  const fresh = await readOpportunities(
    ctx,
    changed.map((planned) => planned.referral.id),
    []
  );
  const ready = updates.filter((planned) => !moved(planned));
  const settled: RecordOutcome[] = [];
  for (const planned of changed) {
    const row = fresh.byReferral.get(planned.referral.id);
    const again = row ? planReferral(ctx, planned.referral, row, planned.linked) : undefined;
    if (again) ready.push(again);
    else settled.push({ ...outcomeOf(planned, 'unchanged', messages.getMessage('outcome.changedDuringSync')) });
  }
  return { ready, settled };
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
  const toCreate = creates.filter((planned) => !planned.refusal).map((planned) => planned);
  const rechecked = await recheck(ctx, [...updates]);
  outcomes.push(...rechecked.settled);

  ctx.checkpoint();
  const needsAccount = [...toCreate, ...rechecked.ready].filter((p) => !p.refusal && !p.row?.AccountId);
  const customers = await relateCustomers(
    ctx,
    needsAccount.map((planned) => planned.referral)
  );
  const valuesFor = (planned: Planned): Record<string, unknown> => {
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
  outcomes.push(...rechecked.ready.filter(repeated).map((planned) => ({ ...outcomeOf(planned), repeated: true })));
  const toUpdate = rechecked.ready.filter((planned) => !repeated(planned));

  ctx.checkpoint();
  const total = toCreate.length + toUpdate.length;
  const createValues = toCreate.map((planned) => ({ ...valuesFor(planned), [OPP.referralId]: planned.referral.id }));
  const bulkThreshold = ctx.config.sync.bulkThreshold;
  const created = toCreate.length
    ? (await upsertRecords(ctx.connection, 'Opportunity', OPP.referralId, createValues, { bulkThreshold })).results
    : [];
  ctx.progress({ phase: 'inbound: written', done: created.length, total });
  const updateValues = toUpdate.map((planned) => ({ Id: planned.row?.Id, ...valuesFor(planned) }));
  const updated = toUpdate.length ? await updateRecords(ctx.connection, 'Opportunity', updateValues) : [];
  ctx.progress({ phase: 'inbound: written', done: created.length + updated.length, total });

  const failureOf = (planned: Planned): { message: string; transient: boolean } | undefined =>
    customers.failures.get(planned.referral.id);
  toCreate.forEach((planned, index) => outcomes.push(settle(planned, created[index], failureOf(planned))));
  toUpdate.forEach((planned, index) => outcomes.push(settle(planned, updated[index], failureOf(planned))));
  return { outcomes, customers };
}
