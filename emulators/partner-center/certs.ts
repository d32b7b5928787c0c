/**
 * The emulator's PKI, generated at start. Two separate roots, as in the real world:
 *
 * - a TLS root that issues the server certificate for 127.0.0.1/localhost (`NODE_EXTRA_CA_CERTS`);
 * - a signing root, shaped like Microsoft's: root → intermediate (`O=Microsoft Corporation`) → the webhook signing
 *   leaf `CN=pcnotifications-dispatch.microsoft.com`. Partner Center's events are "digitally signed with a certificate
 *   that chains to the Microsoft Root", and Microsoft's verification sample checks that the certificate's *Issuer*
 *   contains `O=Microsoft Corporation`, so the organisation is in the leaf's issuer and not in its subject
 *   (https://learn.microsoft.com/en-us/partner-center/developer/partner-center-webhooks). The leaf names its
 *   issuer through AIA caIssuers (RFC 5280 §4.2.2.1), a URL the emulator serves, as Microsoft's certificates point
 *   at www.microsoft.com/pkiops/certs/.
 *
 * `legacy`: the emulator's first shape — one root, both the TLS root and the signing leaf's direct issuer, with
 * `O=Microsoft Corporation` in the root's and the leaf's subject — for receivers that do not yet build chains.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKey, issueCertificate, type IssuedCertificate, type KeyMaterial } from '../shared/pki.js';

/** Where the intermediate is served; its AIA URL is this path on the emulator's origin. */
export const INTERMEDIATE_PATH = '/pkiops/certs/partner-center-emulator-signing-ca-01.crt';
export const LEAF_SUBJECT = 'CN=pcnotifications-dispatch.microsoft.com';

export type SigningCertificate = {
  leafPem: string;
  leafDer: Buffer;
  leafKeyPem: string;
  /** The intermediate (absent in the legacy shape), DER as served at its AIA URL. */
  intermediatePem?: string;
  intermediateDer?: Buffer;
};

export type EmulatorPki = {
  dir: string;
  legacy: boolean;
  /** The TLS root (what `NODE_EXTRA_CA_CERTS` names). */
  caCertPem: string;
  caCertPath: string;
  serverCertPem: string;
  serverKeyPem: string;
  /** The root the signing chain ends in: the anchor a webhook receiver trusts for signatures. */
  signingRootPem: string;
  signingRootPath: string;
  /** The signing leaf for an emulator at `origin` (its AIA URL names the intermediate there). */
  issueSigning(origin: string): Promise<SigningCertificate>;
};

/** The legacy shape's leaf is fixed, so it is at hand without an origin (as the emulator's first PKI had it). */
export type LegacyPki = EmulatorPki & { signingCertPem: string; signingCertDer: Buffer; signingKeyPem: string };

type Material = {
  tlsRoot: IssuedCertificate;
  server: IssuedCertificate;
  signingRoot: IssuedCertificate;
  intermediate?: IssuedCertificate;
  leafKey: KeyMaterial;
  /** The legacy leaf needs no AIA, so it is issued once. */
  legacyLeaf?: IssuedCertificate;
};

const HOUR = 60 * 60 * 1000;
const validity = (): { notBefore: Date; notAfter: Date } => ({
  notBefore: new Date(Date.now() - HOUR),
  notAfter: new Date(Date.now() + 365 * 24 * HOUR),
});
const CA = { basicConstraints: { ca: true, pathLength: 1 }, keyUsage: ['keyCertSign' as const, 'cRLSign' as const] };

async function serverFor(tlsRoot: IssuedCertificate): Promise<IssuedCertificate> {
  return issueCertificate({
    issuer: tlsRoot,
    ...validity(),
    subject: 'CN=127.0.0.1, O=Partner Center Emulator',
    basicConstraints: { ca: false },
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['serverAuth'],
    subjectAltNames: [
      { type: 'ip', value: '127.0.0.1' },
      { type: 'dns', value: 'localhost' },
    ],
  });
}

