/**
 * Verifies a Partner Center delivery before anything reads it (partner-center-api.md §4.4): body size, the three
 * headers, `rsa-sha256`, an allow-listed https certificate URL, a certificate that chains to a trusted root with
 * `O=Microsoft Corporation`, the RSA-SHA256 signature over the raw bytes — and only then `JSON.parse`.
 *
 * Unverified input has its own type (`UnverifiedDelivery`); a `VerifiedDelivery` can only come out of a verifier.
 * Replays are handled in two places: an event older than `maxEventAgeMs` is refused here (400 `stale-event`); a
 * delivery whose dedupe key was already accepted is acknowledged by the queue as a duplicate (200, processed once),
 * because Partner Center retries any non-2xx answer up to 10 times and a replay must not be retried forever.
 */
import { verify as cryptoVerify, type X509Certificate } from 'node:crypto';
import {
  cachedCertificateFetcher,
  certificateUrlMatcher,
  parseTrustedRoots,
  trustedLeaf,
  type CachedCertificateFetcher,
  type CertificateCacheOptions,
  type CertificateFetcher,
} from './certificates.js';
import { WebhookRejection } from './errors.js';
import {
  dedupeKey,
  isKnownEventName,
  payloadProblem,
  referralIdFromResourceUri,
  VALIDATION_EVENT,
  type PartnerCenterEventPayload,
  type WebhookEventName,
} from './events.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_MAX_EVENT_AGE_MS = 24 * 60 * 60 * 1000;
export const SIGNATURE_ALGORITHM = 'rsa-sha256';

/** A request as it arrived: nothing in it is trusted yet. */
export type UnverifiedDelivery = {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly rawBody: Buffer;
};

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
  /** The allow-listed certificate URL that verified it (not secret; no query string). */
  readonly certificateUrl: string;
};

export type VerifyOptions = {
  /** https URL prefixes the certificate may come from (see `certificateUrlMatcher`). */
  allowList: readonly string[];
  /** PEM strings (or DER buffers, or parsed certificates); default Node's `tls.rootCertificates`. */
  trustedRoots?: ReadonlyArray<string | Buffer | X509Certificate>;
  /** Fetches the certificate bytes. `verifyDelivery` calls it as is; `createVerifier` puts a cache in front. */
  fetchCertificate: CertificateFetcher;
  now?: () => Date;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
  /** Older `ResourceChangeUtcDate`s are refused as replays (default 24 h). */
  maxEventAgeMs?: number;
};

export type VerifierOptions = VerifyOptions & { certificateCache?: CertificateCacheOptions };

export type Verifier = ((unverified: UnverifiedDelivery) => Promise<VerifiedDelivery>) & {
  /** The cached fetcher in use (its `fetches()` counts real fetches). */
  readonly fetchCertificate: CachedCertificateFetcher;
  readonly maxBodyBytes: number;
};

