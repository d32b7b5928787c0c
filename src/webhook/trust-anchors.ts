/**
 * The roots a signing certificate may chain to, kept apart from TLS trust. By default they are Node's bundled Mozilla
 * roots (`tls.rootCertificates`) — not `NODE_EXTRA_CA_CERTS`, the system store or `tls.setDefaultCACertificates`,
 * which exist so that TLS reaches a corporate proxy or a local emulator: a TLS-inspection CA must never become an
 * authority on what Microsoft signed. One more anchor (the emulator's signing root) is added only when asked.
 */
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

/** The certificates in a file: DER (one certificate) or PEM (a bundle, in file order). Throws when there is none. */
export function parseCertificates(bytes: Buffer): X509Certificate[] {
  if (bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN')) {
    const blocks = bytes.toString('utf8').match(PEM_BLOCK) ?? [];
    if (blocks.length === 0) throw new Error('No certificate in the PEM.');
    return blocks.map((block) => new X509Certificate(block));
  }
  return [new X509Certificate(bytes)];
}

let bundled: X509Certificate[] | undefined;

/** Node's bundled Mozilla roots, parsed once. */
export function bundledRootCertificates(): X509Certificate[] {
  bundled ??= rootCertificates.flatMap((pem) => {
    try {
      return [new X509Certificate(pem)];
    } catch {
      return [];
    }
  });
  return bundled;
}

export type TrustAnchorInput = string | Buffer | X509Certificate;

const toCertificates = (anchor: TrustAnchorInput): X509Certificate[] =>
  anchor instanceof X509Certificate
    ? [anchor]
    : parseCertificates(Buffer.isBuffer(anchor) ? anchor : Buffer.from(anchor));

/** Exactly these anchors (PEM or DER bytes, or parsed); a test or a library caller that knows its roots. */
export const parseTrustAnchors = (anchors: readonly TrustAnchorInput[]): X509Certificate[] =>
  anchors.flatMap(toCertificates);

/** What `serve` trusts for signatures: the bundled roots, plus the extra anchors given (e.g. `--signing-root`). */
export const signingTrustAnchors = (extra: readonly TrustAnchorInput[] = []): X509Certificate[] => [
  ...bundledRootCertificates(),
  ...parseTrustAnchors(extra),
];
