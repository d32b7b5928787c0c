/**
 * The deal type a flagged Opportunity has in effect, and what each asks of Partner Center — Microsoft's
 * create-a-referral page, "Deal types": Private (no help, not shared with Microsoft sellers), Partner-led (no help,
 * shared with them) and Co-sell (help from Microsoft, shared; the partner's `Shared` referral plus a connected one
 * for Microsoft). The record page reads the same rules (force-app/main/default/lwc/pcsyncDealType).
 */
import type { OpportunityRow } from '../mapping/pairing.js';
import type { NewReferral } from '../partner-center/referral-types.js';
import { DEAL_TYPE, OPP, type DealType } from '../salesforce/fields.js';

const DEAL_TYPES: readonly string[] = Object.values(DEAL_TYPE);

/**
 * The recorded deal type; on a record from before the field, help requested means a co-sell (as pcsync read it then)
 * and otherwise, with a referral already made, Partner-led (pcsync shared every referral it made) — else Private:
 * nothing is shared with Microsoft sellers unless the seller chose it.
 */
export function dealTypeOf(row: OpportunityRow): DealType {
  const recorded = row[OPP.dealType];
  if (typeof recorded === 'string' && DEAL_TYPES.includes(recorded)) return recorded as DealType;
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
