/**
 * A test PKI for the receiver, shaped like Microsoft's and generated once per process with the emulators' certificate
 * builder: a root (the test's signing anchor) → an issuing CA with `O=Microsoft Corporation` (reachable through AIA at
 * a Microsoft PKI URL) → a DER leaf whose organisation is only in its issuer. Beside it, one certificate per way to be
 * wrong — most with the valid leaf's key, so only the certificate is wrong — and an attacker's chain with
 * `O=Microsoft Corporation` under a root that a machine might trust for TLS (a corporate inspection CA).
 */
import { sign } from 'node:crypto';
import {
  createKey,
  issueCertificate,
  type CertificateSpec,
  type IssuedCertificate,
} from '../../../emulators/shared/pki.js';

const DAY = 24 * 60 * 60 * 1000;
const DISPATCH = 'CN=pcnotifications-dispatch.microsoft.com';
const MICROSOFT_SUBJECT = `${DISPATCH}, O=Microsoft Corporation, L=Redmond, ST=WA, C=US`;

/** Where the issuing CA is published (AIA caIssuers), on the default issuer allow-list. */
export const ISSUER_URL = 'http://www.microsoft.com/pkiops/certs/pcsync%20Test%20Issuing%20CA%2001.crt';
/** The same file name on a host off the allow-list. */
export const OFF_LIST_ISSUER_URL = 'http://pki.example.com/certs/pcsync%20Test%20Issuing%20CA%2001.crt';

export type TestCertificate = { pem: string; der: Buffer; keyPem: string };

export type TestPki = {
  /** The root the tests trust for signatures. */
  caPem: string;
  /** The issuing CA, as its AIA URL serves it. */
  issuingDer: Buffer;
  /** DER leaf from the issuing CA, the issuing CA via AIA, `O=Microsoft Corporation` in the issuer only. */
  leaf: TestCertificate;
  /** A leaf without AIA from the issuing CA; `bundlePem` is leaf + issuing CA. */
  chained: TestCertificate & { bundlePem: string };
  /** `O=Microsoft Corporation` in the subject only (issued by the root, whose O is "pcsync tests"). */
  noOrganization: TestCertificate;
  expired: TestCertificate;
  /** Self-signed, claiming `O=Microsoft Corporation`. */
  rogue: TestCertificate;
  /** A CA certificate (basicConstraints CA:true) from the issuing CA, used as the signing leaf. */
  caLeaf: TestCertificate;
  /** An ECDSA P-256 leaf from the issuing CA. */
  ecdsa: TestCertificate;
  /** The valid leaf's twin whose AIA names a host off the allow-list. */
  offListAia: TestCertificate;
  /** Leaf + "Microsoft" issuing CA under `rootPem`, a root trusted only for TLS. */
  attacker: TestCertificate & { bundlePem: string; rootPem: string };
};

const CA: Partial<CertificateSpec> = {
  basicConstraints: { ca: true, pathLength: 1 },
  keyUsage: ['keyCertSign', 'cRLSign'],
};
const SIGNER: Partial<CertificateSpec> = { basicConstraints: { ca: false }, keyUsage: ['digitalSignature'] };

async function generate(): Promise<TestPki> {
  const notBefore = new Date(Date.now() - DAY);
  const notAfter = new Date(Date.now() + 365 * DAY);
  const validity = { notBefore, notAfter };
  const root = await issueCertificate({ ...CA, ...validity, subject: 'CN=pcsync Test Root CA, O=pcsync tests, C=US' });
  const issuing = await issueCertificate({
    ...CA,
    ...validity,
    basicConstraints: { ca: true, pathLength: 0 },
    subject: 'CN=pcsync Test Issuing CA 01, O=Microsoft Corporation, C=US',
    issuer: root,
  });
  const leafKey = await createKey();
  const fromIssuing = (spec: Partial<CertificateSpec>): Promise<IssuedCertificate> =>
    issueCertificate({ ...SIGNER, ...validity, subject: DISPATCH, issuer: issuing, caIssuersUrl: ISSUER_URL, ...spec });
  const inspectionRoot = await issueCertificate({
    ...CA,
    ...validity,
    subject: 'CN=Contoso TLS Inspection Root, O=Contoso Ltd',
  });
  const forged = await issueCertificate({
    ...CA,
    ...validity,
    subject: 'CN=Microsoft Azure RSA TLS Issuing CA 04, O=Microsoft Corporation, C=US',
    issuer: inspectionRoot,
  });
  const [leaf, chained, noOrganization, expired, rogue, caLeaf, ecdsa, offListAia, attacker] = await Promise.all([
    fromIssuing({ key: leafKey }),
    fromIssuing({ caIssuersUrl: undefined }),
    issueCertificate({ ...SIGNER, ...validity, subject: MICROSOFT_SUBJECT, issuer: root, key: leafKey }),
    fromIssuing({ key: leafKey, notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) }),
    issueCertificate({ ...validity, subject: MICROSOFT_SUBJECT, keyIdentifiers: false }),
    fromIssuing({ key: leafKey, basicConstraints: { ca: true }, keyUsage: ['digitalSignature', 'keyCertSign'] }),
    fromIssuing({ key: { type: 'ecdsa', curve: 'P-256' } }),
    fromIssuing({ key: leafKey, caIssuersUrl: OFF_LIST_ISSUER_URL }),
    issueCertificate({ ...SIGNER, ...validity, subject: DISPATCH, issuer: forged }),
  ]);
  const material = (cert: IssuedCertificate): TestCertificate => ({
    pem: cert.pem,
    der: cert.der,
    keyPem: cert.key.privateKeyPem,
  });
  return {
    caPem: root.pem,
    issuingDer: issuing.der,
    leaf: material(leaf),
    chained: { ...material(chained), bundlePem: `${chained.pem}\n${issuing.pem}\n` },
    noOrganization: material(noOrganization),
    expired: material(expired),
    rogue: material(rogue),
    caLeaf: material(caLeaf),
    ecdsa: material(ecdsa),
    offListAia: material(offListAia),
    attacker: { ...material(attacker), bundlePem: `${attacker.pem}\n${forged.pem}\n`, rootPem: inspectionRoot.pem },
  };
}

