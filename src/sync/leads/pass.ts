/**
 * The Lead side of a run. Inbound, before the Opportunity pass: lead referrals (by `leads.kinds`) become Leads
 * under `leads.sync: lead`, are left out under `off`, and go on as Opportunities under `opportunity`; an accepted
 * lead whose Lead exists is converted first, so the Opportunity pass finds the converted Opportunity by its
 * referral id and never creates a second. Outbound: Leads the seller set to the accepted or declined status move
 * their referral (outbound.ts).
 */
import type { Referral } from '../../partner-center/referral-types.js';
import { OPP } from '../../salesforce/fields.js';
import { queryAll, soqlString } from '../../salesforce/records.js';
import type { SyncContext } from '../context.js';
import { relateCustomers } from '../customers.js';
import type { RecordOutcome } from '../types.js';
import { routeReferral } from './classify.js';
import { type ConversionOutcome, convertLead, type CustomerIds } from './convert.js';
import { LEAD } from './fields.js';
import { type LeadOutcome, readLeads, upsertLeads } from './inbound.js';
import { outcomeOfPlan, planLeads } from './plan.js';
import { decideLead } from './outbound.js';

const leadDeps = (ctx: SyncContext) => ({
  connection: ctx.connection,
  leads: ctx.config.leads,
  schema: ctx.schema,
  bulkThreshold: ctx.config.sync.bulkThreshold,
  now: ctx.now,
});

/** The Account and (that Account's) Contact the customer rules match or create for a referral. */
function customerOf(ctx: SyncContext): (referral: Referral) => Promise<CustomerIds> {
  return async (referral) => {
    const links = await relateCustomers(ctx, [referral]);
    const accountId = links.accountByReferral.get(referral.id);
    const contactId = links.contactsByReferral.get(referral.id)?.[0];
    if (!accountId || !contactId) return accountId ? { accountId } : {};
    const [contact] = await queryAll<{ AccountId: string | null }>(
      ctx.connection,
      `SELECT AccountId FROM Contact WHERE Id = ${soqlString(contactId)}`
    );
    // convertLead() merges only into a Contact of the given Account.
    return contact?.AccountId?.slice(0, 15) === accountId.slice(0, 15) ? { accountId, contactId } : { accountId };
  };
}

const outcome = (referralId: string, rest: Partial<RecordOutcome>): RecordOutcome => ({
  direction: 'inbound',
  outcome: 'unchanged',
  referralId,
  changes: [],
  ...rest,
});

/** A Lead's outcome as the run reports it: its Lead action (none when unchanged) and the generic outcome beside it. */
function leadOutcome(lead: LeadOutcome, name?: string): RecordOutcome {
  const base = outcome(lead.referralId, {
    ...(lead.leadId ? { leadId: lead.leadId } : {}),
    ...(name ? { name } : {}),
    changes: lead.changes,
    ...(lead.message ? { message: lead.message } : {}),
  });
  if (lead.action === 'unchanged') return base;
  if (lead.action === 'skipped') return { ...base, outcome: 'skipped' };
  if (lead.action === 'failed') return { ...base, outcome: 'error', lead: 'failed', retry: true };
  return { ...base, outcome: lead.action === 'created' ? 'created' : 'updated', lead: lead.action };
}

/** A conversion's outcome: the Lead converted into its Opportunity, or failed. */
function conversionOutcome(converted: ConversionOutcome, direction: RecordOutcome['direction']): RecordOutcome {
  const ids = {
    direction,
    ...(converted.leadId ? { leadId: converted.leadId } : {}),
    ...(converted.opportunityId ? { opportunityId: converted.opportunityId } : {}),
  };
  if (converted.outcome === 'error')
    return outcome(converted.referralId, {
      ...ids,
      outcome: 'error',
      lead: 'failed',
      message: converted.message,
      retry: true,
    });
  if (converted.outcome === 'unchanged') return outcome(converted.referralId, ids);
  return outcome(converted.referralId, { ...ids, outcome: 'updated', lead: 'converted' });
}

