/**
 * The receiver over real HTTP on 127.0.0.1: the rejection matrix (each crafted delivery gets its status, reaches no
 * sync, and the server keeps serving), duplicates, a burst, certificate fetch failure and cache, unsigned floods, an
 * oversized body, drain on close, /healthz and /metrics, and logs that never carry a signature, a token or a body.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { expect } from 'chai';
import { createPki } from '../../../emulators/partner-center/certs.js';
import {
  createLogger,
  createVerifier,
  startWebhookServer,
  WebhookQueue,
  type HealthInfo,
  type Verifier,
  type VerifierOptions,
  type WebhookServer,
  type WebhookQueueOptions,
} from '../../../src/webhook/index.js';
import {
  ALLOW_LIST,
  CERT_BASE,
  fakeCertificateHost,
  ISSUER_URL,
  referralEvent,
  signatureHeader,
  signedHeaders,
  testPki,
  wireBody,
  type FakeCertificateHost,
  type TestPki,
} from './pki.js';

const PATH = '/webhooks/partner-center';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type Harness = {
  server: WebhookServer;
  queue: WebhookQueue;
  verifier: Verifier;
  host: FakeCertificateHost;
  batches: string[][];
  logs: string[];
  post(
    body: string,
    headers: Record<string, string>,
    init?: { method?: string; path?: string }
  ): Promise<{ status: number; json: Record<string, unknown>; contentType: string | null; headers: Headers }>;
};

async function harness(
  pki: TestPki,
  queueOptions: Partial<WebhookQueueOptions> = {},
  health?: () => HealthInfo,
  verifierOptions: Partial<VerifierOptions> = {}
): Promise<Harness> {
  const host = fakeCertificateHost(pki);
  const batches: string[][] = [];
  const logs: string[] = [];
  const logger = createLogger({ json: true, level: 'debug', write: (line) => logs.push(line) });
  const queue = new WebhookQueue({
    processBatch: async (ids) => {
      batches.push(ids);
      await sleep(2);
    },
    quietMs: 20,
    maxWaitMs: 1000,
    logger,
    ...queueOptions,
  });
  const verifier = createVerifier({
    allowList: ALLOW_LIST,
    trustedRoots: [pki.caPem],
    fetchCertificate: host.fetch,
    ...verifierOptions,
  });
  const server = await startWebhookServer({
    host: '127.0.0.1',
    port: 0,
    path: PATH,
    verifier,
    queue,
    logger,
    health: health ?? ((): HealthInfo => ({ ok: true, partnerCenterAuth: 'valid', lastPassSucceededAt: null })),
    apiRequests: () => ({ 'partner-center': 7, salesforce: 3 }),
  });
  const post: Harness['post'] = async (body, headers, init = {}) => {
    const response = await fetch(`${server.url}${init.path ?? PATH}`, {
      method: init.method ?? 'POST',
      headers,
      body: init.method === 'GET' ? undefined : body,
    });
    const text = await response.text();
    return {
      status: response.status,
      json: JSON.parse(text) as Record<string, unknown>,
      contentType: response.headers.get('content-type'),
      headers: response.headers,
    };
  };
  return { server, queue, verifier, host, batches, logs, post };
}

describe('webhook server', function () {
  this.timeout(30_000);
  let pki: TestPki;

  before(async () => {
    pki = await testPki();
  });

  describe('rejection matrix', () => {
    let h: Harness;
    const accepted = referralEvent('accepted-1', 'referral-created');
    const acceptedBody = wireBody(accepted);
    let sent = 0;

    before(async () => {
      h = await harness(pki);
      const first = await h.post(acceptedBody, signedHeaders(acceptedBody, pki.leaf.keyPem));
      expect(first.status).to.equal(200);
      await h.queue.whenIdle();
      expect(h.batches).to.deep.equal([['accepted-1']]);
    });
    after(async () => {
      await h.server.close(1000);
    });

    /** A fresh body per case, for a referral that must never reach the sync. */
    const body = (): string => wireBody(referralEvent(`matrix-${++sent}`));
    const valid = (b: string): Record<string, string> => signedHeaders(b, pki.leaf.keyPem);
    const without = (headers: Record<string, string>, name: string): Record<string, string> =>
      Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));

    type Case = { name: string; status: number; reason: string; send: () => ReturnType<Harness['post']> };
    const cases: Case[] = [
      {
        name: 'missing Authorization',
        status: 400,
        reason: 'missing-header',
        send: () => {
          const b = body();
          return h.post(b, without(valid(b), 'Authorization'));
        },
      },
      {
        name: 'missing x-ms-certificate-url',
        status: 400,
        reason: 'missing-header',
        send: () => {
          const b = body();
          return h.post(b, without(valid(b), 'x-ms-certificate-url'));
        },
      },
      {
        name: 'missing x-ms-signature-algorithm',
        status: 400,
        reason: 'missing-header',
        send: () => {
          const b = body();
          return h.post(b, without(valid(b), 'x-ms-signature-algorithm'));
        },
      },
      {
        name: 'wrong algorithm',
        status: 400,
        reason: 'unsupported-algorithm',
        send: () => {
          const b = body();
          return h.post(b, { ...valid(b), 'x-ms-signature-algorithm': 'rsa-sha1' });
        },
      },
      {
        name: 'a Bearer token instead of a signature',
        status: 401,
        reason: 'signature-scheme',
        send: () => {
          const b = body();
          return h.post(b, { ...valid(b), Authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.secret-token-value' });
        },
      },
      {
        name: 'http certificate URL',
        status: 401,
        reason: 'certificate-url-not-allowed',
        send: () => {
          const b = body();
          return h.post(b, { ...valid(b), 'x-ms-certificate-url': `${CERT_BASE.replace('https:', 'http:')}valid.cer` });
        },
      },
      {
        name: 'a host off the allow-list',
        status: 401,
        reason: 'certificate-url-not-allowed',
        send: () => {
          const b = body();
          return h.post(b, { ...valid(b), 'x-ms-certificate-url': 'https://certs.example.com/cert/valid.cer' });
        },
      },
      {
        name: 'a look-alike host',
        status: 401,
        reason: 'certificate-url-not-allowed',
        send: () => {
          const b = body();
          return h.post(b, {
            ...valid(b),
            'x-ms-certificate-url': 'https://3psostorageacct.blob.core.windows.net.evil.com/cert/valid.cer',
          });
        },
      },
      {
        name: 'a certificate URL with a query string',
        status: 401,
        reason: 'certificate-url-not-allowed',
        send: () => {
          const b = body();
          return h.post(b, { ...valid(b), 'x-ms-certificate-url': `${CERT_BASE}valid.cer?sv=2024-01-01` });
        },
      },
      {
        name: 'a CA certificate as the signing leaf',
        status: 401,
        reason: 'certificate-unfit',
        send: () => {
          const b = body();
          return h.post(b, signedHeaders(b, pki.caLeaf.keyPem, 'ca-leaf.cer'));
        },
      },
      {
        name: 'an ECDSA signing leaf',
        status: 401,
        reason: 'certificate-unfit',
        send: () => {
          const b = body();
          return h.post(b, signedHeaders(b, pki.ecdsa.keyPem, 'ecdsa.cer'));
        },
      },
      {
        name: 'an issuer named by an AIA URL off the allow-list',
        status: 401,
        reason: 'certificate-untrusted',
        send: () => {
          const b = body();
          return h.post(b, signedHeaders(b, pki.offListAia.keyPem, 'off-list-aia.cer'));
        },
      },
      {
        name: 'an O=Microsoft Corporation chain under a root that is not a signing anchor',
        status: 401,
        reason: 'certificate-untrusted',
        send: () => {
          const b = body();
          return h.post(b, signedHeaders(b, pki.attacker.keyPem, 'attacker.pem'));
        },
      },
      {
        name: 'a self-signed certificate',
        status: 401,
        reason: 'certificate-untrusted',
        send: () => {
          const b = body();
          return h.post(b, signedHeaders(b, pki.rogue.keyPem, 'rogue.cer'));
        },
      },
      {
        name: 'a certificate with the organisation in its subject only',
        status: 401,
        reason: 'certificate-organization',
        send: () => {
          const b = body();
          return h.post(b, signedHeaders(b, pki.noOrganization.keyPem, 'no-org.cer'));
        },
      },
      {
        name: 'an expired certificate',
        status: 401,
        reason: 'certificate-expired',
        send: () => {
          const b = body();
          return h.post(b, signedHeaders(b, pki.expired.keyPem, 'expired.cer'));
        },
      },
      {
        name: 'a valid certificate with a wrong signature',
        status: 401,
        reason: 'bad-signature',
        send: () => {
          const b = body();
          return h.post(b, { ...valid(b), Authorization: signatureHeader(b, pki.rogue.keyPem) });
        },
      },
      {
        name: 'a body changed after signing',
        status: 401,
        reason: 'bad-signature',
        send: () => {
          const b = body();
          return h.post(b.replace('referral-updated', 'referral-created'), valid(b));
        },
      },
      {
        name: 'a signature over re-serialised JSON',
        status: 401,
        reason: 'bad-signature',
        send: () => {
          const b = body();
          return h.post(b, valid(JSON.stringify(JSON.parse(b))));
        },
      },
      {
        name: 'an oversized body',
        status: 413,
        reason: 'body-too-large',
        send: () => {
          const b = wireBody({ ...referralEvent(`matrix-${++sent}`), Padding: 'x'.repeat(1024 * 1024) });
          return h.post(b, valid(b));
        },
      },
      {
        name: 'a non-JSON body with a valid signature',
        status: 400,
        reason: 'invalid-json',
        send: () => {
          const b = 'EventName=referral-updated&ResourceUri=matrix';
          return h.post(b, valid(b));
        },
      },
      {
        name: 'a replay older than the window',
        status: 400,
        reason: 'stale-event',
        send: () => {
          const b = wireBody(
            referralEvent(`matrix-${++sent}`, 'referral-updated', new Date(Date.now() - 2 * 24 * 60 * 60 * 1000))
          );
          return h.post(b, valid(b));
        },
      },
      {
        name: 'an event dated a year ahead',
        status: 400,
        reason: 'future-event',
        send: () => {
          const b = wireBody(
            referralEvent(`matrix-${++sent}`, 'referral-updated', new Date(Date.now() + 365 * 24 * 60 * 60 * 1000))
          );
          return h.post(b, valid(b));
        },
      },
      {
        name: 'a wrong content type',
        status: 415,
        reason: 'unsupported-media-type',
        send: () => {
          const b = body();
          return h.post(b, { ...valid(b), 'Content-Type': 'text/plain' });
        },
      },
      {
        name: 'a wrong method',
        status: 405,
        reason: 'method-not-allowed',
        send: () => h.post('', {}, { method: 'GET' }),
      },
      {
        name: 'a wrong path',
        status: 404,
        reason: 'not-found',
        send: () => {
          const b = body();
          return h.post(b, valid(b), { path: '/webhooks/other' });
        },
      },
    ];

    for (const c of cases) {
      it(`${c.name} → ${c.status} ${c.reason}`, async () => {
        const batchesBefore = h.batches.length;
        const response = await c.send();
        expect({ status: response.status, reason: response.json.reason }).to.deep.equal({
          status: c.status,
          reason: c.reason,
        });
        expect(response.json.error).to.be.a('string');
        expect(response.contentType).to.equal('application/json; charset=utf-8');
        expect(h.queue.depth + h.queue.inFlight).to.equal(0);
        await sleep(30);
        expect(h.batches.length).to.equal(batchesBefore);
      });
    }

    it('a replay of an accepted delivery → 200 duplicate, not synced again', async () => {
      const response = await h.post(acceptedBody, signedHeaders(acceptedBody, pki.leaf.keyPem));
      expect(response.status).to.equal(200);
      expect(response.json).to.deep.equal({ accepted: true, duplicate: true });
      await sleep(50);
      expect(h.batches).to.deep.equal([['accepted-1']]);
    });

    it('keeps serving: a valid delivery after the matrix is synced', async () => {
      const b = wireBody(referralEvent('after-matrix'));
      const response = await h.post(b, signedHeaders(b, pki.leaf.keyPem));
      expect(response.status).to.equal(200);
      expect(response.json).to.deep.equal({ accepted: true });
      await h.queue.whenIdle();
      expect(h.batches.flat()).to.deep.equal(['accepted-1', 'after-matrix']);
      expect(h.batches.flat().some((id) => id.startsWith('matrix-'))).to.equal(false);
    });

    it('counts rejections by reason in /metrics, with queue depth, lag and API requests', async () => {
      const response = await fetch(`${h.server.url}/metrics`);
      expect(response.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      expect(text).to.contain('pcsync_webhook_events_rejected_total{reason="bad-signature"} 3');
      expect(text).to.contain('pcsync_webhook_events_rejected_total{reason="missing-header"} 3');
      expect(text).to.contain('pcsync_webhook_events_deduplicated_total 1');
      expect(text).to.contain('pcsync_webhook_referrals_processed_total 2');
      expect(text).to.contain('pcsync_webhook_queue_depth 0');
      expect(text).to.contain('pcsync_webhook_lag_seconds_count 2');
      expect(text).to.contain('pcsync_api_requests_total{api="partner-center"} 7');
      expect(text).to.match(/# TYPE pcsync_webhook_lag_seconds histogram/);
    });

    it('logs no signature, token or payload body', () => {
      const all = h.logs.join('\n');
      expect(h.logs.length).to.be.greaterThan(20);
      expect(all).to.not.match(/Signature [A-Za-z0-9+/=]{16,}/);
      expect(all).to.not.contain('secret-token-value');
      expect(all).to.not.contain('eyJhbGciOiJub25lIn0');
      expect(all).to.not.contain('"ResourceUri"');
      expect(all).to.not.contain('xxxxxxxxxxxxxxxx');
      expect(all).to.not.contain('EventName=referral-updated');
      for (const line of h.logs) expect(() => JSON.parse(line) as unknown).to.not.throw();
      expect(h.logs.some((line) => line.includes('"reason":"bad-signature"'))).to.equal(true);
    });
  });

  describe('delivery behaviour', () => {
    let h: Harness;
    afterEach(async () => {
      await h.server.close(1000);
    });

    it('processes the same delivery sent twice (at once) only once', async () => {
      h = await harness(pki);
      const b = wireBody(referralEvent('twice'));
      const responses = await Promise.all([
        h.post(b, signedHeaders(b, pki.leaf.keyPem)),
        h.post(b, signedHeaders(b, pki.leaf.keyPem)),
      ]);
      expect(responses.map((r) => r.status)).to.deep.equal([200, 200]);
      expect(responses.filter((r) => r.json.duplicate === true)).to.have.length(1);
      await h.queue.whenIdle();
      await sleep(50);
      expect(h.batches.flat()).to.deep.equal(['twice']);
    });

    it('turns a burst of 1,000 events for 100 referrals into about 100 referral syncs', async () => {
      h = await harness(pki, { quietMs: 100, maxWaitMs: 1000, batchSize: 20, concurrency: 2 });
      const base = Date.now() - 60_000;
      // Ten changes per referral made in the last minute, delivered in a burst (signed before the clock starts).
      const events = Array.from({ length: 1000 }, (_, i) => {
        const b = wireBody(
          referralEvent(
            `burst-${i % 100}`,
            i % 2 ? 'referral-updated' : 'related-referral-updated',
            new Date(base + i * 50)
          )
        );
        return { b, headers: signedHeaders(b, pki.leaf.keyPem) };
      });
      let next = 0;
      const started = Date.now();
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: 25 }, async () => {
          while (next < events.length) {
            const { b, headers } = events[next++];

            statuses.push((await h.post(b, headers)).status);
          }
        })
      );
      const sendMs = Date.now() - started;
      await h.queue.whenIdle();
      const ids = h.batches.flat();
      expect(statuses.filter((s) => s === 200)).to.have.length(1000);
      expect(new Set(ids).size).to.equal(100);
      expect(ids.length, `${ids.length} syncs for 100 referrals; burst sent in ${sendMs} ms`).to.be.at.most(110);
      expect(Math.max(...h.batches.map((b) => b.length))).to.be.at.most(20);
      expect(h.host.calls).to.deep.equal([`${CERT_BASE}valid.cer`, ISSUER_URL]);
    });

    it('answers 503 while the certificate cannot be fetched, then accepts once it can (and caches it)', async () => {
      h = await harness(pki);
      h.host.failing = true;
      const b1 = wireBody(referralEvent('cert-1'));
      const failed = await h.post(b1, signedHeaders(b1, pki.leaf.keyPem));
      expect({
        status: failed.status,
        reason: failed.json.reason,
        retryAfter: failed.headers.get('retry-after'),
      }).to.deep.equal({ status: 503, reason: 'certificate-unavailable', retryAfter: '30' });
      h.host.failing = false;
      const retried = await h.post(b1, signedHeaders(b1, pki.leaf.keyPem));
      expect(retried.status).to.equal(200);
      for (let i = 2; i <= 5; i++) {
        const b = wireBody(referralEvent(`cert-${i}`));

        expect((await h.post(b, signedHeaders(b, pki.leaf.keyPem))).status).to.equal(200);
      }
      // The failed fetch, then the certificate and its issuer, each once.
      expect(h.host.calls).to.deep.equal([`${CERT_BASE}valid.cer`, `${CERT_BASE}valid.cer`, ISSUER_URL]);
      expect(h.verifier.fetchCertificate.fetches()).to.equal(3);
      await h.queue.whenIdle();
      expect(new Set(h.batches.flat()).size).to.equal(5);
    });

    it('makes at most one fetch for 300 unsigned requests with distinct query strings or fragments', async () => {
      h = await harness(pki);
      const b = wireBody(referralEvent('flood'));
      const unsigned = (suffix: string): Record<string, string> => ({
        ...signedHeaders(b, pki.leaf.keyPem),
        Authorization: `Signature ${randomBytes(256).toString('base64')}`,
        'x-ms-certificate-url': `${CERT_BASE}valid.cer${suffix}`,
      });
      const send = async (suffix: (i: number) => string): Promise<string[]> => {
        const outcomes: string[] = [];
        for (let wave = 0; wave < 300; wave += 30) {
          const answers = await Promise.all(
            Array.from({ length: 30 }, (_, i) => h.post(b, unsigned(suffix(wave + i))))
          );
          outcomes.push(...answers.map((a) => `${a.status} ${String(a.json.reason)}`));
        }
        return outcomes;
      };
      const queries = await send((i) => `?sig=${i}`);
      expect(new Set(queries)).to.deep.equal(new Set(['401 certificate-url-not-allowed']));
      expect(h.host.calls).to.have.length.at.most(1);
      const fragments = await send((i) => `#${i}`);
      expect(new Set(fragments)).to.deep.equal(new Set(['401 bad-signature']));
      // The certificate once; never its issuer, since no signature matched.
      expect(h.host.calls).to.deep.equal([`${CERT_BASE}valid.cer`]);
      expect(h.batches).to.deep.equal([]);
    });

    it('refuses a body past the limit as soon as it passes it, without reading the rest', async () => {
      const limit = 64 * 1024;
      h = await harness(pki, {}, undefined, { maxBodyBytes: limit });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const total = 4 * limit;
      let sent = 0;
      const answer = await new Promise<{ status: number; sentWhenAnswered: number }>((resolve) => {
        const req = httpRequest(h.server.webhookUrl, {
          method: 'POST',
          headers: { ...signedHeaders('{}', pki.leaf.keyPem), 'Transfer-Encoding': 'chunked' },
        });
        let answered = false;
        const finish = (status: number): void => {
          if (answered) return;
          answered = true;
          resolve({ status, sentWhenAnswered: sent });
        };
        req.on('response', (res) => {
          res.resume();
          finish(res.statusCode ?? 0);
        });
        req.on('error', () => finish(0));
        void (async (): Promise<void> => {
          // A slow sender: the receiver has time to answer long before the last chunk.
          while (sent < total && !answered) {
            req.write(chunk);
            sent += chunk.length;
            await sleep(25);
          }
          req.end();
        })();
      });
      expect(answer.status).to.equal(413);
      expect(answer.sentWhenAnswered).to.be.above(limit).and.below(total);
      expect(h.host.calls).to.deep.equal([]);
    });

    it('acknowledges an unknown event and a test event without a sync', async () => {
      h = await harness(pki);
      const unknown = wireBody({
        ...referralEvent('x'),
        EventName: 'subscription-updated',
        ResourceName: 'subscription',
      });
      const test = wireBody({
        EventName: 'test-created',
        ResourceUri: 'https://api.partnercenter.microsoft.com/webhooks/v1/registration/validationEvents/c1',
        ResourceName: 'test',
        AuditUri: null,
        ResourceChangeUtcDate: new Date().toISOString(),
      });
      expect((await h.post(unknown, signedHeaders(unknown, pki.leaf.keyPem))).json).to.deep.equal({
        accepted: true,
        ignored: true,
      });
      expect((await h.post(test, signedHeaders(test, pki.leaf.keyPem))).json).to.deep.equal({
        accepted: true,
        ignored: true,
      });
      await sleep(50);
      expect(h.batches).to.deep.equal([]);
      expect(
        h.logs.some((line) => line.includes('"event":"webhook.ignored"') && line.includes('subscription-updated'))
      ).to.equal(true);
    });

    it('drains in-flight work on close within the bound, then refuses connections', async () => {
      let finished = 0;
      h = await harness(pki, {
        quietMs: 2000,
        processBatch: async () => {
          await sleep(300);
          finished++;
        },
      });
      const b = wireBody(referralEvent('drain-me'));
      expect((await h.post(b, signedHeaders(b, pki.leaf.keyPem))).status).to.equal(200);
      const started = Date.now();
      const result = await h.server.close(3000);
      expect(result).to.deep.equal({ drained: true, pending: 0, inFlight: 0 });
      expect(finished).to.equal(1);
      expect(Date.now() - started).to.be.below(3000);
      let refused = false;
      await fetch(`${h.server.url}/healthz`).catch(() => {
        refused = true;
      });
      expect(refused).to.equal(true);
    });

    it('returns from close at the bound when a sync hangs', async () => {
      h = await harness(pki, { quietMs: 5, processBatch: () => new Promise<void>(() => {}) });
      const b = wireBody(referralEvent('hangs'));
      await h.post(b, signedHeaders(b, pki.leaf.keyPem));
      await sleep(50);
      const started = Date.now();
      const result = await h.server.close(300);
      expect(result).to.deep.equal({ drained: false, pending: 0, inFlight: 1 });
      expect(Date.now() - started).to.be.below(1500);
    });

    it('serves /healthz as JSON, 503 when the injected health is not ok', async () => {
      let ok = true;
      h = await harness(pki, {}, () => ({
        ok,
        partnerCenterAuth: ok ? 'valid' : 'expired',
        lastPassSucceededAt: '2026-01-01T00:00:00.000Z',
      }));
      const good = await fetch(`${h.server.url}/healthz`);
      expect(good.status).to.equal(200);
      expect(good.headers.get('content-type')).to.equal('application/json; charset=utf-8');
      const body = (await good.json()) as Record<string, unknown>;
      expect(body).to.include({ ok: true, status: 'ok', partnerCenterAuth: 'valid' });
      expect(body.webhook).to.include({ queueDepth: 0, inFlight: 0 });
      ok = false;
      const bad = await fetch(`${h.server.url}/healthz`);
      expect(bad.status).to.equal(503);
      expect(await bad.json()).to.include({ ok: false, status: 'degraded', partnerCenterAuth: 'expired' });
    });
  });

  it('serves over TLS when given a key and certificate', async () => {
    const emulator = await createPki();
    const host = fakeCertificateHost(pki);
    const queue = new WebhookQueue({ processBatch: () => Promise.resolve(), quietMs: 5 });
    const server = await startWebhookServer({
      port: 0,
      tls: { key: emulator.serverKeyPem, cert: emulator.serverCertPem },
      verifier: { allowList: ALLOW_LIST, trustedRoots: [pki.caPem], fetchCertificate: host.fetch },
      queue,
    });
    try {
      expect(server.url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
      const b = wireBody(referralEvent('over-tls'));
      const status = await new Promise<number>((resolve, rejectRequest) => {
        const req = httpsRequest(
          server.webhookUrl,
          { method: 'POST', headers: signedHeaders(b, pki.leaf.keyPem), ca: emulator.caCertPem },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          }
        );
        req.on('error', rejectRequest);
        req.end(b);
      });
      expect(status).to.equal(200);
    } finally {
      await server.close(1000);
    }
  });
});