let shared: Promise<TestPki> | undefined;

/** The test PKI (RSA key generation is the slow part, so one per process). */
export const testPki = (): Promise<TestPki> => (shared ??= generate());

/** `Signature <base64>` over exactly these bytes, as Partner Center signs (RSA PKCS#1 v1.5, SHA-256). */
export const signatureHeader = (body: string | Buffer, keyPem: string): string =>
  `Signature ${sign('sha256', typeof body === 'string' ? Buffer.from(body, 'utf8') : body, keyPem).toString('base64')}`;

export const CERT_BASE = 'https://3psostorageacct.blob.core.windows.net/cert/';
export const ALLOW_LIST = [CERT_BASE];

/** The certificate "storage" and PKI repository: URL → bytes, a fetch log, and a switch to make fetches fail. */
export type FakeCertificateHost = {
  fetch: (url: string) => Promise<Buffer>;
  calls: string[];
  failing: boolean;
};

export function fakeCertificateHost(pki: TestPki): FakeCertificateHost {
  const files: Record<string, Buffer> = {
    'valid.cer': pki.leaf.der,
    'valid.pem': Buffer.from(pki.leaf.pem),
    'chain.pem': Buffer.from(pki.chained.bundlePem),
    'chained-leaf-only.cer': pki.chained.der,
    'no-org.cer': pki.noOrganization.der,
    'expired.cer': pki.expired.der,
    'rogue.cer': pki.rogue.der,
    'ca-leaf.cer': pki.caLeaf.der,
    'ecdsa.cer': pki.ecdsa.der,
    'off-list-aia.cer': pki.offListAia.der,
    'attacker.pem': Buffer.from(pki.attacker.bundlePem),
    'garbage.cer': Buffer.from('not a certificate'),
    'pcsync%20Test%20Issuing%20CA%2001.crt': pki.issuingDer,
  };
  const host: FakeCertificateHost = {
    calls: [],
    failing: false,
    fetch: async (url: string): Promise<Buffer> => {
      host.calls.push(url);
      await Promise.resolve();
      if (host.failing) throw new Error('connect ECONNREFUSED (test)');
      // Serves by file name whatever the host, so only the allow-lists can stop a look-alike URL.
      const file = new URL(url).pathname.split('/').pop() ?? '';
      const bytes = files[file];
      if (!bytes) throw new Error(`404 ${file}`);
      return bytes;
    },
  };
  return host;
}

export type EventBody = {
  EventName: string;
  ResourceUri: string;
  ResourceName: string;
  AuditUri: null;
  ResourceChangeUtcDate: string;
};

export function referralEvent(
  referralId: string,
  eventName = 'referral-updated',
  changedAt: Date = new Date()
): EventBody {
  return {
    EventName: eventName,
    ResourceUri: `https://api.partnercenter.microsoft.com/engagements/v1/referrals/${referralId}`,
    ResourceName: 'referral',
    AuditUri: null,
    ResourceChangeUtcDate: changedAt.toISOString(),
  };
}

/** Pretty-printed, as Partner Center sends it (so a re-serialised body differs from the signed bytes). */
export const wireBody = (event: object): string => JSON.stringify(event, null, 4);

export function signedHeaders(
  body: string | Buffer,
  keyPem: string,
  certificateFile = 'valid.cer'
): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    Authorization: signatureHeader(body, keyPem),
    'x-ms-certificate-url': `${CERT_BASE}${certificateFile}`,
    'x-ms-signature-algorithm': 'rsa-sha256',
  };
}
