/**
 * New referrals for flagged Opportunities that have none, crash-safe: a referral already carrying the
 * Opportunity's Id as `externalReferenceId` (a run that died between create and write-back) is linked, never
 * created twice — only ever the partner's own referral, never Microsoft's connected one. A co-sell goes in
 * Microsoft's two steps, and one whose invitation to Microsoft is missing gets it now. A create whose answer was
 * lost is looked for before it is sent again.
 */
import { referralBodyFor, referralCreateValues, textOf, type OpportunityRow } from '../../mapping/pairing.js';
import type { JsonObject } from '../../mapping/paths.js';
import { PartnerCenterError } from '../../partner-center/errors.js';
import { solutionProfileTarget, typedSolutions } from '../../partner-center/solutions.js';
import type { Member, NewReferral, Referral } from '../../partner-center/referral-types.js';
import type { SyncContext } from '../context.js';
import { microsoftValues } from '../inbound/microsoft.js';
import { referralsReferencing } from '../listing.js';
import { dealTypeOf, isCoSell, referralTerms } from '../deal-type.js';
import { isMicrosoftsSide } from '../inbound/read.js';
import { syncMessages as messages } from '../messages.js';
import type { RecordOutcome } from '../types.js';
import { servicesCoSellProblem } from './services.js';
import { failed, refused, syncedValues, type Settled } from './write-back.js';

/** `externalReferenceId eq …` clauses per list call, so no filter grows past what a URL holds. */
const LOOKUP_BATCH = 10;

/** The referrals Partner Center already has for one Opportunity. */
export type Existing = { own?: Referral; microsoft: Referral[] };

/** The referral body's mapped part for this Opportunity (every rule that writes Partner Center). */
export const mappedBody = (ctx: SyncContext, row: OpportunityRow): JsonObject & Partial<NewReferral> =>
  referralBodyFor(ctx.rules, row);

/**
 * A referral for an Opportunity is made after it: with Salesforce's and Partner Center's clocks a day apart at most.
 */
const CLOCK_MARGIN_MS = 86_400_000;

/** What Partner Center already has for these Opportunities, by Opportunity Id. */
export async function lookUp(ctx: SyncContext, rows: readonly OpportunityRow[]): Promise<Map<string, Existing>> {
  const existing = new Map<string, Existing>();
  const created = rows.map((row) => Date.parse(textOf(row.CreatedDate))).filter((time) => !Number.isNaN(time));
  const since =
    created.length === rows.length ? new Date(Math.min(...created) - CLOCK_MARGIN_MS).toISOString() : undefined;
  const ids = rows.map((row) => String(row.Id));
  for (const referral of await referralsReferencing(ctx, ids, since, LOOKUP_BATCH)) {
    const key = referral.externalReferenceId;
    if (!key) continue;
    const entry = existing.get(key) ?? { microsoft: [] };
    if (isMicrosoftsSide(referral)) entry.microsoft.push(referral);
    else entry.own ??= referral;
    existing.set(key, entry);
  }
  return existing;
}

/** A new referral for the Opportunity: every solution with its type, the partner's first solution as the target. */
export function bodyFor(ctx: SyncContext, row: OpportunityRow, team: Member[]): NewReferral {
  const mapped = mappedBody(ctx, row);
  const details = mapped.details ?? {};
  const solutions = details.requirements?.solutions;
  const target = solutionProfileTarget(solutions);
  return {
    ...(mapped as NewReferral),
    externalReferenceId: String(row.Id),
    customerProfile: { ...(mapped.customerProfile ?? {}), team } as NewReferral['customerProfile'],
    ...referralTerms(dealTypeOf(row)),
    details: solutions
      ? { ...details, requirements: { ...details.requirements, solutions: typedSolutions(solutions) } }
      : details,
    ...(target ? { target } : {}),
  };
}

/** Sends a create; when its answer was lost, looks for what it made before sending it once more. */
export async function createOnce(
  create: () => Promise<Referral>,
  find: () => Promise<Referral | undefined>
): Promise<Referral> {
  try {
    return await create();
  } catch (error) {
    if (!(error instanceof PartnerCenterError) || !error.outcomeUnknown) throw error;
    return (await find()) ?? create();
  }
}

/** The partner's referral for this Opportunity, and for a co-sell Microsoft's invitation: found, resumed or made. */
async function ensureReferral(
  ctx: SyncContext,
  row: OpportunityRow,
  team: Member[],
  coSell: boolean,
  found: Existing | undefined
): Promise<{ own: Referral; invitation?: Referral }> {
  const id = String(row.Id);
  const body = bodyFor(ctx, row, team);
  const again = async (): Promise<Existing | undefined> => (await lookUp(ctx, [row])).get(id);
  const own =
    found?.own ??
    (await createOnce(
      () => ctx.client.create(body),
      async () => (await again())?.own
    ));
  const invited = (candidates: readonly Referral[] | undefined): Referral | undefined =>
    candidates?.find((referral) => referral.engagementId === own.engagementId);
  if (!coSell) return { own };
  const invitation =
    invited(found?.microsoft) ??
    (await createOnce(
      () => ctx.client.inviteMicrosoft(body, own.engagementId),
      async () => invited((await again())?.microsoft)
    ));
  return { own, invitation };
}

export async function createReferrals(
  ctx: SyncContext,
  rows: readonly OpportunityRow[],
  contacts: ReadonlyMap<string, Member[]>,
  at: string
): Promise<Settled[]> {
  if (rows.length === 0) return [];
  const existing = ctx.dryRun ? new Map<string, Existing>() : await lookUp(ctx, rows);
  return Promise.all(
    rows.map(async (row): Promise<Settled> => {
      const id = String(row.Id);
      const coSell = isCoSell(row);
      const found = existing.get(id);
      const planned: RecordOutcome = {
        direction: 'outbound',
        outcome: found?.own ? 'linked' : 'created',
        opportunityId: id,
        name: textOf(row.Name),
        changes: [],
      };
      const services = servicesCoSellProblem(ctx.config.coSell.services, ctx.rules, mappedBody(ctx, row), coSell);
      if (services) return refused(ctx, row, services, at);
      if (ctx.dryRun) {
        const message = coSell ? 'would create a co-sell referral' : 'would create a referral';
        const changes = referralCreateValues(ctx.rules, row).map(([field, after]) => ({ field, before: null, after }));
        return { row, outcome: { ...planned, changes, message } };
      }
      try {
        ctx.checkpoint();
        const { own: referral, invitation } = await ensureReferral(ctx, row, contacts.get(id) ?? [], coSell, found);
        const key = found?.own ? 'outcome.linked' : coSell ? 'outcome.createdCoSell' : 'outcome.created';
        const outcome: RecordOutcome = {
          ...planned,
          referralId: referral.id,
          message: messages.getMessage(key, [referral.id]),
        };
        const values = syncedValues(ctx, row, referral, outcome, at);
        return { row, outcome, values: invitation ? { ...values, ...microsoftValues(invitation) } : values };
      } catch (error) {
        return failed(ctx, row, error, at);
      }
    })
  );
}
