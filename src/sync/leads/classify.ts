/**
 * Which referrals are leads, by Microsoft's classification (Learn: referrals-api-introduction, "About referrals"):
 *
 * | type | qualification | inviteContext.invitedBy.organizationId | category |
 * | Independent | Direct | msft or none | marketplace lead |
 * | Independent | SalesQualified or MarketingQualified | msft | qualified lead |
 * | Independent or Shared | SalesQualified or None | the partner's own or an inviting partner's | co-sell opportunity |
 *
 * `referralSource` and `callToAction` alone do not identify a marketplace lead (the same page says so), so they are
 * not read here.
 */
import type { LeadKind, LeadSettings } from '../../config/leads.js';
import type { Referral } from '../../partner-center/referral-types.js';

export type ReferralCategory = LeadKind | 'opportunity';

/** The organisation id Microsoft invites with (the docs' `msft`). */
export const MICROSOFT_ORGANIZATION_ID = 'msft';

export function classifyReferral(
  referral: Pick<Referral, 'type' | 'qualification' | 'inviteContext'>
): ReferralCategory {
  const inviter = referral.inviteContext?.invitedBy?.organizationId?.toLowerCase();
  const byMicrosoft = inviter === MICROSOFT_ORGANIZATION_ID;
  if (referral.type !== 'Independent') return 'opportunity';
  if (referral.qualification === 'Direct' && (byMicrosoft || !inviter)) return 'marketplaceLead';
  if ((referral.qualification === 'SalesQualified' || referral.qualification === 'MarketingQualified') && byMicrosoft)
    return 'qualifiedLead';
  return 'opportunity';
}

/** Where an incoming referral goes under the `leads` settings: a Lead, an Opportunity, or nowhere. */
export type LeadRoute = 'lead' | 'opportunity' | 'skip';

export function routeReferral(
  referral: Pick<Referral, 'type' | 'qualification' | 'inviteContext' | 'direction' | 'status' | 'substatus'>,
  settings: Pick<LeadSettings, 'sync' | 'kinds'>
): LeadRoute {
  if (referral.direction === 'Outgoing') return 'opportunity';
  const category = classifyReferral(referral);
  if (category === 'opportunity' || !settings.kinds.includes(category)) return 'opportunity';
  if (settings.sync === 'off') return 'skip';
  if (settings.sync === 'opportunity') return 'opportunity';
  // Accepted (or won) leads are deals: they sync as Opportunities, as Microsoft's connector does.
  const accepted = referral.status === 'Active' || referral.substatus === 'Accepted' || referral.substatus === 'Won';
  return accepted ? 'opportunity' : 'lead';
}
