/**
 * A test PKI for the receiver, generated once per process with the emulators' certificate builder: a root CA, an
 * intermediate, Partner Center–like signing leaves (direct and through the intermediate), a leaf without the
 * organisation and an expired leaf (both with the valid leaf's key, so only the certificate is wrong), and a rogue
 * self-signed certificate that claims `O=Microsoft Corporation`.
 */
import { sign } from 'node:crypto';
import {
  createKey,
  issueCertificate,
  type CertificateSpec,
  type IssuedCertificate,
} from '../../../emulators/shared/pki.js';

const DAY = 24 * 60 * 60 * 1000;
const MICROSOFT_SUBJECT = 'CN=pcnotifications-dispatch.microsoft.com, O=Microsoft Corporation, L=Redmond, ST=WA, C=US';

export type TestCertificate = { pem: string; der: Buffer; keyPem: string };

export type TestPki = {
  caPem: string;
  leaf: TestCertificate;
  /** Leaf issued by the intermediate; `bundlePem` is leaf + intermediate. */
  chained: TestCertificate & { bundlePem: string };
  noOrganization: TestCertificate;
  expired: TestCertificate;
  rogue: TestCertificate;
};

async function generate(): Promise<TestPki> {
  const notBefore = new Date(Date.now() - DAY);
  const notAfter = new Date(Date.now() + 365 * DAY);
  const ca: Partial<CertificateSpec> = {
    basicConstraints: { ca: true, pathLength: 1 },
    keyUsage: ['keyCertSign', 'cRLSign'],
  };
  const signer: Partial<CertificateSpec> = { basicConstraints: { ca: false }, keyUsage: ['digitalSignature'] };
  const root = await issueCertificate({
    ...ca,
    serialNumber: '01',
    subject: 'CN=pcsync Test Root CA, O=pcsync tests, C=US',
    notBefore,
    notAfter,
  });
  const leafKey = await createKey();
  const issue = (spec: CertificateSpec): Promise<IssuedCertificate> =>
    issueCertificate({ notBefore, notAfter, issuer: root, ...spec });
  const [intermediate, leaf, noOrganization, expired, rogue] = await Promise.all([
    issue({ ...ca, serialNumber: '02', subject: 'CN=pcsync Test Intermediate CA, O=pcsync tests' }),
    issue({ ...signer, serialNumber: '03', subject: MICROSOFT_SUBJECT, key: leafKey }),
    issue({
      ...signer,
      serialNumber: '05',
      subject: 'CN=pcnotifications-dispatch.microsoft.com, O=Contoso Ltd, C=US',
      key: leafKey,
    }),
    issue({
      ...signer,
      serialNumber: '06',
      subject: MICROSOFT_SUBJECT,
      key: leafKey,
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
    }),
    issueCertificate({ serialNumber: '07', subject: MICROSOFT_SUBJECT, notBefore, notAfter, keyIdentifiers: false }),
  ]);
  const chained = await issue({ ...signer, serialNumber: '04', subject: MICROSOFT_SUBJECT, issuer: intermediate });
  const material = (cert: IssuedCertificate): TestCertificate => ({
    pem: cert.pem,
    der: cert.der,
    keyPem: cert.key.privateKeyPem,
  });
  return {
    caPem: root.pem,
    leaf: material(leaf),
    chained: { ...material(chained), bundlePem: `${chained.pem}\n${intermediate.pem}\n` },
    noOrganization: material(noOrganization),
    expired: material(expired),
    rogue: material(rogue),
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

/** The certificate "storage": URL → bytes, a fetch counter, and a switch to make fetches fail. */
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
    'garbage.cer': Buffer.from('not a certificate'),
  };
  const host: FakeCertificateHost = {
    calls: [],
    failing: false,
    fetch: async (url: string): Promise<Buffer> => {
      host.calls.push(url);
      await Promise.resolve();
      if (host.failing) throw new Error('connect ECONNREFUSED (test)');
      // Serves by file name whatever the host, so only the allow-list can stop a look-alike URL.
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
