/**
 * Partner Center's webhook events as pcsync sees them: the names it acts on, the payload shape (which carries no
 * referral data and no event id — the referral must be read), the dedupe key and the referral id in `ResourceUri`.
 */

import {
  REFERRAL_EVENTS,
  VALIDATION_EVENT,
  WEBHOOK_EVENTS,
  type ReferralEventName,
  type WebhookEventName,
} from '../partner-center/events.js';

export { REFERRAL_EVENTS, VALIDATION_EVENT, WEBHOOK_EVENTS, type ReferralEventName, type WebhookEventName };

/** The body Partner Center posts (PascalCase, as on the wire). */
export type PartnerCenterEventPayload = {
  EventName: string;
  ResourceUri: string;
  ResourceName?: string | null;
  AuditUri?: string | null;
  ResourceChangeUtcDate: string;
};

export const isKnownEventName = (name: string): name is WebhookEventName =>
  (WEBHOOK_EVENTS as readonly string[]).includes(name);

export const isReferralEventName = (name: string): name is ReferralEventName =>
  (REFERRAL_EVENTS as readonly string[]).includes(name);

/** Why a parsed body is not an event payload, or undefined when it is one. */
export function payloadProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the body is not a JSON object';
  const record = value as Record<string, unknown>;
  for (const key of ['EventName', 'ResourceUri', 'ResourceChangeUtcDate'] as const) {
    const field = record[key];
    if (typeof field !== 'string' || field.length === 0) return `${key} is missing or not a string`;
  }
  if (changeDate(record.ResourceChangeUtcDate as string) === undefined)
    return 'ResourceChangeUtcDate is not a date-time';
  return undefined;
}

const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * `ResourceChangeUtcDate` as a Date. It is UTC by name; Microsoft's samples write UTC times with an offset (`…+00:00`)
 * and without one (the validation status's `dateTimeUtc`), so a value without one is read as UTC, not local time.
 */
export function changeDate(value: string): Date | undefined {
  const time = Date.parse(HAS_OFFSET.test(value.trim()) ? value : `${value.trim()}Z`);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** The identity of one delivery: Partner Center sends no event id, and retries the same body. */
export const dedupeKey = (
  payload: Pick<PartnerCenterEventPayload, 'EventName' | 'ResourceUri' | 'ResourceChangeUtcDate'>
): string => JSON.stringify([payload.EventName, payload.ResourceUri, payload.ResourceChangeUtcDate]);

const REFERRAL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The referral id named by a `ResourceUri` such as `https://api.partnercenter.microsoft.com/engagements/v1/referrals/{id}`:
 * the path segment after the last `referrals` segment, when it is a plain identifier. The URI itself is never called
 * (it is not a documented endpoint, and it comes from the payload); the engine reads the referral by id.
 */
export function referralIdFromResourceUri(resourceUri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(resourceUri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const segments = url.pathname.split('/').filter((segment) => segment.length > 0);
  const at = segments.lastIndexOf('referrals');
  if (at < 0 || at !== segments.length - 2) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(segments[at + 1]);
  } catch {
    return undefined;
  }
  return REFERRAL_ID.test(id) ? id : undefined;
}
