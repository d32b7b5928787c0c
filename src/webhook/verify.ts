/**
 * Verifies a Partner Center delivery before anything reads it (partner-center-api.md §4.4): body size, the three
 * headers, `rsa-sha256`, an allow-listed https certificate URL, an RSA end-entity certificate whose key signed the raw
 * bytes, a chain to a signing trust anchor with `O=Microsoft Corporation` in the issuer — and only then `JSON.parse`,
 * the payload's shape and its date within the clock window.
 *
 * Unverified input has its own type (`UnverifiedDelivery`); a `VerifiedDelivery` can only come out of a verifier.
 *
 * Replays are made harmless rather than remembered across processes: a delivery carries no data, only "re-read
 * referral X", which the engine does idempotently (a read, and a write only if the referral changed). The signature
 * and the window below bound what can be replayed: Microsoft-signed bodies, dated at most `maxEventAgeMs` back and
 * `maxClockSkewMs` ahead. Within a process the queue acknowledges a repeat as a duplicate (200, processed once);
 * after a restart or on another replica a replay costs at most one referral read — what the reconcile pass spends
 * on every referral anyway.
 */
import { verify as cryptoVerify, type X509Certificate } from 'node:crypto';
import { signingCertificate, verifyChain } from './chain.js';
import {
  cachedCertificateFetcher,
  type CachedCertificateFetcher,
  type CertificateCacheOptions,
  type CertificateFetcher,
} from './certificate-fetch.js';
import {
  certificateUrlMatcher,
  DEFAULT_ISSUER_URL_ALLOW_LIST,
  issuerUrlMatcher,
  type UrlMatcher,
} from './certificate-urls.js';
import { deliveryHeaders, type RequestHeaders } from './delivery-headers.js';
import { WebhookRejection } from './errors.js';
import {
  changeDate,
  dedupeKey,
  isKnownEventName,
  payloadProblem,
  referralIdFromResourceUri,
  VALIDATION_EVENT,
  type PartnerCenterEventPayload,
  type WebhookEventName,
} from './events.js';
import { bundledRootCertificates, parseTrustAnchors, type TrustAnchorInput } from './trust-anchors.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/**
 * How old an event may be: a day. Partner Center retries a delivery 10 times at an undocumented spacing
 * (partner-center-api.md §4.5), and a day covers an outage of the receiver; anything older has long been covered by
 * the reconcile pass, so refusing it costs nothing but narrows what a captured delivery can be replayed for.
 */
export const DEFAULT_MAX_EVENT_AGE_MS = 24 * 60 * 60 * 1000;
/**
 * How far ahead of our clock an event may be dated: 5 minutes, the clock skew Microsoft's own validation tolerates by
 * default (Learn: Microsoft.IdentityModel.Tokens `TokenValidationParameters.DefaultClockSkew`, 300 seconds).
 */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** A request as it arrived: nothing in it is trusted yet. */
export type UnverifiedDelivery = { readonly headers: RequestHeaders; readonly rawBody: Buffer };

declare const verifiedBrand: unique symbol;

/** A delivery whose signature, certificate and payload were checked. Only a verifier makes one. */
export type VerifiedDelivery = {
  readonly [verifiedBrand]: true;
  readonly payload: Readonly<PartnerCenterEventPayload>;
  readonly eventName: string;
  /** Whether `eventName` is one pcsync understands (others are acknowledged and logged). */
  readonly knownEvent: boolean;
  /** The referral the event names, for the four referral events whose `ResourceUri` carries a plain id. */
  readonly referralId?: string;
  /** (`EventName`, `ResourceUri`, `ResourceChangeUtcDate`). */
  readonly dedupeKey: string;
  readonly changedAt: Date;
  readonly receivedAt: Date;
  /** The allow-listed, normalised certificate URL that verified it (not secret; no query string). */
  readonly certificateUrl: string;
};

export type VerifyOptions = {
  /** https URL prefixes the signing certificate may come from. */
  allowList: readonly string[];
  /** http(s) URL prefixes AIA caIssuers may be fetched from (default: Microsoft's PKI repository). */
  issuerAllowList?: readonly string[];
  /** Signing trust anchors (PEM, DER or parsed); default Node's bundled Mozilla roots, never the TLS store. */
  trustedRoots?: readonly TrustAnchorInput[];
  /** Fetches certificate bytes. `verifyDelivery` calls it as is; `createVerifier` puts a bounded cache in front. */
  fetchCertificate: CertificateFetcher;
  now?: () => Date;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
  /** Older `ResourceChangeUtcDate`s are refused (400 `stale-event`; default a day). */
  maxEventAgeMs?: number;
  /** `ResourceChangeUtcDate`s further ahead are refused (400 `future-event`; default 5 minutes). */
  maxClockSkewMs?: number;
};

export type VerifierOptions = VerifyOptions & { certificateCache?: CertificateCacheOptions };

export type Verifier = ((unverified: UnverifiedDelivery) => Promise<VerifiedDelivery>) & {
  /** The cached fetcher in use, for certificates and AIA issuers (its `fetches()` counts real fetches). */
  readonly fetchCertificate: CachedCertificateFetcher;
  readonly maxBodyBytes: number;
};

type Prepared = {
  certificateUrl: UrlMatcher;
  issuerUrl: UrlMatcher;
  anchors: X509Certificate[];
  fetchCertificate: CertificateFetcher;
  now: () => Date;
  maxBodyBytes: number;
  maxEventAgeMs: number;
  maxClockSkewMs: number;
};

