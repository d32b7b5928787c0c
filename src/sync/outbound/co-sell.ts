/**
 * A deal already sent that the seller turned into a co-sell (Microsoft's connector pages: a non-co-sell referral "can
 * be converted to a co-sell referral anytime"): the partner's referral is shared with Microsoft sellers if it was not
 * (that cannot be taken back, and the panel said so), then Microsoft's connected referral is made — looked up first,
 * so a repeat never makes a second. A referral the partner did not create (one Microsoft sent, already a co-sell)
 * is left to the usual update.
 */
import { textOf, type OpportunityRow } from '../../mapping/pairing.js';
import type { Member, Referral } from '../../partner-center/referral-types.js';
import { DEAL_TYPE, OPP } from '../../salesforce/fields.js';
import type { SyncContext } from '../context.js';
import { microsoftValues } from '../inbound/microsoft.js';
import { syncMessages as messages } from '../messages.js';
import type { RecordOutcome } from '../types.js';
import { bodyFor, createOnce, lookUp, mappedBody } from './create.js';
import { servicesCoSellProblem } from './services.js';
import { failed, refused, syncedValues, type Settled } from './write-back.js';

/**
 * A record the rep made a co-sell (the recorded deal type, not one inferred for a record from before the field)
 * that has its referral but no word from Microsoft's side yet: its invitation may be missing.
 */
export const needsInvitation = (row: OpportunityRow): boolean =>
  Boolean(row[OPP.referralId]) && row[OPP.dealType] === DEAL_TYPE.coSell && !row[OPP.microsoftStatus];

async function invite(ctx: SyncContext, row: OpportunityRow, team: Member[], own: Referral): Promise<Referral> {
  let shared = own;
  if (!own.consent?.consentToShareReferralWithMicrosoftSellers) {
    const path = '/consent/consentToShareReferralWithMicrosoftSellers';
    shared =
      (await ctx.client.update(own.id, [{ op: 'replace', path, value: true }], { eTag: own.eTag })) ??
      (await ctx.client.get(own.id));
  }
  const find = async (): Promise<Referral | undefined> =>
    (await lookUp(ctx, [row])).get(String(row.Id))?.microsoft.find((r) => r.engagementId === shared.engagementId);
  return createOnce(() => ctx.client.inviteMicrosoft(bodyFor(ctx, row, team), shared.engagementId), find);
}

export async function completeCoSells(
  ctx: SyncContext,
  rows: readonly OpportunityRow[],
  contacts: ReadonlyMap<string, Member[]>,
  at: string
): Promise<Array<Settled | undefined>> {
  if (rows.length === 0) return [];
  const existing = ctx.dryRun ? undefined : await lookUp(ctx, rows);
  return Promise.all(
    rows.map(async (row): Promise<Settled | undefined> => {
      const id = String(row.Id);
      const referralId = String(row[OPP.referralId]);
      const base: RecordOutcome = {
        direction: 'outbound',
        outcome: 'updated',
        opportunityId: id,
        referralId,
        name: textOf(row.Name),
        changes: [],
      };
      if (!existing) return { row, outcome: { ...base, message: messages.getMessage('outcome.coSellPlanned') } };
      const found = existing.get(id);
      const own = found?.own?.id === referralId ? found.own : undefined;
      if (!own) return undefined;
      const invited = found?.microsoft.find((r) => r.engagementId === own.engagementId);
      const services = servicesCoSellProblem(ctx.config.coSell.services, ctx.rules, mappedBody(ctx, row), true);
      if (!invited && services) return refused(ctx, row, services, at, referralId);
      try {
        ctx.checkpoint();
        const invitation = invited ?? (await invite(ctx, row, contacts.get(id) ?? [], own));
        const outcome = { ...base, message: messages.getMessage('outcome.coSellInvited', [own.id]) };
        // The snapshot stays as it was: a field the rep changed meanwhile is still sent by the next pass.
        const values = { ...syncedValues(ctx, row, own, outcome, at), ...microsoftValues(invitation) };
        delete values[OPP.snapshot];
        return { row, outcome, values };
      } catch (error) {
        return failed(ctx, row, error, at, referralId);
      }
    })
  );
}