function header(headers: UnverifiedDelivery['headers'], name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  if (Array.isArray(value)) value = value[0];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The signature bytes from `Authorization: Signature <base64>` (or `x-ms-signature`, when registered that way). */
function signatureBytes(value: string): Buffer {
  const [scheme, token, ...rest] = value.split(/\s+/);
  if (scheme.toLowerCase() !== 'signature' || token === undefined || rest.length > 0) {
    throw new WebhookRejection('signature-scheme', 'The signature header must use the "Signature" scheme.');
  }
  if (!BASE64.test(token)) throw new WebhookRejection('bad-signature', 'The signature is not base64.');
  return Buffer.from(token, 'base64');
}

type Prepared = {
  match: (candidate: string) => URL | undefined;
  roots: X509Certificate[];
  fetchCertificate: CertificateFetcher;
  now: () => Date;
  maxBodyBytes: number;
  maxEventAgeMs: number;
};

function prepare(options: VerifyOptions): Prepared {
  return {
    match: certificateUrlMatcher(options.allowList),
    roots: parseTrustedRoots(options.trustedRoots),
    fetchCertificate: options.fetchCertificate,
    now: options.now ?? ((): Date => new Date()),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxEventAgeMs: options.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS,
  };
}

async function verifyPrepared(unverified: UnverifiedDelivery, p: Prepared): Promise<VerifiedDelivery> {
  const receivedAt = p.now();
  const { rawBody } = unverified;
  if (rawBody.length > p.maxBodyBytes) {
    throw new WebhookRejection('body-too-large', `The body is larger than ${p.maxBodyBytes} bytes.`);
  }

  // `x-ms-signature` when the registration asked for it (SignatureTokenToMsSignatureHeader): then `Authorization`
  // may belong to something else (a proxy), so the dedicated header wins.
  const signatureHeader = header(unverified.headers, 'x-ms-signature') ?? header(unverified.headers, 'authorization');
  const certificateUrlHeader = header(unverified.headers, 'x-ms-certificate-url');
  const algorithm = header(unverified.headers, 'x-ms-signature-algorithm');
  const missing = [
    signatureHeader === undefined ? 'Authorization' : undefined,
    certificateUrlHeader === undefined ? 'x-ms-certificate-url' : undefined,
    algorithm === undefined ? 'x-ms-signature-algorithm' : undefined,
  ].filter((name): name is string => name !== undefined);
  if (missing.length > 0 || !signatureHeader || !certificateUrlHeader || !algorithm) {
    throw new WebhookRejection('missing-header', `Required header(s) missing: ${missing.join(', ')}.`);
  }
  if (algorithm.toLowerCase() !== SIGNATURE_ALGORITHM) {
    throw new WebhookRejection('unsupported-algorithm', `The signature algorithm must be ${SIGNATURE_ALGORITHM}.`);
  }
  const signature = signatureBytes(signatureHeader);

  const certificateUrl = p.match(certificateUrlHeader);
  if (!certificateUrl) {
    throw new WebhookRejection('certificate-url-not-allowed', 'The certificate URL is not an allow-listed https URL.');
  }
  let certificateBytes: Buffer;
  try {
    certificateBytes = await p.fetchCertificate(certificateUrl.href);
  } catch (error) {
    throw new WebhookRejection(
      'certificate-unavailable',
      'The signing certificate could not be fetched; try again later.',
      {
        retryAfterSeconds: 30,
        cause: error,
      }
    );
  }
  const leaf = trustedLeaf(certificateBytes, p.roots, receivedAt);

  let valid = false;
  try {
    valid = cryptoVerify('sha256', rawBody, leaf.publicKey, signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new WebhookRejection('bad-signature', 'The signature does not match the body.');

  // Verified: only now is the body read.
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8')) as unknown;
  } catch {
    throw new WebhookRejection('invalid-json', 'The body is not JSON.');
  }
  const problem = payloadProblem(parsed);
  if (problem) throw new WebhookRejection('invalid-event', `The body is not a Partner Center event: ${problem}.`);
  const payload = parsed as PartnerCenterEventPayload;
  const changedAt = new Date(payload.ResourceChangeUtcDate);
  if (receivedAt.getTime() - changedAt.getTime() > p.maxEventAgeMs) {
    throw new WebhookRejection('stale-event', 'The event is older than the replay window.');
  }
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
    changedAt,
    receivedAt,
    certificateUrl: `${certificateUrl.origin}${certificateUrl.pathname}`,
  } as VerifiedDelivery;
}

/**
 * Verifies one delivery, or throws a `WebhookRejection` (`status`, `reason`, `message`). Checks, in order: body size
 * (413); the three headers (400); `rsa-sha256` (400); the signature header's scheme (401); the certificate URL (401);
 * the certificate fetch (503, retryable); the certificate's validity, chain and organisation (401); the signature over
 * the raw bytes (401); JSON (400); the payload shape (400); the replay window (400).
 */
export async function verifyDelivery(
  unverified: UnverifiedDelivery,
  options: VerifyOptions
): Promise<VerifiedDelivery> {
  return verifyPrepared(unverified, prepare(options));
}

/** A reusable verifier: the allow-list and roots parsed once, the certificate fetcher cached (by URL, bounded, TTL). */
export function createVerifier(options: VerifierOptions): Verifier {
  const fetchCertificate = cachedCertificateFetcher(options.fetchCertificate, options.certificateCache);
  const prepared = prepare({ ...options, fetchCertificate });
  const verifier = (unverified: UnverifiedDelivery): Promise<VerifiedDelivery> => verifyPrepared(unverified, prepared);
  return Object.assign(verifier, { fetchCertificate, maxBodyBytes: prepared.maxBodyBytes });
}