async function generateMicrosoftShaped(): Promise<Material> {
  const [tlsRoot, signingRoot, leafKey] = await Promise.all([
    issueCertificate({
      ...CA,
      ...validity(),
      subject: 'CN=Partner Center Emulator TLS Root CA, O=Partner Center Emulator',
    }),
    issueCertificate({
      ...CA,
      ...validity(),
      subject: 'CN=Partner Center Emulator Signing Root CA, O=Microsoft Corporation, L=Redmond, ST=Washington, C=US',
    }),
    createKey({ type: 'rsa' }),
  ]);
  const [server, intermediate] = await Promise.all([
    serverFor(tlsRoot),
    issueCertificate({
      issuer: signingRoot,
      ...validity(),
      subject: 'CN=Partner Center Emulator Signing CA 01, O=Microsoft Corporation, C=US',
      basicConstraints: { ca: true, pathLength: 0 },
      keyUsage: ['keyCertSign', 'cRLSign'],
    }),
  ]);
  return { tlsRoot, server, signingRoot, intermediate, leafKey };
}

async function generateLegacy(): Promise<Material> {
  const root = await issueCertificate({
    ...CA,
    ...validity(),
    serialNumber: '01',
    subject: 'CN=Partner Center Emulator Root CA, O=Microsoft Corporation, C=US',
  });
  const [server, legacyLeaf] = await Promise.all([
    serverFor(root),
    issueCertificate({
      issuer: root,
      ...validity(),
      serialNumber: '03',
      subject: 'CN=pcnotifications-dispatch.microsoft.com, O=Microsoft Corporation, L=Redmond, ST=WA, C=US',
      basicConstraints: { ca: false },
      keyUsage: ['digitalSignature'],
    }),
  ]);
  return { tlsRoot: root, server, signingRoot: root, leafKey: legacyLeaf.key, legacyLeaf };
}

// RSA key generation is the slow part of a start; emulators started by one process share keys and roots.
const shared: { legacy?: Promise<Material>; microsoft?: Promise<Material> } = {};

/**
 * Generates (once per process and shape) the PKI and writes the two roots to a fresh temp dir. Without options it is
 * the legacy shape, which receiver tests written before the Microsoft-shaped chain call for
 * (test/unit/webhook/verify.test.ts, server.test.ts); the emulator itself always says which shape it wants.
 * TODO(issue 15): default to the Microsoft shape once the receiver verifies Microsoft-shaped chains.
 */
export async function createPki(): Promise<LegacyPki>;
export async function createPki(options: { legacy: true }): Promise<LegacyPki>;
export async function createPki(options: { legacy: boolean }): Promise<EmulatorPki>;
export async function createPki(options: { legacy: boolean } = { legacy: true }): Promise<EmulatorPki | LegacyPki> {
  const legacy = options.legacy;
  const material = await (legacy
    ? (shared.legacy ??= generateLegacy())
    : (shared.microsoft ??= generateMicrosoftShaped()));
  const dir = mkdtempSync(path.join(tmpdir(), 'pc-emulator-'));
  const caCertPath = path.join(dir, 'ca.pem');
  const signingRootPath = path.join(dir, 'signing-root.pem');
  writeFileSync(caCertPath, material.tlsRoot.pem);
  writeFileSync(signingRootPath, material.signingRoot.pem);
  const pki: EmulatorPki = {
    dir,
    legacy,
    caCertPem: material.tlsRoot.pem,
    caCertPath,
    serverCertPem: material.server.pem,
    serverKeyPem: material.server.key.privateKeyPem,
    signingRootPem: material.signingRoot.pem,
    signingRootPath,
    issueSigning: async (origin) => {
      const { intermediate, legacyLeaf } = material;
      const leaf =
        legacyLeaf ??
        (await issueCertificate({
          issuer: intermediate,
          ...validity(),
          subject: LEAF_SUBJECT,
          key: material.leafKey,
          basicConstraints: { ca: false },
          keyUsage: ['digitalSignature'],
          caIssuersUrl: `${origin}${INTERMEDIATE_PATH}`,
        }));
      writeFileSync(path.join(dir, 'pcnotifications-dispatch.cer'), leaf.der);
      return {
        leafPem: leaf.pem,
        leafDer: leaf.der,
        leafKeyPem: leaf.key.privateKeyPem,
        intermediatePem: intermediate?.pem,
        intermediateDer: intermediate?.der,
      };
    },
  };
  const { legacyLeaf } = material;
  if (!legacyLeaf) return pki;
  return {
    ...pki,
    signingCertPem: legacyLeaf.pem,
    signingCertDer: legacyLeaf.der,
    signingKeyPem: legacyLeaf.key.privateKeyPem,
  };
}
