/**
 * Partner Center's webhook event names (Learn: "Partner Center webhook events", referral events), the one list
 * that registration, the receiver and the commands read.
 */

/** The events that name a referral to sync. */
export const REFERRAL_EVENTS = [
  'referral-created',
  'referral-updated',
  'related-referral-created',
  'related-referral-updated',
] as const;
export type ReferralEventName = (typeof REFERRAL_EVENTS)[number];

/** The self-onboarding validation event: Partner Center sends it when asked (`sf pcsync webhook test`). */
export const VALIDATION_EVENT = 'test-created';

export const WEBHOOK_EVENTS = [...REFERRAL_EVENTS, VALIDATION_EVENT] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];
