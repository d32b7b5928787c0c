/**
 * What each lead referral asks of its Lead, decided before anything is written (a dry run stops here): create it,
 * update the fields that differ (closing it when the referral was declined or expired), or nothing — a Lead whose
 * values already match is not written again, so a re-run writes nothing.
 */
import type { SalesforceValue } from '../../mapping/convert.js';
import type { Referral } from '../../partner-center/referral-types.js';
import type { SObjectRecord } from '../../salesforce/records.js';
import type { FieldChange } from '../types.js';
import { LEAD, LEAD_SYNC_FIELDS } from './fields.js';
import { type LeadDeps, type LeadOutcome, type LeadRow, leadValues, readLeads } from './inbound.js';

/** `skipped`: the Lead is converted; its Opportunity syncs instead. */
export type LeadPlanAction = 'created' | 'updated' | 'closed' | 'unchanged' | 'skipped';

export type LeadPlan = {
  referral: Referral;
  row?: LeadRow;
  action: LeadPlanAction;
  /** The values to upsert, the referral id included. */
  record: SObjectRecord;
  changes: FieldChange[];
};

/** The person and the required fields leadValues always writes, beside the mapping's and the sync's own. */
const PERSON_FIELDS = ['FirstName', 'LastName', 'Email', 'Phone', 'Company'];

/** Bookkeeping that changes on every write: never a reason to write. */
const NOT_COMPARED = new Set<string>([LEAD.lastSynced]);

/** A value as both sides compare it: blank is null, anything else its text. */
const comparable = (value: unknown): string | null =>
  value === undefined || value === null || value === ''
    ? null
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);
const same = (before: unknown, after: SalesforceValue): boolean => comparable(before) === comparable(after);

/** The Lead fields the plan compares: every one leadValues may write in this org. */
async function comparedFields(deps: LeadDeps): Promise<string[]> {
  const picklists = await deps.schema.addresses('Lead', '');
  const targets = deps.leads.mapping.flatMap((rule) => (rule.salesforce === undefined ? [] : [rule.salesforce]));
  const inOrg = targets.map((name) => (picklists && (name === 'Country' || name === 'State') ? `${name}Code` : name));
  return [...new Set([...PERSON_FIELDS, ...LEAD_SYNC_FIELDS, ...inOrg])];
}

export async function planLeads(deps: LeadDeps, referrals: readonly Referral[]): Promise<LeadPlan[]> {
  if (referrals.length === 0) return [];
  const existing = await readLeads(
    deps.connection,
    referrals.map((r) => r.id),
    await comparedFields(deps)
  );
  const plans: LeadPlan[] = [];
  for (const referral of referrals) {
    const row = existing.get(referral.id);
    if (row?.IsConverted) {
      plans.push({ referral, row, action: 'skipped', record: {}, changes: [] });
      continue;
    }
    const values = (await leadValues(deps, referral, row)) as Record<string, SalesforceValue>;
    const changes = Object.entries(values)
      .filter(([field, value]) => !NOT_COMPARED.has(field) && !same(row?.[field], value))
      .map(([field, after]) => ({ field, before: row?.[field] ?? null, after }));
    const closing = values.Status !== undefined && values.Status !== row?.Status;
    const action = !row ? 'created' : changes.length === 0 ? 'unchanged' : closing ? 'closed' : 'updated';
    plans.push({ referral, row, action, record: { ...values, [LEAD.referralId]: referral.id }, changes });
  }
  return plans;
}

export const outcomeOfPlan = (plan: LeadPlan): LeadOutcome => ({
  referralId: plan.referral.id,
  ...(plan.row ? { leadId: plan.row.Id } : {}),
  action: plan.action,
  changes: plan.changes,
  ...(plan.action === 'skipped' ? { message: 'the Lead is converted' } : {}),
});
