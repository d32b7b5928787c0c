/**
 * The deal type a flagged Opportunity has in effect, and what each asks of Partner Center — Microsoft's
 * create-a-referral page, "Deal types": Private (no help, not shared with Microsoft sellers), Partner-led (no help,
 * shared with them) and Co-sell (help from Microsoft, shared; the partner's `Shared` referral plus a connected one
 * for Microsoft). The record page reads the same rules (force-app/main/default/lwc/pcsyncDealType).
 */
import { matchesBase, type Snapshot } from '../mapping/merge.js';
import type { OpportunityRow } from '../mapping/pairing.js';
import type { NewReferral, Referral } from '../partner-center/referral-types.js';
import { DEAL_TYPE, OPP, type DealType } from '../salesforce/fields.js';
import { syncMessages as messages } from './messages.js';

const DEAL_TYPES: readonly string[] = Object.values(DEAL_TYPE);

/**
 * The recorded deal type; on a record from before the field, help requested means a co-sell (as pcsync read it then)
 * and otherwise, with a referral already made, Partner-led (pcsync shared every referral it made) — else Private:
 * nothing is shared with Microsoft sellers unless the seller chose it.
 */
export function dealTypeOf(row: OpportunityRow): DealType {
  const recorded = recordedDealType(row);
  if (recorded) return recorded;
  if (row[OPP.help]) return DEAL_TYPE.coSell;
  return row[OPP.referralId] ? DEAL_TYPE.partnerLed : DEAL_TYPE.private;
}

export const isCoSell = (row: OpportunityRow): boolean => dealTypeOf(row) === DEAL_TYPE.coSell;

/**
 * A new referral's `type` and `consent` for a deal type. Only a co-sell is `Shared` (visible to Microsoft and the
 * partner working together; a private deal is `Independent` in Microsoft's sample); sharing with Microsoft sellers
 * follows the seller's choice, and the customer's consent to be contacted is given only with a co-sell, where the rep
 * asked Microsoft to help and named the customer contact.
 */
export function referralTerms(dealType: DealType): Pick<NewReferral, 'type' | 'consent'> {
  const coSell = dealType === DEAL_TYPE.coSell;
  return {
    type: coSell ? 'Shared' : 'Independent',
    consent: {
      consentToShareReferralWithMicrosoftSellers: dealType !== DEAL_TYPE.private,
      consentToContact: coSell,
    },
  };
}

/**
 * The snapshot entry that keeps the deal type last agreed with Partner Center, so that a rep who changes only the deal
 * type of a record already sent is noticed without a call.
 */
export const SHARING_KEY = `consent.consentToShareReferralWithMicrosoftSellers|${OPP.dealType}`;

/** The deal type the rep recorded; none on a record from before the field. */
export function recordedDealType(row: OpportunityRow): DealType | undefined {
  const recorded = row[OPP.dealType];
  return typeof recorded === 'string' && DEAL_TYPES.includes(recorded) ? (recorded as DealType) : undefined;
}

/** Did the rep change the deal type since it was last agreed? (A snapshot from before the entry counts once.) */
export function dealTypeChanged(row: OpportunityRow, snapshot: Snapshot | undefined): boolean {
  const recorded = recordedDealType(row);
  const base = snapshot?.fields[SHARING_KEY];
  return base ? !matchesBase(recorded ?? null, base.sf) : recorded !== undefined;
}

/**
 * What the recorded deal type asks of a referral that already exists. Partner-led or Co-sell on one not shared with
 * Microsoft sellers: share it (connector pages: a deal "can be converted … anytime"). Private on one already shared:
 * refused, since Microsoft says sharing "can't be reverted" (the record page warns before saving). A record without a
 * recorded deal type is left as it is (nothing is shared unless the seller chose it), and so is a referral sent to the
 * partner (direction Incoming): its visibility is its sender's.
 */
export function sharingFor(row: OpportunityRow, referral: Referral): { share: true } | { refusal: string } | undefined {
  const recorded = recordedDealType(row);
  if (!recorded || referral.direction === 'Incoming') return undefined;
  const shared = referral.consent?.consentToShareReferralWithMicrosoftSellers === true;
  if (recorded === DEAL_TYPE.private && shared) return { refusal: messages.getMessage('outcome.cannotUnshare') };
  return recorded !== DEAL_TYPE.private && !shared ? { share: true } : undefined;
}
