/**
 * A test PKI for the receiver, generated once per process with @peculiar/x509 (as the emulator's certs.ts does): a
 * root CA, an intermediate, Partner Center–like signing leaves (direct and through the intermediate), a leaf without
 * the organisation and an expired leaf (both with the valid leaf's key, so only the certificate is wrong), and a rogue
 * self-signed certificate that claims `O=Microsoft Corporation`.
 */
import { sign, webcrypto } from 'node:crypto';
import '../../../emulators/partner-center/reflect-shim.js';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

type KeyPair = webcrypto.CryptoKeyPair;

const ALG = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
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

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

const generateKeys = async (): Promise<KeyPair> => webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);

async function generate(): Promise<TestPki> {
  const [caKeys, intermediateKeys, leafKeys, chainedKeys, rogueKeys] = await Promise.all([
    generateKeys(),
    generateKeys(),
    generateKeys(),
    generateKeys(),
    generateKeys(),
  ]);
  const notBefore = new Date(Date.now() - DAY);
  const notAfter = new Date(Date.now() + 365 * DAY);
  const caExtensions = async (keys: KeyPair): Promise<x509.Extension[]> => [
    new x509.BasicConstraintsExtension(true, 1, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
  ];
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=pcsync Test Root CA, O=pcsync tests, C=US',
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    keys: caKeys as never,
    extensions: await caExtensions(caKeys),
  });
  type Issue = {
    serial: string;
    subject: string;
    keys: KeyPair;
    issuer: x509.X509Certificate;
    issuerKeys: KeyPair;
    ca?: boolean;
    from?: Date;
    to?: Date;
  };
  const issue = async (o: Issue): Promise<x509.X509Certificate> =>
    x509.X509CertificateGenerator.create({
      serialNumber: o.serial,
      subject: o.subject,
      issuer: o.issuer.subject,
      notBefore: o.from ?? notBefore,
      notAfter: o.to ?? notAfter,
      signingAlgorithm: ALG,
      publicKey: o.keys.publicKey as never,
      signingKey: o.issuerKeys.privateKey as never,
      extensions: o.ca
        ? await caExtensions(o.keys)
        : [
            new x509.BasicConstraintsExtension(false, undefined, true),
            await x509.AuthorityKeyIdentifierExtension.create(o.issuerKeys.publicKey as never),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          ],
    });
  const intermediate = await issue({
    serial: '02',
    subject: 'CN=pcsync Test Intermediate CA, O=pcsync tests',
    keys: intermediateKeys,
    issuer: ca,
    issuerKeys: caKeys,
    ca: true,
  });
  const leaf = await issue({
    serial: '03',
    subject: MICROSOFT_SUBJECT,
    keys: leafKeys,
    issuer: ca,
    issuerKeys: caKeys,
  });
  const chained = await issue({
    serial: '04',
    subject: MICROSOFT_SUBJECT,
    keys: chainedKeys,
    issuer: intermediate,
    issuerKeys: intermediateKeys,
  });
  const noOrganization = await issue({
    serial: '05',
    subject: 'CN=pcnotifications-dispatch.microsoft.com, O=Contoso Ltd, C=US',
    keys: leafKeys,
    issuer: ca,
    issuerKeys: caKeys,
  });
  const expired = await issue({
    serial: '06',
    subject: MICROSOFT_SUBJECT,
    keys: leafKeys,
    issuer: ca,
    issuerKeys: caKeys,
    from: new Date(Date.now() - 30 * DAY),
    to: new Date(Date.now() - DAY),
  });
  const rogue = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '07',
    name: MICROSOFT_SUBJECT,
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    keys: rogueKeys as never,
  });
  const leafKey = await keyPem(leafKeys.privateKey);
  const material = (cert: x509.X509Certificate, key: string): TestCertificate => ({
    pem: cert.toString('pem'),
    der: Buffer.from(cert.rawData),
    keyPem: key,
  });
  const chainedMaterial = material(chained, await keyPem(chainedKeys.privateKey));
  return {
    caPem: ca.toString('pem'),
    leaf: material(leaf, leafKey),
    chained: { ...chainedMaterial, bundlePem: `${chainedMaterial.pem}\n${intermediate.toString('pem')}\n` },
    noOrganization: material(noOrganization, leafKey),
    expired: material(expired, leafKey),
    rogue: material(rogue, await keyPem(rogueKeys.privateKey)),
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
