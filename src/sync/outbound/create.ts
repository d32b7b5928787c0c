/**
 * New referrals for flagged Opportunities that have none. Crash-safe: a referral already carrying the
 * Opportunity's Id as `externalReferenceId` (a run that died between create and write-back) is adopted, never
 * created twice. Co-sell (Microsoft's help requested) goes in Microsoft's two steps.
 */
import { referralBodyFor, textOf, type OpportunityRow } from '../../mapping/pairing.js';
import type { JsonObject } from '../../mapping/paths.js';
import type { Member, NewReferral, Referral } from '../../partner-center/referral-types.js';
import { OPP } from '../../salesforce/fields.js';
import type { SyncContext } from '../context.js';
import { syncMessages as messages } from '../messages.js';
import type { RecordOutcome } from '../types.js';
import { failed, syncedValues, type Settled } from './write-back.js';

/** `externalReferenceId eq …` clauses per list call, so no filter grows past what a URL holds. */
const LOOKUP_BATCH = 10;

/** The referral body's mapped part for this Opportunity (every rule that writes Partner Center). */
export const mappedBody = (ctx: SyncContext, row: OpportunityRow): JsonObject & Partial<NewReferral> =>
  referralBodyFor(ctx.rules, row);

/** The solution ids a body carries, first the target. */
export const solutionIdsOf = (body: Partial<NewReferral>): string[] =>
  (body.details?.requirements?.solutions ?? []).map((solution) => solution.id).filter((id): id is string => !!id);

/** Referrals that already carry one of these Opportunities' Ids, the partner's own (not Microsoft's) first. */
async function adoptable(ctx: SyncContext, rows: readonly OpportunityRow[]): Promise<Map<string, Referral>> {
  const existing = new Map<string, Referral>();
  for (let i = 0; i < rows.length; i += LOOKUP_BATCH) {
    const ids = rows.slice(i, i + LOOKUP_BATCH).map((row) => `externalReferenceId eq '${String(row.Id)}'`);
    for await (const referral of ctx.client.list({ filter: ids.join(' or ') })) {
      const key = referral.externalReferenceId;
      const microsofts = referral.target?.some((target) => target.id === 'msft');
      if (key && (!microsofts || !existing.has(key))) existing.set(key, referral);
    }
  }
  return existing;
}

async function createOne(ctx: SyncContext, row: OpportunityRow, team: Member[], coSell: boolean): Promise<Referral> {
  const mapped = mappedBody(ctx, row);
  const body: Omit<NewReferral, 'type'> = {
    ...(mapped as Omit<NewReferral, 'type'>),
    externalReferenceId: String(row.Id),
    customerProfile: { ...(mapped.customerProfile ?? {}), team } as NewReferral['customerProfile'],
    consent: { consentToContact: true, consentToShareReferralWithMicrosoftSellers: true },
    details: mapped.details ?? {},
    target: [{ type: 'SolutionProfile', id: solutionIdsOf(mapped)[0] }],
  };
  if (coSell) return (await ctx.client.createCoSell(body)).shared;
  return ctx.client.create({ ...body, type: 'Shared' });
}

export async function createReferrals(
  ctx: SyncContext,
  rows: readonly OpportunityRow[],
  contacts: ReadonlyMap<string, Member[]>,
  at: string
): Promise<Settled[]> {
  if (rows.length === 0) return [];
  const existing = ctx.dryRun ? new Map<string, Referral>() : await adoptable(ctx, rows);
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
      if (ctx.dryRun) {
        const message = coSell ? 'would create a co-sell referral' : 'would create a referral';
        return { row, outcome: { ...planned, message } };
      }
      try {
        const referral = existing.get(id) ?? (await createOne(ctx, row, contacts.get(id) ?? [], coSell));
        const message = messages.getMessage(coSell ? 'outcome.createdCoSell' : 'outcome.created', [referral.id]);
        const outcome: RecordOutcome = { ...planned, referralId: referral.id, message };
        return { row, outcome, values: syncedValues(ctx, row, referral, outcome, at) };
      } catch (error) {
        return failed(ctx, row, error, at);
      }
    })
  );
}
