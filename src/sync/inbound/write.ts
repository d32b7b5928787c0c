/**
 * The inbound writes: new Opportunities get their Account and Contacts first, then one batched upsert by the
 * referral identifier (crash-safe: a rerun updates, never duplicates); changed ones are updated by Id with only
 * the fields that really changed; new Opportunities get their contact roles.
 */
import type { WriteResult } from '../../salesforce/records.js';
import { OPP } from '../../salesforce/fields.js';
import { updateRecords, upsertRecords } from '../../salesforce/records.js';
import { createContactRoles, resolveAccounts, resolveContacts } from '../accounts.js';
import type { SyncContext } from '../context.js';
import { syncMessages as messages } from '../messages.js';
import type { RecordOutcome } from '../types.js';
import { outcomeOf, type Planned } from './plan.js';

/** Account and Contacts for the customers of new Opportunities; the Account Id goes on each planned create. */
async function relateCustomers(ctx: SyncContext, creates: readonly Planned[]): Promise<Map<string, string[]>> {
  const referrals = creates.map((planned) => planned.referral);
  const accounts = await resolveAccounts(ctx.connection, referrals, ctx.config.accounts, ctx.rules, false);
  for (const planned of creates) {
    const accountId = accounts.accountByReferral.get(planned.referral.id);
    if (accountId) planned.values.AccountId = accountId;
  }
  if (!ctx.config.accounts.contacts.create) return new Map();
  return resolveContacts(ctx.connection, referrals, accounts.accountByReferral, false);
}

export async function writeInbound(
  ctx: SyncContext,
  creates: readonly Planned[],
  updates: readonly Planned[]
): Promise<RecordOutcome[]> {
  const total = creates.length + updates.length;
  const contacts = await relateCustomers(ctx, creates);
  const bulkThreshold = ctx.config.sync.bulkThreshold;
  const createValues = creates.map((planned) => planned.values);
  const created = creates.length
    ? (await upsertRecords(ctx.connection, 'Opportunity', OPP.referralId, createValues, { bulkThreshold })).results
    : [];
  ctx.progress({ phase: 'inbound: written', done: created.length, total });
  const updateValues = updates.map((planned) => ({ Id: planned.row?.Id, ...planned.values }));
  const updated = updates.length ? await updateRecords(ctx.connection, 'Opportunity', updateValues) : [];
  ctx.progress({ phase: 'inbound: written', done: created.length + updated.length, total });

  const outcomes: RecordOutcome[] = [];
  const roles: Array<{ opportunityId: string; contactIds: string[] }> = [];
  const settle = (planned: Planned, result: WriteResult, kind: 'created' | 'updated'): void => {
    if (result.success) {
      const contactIds = contacts.get(planned.referral.id);
      if (kind === 'created' && result.created !== false && contactIds) {
        roles.push({ opportunityId: result.id, contactIds });
      }
      outcomes.push({ ...outcomeOf(planned, planned.conflict ? 'conflict' : kind), opportunityId: result.id });
    } else {
      const reason = result.errors.map((error) => `${error.errorCode}: ${error.message}`).join('; ');
      outcomes.push({ ...outcomeOf(planned, 'error'), message: messages.getMessage('outcome.writeFailed', [reason]) });
    }
  };
  creates.forEach((planned, index) => settle(planned, created[index], 'created'));
  updates.forEach((planned, index) => settle(planned, updated[index], 'updated'));
  await createContactRoles(ctx.connection, roles, ctx.config.accounts.contacts.role);
  return outcomes;
}
