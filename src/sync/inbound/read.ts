/** What the inbound pass reads: the referrals to sync, and the Opportunities that already follow them. */
import type { OpportunityRow } from '../../mapping/pairing.js';
import type { Referral } from '../../partner-center/referral-types.js';
import { OPP } from '../../salesforce/fields.js';
import { inClauses, queryAll } from '../../salesforce/records.js';
import { opportunitySelect, type SyncContext } from '../context.js';

export type InboundSelection = { since?: string; referralIds?: string[] };

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;

export type OpportunitiesByReferral = { byReferral: Map<string, OpportunityRow>; byId: Map<string, OpportunityRow> };

export async function readReferrals(ctx: SyncContext, selection: InboundSelection): Promise<Referral[]> {
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

export async function readOpportunities(
  ctx: SyncContext,
  referrals: readonly Referral[]
): Promise<OpportunitiesByReferral> {
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

/** The Opportunity a referral belongs to: by its identifier, or by the Opportunity Id it carries as its reference. */
export function rowFor(rows: OpportunitiesByReferral, referral: Referral): OpportunityRow | undefined {
  return rows.byReferral.get(referral.id) ?? rowByExternalReference(rows.byId, referral);
}

function rowByExternalReference(
  byId: ReadonlyMap<string, OpportunityRow>,
  referral: Referral
): OpportunityRow | undefined {
  const reference = referral.externalReferenceId;
  return reference && SALESFORCE_ID.test(reference) ? byId.get(reference.slice(0, 15)) : undefined;
}
