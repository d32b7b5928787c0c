export * from './referral-types.js';
export * from './settings.js';
export * from './errors.js';
export { PartnerCenterHttp, Semaphore, DEFAULT_RETRY, parseRetryAfter } from './http.js';
export type { TokenSource, RetryPolicy, HttpOptions, AttemptInfo, RequestOptions, HttpResponse } from './http.js';
export { PartnerCenterClient, assertValidPatch } from './client.js';
export type { ListReferralsQuery, CoSellReferral, UpdateReferralOptions, ClientSettings } from './client.js';
export { WebhookRegistrationClient, REFERRAL_WEBHOOK_EVENTS, type WebhookRegistrationInput } from './webhooks.js';
export * from './auth/index.js';
