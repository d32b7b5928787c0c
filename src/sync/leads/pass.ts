/**
 * The Lead side of a run. Inbound, before the Opportunity pass: lead referrals (by `leads.kinds`) become Leads
 * under `leads.sync: lead`, are left out under `off`, and go on as Opportunities under `opportunity`; an accepted
 * lead whose Lead exists is converted first, so the Opportunity pass finds the converted Opportunity by its
 * referral id and never creates a second. Outbound: Leads the seller set to the accepted or declined status move
 * their referral (outbound.ts).
 */
import type { Referral } from '../../partner-center/referral-types.js';
import { queryAll, soqlString } from '../../salesforce/records.js';
import type { SyncContext } from '../context.js';
import { relateCustomers } from '../customers.js';
import type { RecordOutcome } from '../types.js';
import { routeReferral } from './classify.js';
import { convertLead, type CustomerIds } from './convert.js';
import { LEAD } from './fields.js';
import { readLeads, upsertLeads } from './inbound.js';
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
    if (route === 'skip') outcomes.push(outcome(referral.id, { outcome: 'skipped', message: 'leads.sync is off' }));
    else if (route === 'lead') asLeads.push(referral);
    else {
      remaining.push(referral);
      if (routeReferral({ ...referral, status: 'New', substatus: 'Pending' }, ctx.config.leads) === 'lead')
        accepted.push(referral);
    }
  }
  if (ctx.dryRun) {
    const message = 'would write its Lead';
    outcomes.push(...asLeads.map((r) => outcome(r.id, { outcome: 'skipped', message, name: r.name })));
    return { outcomes, remaining };
  }
  if (asLeads.length > 0) {
    ctx.checkpoint();
    for (const lead of await upsertLeads(leadDeps(ctx), asLeads)) {
      const message = `Lead ${lead.leadId ?? ''}${lead.message ? `: ${lead.message}` : ''}`.trim();
      outcomes.push(outcome(lead.referralId, { outcome: lead.outcome, message }));
    }
  }
  const withLeads = await readLeads(
    ctx.connection,
    accepted.map((r) => r.id)
  );
  for (const referral of accepted.filter((r) => withLeads.get(r.id)?.IsConverted === false)) {
    ctx.checkpoint();
    const converted = await convertLead(ctx.connection, ctx.config.leads, referral, customerOf(ctx));
    if (converted.outcome === 'error')
      outcomes.push(outcome(referral.id, { outcome: 'error', message: converted.message, retry: true }));
  }
  return { outcomes, remaining };
}

/** Sends the seller's accept or decline of open Leads whose referral is still New. */
export async function leadOutbound(ctx: SyncContext): Promise<RecordOutcome[]> {
  if (ctx.config.leads.sync !== 'lead') return [];
  const { accepted, declined } = ctx.config.leads.statuses;
  const rows = await queryAll<{ Id: string; Status: string; [field: string]: unknown }>(
    ctx.connection,
    `SELECT Id, Status, ${LEAD.referralId} FROM Lead WHERE IsConverted = false AND ${LEAD.referralId} != null ` +
      `AND ${LEAD.status} = 'New' AND Status IN (${soqlString(accepted)}, ${soqlString(declined)})`
  );
  const outcomes: RecordOutcome[] = [];
  for (const row of rows) {
    const referralId = String(row[LEAD.referralId]);
    const base: RecordOutcome = { direction: 'outbound', outcome: 'unchanged', referralId, changes: [] };
    if (ctx.dryRun) {
      outcomes.push({ ...base, outcome: 'updated', message: `would send the Lead's ${row.Status}` });
      continue;
    }
    ctx.checkpoint();
    try {
      const decision = await decideLead(
        { client: ctx.client, connection: ctx.connection, leads: ctx.config.leads },
        { referralId, status: row.Status },
        customerOf(ctx)
      );
      const sent = decision.sent ? `${decision.sent.status}/${decision.sent.substatus}` : undefined;
      outcomes.push({
        ...base,
        outcome: sent ? 'updated' : 'unchanged',
        ...(decision.conversion?.opportunityId ? { opportunityId: decision.conversion.opportunityId } : {}),
        ...(sent ? { changes: [{ field: 'status', before: 'New', after: sent }] } : {}),
      });
    } catch (error) {
      outcomes.push({ ...base, outcome: 'error', message: (error as Error).message, retry: true });
    }
  }
  return outcomes;
}
