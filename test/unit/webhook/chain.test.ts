/**
 * The signing certificate's chain, checked as Microsoft's sample has the platform check it: chains shaped like
 * Microsoft's are accepted (a DER leaf from an intermediate, the intermediate through AIA, the organisation in the
 * issuer only), and each way a chain can be wrong is refused with its reason.
 */
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { expect } from 'chai';
import { createChain, issueCertificate } from '../../../emulators/shared/pki.js';
import {
  signingTrustAnchors,
  verifyDelivery,
  WebhookRejection,
  type RejectionReason,
  type VerifyOptions,
} from '../../../src/webhook/index.js';
import {
  ALLOW_LIST,
  CERT_BASE,
  fakeCertificateHost,
  ISSUER_URL,
  OFF_LIST_ISSUER_URL,
  referralEvent,
  signatureHeader,
  signedHeaders,
  testPki,
  wireBody,
  type FakeCertificateHost,
  type TestPki,
} from './pki.js';

async function rejection(promise: Promise<unknown>): Promise<WebhookRejection> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WebhookRejection) return error;
    throw error;
  }
  throw new Error('expected a WebhookRejection');
}

describe('webhook certificate chain', function () {
  this.timeout(20_000);
  let pki: TestPki;
  let host: FakeCertificateHost;
  let options: VerifyOptions;
  const body = wireBody(referralEvent('7e3d0c1a-2b4c-4d5e-8f90-a1b2c3d4e5f6'));

  before(async () => {
    pki = await testPki();
  });
  beforeEach(() => {
    host = fakeCertificateHost(pki);
    options = { allowList: ALLOW_LIST, trustedRoots: [pki.caPem], fetchCertificate: host.fetch };
  });

  const verify = (
    headers: Record<string, string>,
    extra: Partial<VerifyOptions> = {}
  ): ReturnType<typeof verifyDelivery> =>
    verifyDelivery({ headers, rawBody: Buffer.from(body) }, { ...options, ...extra });

  const expectRefused = async (
    headers: Record<string, string>,
    reason: RejectionReason,
    extra: Partial<VerifyOptions> = {}
  ): Promise<void> => {
    const error = await rejection(verify(headers, extra));
    expect({ reason: error.reason, status: error.status }).to.deep.equal({ reason, status: 401 });
  };

  describe('accepts chains shaped like Microsoft’s', () => {
    it('a DER leaf from an intermediate fetched through AIA, O=Microsoft Corporation in the issuer only', async () => {
      const leaf = new X509Certificate(pki.leaf.der);
      expect(leaf.subject).to.not.contain('O=');
      expect(leaf.issuer).to.contain('O=Microsoft Corporation');
      const delivery = await verify(signedHeaders(body, pki.leaf.keyPem));
      expect(delivery.referralId).to.equal('7e3d0c1a-2b4c-4d5e-8f90-a1b2c3d4e5f6');
      expect(host.calls).to.deep.equal([`${CERT_BASE}valid.cer`, ISSUER_URL]);
    });

    it('the same leaf as PEM', async () => {
      expect((await verify(signedHeaders(body, pki.leaf.keyPem, 'valid.pem'))).knownEvent).to.equal(true);
    });

    it('a leaf served with its intermediate as a PEM bundle, with no AIA fetch', async () => {
      expect((await verify(signedHeaders(body, pki.chained.keyPem, 'chain.pem'))).knownEvent).to.equal(true);
      expect(host.calls).to.deep.equal([`${CERT_BASE}chain.pem`]);
    });
  });

  describe('refuses', () => {
    it('a leaf whose intermediate is neither served nor named by AIA', async () => {
      await expectRefused(signedHeaders(body, pki.chained.keyPem, 'chained-leaf-only.cer'), 'certificate-untrusted');
    });

    it('a leaf with O=Microsoft Corporation in its subject only', async () => {
      await expectRefused(signedHeaders(body, pki.noOrganization.keyPem, 'no-org.cer'), 'certificate-organization');
    });

    it('a CA certificate as the signing leaf (it chains, and its key signed the body)', async () => {
      await expectRefused(signedHeaders(body, pki.caLeaf.keyPem, 'ca-leaf.cer'), 'certificate-unfit');
    });

    it('an ECDSA leaf (it chains, and its key signed the body)', async () => {
      await expectRefused(signedHeaders(body, pki.ecdsa.keyPem, 'ecdsa.cer'), 'certificate-unfit');
    });

    it('an intermediate named by an AIA URL off the allow-list, without fetching it', async () => {
      await expectRefused(signedHeaders(body, pki.offListAia.keyPem, 'off-list-aia.cer'), 'certificate-untrusted');
      expect(host.calls).to.not.include(OFF_LIST_ISSUER_URL);
      expect(host.calls).to.deep.equal([`${CERT_BASE}off-list-aia.cer`]);
    });

    it('an unsigned request, without fetching the issuer through AIA', async () => {
      const error = await rejection(
        verify({ ...signedHeaders(body, pki.leaf.keyPem), Authorization: signatureHeader(body, pki.rogue.keyPem) })
      );
      expect(error.reason).to.equal('bad-signature');
      expect(host.calls).to.deep.equal([`${CERT_BASE}valid.cer`]);
    });

    it('a chain through an intermediate that a path length forbids (the root’s or an intermediate’s)', async () => {
      const underRoot = await createChain({
        root: { subject: 'CN=Path Root, O=pcsync tests', basicConstraints: { ca: true, pathLength: 0 } },
        intermediate: { subject: 'CN=Path Issuing CA, O=Microsoft Corporation' },
        leaf: { subject: 'CN=pcnotifications-dispatch.microsoft.com' },
      });
      await expectRefused(signedHeaders(body, underRoot.leaf.key.privateKeyPem, 'path.pem'), 'certificate-untrusted', {
        trustedRoots: [underRoot.root.pem],
        fetchCertificate: () => Promise.resolve(Buffer.from(underRoot.bundlePem)),
      });
      const policy = await createChain({
        root: { subject: 'CN=Path Root 2, O=pcsync tests' },
        intermediate: { subject: 'CN=Path Policy CA, O=pcsync tests', basicConstraints: { ca: true, pathLength: 0 } },
        leaf: {
          subject: 'CN=Path Issuing CA 2, O=Microsoft Corporation',
          basicConstraints: { ca: true },
          keyUsage: ['keyCertSign'],
        },
      });
      const leaf = await issueCertificate({
        subject: 'CN=pcnotifications-dispatch.microsoft.com',
        issuer: policy.leaf,
        basicConstraints: { ca: false },
        keyUsage: ['digitalSignature'],
      });
      const bundle = [leaf.pem, policy.leaf.pem, policy.intermediate?.pem].join('\n');
      await expectRefused(signedHeaders(body, leaf.key.privateKeyPem, 'deeper.pem'), 'certificate-untrusted', {
        trustedRoots: [policy.root.pem],
        fetchCertificate: () => Promise.resolve(Buffer.from(bundle)),
      });
    });
  });

  it('answers 503 when an allow-listed issuer cannot be fetched (Partner Center retries)', async () => {
    const fetchCertificate = (url: string): Promise<Buffer> =>
      url === ISSUER_URL ? Promise.reject(new Error('ETIMEDOUT (test)')) : host.fetch(url);
    const error = await rejection(verify(signedHeaders(body, pki.leaf.keyPem), { fetchCertificate }));
    expect({ status: error.status, reason: error.reason, retryAfter: error.retryAfterSeconds }).to.deep.equal({
      status: 503,
      reason: 'certificate-unavailable',
      retryAfter: 30,
    });
  });

  describe('signing trust anchors are not the TLS store', () => {
    let tlsDefaults: string[];
    before(() => {
      tlsDefaults = tls.getCACertificates('default');
    });
    after(() => {
      tls.setDefaultCACertificates(tlsDefaults);
    });

    it('refuses an O=Microsoft Corporation chain from a CA that TLS trusts (NODE_EXTRA_CA_CERTS)', async () => {
      tls.setDefaultCACertificates([...tlsDefaults, pki.attacker.rootPem]);
      const rootInTls = tls
        .getCACertificates('default')
        .some(
          (pem) => new X509Certificate(pem).fingerprint256 === new X509Certificate(pki.attacker.rootPem).fingerprint256
        );
      expect(rootInTls, 'the attacker root is trusted for TLS').to.equal(true);
      const headers = signedHeaders(body, pki.attacker.keyPem, 'attacker.pem');
      await expectRefused(headers, 'certificate-untrusted', { trustedRoots: undefined });
      await expectRefused(headers, 'certificate-untrusted', { trustedRoots: signingTrustAnchors() });
      // Control: the very same chain passes once its root is a signing anchor, so only the anchors refused it.
      expect(
        (await verify(headers, { trustedRoots: signingTrustAnchors([pki.attacker.rootPem]) })).knownEvent
      ).to.equal(true);
    });
  });
});
