/**
 * The emulator's webhook signing PKI is shaped like Microsoft's: a DER leaf at the certificate URL, issued by an
 * intermediate the leaf's AIA caIssuers URL serves, issued by a signing root that is not the TLS root; the
 * organisation is in the leaf's issuer. Verified here with node:crypto as Microsoft's C# sample verifies a delivery
 * (partner-center-webhooks: build the chain, check that the Issuer contains "O=Microsoft Corporation", RSA-SHA256
 * over the body bytes).
 */
import { X509Certificate, createVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../../../emulators/partner-center/server.js';
import { trustEmulator } from '../../partner-center/helpers.js';
import { WEBHOOKS, accessToken, call, receiver, type Receiver } from './helpers.js';

const ORGANIZATION = 'O=Microsoft Corporation';

async function download(url: string): Promise<{ type: string | null; bytes: Buffer }> {
  const response = await fetch(url);
  expect(response.status, url).to.equal(200);
  return { type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
}

/** The caIssuers URL of a certificate's Authority Information Access, if it has one. */
function caIssuersUrl(cert: X509Certificate): string | undefined {
  return /CA Issuers - URI:(\S+)/.exec(cert.infoAccess ?? '')?.[1];
}

/**
 * Builds the chain from the leaf up through AIA until it reaches `anchor`, checking each link's signature, issuer
 * name, CA flag and validity; throws when it cannot. Answers the chain, leaf first.
 */
async function buildChain(leaf: X509Certificate, anchor: X509Certificate): Promise<X509Certificate[]> {
  const chain = [leaf];
  for (let cert = leaf; ;) {
    const now = Date.now();
    if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now)
      throw new Error(`${cert.subject} is not valid now`);
    if (cert.checkIssued(anchor) && cert.verify(anchor.publicKey)) return chain;
    const url = caIssuersUrl(cert);
    if (!url) throw new Error(`no trusted issuer and no AIA for ${cert.subject}`);
    const issuer = new X509Certificate((await download(url)).bytes);
    if (!issuer.ca || !cert.checkIssued(issuer) || !cert.verify(issuer.publicKey))
      throw new Error(`${issuer.subject} did not issue ${cert.subject}`);
    chain.push(issuer);
    cert = issuer;
    if (chain.length > 5) throw new Error('chain too long');
  }
}

async function deliveryFrom(emulator: PartnerCenterEmulator, hook: Receiver): Promise<Receiver['received'][number]> {
  const token = await accessToken(emulator, WEBHOOKS);
  const registered = await call(`${emulator.webhooksBaseUrl}/registration`, {
    method: 'POST',
    token,
    body: { WebhookUrl: hook.url, WebhookEvents: ['referral-created'] },
  });
  expect(registered.status).to.equal(200);
  emulator.admin.createIncoming('microsoft-co-sell');
  await emulator.admin.deliveriesIdle();
  expect(hook.received).to.have.length(1);
  return hook.received[0];
}

describe('Partner Center emulator: webhook signing PKI', () => {
  let emulator: PartnerCenterEmulator;
  let hook: Receiver;

  before(async () => {
    emulator = await startPartnerCenterEmulator({ port: 0 });
    trustEmulator(emulator);
    hook = await receiver();
  });
  after(async () => {
    await hook?.close();
    await emulator?.close();
  });

  it('signs with a DER leaf chaining via AIA to the signing root, O=Microsoft Corporation in its issuer', async () => {
    const delivery = await deliveryFrom(emulator, hook);
    expect(delivery.headers['x-ms-signature-algorithm']).to.equal('rsa-sha256');
    const served = await download(delivery.headers['x-ms-certificate-url'] as string);
    expect(served.type).to.equal('application/pkix-cert');
    expect(served.bytes.subarray(0, 1).toString('hex'), 'DER, not PEM').to.equal('30');
    const leaf = new X509Certificate(served.bytes);
    const anchor = new X509Certificate(readFileSync(emulator.signingRootPath, 'utf8'));

    const chain = await buildChain(leaf, anchor);
    expect(chain.map((c) => c.subject.split('\n')[0])).to.deep.equal([
      'CN=pcnotifications-dispatch.microsoft.com',
      'CN=Partner Center Emulator Signing CA 01',
    ]);
    expect(leaf.issuer, 'the organisation Microsoft’s sample checks is in the issuer').to.include(ORGANIZATION);
    expect(leaf.subject, 'and only there').not.to.include(ORGANIZATION);
    expect(leaf.ca).to.equal(false);
    expect(leaf.publicKey.asymmetricKeyType).to.equal('rsa');

    const signature = (delivery.headers.authorization ?? '').replace(/^Signature /, '');
    expect(
      createVerify('RSA-SHA256').update(Buffer.from(delivery.body, 'utf8')).verify(leaf.publicKey, signature, 'base64')
    ).to.equal(true);
    const body = '{"EventName":"test-created"}';
    expect(
      createVerify('RSA-SHA256').update(body).verify(leaf.publicKey, emulator.admin.sign(body), 'base64')
    ).to.equal(true);
  });

  it('keeps the signing root apart from the TLS root: neither anchors the other’s chain', async () => {
    const leaf = new X509Certificate((await download(emulator.certificateUrl)).bytes);
    const tlsRoot = new X509Certificate(readFileSync(emulator.caCertPath, 'utf8'));
    const signingRoot = new X509Certificate(emulator.signingRootPem);
    expect(signingRoot.fingerprint256).not.to.equal(tlsRoot.fingerprint256);
    expect(tlsRoot.subject).not.to.include(ORGANIZATION);
    let refused: unknown;
    await buildChain(leaf, tlsRoot).catch((error: unknown) => (refused = error));
    expect(refused, 'the TLS root is no signing anchor').to.be.instanceOf(Error);

    const served = await new Promise<tls.PeerCertificate>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: emulator.port, ca: [emulator.caCertPem] }, () => {
        resolve(socket.getPeerCertificate());
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(new X509Certificate(served.raw).checkIssued(tlsRoot), 'TLS is served under the TLS root').to.equal(true);
    expect(new X509Certificate(served.raw).checkIssued(signingRoot)).to.equal(false);
  });

  it('serves the leaf as PEM beside the DER, and the intermediate as DER at the leaf’s AIA URL', async () => {
    const leaf = new X509Certificate((await download(emulator.certificateUrl)).bytes);
    expect(caIssuersUrl(leaf)).to.equal(emulator.intermediateUrl);
    const intermediate = await download(emulator.intermediateUrl!);
    expect(intermediate.type).to.equal('application/pkix-cert');
    expect(new X509Certificate(intermediate.bytes).toString()).to.equal(
      new X509Certificate(emulator.signingIntermediatePem!).toString()
    );
    const pem = await download(emulator.certificateUrl.replace(/\.cer$/, '.pem'));
    expect(new X509Certificate(pem.bytes).fingerprint256).to.equal(leaf.fingerprint256);
  });
});

describe('Partner Center emulator: legacy signing chain (--legacy-signing-chain)', () => {
  let emulator: PartnerCenterEmulator;
  let hook: Receiver;

  before(async () => {
    emulator = await startPartnerCenterEmulator({ port: 0, legacySigningChain: true });
    trustEmulator(emulator);
    hook = await receiver();
  });
  after(async () => {
    await hook?.close();
    await emulator?.close();
  });

  it('signs with a leaf issued straight by the TLS root, O=Microsoft Corporation in its subject, no AIA', async () => {
    const delivery = await deliveryFrom(emulator, hook);
    const leaf = new X509Certificate((await download(delivery.headers['x-ms-certificate-url'] as string)).bytes);
    const root = new X509Certificate(emulator.caCertPem);
    expect(leaf.checkIssued(root) && leaf.verify(root.publicKey)).to.equal(true);
    expect(leaf.subject).to.include(ORGANIZATION);
    expect(leaf.issuer).to.include(ORGANIZATION);
    expect(leaf.infoAccess).to.equal(undefined);
    expect(emulator.signingRootPem).to.equal(emulator.caCertPem);
    expect(emulator.intermediateUrl).to.equal(undefined);
    expect((await fetch(`${emulator.url}/pkiops/certs/partner-center-emulator-signing-ca-01.crt`)).status).to.equal(
      404
    );
    const signature = (delivery.headers.authorization ?? '').replace(/^Signature /, '');
    expect(createVerify('RSA-SHA256').update(delivery.body).verify(leaf.publicKey, signature, 'base64')).to.equal(true);
  });
});
