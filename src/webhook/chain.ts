/**
 * Whether a signing certificate is Partner Center's, checked the way Microsoft's verification sample has the platform
 * check it (Learn: partner-center-webhooks; partner-center-api.md §4.4): the chain is built from the intermediates
 * served with the certificate and, as Windows does, from the AIA caIssuers URLs in each certificate (allow-listed
 * here), up to a signing trust anchor; then the *issuer* must carry `O=Microsoft Corporation`. Stricter than the
 * sample where it costs Microsoft's certificates nothing: the organisation is compared as an attribute value, not a
 * substring, and the leaf must be an RSA end-entity certificate fit for signatures.
 *
 * Two steps, so that an unsigned request never causes an AIA fetch: `signingCertificate` (parse, validity, fitness)
 * before the signature is checked with the leaf's key, `verifyChain` after.
 */
import type { X509Certificate } from 'node:crypto';
import type { CertificateFetcher } from './certificate-fetch.js';
import type { UrlMatcher } from './certificate-urls.js';
import { WebhookRejection } from './errors.js';
import { parseCertificates } from './trust-anchors.js';
import { certificateFields } from './x509-fields.js';

/** The organisation Microsoft's sample requires in the certificate's issuer. */
export const REQUIRED_ISSUER_ORGANIZATION = 'Microsoft Corporation';
/** RSA keys shorter than this are refused (Azure's CAs issue 2048 bits and up: Learn, Azure CA details). */
export const MIN_RSA_MODULUS_BITS = 2048;
const MAX_CHAIN_DEPTH = 5;

export type SigningCertificate = {
  leaf: X509Certificate;
  /** The intermediates served after the leaf (PEM bundle), in file order. */
  served: X509Certificate[];
};

export type ChainOptions = {
  anchors: readonly X509Certificate[];
  at: Date;
  /** Normalises and allow-lists an AIA caIssuers URL (undefined: not followed). */
  issuerUrl: UrlMatcher;
  fetchIssuer: CertificateFetcher;
};

const within = (cert: X509Certificate, at: Date): boolean => cert.validFromDate <= at && at <= cert.validToDate;

const issuedBy = (cert: X509Certificate, issuer: X509Certificate): boolean => {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
};

/** A CA may issue the certificate below it: within validity, keyCertSign, its path length respected. */
function mayIssue(ca: X509Certificate, intermediatesBelow: number, at: Date): boolean {
  const { basicConstraints, keyUsage } = certificateFields(ca);
  const pathLength = basicConstraints?.pathLength;
  return (
    within(ca, at) &&
    (keyUsage === undefined || keyUsage.keyCertSign) &&
    (pathLength === undefined || pathLength >= intermediatesBelow)
  );
}

/** An intermediate must also say it is a CA; an anchor is trusted as configured (old roots lack the extension). */
const isCa = (cert: X509Certificate): boolean => certificateFields(cert).basicConstraints?.ca === true;

/** An anchor that issued `cert` and may have: the signature first, so only the real issuer's DER is read. */
const anchorIssued = (cert: X509Certificate, anchor: X509Certificate, below: number, at: Date): boolean => {
  try {
    return issuedBy(cert, anchor) && mayIssue(anchor, below, at);
  } catch {
    return false;
  }
};

/** Step 1: the served file parsed, the leaf within validity and an RSA end-entity certificate for signatures. */
export function signingCertificate(bytes: Buffer, at: Date): SigningCertificate {
  let certificates: X509Certificate[];
  try {
    certificates = parseCertificates(bytes);
    certificates.forEach(certificateFields);
  } catch (error) {
    throw new WebhookRejection('certificate-invalid', 'The signing certificate could not be parsed.', { cause: error });
  }
  const [leaf, ...served] = certificates;
  if (!within(leaf, at)) {
    throw new WebhookRejection('certificate-expired', 'The signing certificate is not within its validity period.');
  }
  const { basicConstraints, keyUsage } = certificateFields(leaf);
  const key = leaf.publicKey;
  const fit =
    !leaf.ca &&
    basicConstraints?.ca !== true &&
    (keyUsage === undefined || keyUsage.digitalSignature) &&
    key.asymmetricKeyType === 'rsa' &&
    (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_MODULUS_BITS;
  if (!fit) {
    throw new WebhookRejection(
      'certificate-unfit',
      'The signing certificate is not an RSA end-entity certificate for digital signatures.'
    );
  }
  return { leaf, served };
}

/** The issuer certificates a certificate's allow-listed AIA caIssuers URLs serve. */
async function issuersFromAia(cert: X509Certificate, options: ChainOptions): Promise<X509Certificate[]> {
  const urls = [...new Set(certificateFields(cert).caIssuers.map(options.issuerUrl))];
  const found: X509Certificate[] = [];
  for (const url of urls) {
    if (url === undefined) continue;
    let bytes: Buffer;
    try {
      bytes = await options.fetchIssuer(url);
    } catch (error) {
      throw new WebhookRejection(
        'certificate-unavailable',
        'An issuer certificate could not be fetched; try again later.',
        { retryAfterSeconds: 30, cause: error }
      );
    }
    try {
      const issuers = parseCertificates(bytes);
      issuers.forEach(certificateFields);
      found.push(...issuers);
    } catch {
      // Not a certificate: nothing to chain through from this URL.
    }
  }
  return found;
}

/** Step 2: a chain from the leaf to an anchor, then the issuer's organisation. Throws a 401 (or a 503) rejection. */
export async function verifyChain(certificate: SigningCertificate, options: ChainOptions): Promise<void> {
  const { leaf, served } = certificate;
  const used = new Set<X509Certificate>([leaf]);
  let current = leaf;
  let trusted = false;
  for (let below = 0; below <= MAX_CHAIN_DEPTH; below++) {
    if (options.anchors.some((anchor) => anchorIssued(current, anchor, below, options.at))) {
      trusted = true;
      break;
    }
    const candidate = (cert: X509Certificate): boolean =>
      !used.has(cert) && isCa(cert) && mayIssue(cert, below, options.at) && issuedBy(current, cert);
    const next = served.find(candidate) ?? (await issuersFromAia(current, options)).find(candidate);
    if (!next) break;
    used.add(next);
    current = next;
  }
  if (!trusted) {
    throw new WebhookRejection('certificate-untrusted', 'The signing certificate does not chain to a trusted root.');
  }
  if (!certificateFields(leaf).issuerOrganizations.includes(REQUIRED_ISSUER_ORGANIZATION)) {
    throw new WebhookRejection(
      'certificate-organization',
      `The signing certificate's issuer does not carry O=${REQUIRED_ISSUER_ORGANIZATION}.`
    );
  }
}
