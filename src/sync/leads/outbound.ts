/**
 * Outbound for Leads: the seller's accept or decline, said through the Lead status the config names, becomes the
 * referral's transition in Partner Center (New → Active/Accepted, or New → Closed/Declined with a `statusReason`),
 * patched with If-Match like every other patch; on 412 the referral is read again and the decision applied to what
 * it is now, once. An accepted lead's Lead is then converted into its Opportunity (convert.ts).
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { LeadSettings, LeadStatuses } from '../../config/leads.js';
import type { PartnerCenterClient } from '../../partner-center/client.js';
import { ReferralConflictError } from '../../partner-center/errors.js';
import type { Referral, ReferralPatchOperation } from '../../partner-center/referral-types.js';
import { isTerminal, type Transition } from '../stages.js';
import { convertLead, type ConversionOutcome, type CustomerIds } from './convert.js';

/** The `statusReason` of a decline made through the Lead status (a Lead has no decline reason field). */
export const declineReason = (status: string): string => `Declined in Salesforce (Lead status "${status}")`;

/** The transition the Lead's status asks of the referral now in `current`, or undefined when there is none. */
export function leadTransition(
  leadStatus: string,
  current: Pick<Referral, 'status' | 'substatus'>,
  statuses: LeadStatuses
): Transition | undefined {
  if (isTerminal(current) || current.status !== 'New') return undefined;
  if (leadStatus === statuses.accepted) return { status: 'Active', substatus: 'Accepted' };
  if (leadStatus === statuses.declined)
    return { status: 'Closed', substatus: 'Declined', statusReason: declineReason(leadStatus) };
  return undefined;
}

export type LeadDecision = {
  referralId: string;
  /** The transition sent, if one was. */
  sent?: Transition;
  conversion?: ConversionOutcome;
};

async function send(client: PartnerCenterClient, referral: Referral, transition: Transition): Promise<Referral> {
  const operations: ReferralPatchOperation[] = [
    { op: 'replace', path: '/status', value: transition.status },
    { op: 'replace', path: '/substatus', value: transition.substatus },
  ];
  if (transition.statusReason)
    operations.push({ op: 'replace', path: '/statusReason', value: transition.statusReason });
  const updated = await client.update(referral.id, operations, referral.eTag ? { eTag: referral.eTag } : {});
  return updated ?? client.get(referral.id);
}

/** Sends the seller's decision on one Lead, then converts it when the referral is (now) accepted. */
export async function decideLead(
  deps: { client: PartnerCenterClient; connection: Connection; leads: LeadSettings },
  lead: { referralId: string; status: string },
  customer: (referral: Referral) => Promise<CustomerIds>
): Promise<LeadDecision> {
  let referral = await deps.client.get(lead.referralId);
  let sent: Transition | undefined;
  for (let attempt = 0; ; attempt++) {
    const transition = leadTransition(lead.status, referral, deps.leads.statuses);
    if (!transition) break;
    try {
      referral = await send(deps.client, referral, transition);
      sent = transition;
      break;
    } catch (error) {
      if (!(error instanceof ReferralConflictError) || attempt > 0) throw error;
      referral = await deps.client.get(lead.referralId);
    }
  }
  const accepted = referral.status === 'Active' && lead.status === deps.leads.statuses.accepted;
  const conversion = accepted ? await convertLead(deps.connection, deps.leads, referral, customer) : undefined;
  return { referralId: lead.referralId, ...(sent ? { sent } : {}), ...(conversion ? { conversion } : {}) };
}