/** Writes the Leads of lead referrals and converts accepted ones; returns the referrals the Opportunity pass takes. */
export async function leadInbound(
  ctx: SyncContext,
  referrals: readonly Referral[]
): Promise<{ outcomes: RecordOutcome[]; remaining: Referral[] }> {
  const outcomes: RecordOutcome[] = [];
  const remaining: Referral[] = [];
  const asLeads: Referral[] = [];
  const accepted: Referral[] = [];
  for (const referral of referrals) {
    const route = routeReferral(referral, ctx.config.leads);
    // Counted as skipped, but no event: no record exists or changes, and each run would repeat it.
    if (route === 'skip')
      outcomes.push(outcome(referral.id, { outcome: 'skipped', message: 'leads.sync is off', repeated: true }));
    else if (route === 'lead') asLeads.push(referral);
    else {
      remaining.push(referral);
      if (routeReferral({ ...referral, status: 'New', substatus: 'Pending' }, ctx.config.leads) === 'lead')
        accepted.push(referral);
    }
  }
  const names = new Map(referrals.map((r) => [r.id, r.name]));
  if (asLeads.length > 0) {
    ctx.checkpoint();
    const leads = ctx.dryRun
      ? (await planLeads(leadDeps(ctx), asLeads)).map(outcomeOfPlan)
      : await upsertLeads(leadDeps(ctx), asLeads);
    outcomes.push(...leads.map((lead) => leadOutcome(lead, names.get(lead.referralId))));
  }
  // Nothing to read when no accepted referral is a lead: the Lead path costs no request then.
  const withLeads = await readLeads(
    ctx.connection,
    accepted.map((r) => r.id)
  );
  const toConvert = accepted.filter((r) => withLeads.get(r.id)?.IsConverted === false);
  if (ctx.dryRun) {
    // The conversion makes the Opportunity: the Opportunity pass would plan a second one.
    const converting = new Set(toConvert.map((r) => r.id));
    const planned = toConvert.map((r) =>
      outcome(r.id, { outcome: 'updated', lead: 'converted', leadId: withLeads.get(r.id)?.Id, name: r.name })
    );
    return { outcomes: [...outcomes, ...planned], remaining: remaining.filter((r) => !converting.has(r.id)) };
  }
  const unconverted = new Set<string>();
  for (const referral of toConvert) {
    ctx.checkpoint();
    const converted = await convertLead(ctx.connection, ctx.config.leads, referral, customerOf(ctx)).catch(
      (error: unknown): ConversionOutcome => ({
        referralId: referral.id,
        leadId: withLeads.get(referral.id)?.Id,
        outcome: 'error',
        message: error instanceof Error ? error.message : String(error),
      })
    );
    // Its Opportunity is the conversion's to make: the Opportunity pass waits for the next run's conversion.
    if (converted.outcome === 'error') unconverted.add(referral.id);
    outcomes.push({ ...conversionOutcome(converted, 'inbound'), ...(referral.name ? { name: referral.name } : {}) });
  }
  return { outcomes, remaining: remaining.filter((r) => !unconverted.has(r.id)) };
}

type OpenLead = { Id: string; Status: string; IsConverted: boolean; [field: string]: unknown };

/**
 * Sends the seller's decision on the sync's Leads whose referral is still New — the accepted or declined status, or
 * a conversion through Salesforce's own Convert button (its Opportunity still says New: LeadConvertSettings carries
 * the referral onto it, and a converted Lead can no longer be edited) — and counts the Leads left awaiting a decision
 * (the run record keeps it, so a later run with none asks for none).
 */
export async function leadOutbound(ctx: SyncContext): Promise<{ outcomes: RecordOutcome[]; open: number }> {
  const { accepted, declined } = ctx.config.leads.statuses;
  const rows = await queryAll<OpenLead>(
    ctx.connection,
    `SELECT Id, Status, IsConverted, ${LEAD.referralId} FROM Lead WHERE ${LEAD.referralId} != null ` +
      `AND ${LEAD.status} = 'New' AND (IsConverted = false OR ConvertedOpportunity.${OPP.status} = 'New')`
  );
  const outcomes: RecordOutcome[] = [];
  let open = rows.length;
  for (const row of rows.filter((r) => r.IsConverted || r.Status === accepted || r.Status === declined)) {
    const referralId = String(row[LEAD.referralId]);
    // Converting is accepting, whatever status the seller's conversion gave the Lead.
    const status = row.IsConverted ? accepted : row.Status;
    const base: RecordOutcome = {
      direction: 'outbound',
      outcome: 'unchanged',
      referralId,
      leadId: row.Id,
      changes: [],
    };
    const lead = status === accepted ? ('converted' as const) : ('closed' as const);
    if (ctx.dryRun) {
      const said = row.IsConverted ? 'conversion' : row.Status;
      outcomes.push({ ...base, outcome: 'updated', lead, message: `would send the Lead's ${said}` });
      continue;
    }
    ctx.checkpoint();
    try {
      const decision = await decideLead(
        { client: ctx.client, connection: ctx.connection, leads: ctx.config.leads },
        { referralId, status },
        customerOf(ctx)
      );
      const sent = decision.sent ? `${decision.sent.status}/${decision.sent.substatus}` : undefined;
      const changes = sent ? [{ field: 'status', before: 'New', after: sent }] : [];
      if (decision.conversion) {
        const converted = conversionOutcome(decision.conversion, 'outbound');
        // Converted by the seller: what this run did is send the acceptance.
        const bySeller = row.IsConverted && sent !== undefined && !converted.lead;
        outcomes.push({
          ...converted,
          changes,
          ...(sent && !converted.lead ? { outcome: 'updated' as const } : {}),
          ...(bySeller ? { lead } : {}),
        });
        if (converted.lead === 'converted' || bySeller) open--;
      } else {
        outcomes.push({ ...base, ...(sent ? { outcome: 'updated' as const, lead, changes } : {}) });
        if (sent) open--;
      }
    } catch (error) {
      outcomes.push({ ...base, outcome: 'error', lead: 'failed', message: (error as Error).message, retry: true });
    }
  }
  return { outcomes, open };
}
