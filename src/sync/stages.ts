/**
 * Partner Center status/substatus ↔ Opportunity StageName, through the `stages` configuration.
 * Inbound, a referral's state picks the stage. Outbound, a rep's stage move becomes the Partner Center transition:
 * out of on-hold accepts, the won stage wins, the declined stage with a reason declines a new referral, the lost stage
 * loses.
 */
import type { StageSettings } from '../config/schema.js';
import {
  TERMINAL_SUBSTATUSES,
  type Referral,
  type ReferralStatus,
  type ReferralSubstatus,
} from '../partner-center/referral-types.js';

export type Transition = { status: ReferralStatus; substatus: ReferralSubstatus; statusReason?: string };

export const isTerminal = (referral: Pick<Referral, 'substatus'>): boolean =>
  TERMINAL_SUBSTATUSES.includes(referral.substatus);

/** The key and value the snapshot tracks for the stage pair. */
export const STAGE_KEY = 'status|StageName';
export const statusValue = (referral: Pick<Referral, 'status' | 'substatus'>): string =>
  `${referral.status}/${referral.substatus}`;

export function stageForReferral(referral: Pick<Referral, 'status' | 'substatus'>, stages: StageSettings): string {
  switch (referral.substatus) {
    case 'Won':
      return stages.won;
    case 'Lost':
      return stages.lost;
    case 'Declined':
      return stages.declined;
    case 'Expired':
      return stages.expired;
    case 'Accepted':
      return stages.active[0];
    default:
      return referral.status === 'Active' ? stages.active[0] : stages.onHold;
  }
}

/** The transition a stage asks of the referral now in `current`, or undefined when there is none to make. */
export function transitionForStage(
  stage: string | undefined,
  declineReason: string | undefined,
  current: Pick<Referral, 'status' | 'substatus'>,
  stages: StageSettings
): Transition | undefined {
  if (!stage || isTerminal(current)) return undefined;
  const reason = declineReason?.trim() ? declineReason.trim() : undefined;
  if (current.status === 'New' && reason && stage === stages.declined) {
    return { status: 'Closed', substatus: 'Declined', statusReason: reason };
  }
  if (stage === stages.won) return { status: 'Closed', substatus: 'Won' };
  if (stage === stages.lost)
    return { status: 'Closed', substatus: 'Lost', ...(reason ? { statusReason: reason } : {}) };
  if (stage === stages.onHold) return undefined;
  if (current.status === 'New' && stages.active.includes(stage)) return { status: 'Active', substatus: 'Accepted' };
  return undefined;
}
