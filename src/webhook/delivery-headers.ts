/**
 * The three headers Partner Center signs a delivery with (partner-center-api.md §4.3–4.4), read from an unverified
 * request: the signature (`Authorization: Signature <base64>`, or `x-ms-signature` when the registration asked for
 * it), `x-ms-certificate-url` and `x-ms-signature-algorithm`. Errors never repeat a header's value.
 */
import { WebhookRejection } from './errors.js';

export const SIGNATURE_ALGORITHM = 'rsa-sha256';

export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

export type DeliveryHeaders = { signature: Buffer; certificateUrl: string };

function header(headers: RequestHeaders, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  if (Array.isArray(value)) value = value[0];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function signatureBytes(value: string): Buffer {
  const [scheme, token, ...rest] = value.split(/\s+/);
  if (scheme.toLowerCase() !== 'signature' || token === undefined || rest.length > 0) {
    throw new WebhookRejection('signature-scheme', 'The signature header must use the "Signature" scheme.');
  }
  if (!BASE64.test(token)) throw new WebhookRejection('bad-signature', 'The signature is not base64.');
  return Buffer.from(token, 'base64');
}

/** The signature bytes and the certificate URL (not yet checked), or a 400/401 rejection. */
export function deliveryHeaders(headers: RequestHeaders): DeliveryHeaders {
  // `x-ms-signature` when the registration asked for it (SignatureTokenToMsSignatureHeader): then `Authorization`
  // may belong to something else (a proxy), so the dedicated header wins.
  const signature = header(headers, 'x-ms-signature') ?? header(headers, 'authorization');
  const certificateUrl = header(headers, 'x-ms-certificate-url');
  const algorithm = header(headers, 'x-ms-signature-algorithm');
  if (!signature || !certificateUrl || !algorithm) {
    const missing = [
      signature ? undefined : 'Authorization',
      certificateUrl ? undefined : 'x-ms-certificate-url',
      algorithm ? undefined : 'x-ms-signature-algorithm',
    ].filter((name): name is string => name !== undefined);
    throw new WebhookRejection('missing-header', `Required header(s) missing: ${missing.join(', ')}.`);
  }
  if (algorithm.toLowerCase() !== SIGNATURE_ALGORITHM) {
    throw new WebhookRejection('unsupported-algorithm', `The signature algorithm must be ${SIGNATURE_ALGORITHM}.`);
  }
  return { signature: signatureBytes(signature), certificateUrl };
}
