/**
 * Inbound for lead referrals: a lead becomes (or updates) a Salesforce Lead, upserted by its External ID, with the
 * lead mapping's values, the first customer contact as the person, and the sync's own fields. A converted Lead is
 * never written again (a real org refuses it: CANNOT_UPDATE_CONVERTED_LEAD); a declined or expired lead closes its
 * Lead with the declined status and the reason in the Audit.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { LeadSettings } from '../../config/leads.js';
import { toSalesforceValue, type SalesforceValue } from '../../mapping/convert.js';
import { rulesFor } from '../../mapping/events.js';
import { getPath } from '../../mapping/paths.js';
import { systemValues } from '../../mapping/system-rules.js';
import type { Referral } from '../../partner-center/referral-types.js';
import type { OrgSchema } from '../../salesforce/org-schema.js';
import { inClauses, queryAll, type SObjectRecord, upsertRecords } from '../../salesforce/records.js';
import type { FieldChange } from '../types.js';
import { LEAD } from './fields.js';
import { type LeadPlanAction, outcomeOfPlan, planLeads } from './plan.js';

export type LeadDeps = {
  connection: Connection;
  leads: LeadSettings;
  schema: OrgSchema;
  bulkThreshold: number;
  now: () => Date;
};

export type LeadRow = {
  Id: string;
  Status: string;
  IsConverted: boolean;
  ConvertedOpportunityId: string | null;
  ConvertedAccountId: string | null;
  ConvertedContactId: string | null;
  [field: string]: unknown;
};

/** What a run did (or, dry, would do) to one lead referral's Lead. */
export type LeadOutcome = {
  referralId: string;
  leadId?: string;
  action: LeadPlanAction | 'failed';
  changes: FieldChange[];
  message?: string;
};

const CLOSED_SUBSTATUSES = new Set(['Declined', 'Expired', 'Lost']);

const CONVERSION_FIELDS = ['Id', 'Status', 'IsConverted', 'ConvertedOpportunityId', 'ConvertedAccountId'];

/** The Leads of these referrals, by referral id (converted ones included), with these fields too. */
export async function readLeads(
  connection: Connection,
  referralIds: readonly string[],
  fields: readonly string[] = []
): Promise<Map<string, LeadRow>> {
  const rows = new Map<string, LeadRow>();
  const base = [...CONVERSION_FIELDS, 'ConvertedContactId', LEAD.referralId, LEAD.substatus, LEAD.audit];
  const select = [...new Set([...base, ...fields])].join(', ');
  for (const clause of inClauses(referralIds)) {
    const found = await queryAll<LeadRow>(
      connection,
      `SELECT ${select} FROM Lead WHERE ${LEAD.referralId} IN ${clause}`
    );
    for (const row of found) rows.set(String(row[LEAD.referralId]), row);
  }
  return rows;
}

/**
 * The Lead's values for a referral: the lead mapping's rules for this event (a create-only rule only when the Lead is
 * created, so a seller's later change stays), the person, the sync's own fields and, when closed, the status.
 */
export async function leadValues(deps: LeadDeps, referral: Referral, existing?: LeadRow): Promise<SObjectRecord> {
  const values: Record<string, SalesforceValue> = {};
  for (const rule of rulesFor(deps.leads.mapping, existing ? 'update' : 'create')) {
    if (rule.salesforce === undefined) continue;
    values[rule.salesforce] =
      rule.partnerCenter === undefined
        ? (rule.value ?? null)
        : toSalesforceValue(rule, getPath(referral, rule.partnerCenter));
  }
  await pickAddressCodes(deps.schema, values);
  const person = referral.customerProfile?.team?.[0];
  values.FirstName = person?.firstName ?? null;
  // LastName and Company are required on a Lead: the customer's name stands in for a contact without one.
  values.LastName = person?.lastName ?? referral.customerProfile?.name ?? referral.name ?? referral.id;
  values.Email = person?.email ?? null;
  values.Phone = person?.phoneNumber ?? null;
  // Company is required too; on an update only a rule that writes it can blank it.
  if (!values.Company && (!existing || 'Company' in values))
    values.Company = referral.customerProfile?.name ?? referral.name ?? referral.id;
  const at = deps.now().toISOString();
  values[LEAD.status] = referral.status;
  values[LEAD.substatus] = referral.substatus;
  values[LEAD.eTag] = referral.eTag ?? null;
  // The link a seller opens, as the Opportunity's system rule writes it (and conversion carries it over).
  values[LEAD.link] = systemValues(referral)[LEAD.link];
  values[LEAD.state] = 'Synced';
  values[LEAD.error] = null;
  values[LEAD.lastSynced] = at;
  // Closing once: a re-run of the same closed referral adds no second Audit line.
  if (CLOSED_SUBSTATUSES.has(referral.substatus) && existing?.[LEAD.substatus] !== referral.substatus) {
    values.Status = deps.leads.statuses.declined;
    const reason = referral.statusReason ? `: ${referral.statusReason}` : '';
    const before = typeof existing?.[LEAD.audit] === 'string' ? `\n${existing[LEAD.audit] as string}` : '';
    values[LEAD.audit] = `${at} inbound: ${referral.substatus} in Partner Center${reason}${before}`;
  }
  return values;
}

/** In an org with State and Country/Territory Picklists the codes are exact: write `CountryCode`/`StateCode`. */
async function pickAddressCodes(schema: OrgSchema, values: Record<string, SalesforceValue>): Promise<void> {
  const picklists = await schema.addresses('Lead', '');
  if (!picklists) return;
  const country = typeof values.Country === 'string' ? picklists.countryCode(values.Country) : undefined;
  if ('Country' in values) {
    delete values.Country;
    values.CountryCode = country ?? null;
  }
  if ('State' in values) {
    const state = country && typeof values.State === 'string' ? picklists.stateCode(country, values.State) : undefined;
    delete values.State;
    values.StateCode = state ?? null;
  }
}

/** Writes the Leads these plans change (converted and unchanged Leads are not written); one outcome per plan. */
export async function upsertLeads(deps: LeadDeps, referrals: readonly Referral[]): Promise<LeadOutcome[]> {
  const plans = await planLeads(deps, referrals);
  const outcomes: LeadOutcome[] = [];
  const writes = plans.filter((plan) => plan.action !== 'unchanged' && plan.action !== 'skipped');
  for (const plan of plans.filter((p) => !writes.includes(p))) outcomes.push(outcomeOfPlan(plan));
  if (writes.length === 0) return outcomes;
  const batch = await upsertRecords(
    deps.connection,
    LEAD.object,
    LEAD.referralId,
    writes.map((w) => w.record),
    // The Lead carries its referral whatever person it names: a customer known as a Contact or another Lead is
    // the duplicate rules' alert for the seller, not a reason to drop the referral.
    { bulkThreshold: deps.bulkThreshold, allowDuplicates: true }
  );
  batch.results.forEach((result, index) => {
    const plan = writes[index];
    if (!result.success) {
      const message = result.errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ');
      outcomes.push({ ...outcomeOfPlan(plan), action: 'failed', message });
      return;
    }
    outcomes.push({ ...outcomeOfPlan(plan), leadId: result.id ?? plan.row?.Id });
  });
  return outcomes;
}