function prepare(options: VerifyOptions): Prepared {
  return {
    certificateUrl: certificateUrlMatcher(options.allowList),
    issuerUrl: issuerUrlMatcher(options.issuerAllowList ?? DEFAULT_ISSUER_URL_ALLOW_LIST),
    anchors: options.trustedRoots ? parseTrustAnchors(options.trustedRoots) : bundledRootCertificates(),
    fetchCertificate: options.fetchCertificate,
    now: options.now ?? ((): Date => new Date()),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxEventAgeMs: options.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS,
    maxClockSkewMs: options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS,
  };
}

const signatureMatches = (body: Buffer, leaf: X509Certificate, signature: Buffer): boolean => {
  try {
    return cryptoVerify('sha256', body, leaf.publicKey, signature);
  } catch {
    return false;
  }
};

/** The verified body as an event, dated within the window. */
function readEvent(rawBody: Buffer, receivedAt: Date, p: Prepared): { payload: PartnerCenterEventPayload; at: Date } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8')) as unknown;
  } catch {
    throw new WebhookRejection('invalid-json', 'The body is not JSON.');
  }
  const problem = payloadProblem(parsed);
  if (problem) throw new WebhookRejection('invalid-event', `The body is not a Partner Center event: ${problem}.`);
  const payload = parsed as PartnerCenterEventPayload;
  const at = changeDate(payload.ResourceChangeUtcDate) as Date;
  if (receivedAt.getTime() - at.getTime() > p.maxEventAgeMs) {
    throw new WebhookRejection('stale-event', 'The event is older than the replay window.');
  }
  if (at.getTime() - receivedAt.getTime() > p.maxClockSkewMs) {
    throw new WebhookRejection('future-event', 'The event is dated further ahead than the allowed clock skew.');
  }
  return { payload, at };
}

async function verifyPrepared(unverified: UnverifiedDelivery, p: Prepared): Promise<VerifiedDelivery> {
  const receivedAt = p.now();
  const { rawBody } = unverified;
  if (rawBody.length > p.maxBodyBytes) {
    throw new WebhookRejection('body-too-large', `The body is larger than ${p.maxBodyBytes} bytes.`);
  }
  const headers = deliveryHeaders(unverified.headers);
  const certificateUrl = p.certificateUrl(headers.certificateUrl);
  if (!certificateUrl) {
    throw new WebhookRejection(
      'certificate-url-not-allowed',
      'The certificate URL is not an allow-listed https URL without a query.'
    );
  }
  let certificateBytes: Buffer;
  try {
    certificateBytes = await p.fetchCertificate(certificateUrl);
  } catch (error) {
    throw new WebhookRejection(
      'certificate-unavailable',
      'The signing certificate could not be fetched; try again later.',
      { retryAfterSeconds: 30, cause: error }
    );
  }
  const certificate = signingCertificate(certificateBytes, receivedAt);
  // The signature first (no network): an unsigned request never makes the receiver fetch an issuer.
  if (!signatureMatches(rawBody, certificate.leaf, headers.signature)) {
    throw new WebhookRejection('bad-signature', 'The signature does not match the body.');
  }
  await verifyChain(certificate, {
    anchors: p.anchors,
    at: receivedAt,
    issuerUrl: p.issuerUrl,
    fetchIssuer: p.fetchCertificate,
  });

  // Verified: only now is the body read.
  const { payload, at } = readEvent(rawBody, receivedAt, p);
  const knownEvent = isKnownEventName(payload.EventName);
  const referralId =
    knownEvent && (payload.EventName as WebhookEventName) !== VALIDATION_EVENT
      ? referralIdFromResourceUri(payload.ResourceUri)
      : undefined;
  return {
    payload,
    eventName: payload.EventName,
    knownEvent,
    referralId,
    dedupeKey: dedupeKey(payload),
    changedAt: at,
    receivedAt,
    certificateUrl,
  } as VerifiedDelivery;
}

/**
 * Verifies one delivery, or throws a `WebhookRejection` (`status`, `reason`, `message`). Checks, in order: body size
 * (413); the three headers (400); `rsa-sha256` (400); the signature header's scheme (401); the certificate URL (401);
 * the certificate fetch (503, retryable); the certificate's form, validity and fitness (401); the signature over the
 * raw bytes (401); the chain, completed through AIA (401, or 503 when an issuer cannot be fetched); the issuer's
 * organisation (401); JSON (400); the payload shape (400); the clock window (400).
 */
export async function verifyDelivery(
  unverified: UnverifiedDelivery,
  options: VerifyOptions
): Promise<VerifiedDelivery> {
  return verifyPrepared(unverified, prepare(options));
}

/** A reusable verifier: the allow-lists and anchors parsed once, certificate fetches cached and capped. */
export function createVerifier(options: VerifierOptions): Verifier {
  const fetchCertificate = cachedCertificateFetcher(options.fetchCertificate, options.certificateCache);
  const prepared = prepare({ ...options, fetchCertificate });
  const verifier = (unverified: UnverifiedDelivery): Promise<VerifiedDelivery> => verifyPrepared(unverified, prepared);
  return Object.assign(verifier, { fetchCertificate, maxBodyBytes: prepared.maxBodyBytes });
}
