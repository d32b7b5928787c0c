/**
 * verifyDelivery without HTTP: the order of checks, the clock window, the cached verifier and the referral id in
 * ResourceUri. One failure mode per test. (Chains: chain.test.ts; URLs: certificate-urls.test.ts; fetching and the
 * cache: certificate-fetch.test.ts.)
 */
import { expect } from 'chai';
import { createPki } from '../../../emulators/partner-center/certs.js';
import {
  createVerifier,
  referralIdFromResourceUri,
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
  referralEvent,
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

describe('webhook verifyDelivery', function () {
  this.timeout(20_000);
  let pki: TestPki;
  let host: FakeCertificateHost;
  let options: VerifyOptions;
  const body = wireBody(referralEvent('9f6c3a52-5a36-4f7e-9d4c-1f2a3b4c5d6e'));

  before(async () => {
    pki = await testPki();
  });
  beforeEach(() => {
    host = fakeCertificateHost(pki);
    options = { allowList: ALLOW_LIST, trustedRoots: [pki.caPem], fetchCertificate: host.fetch };
  });

  const expectRejected = async (
    headers: Record<string, string>,
    rawBody: Buffer | string,
    reason: RejectionReason,
    status: number,
    extra: Partial<VerifyOptions> = {}
  ): Promise<void> => {
    const error = await rejection(verifyDelivery({ headers, rawBody: Buffer.from(rawBody) }, { ...options, ...extra }));
    expect({ reason: error.reason, status: error.status }).to.deep.equal({ reason, status });
  };

  it('accepts a DER certificate and returns the event, its dedupe key and referral id', async () => {
    const delivery = await verifyDelivery(
      { headers: signedHeaders(body, pki.leaf.keyPem), rawBody: Buffer.from(body) },
      options
    );
    expect(delivery.eventName).to.equal('referral-updated');
    expect(delivery.knownEvent).to.equal(true);
    expect(delivery.referralId).to.equal('9f6c3a52-5a36-4f7e-9d4c-1f2a3b4c5d6e');
    expect(delivery.certificateUrl).to.equal(`${ALLOW_LIST[0]}valid.cer`);
    expect(JSON.parse(delivery.dedupeKey)).to.have.length(3);
  });

  it('accepts a PEM certificate', async () => {
    const delivery = await verifyDelivery(
      { headers: signedHeaders(body, pki.leaf.keyPem, 'valid.pem'), rawBody: Buffer.from(body) },
      options
    );
    expect(delivery.referralId).to.be.a('string');
  });

  it('accepts a leaf served with its intermediate as a PEM bundle', async () => {
    const delivery = await verifyDelivery(
      { headers: signedHeaders(body, pki.chained.keyPem, 'chain.pem'), rawBody: Buffer.from(body) },
      options
    );
    expect(delivery.eventName).to.equal('referral-updated');
  });

  it('refuses a leaf whose intermediate is not served', async () => {
    await expectRejected(
      signedHeaders(body, pki.chained.keyPem, 'chained-leaf-only.cer'),
      body,
      'certificate-untrusted',
      401
    );
  });

  it('accepts the Partner Center emulator’s own signing certificate with its CA as the trusted root', async () => {
    const emulator = await createPki();
    const headers = {
      ...signedHeaders(body, emulator.signingKeyPem),
      'x-ms-certificate-url': 'https://127.0.0.1:8443/certs/pcnotifications-dispatch.microsoft.com.cer',
    };
    const delivery = await verifyDelivery(
      { headers, rawBody: Buffer.from(body) },
      {
        allowList: ['https://127.0.0.1:8443/certs/'],
        trustedRoots: [emulator.caCertPem],
        fetchCertificate: () => Promise.resolve(emulator.signingCertDer),
      }
    );
    expect(delivery.referralId).to.equal('9f6c3a52-5a36-4f7e-9d4c-1f2a3b4c5d6e');
  });

  it('refuses a test certificate against Node’s default roots', async () => {
    await expectRejected(signedHeaders(body, pki.leaf.keyPem), body, 'certificate-untrusted', 401, {
      trustedRoots: undefined,
    });
  });

  it('accepts the algorithm header in any case and the x-ms-signature header', async () => {
    const headers = signedHeaders(body, pki.leaf.keyPem);
    const moved = {
      ...headers,
      'x-ms-signature': headers.Authorization,
      'x-ms-signature-algorithm': 'RSA-SHA256',
    } as Record<string, string>;
    delete moved.Authorization;
    const delivery = await verifyDelivery({ headers: moved, rawBody: Buffer.from(body) }, options);
    expect(delivery.knownEvent).to.equal(true);
  });

  it('prefers x-ms-signature when Authorization carries something else (a proxy’s credential)', async () => {
    const headers = signedHeaders(body, pki.leaf.keyPem);
    const delivery = await verifyDelivery(
      {
        headers: { ...headers, 'x-ms-signature': headers.Authorization, Authorization: 'Basic cHJveHk6cHJveHk=' },
        rawBody: Buffer.from(body),
      },
      options
    );
    expect(delivery.knownEvent).to.equal(true);
  });

  it('checks the body size before anything else', async () => {
    await expectRejected({}, Buffer.alloc(2048, 32), 'body-too-large', 413, { maxBodyBytes: 1024 });
    expect(host.calls).to.have.length(0);
  });

  it('names every missing header', async () => {
    const error = await rejection(
      verifyDelivery({ headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(body) }, options)
    );
    expect(error.status).to.equal(400);
    expect(error.message)
      .to.contain('Authorization')
      .and.contain('x-ms-certificate-url')
      .and.contain('x-ms-signature-algorithm');
  });

  it('refuses a Bearer (not Signature) authorization scheme before fetching', async () => {
    await expectRejected(
      { ...signedHeaders(body, pki.leaf.keyPem), Authorization: 'Bearer abcdefgh' },
      body,
      'signature-scheme',
      401
    );
    expect(host.calls).to.have.length(0);
  });

  it('refuses a signature that is not base64', async () => {
    await expectRejected(
      { ...signedHeaders(body, pki.leaf.keyPem), Authorization: 'Signature not*base64' },
      body,
      'bad-signature',
      401
    );
  });

  it('refuses an unparseable certificate', async () => {
    await expectRejected(signedHeaders(body, pki.leaf.keyPem, 'garbage.cer'), body, 'certificate-invalid', 401);
  });

  it('refuses a payload without ResourceChangeUtcDate (signed)', async () => {
    const bad = JSON.stringify({ EventName: 'referral-created', ResourceUri: 'https://x/referrals/1' });
    await expectRejected(signedHeaders(bad, pki.leaf.keyPem), bad, 'invalid-event', 400);
  });

  it('refuses an event older than the replay window (signed)', async () => {
    const old = wireBody(referralEvent('r-1', 'referral-updated', new Date(Date.now() - 25 * 60 * 60 * 1000)));
    await expectRejected(signedHeaders(old, pki.leaf.keyPem), old, 'stale-event', 400);
  });

  it('refuses an event dated a year ahead (signed)', async () => {
    const ahead = wireBody(referralEvent('r-1', 'referral-updated', new Date(Date.now() + 365 * 24 * 60 * 60 * 1000)));
    await expectRejected(signedHeaders(ahead, pki.leaf.keyPem), ahead, 'future-event', 400);
  });

  it('accepts an event dated within the clock skew ahead, and refuses one past a configured skew', async () => {
    const soon = wireBody(referralEvent('r-1', 'referral-updated', new Date(Date.now() + 4 * 60 * 1000)));
    const delivery = await verifyDelivery(
      { headers: signedHeaders(soon, pki.leaf.keyPem), rawBody: Buffer.from(soon) },
      options
    );
    expect(delivery.referralId).to.equal('r-1');
    await expectRejected(signedHeaders(soon, pki.leaf.keyPem), soon, 'future-event', 400, { maxClockSkewMs: 60_000 });
  });

  it('reads a ResourceChangeUtcDate without an offset as UTC, whatever the local time zone', async () => {
    const twoHoursAhead = new Date(Date.now() + 2 * 60 * 60 * 1000).toISOString().replace('Z', '');
    const event = wireBody({ ...referralEvent('r-1'), ResourceChangeUtcDate: twoHoursAhead });
    const zone = process.env.TZ;
    // At UTC+14, read as local time, the date would be 12 hours in the past and pass; read as UTC it is 2 hours ahead.
    process.env.TZ = 'Pacific/Kiritimati';
    try {
      await expectRejected(signedHeaders(event, pki.leaf.keyPem), event, 'future-event', 400);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('honours a configured replay window', async () => {
    const recent = wireBody(referralEvent('r-1', 'referral-updated', new Date(Date.now() - 10 * 60 * 1000)));
    await expectRejected(signedHeaders(recent, pki.leaf.keyPem), recent, 'stale-event', 400, {
      maxEventAgeMs: 5 * 60 * 1000,
    });
  });

  it('verifies an unknown event name and leaves it for the queue to acknowledge', async () => {
    const other = wireBody({ ...referralEvent('r-1'), EventName: 'invoice-ready', ResourceName: 'invoice' });
    const delivery = await verifyDelivery(
      { headers: signedHeaders(other, pki.leaf.keyPem), rawBody: Buffer.from(other) },
      options
    );
    expect(delivery.knownEvent).to.equal(false);
    expect(delivery.referralId).to.equal(undefined);
  });

  describe('createVerifier', () => {
    it('fetches a certificate once for many deliveries', async () => {
      const verify = createVerifier(options);
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const b = wireBody(referralEvent(`r-${i}`));
          await verify({ headers: signedHeaders(b, pki.leaf.keyPem), rawBody: Buffer.from(b) });
        })
      );
      // The leaf and, through its AIA, the issuing CA: each once.
      expect(host.calls).to.deep.equal([`${CERT_BASE}valid.cer`, ISSUER_URL]);
      expect(verify.fetchCertificate.fetches()).to.equal(2);
    });

    it('does not cache a failed fetch (503, then success)', async () => {
      const verify = createVerifier(options);
      host.failing = true;
      const error = await rejection(
        verify({ headers: signedHeaders(body, pki.leaf.keyPem), rawBody: Buffer.from(body) })
      );
      expect({ status: error.status, reason: error.reason, retryAfter: error.retryAfterSeconds }).to.deep.equal({
        status: 503,
        reason: 'certificate-unavailable',
        retryAfter: 30,
      });
      host.failing = false;
      const delivery = await verify({ headers: signedHeaders(body, pki.leaf.keyPem), rawBody: Buffer.from(body) });
      expect(delivery.knownEvent).to.equal(true);
      expect(host.calls).to.deep.equal([`${CERT_BASE}valid.cer`, `${CERT_BASE}valid.cer`, ISSUER_URL]);
    });
  });
});

describe('webhook referral id from ResourceUri', () => {
  it('takes the id after /referrals/', () => {
    expect(
      referralIdFromResourceUri('https://api.partnercenter.microsoft.com/engagements/v1/referrals/abc-123')
    ).to.equal('abc-123');
    expect(referralIdFromResourceUri('https://127.0.0.1:5000/engagements/v1/referrals/7e3d')).to.equal('7e3d');
  });

  for (const uri of [
    'https://api.partnercenter.microsoft.com/engagements/v1/referrals/',
    'https://api.partnercenter.microsoft.com/engagements/v1/referrals/abc/extra',
    'https://api.partnercenter.microsoft.com/engagements/v1/referrals/..%2f..%2fadmin',
    'https://api.partnercenter.microsoft.com/webhooks/v1/registration/validationEvents/123',
    'javascript:alert(1)',
    'not a uri',
  ]) {
    it(`finds no id in ${uri}`, () => {
      expect(referralIdFromResourceUri(uri)).to.equal(undefined);
    });
  }
});
