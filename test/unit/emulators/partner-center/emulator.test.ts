import { spawn } from 'node:child_process';
import { X509Certificate, createVerify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../../../emulators/partner-center/server.js';
import { parseFilter, evaluate } from '../../../../emulators/partner-center/odata.js';
import { assertValid } from '../../partner-center/swagger.js';
import { TOKEN_SHAPE, trustEmulator } from '../../partner-center/helpers.js';

const REFERRALS = 'https://api.partner.microsoft.com';
const WEBHOOKS = 'https://api.partnercenter.microsoft.com';

async function form(
  url: string,
  fields: Record<string, string>
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function accessToken(
  emulator: PartnerCenterEmulator,
  audience: string,
  refreshToken = emulator.refreshToken
): Promise<string> {
  const { status, body } = await form(`${emulator.authority}/oauth2/v2.0/token`, {
    client_id: emulator.clientId,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    scope: `${audience}/.default offline_access`,
  });
  expect(status).to.equal(200);
  return body.access_token as string;
}

type Received = { headers: IncomingMessage['headers']; body: string };

async function receiver(status: () => number): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

describe('Partner Center emulator', () => {
  let emulator: PartnerCenterEmulator;
  const servers: Server[] = [];

  before(async () => {
    emulator = await startPartnerCenterEmulator({ port: 0, webhookRetryDelayMs: 1, validationEventsPerMinute: 100 });
    trustEmulator(emulator);
  });

  after(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await emulator?.close();
  });

  beforeEach(() => emulator.reset({ auth: true }));

  describe('Entra-style authority', () => {
    it('serves v2 discovery with an issuer under the authority', async () => {
      const config = (await (
        await fetch(`${emulator.authority}/v2.0/.well-known/openid-configuration`)
      ).json()) as Record<string, string>;
      expect(config.issuer).to.equal(`${emulator.authority}/v2.0`);
      expect(config.token_endpoint).to.equal(`${emulator.authority}/oauth2/v2.0/token`);
    });

    it('runs the device-code flow: pending, then tokens once the user approves', async () => {
      const code = await form(`${emulator.authority}/oauth2/v2.0/devicecode`, {
        client_id: emulator.clientId,
        scope: `${REFERRALS}/.default offline_access`,
      });
      expect(code.status).to.equal(200);
      expect(code.body).to.include.keys('device_code', 'user_code', 'verification_uri', 'expires_in', 'interval');
      const poll = (): Promise<{ status: number; body: Record<string, unknown> }> =>
        form(`${emulator.authority}/oauth2/v2.0/token`, {
          client_id: emulator.clientId,
          grant_type: 'device_code',
          device_code: code.body.device_code as string,
          scope: `${REFERRALS}/.default`,
        });
      const pending = await poll();
      expect(pending.status).to.equal(400);
      expect(pending.body.error).to.equal('authorization_pending');
      expect(emulator.admin.approveDeviceCode(code.body.user_code as string)).to.equal(true);
      const done = await poll();
      expect(done.status).to.equal(200);
      expect(done.body.access_token).to.match(TOKEN_SHAPE);
      expect(done.body.refresh_token).to.match(TOKEN_SHAPE);
      expect(String(done.body.scope)).to.include(`${REFERRALS}/.default`);
    });

    it('rotates refresh tokens and answers invalid_grant once they are revoked or expired', async () => {
      const first = await form(`${emulator.authority}/oauth2/v2.0/token`, {
        client_id: emulator.clientId,
        grant_type: 'refresh_token',
        refresh_token: emulator.refreshToken,
        scope: `${WEBHOOKS}/.default`,
      });
      expect(first.status).to.equal(200);
      expect(first.body.refresh_token).not.to.equal(emulator.refreshToken);
      emulator.admin.revokeRefreshTokens();
      const revoked = await form(`${emulator.authority}/oauth2/v2.0/token`, {
        client_id: emulator.clientId,
        grant_type: 'refresh_token',
        refresh_token: first.body.refresh_token as string,
        scope: `${WEBHOOKS}/.default`,
      });
      expect(revoked.status).to.equal(400);
      expect(revoked.body).to.include({ error: 'invalid_grant' });
      expect(revoked.body.error_codes).to.deep.equal([50173]);
      const fresh = emulator.admin.issueRefreshToken();
      emulator.admin.expireRefreshTokens();
      const expired = await form(`${emulator.authority}/oauth2/v2.0/token`, {
        client_id: emulator.clientId,
        grant_type: 'refresh_token',
        refresh_token: fresh,
        scope: `${WEBHOOKS}/.default`,
      });
      expect(expired.body.error_codes).to.deep.equal([700082]);
    });

    it('checks the audience: a referrals token is refused by the webhook API and the other way round', async () => {
      const referralsToken = await accessToken(emulator, REFERRALS);
      const webhooksToken = await accessToken(emulator, WEBHOOKS);
      const auth = (token: string): RequestInit => ({ headers: { Authorization: `Bearer ${token}` } });
      expect((await fetch(`${emulator.webhooksBaseUrl}/registration/events`, auth(referralsToken))).status).to.equal(
        401
      );
      expect((await fetch(`${emulator.referralsBaseUrl}/referrals`, auth(webhooksToken))).status).to.equal(401);
      expect((await fetch(`${emulator.referralsBaseUrl}/referrals`)).status).to.equal(401);
      expect((await fetch(`${emulator.referralsBaseUrl}/referrals`, auth(referralsToken))).status).to.equal(200);
    });
  });

  describe('referrals API rules', () => {
    let token: string;
    const call = async (
      method: string,
      url: string,
      body?: unknown,
      headers: Record<string, string> = {}
    ): Promise<{ status: number; body: unknown; headers: Headers }> => {
      const response = await fetch(url, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text ? (JSON.parse(text) as unknown) : undefined,
        headers: response.headers,
      };
    };

    beforeEach(async () => {
      token = await accessToken(emulator, REFERRALS);
    });

    it('requires type, customerProfile, consent and details on create', async () => {
      for (const missing of ['type', 'customerProfile', 'consent', 'details']) {
        const body: Record<string, unknown> = {
          type: 'Independent',
          customerProfile: { address: { country: 'DE' } },
          consent: {},
          details: {},
        };
        delete body[missing];

        const result = await call('POST', `${emulator.referralsBaseUrl}/referrals`, body);
        expect(result.status, missing).to.equal(400);
        expect((result.body as { message: string }).message).to.include(missing);
      }
    });

    it('answers 413 to a body over 1 MiB, and keeps serving', async () => {
      const body = { type: 'Independent', details: { notes: 'x'.repeat(1024 * 1024) } };
      const result = await call('POST', `${emulator.referralsBaseUrl}/referrals`, body);
      expect(result.status).to.equal(413);
      expect((await call('GET', `${emulator.referralsBaseUrl}/referrals`)).status).to.equal(200);
    });

    it('walks the transition table: New → Active → Closed/Won, then nothing more', async () => {
      const incoming = emulator.admin.createIncoming('lead');
      assertValid('referral', incoming);
      const url = `${emulator.referralsBaseUrl}/referrals/${incoming.id}`;
      const prefer = { Prefer: 'return=representation' };
      expect(
        (await call('PATCH', url, [{ op: 'replace', path: '/status', value: 'Closed' }], prefer)).status,
        'Closed with substatus Received'
      ).to.equal(400);
      const accepted = await call(
        'PATCH',
        url,
        [
          { op: 'replace', path: '/status', value: 'Active' },
          { op: 'replace', path: '/substatus', value: 'Accepted' },
        ],
        { ...prefer, 'If-Match': incoming.eTag }
      );
      expect(accepted.status).to.equal(200);
      assertValid('getResponse', accepted.body);
      expect(
        (
          await call('PATCH', url, [
            { op: 'replace', path: '/status', value: 'New' },
            { op: 'replace', path: '/substatus', value: 'Pending' },
          ])
        ).status,
        'Active → New'
      ).to.equal(400);
      expect(
        (
          await call('PATCH', url, [
            { op: 'replace', path: '/status', value: 'Closed' },
            { op: 'replace', path: '/substatus', value: 'Won' },
          ])
        ).status
      ).to.equal(204);
      expect((await call('PATCH', url, [{ op: 'replace', path: '/details/notes', value: 'late' }])).status).to.equal(
        400
      );
      expect(() => emulator.admin.transition(incoming.id, 'lose')).to.throw(/terminal/);
    });

    it('refuses remove/move/copy/test ops and paths the swagger does not list', async () => {
      const incoming = emulator.admin.createIncoming('cosell');
      const url = `${emulator.referralsBaseUrl}/referrals/${incoming.id}`;
      for (const op of ['remove', 'move', 'copy', 'test']) {
        expect(
          (await call('PATCH', url, [{ op, path: '/details/notes', from: '/name', value: 'x' }])).status,
          op
        ).to.equal(400);
      }
      expect((await call('PATCH', url, [{ op: 'replace', path: '/id', value: 'x' }])).status).to.equal(400);
      expect(
        (await call('PATCH', url, [{ op: 'replace', path: '/details/dealValue', value: '10000' }])).status
      ).to.equal(204);
      expect(emulator.admin.getReferral(incoming.id).details.dealValue).to.equal(10000);
    });

    it('filters with eq/ne/gt/lt/ge/le, and/or/not, parentheses and any(); orders by date; pages at 100', async () => {
      emulator.admin.seedReferrals(120, 'lead');
      const co = emulator.admin.createIncoming('cosell', {
        customerProfile: { name: "O'Brien Ltd", address: { country: 'IE' } },
      });
      const list = async (
        query: string
      ): Promise<{
        status: number;
        body: { value: Array<{ id: string }>; '@odata.count': number; '@odata.nextLink'?: string };
      }> => (await call('GET', `${emulator.referralsBaseUrl}/referrals?${query}`)) as never;
      const first = await list('$top=500');
      expect(first.status).to.equal(200);
      assertValid('listResponse', first.body);
      expect(first.body.value).to.have.length(100);
      expect(first.body['@odata.count']).to.equal(121);
      expect(first.body['@odata.nextLink']).to.match(/\$skiptoken=/);
      const filtered = await list(
        encodeURI(
          "$filter=customerProfile/address/country eq 'IE' and (type eq 'Shared' or type eq 'None') and not (status ne 'New')"
        )
      );
      expect(filtered.body.value.map((r) => r.id)).to.deep.equal([co.id]);
      const quoted = await list(encodeURI("$filter=customerProfile/name eq 'O''Brien Ltd'"));
      expect(quoted.body['@odata.count']).to.equal(1);
      const dated = await list(
        encodeURI(
          `$filter=createdDateTime ge ${co.createdDateTime} and details/dealValue gt 0&$orderby=updatedDateTime desc`
        )
      );
      expect(dated.body.value[0].id).to.equal(co.id);
      expect((await list('$orderby=name')).status).to.equal(400);
      expect((await list(encodeURI("$filter=bogus eq 'x'"))).status).to.equal(400);
      expect((await list('$top=-1')).status).to.equal(400);
      expect((await list('$top=0')).body.value).to.deep.equal([]);
    });

    it('parses the documented team/any lambda', () => {
      const node = parseFilter(
        "status eq 'Active' and direction eq 'Outgoing' and type eq 'Shared' and team/any(t:t/email eq 'r2d2@contoso.com')"
      );
      expect(
        evaluate(node, {
          status: 'Active',
          direction: 'Outgoing',
          type: 'Shared',
          team: [{ email: 'x@y' }, { email: 'r2d2@contoso.com' }],
        })
      ).to.equal(true);
      expect(
        evaluate(node, { status: 'Active', direction: 'Outgoing', type: 'Shared', team: [{ email: 'x@y' }] })
      ).to.equal(false);
    });

    it('injects 429 with Retry-After and 5xx, counts requests per endpoint, and resets', async () => {
      emulator.setFaults({ rate429: 1, rate5xx: 0, retryAfterSeconds: 7 });
      const throttled = await call('GET', `${emulator.referralsBaseUrl}/referrals`);
      expect(throttled.status).to.equal(429);
      expect(throttled.headers.get('retry-after')).to.equal('7');
      emulator.setFaults({ rate429: 0, rate5xx: 1 });
      expect((await call('GET', `${emulator.referralsBaseUrl}/referrals/x`)).status).to.be.oneOf([500, 503]);
      expect(emulator.counters()).to.include({ 'GET /referrals': 1, 'GET /referrals/{id}': 1 });
      emulator.resetCounters();
      expect(emulator.counters()).to.deep.equal({});
      emulator.reset();
      expect((await call('GET', `${emulator.referralsBaseUrl}/referrals`)).status).to.equal(200);
    });
  });

  describe('webhooks', () => {
    let token: string;
    beforeEach(async () => {
      token = await accessToken(emulator, WEBHOOKS);
    });
    const call = async (
      method: string,
      pathName: string,
      body?: unknown
    ): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await fetch(`${emulator.webhooksBaseUrl}${pathName}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    it('signs deliveries as Partner Center does, with a leaf whose issuer says O=Microsoft Corporation', async () => {
      const hook = await receiver(() => 200);
      servers.push(hook.server);
      expect(
        (
          await call('POST', '/registration', {
            WebhookUrl: hook.url,
            WebhookEvents: ['referral-created', 'referral-updated', 'test-created'],
          })
        ).status
      ).to.equal(200);
      const referral = emulator.admin.createIncoming('cosell');
      emulator.admin.transition(referral.id, 'accept');
      await emulator.admin.deliveriesIdle();
      expect(hook.received.map((r) => (JSON.parse(r.body) as { EventName: string }).EventName)).to.deep.equal([
        'referral-created',
        'referral-updated',
      ]);

      const delivery = hook.received[0];
      expect(delivery.headers['x-ms-signature-algorithm']).to.equal('rsa-sha256');
      const certUrl = delivery.headers['x-ms-certificate-url'] as string;
      const authorization = delivery.headers.authorization!;
      expect(authorization).to.match(/^Signature [A-Za-z0-9+/=]+$/);
      const cert = new X509Certificate(Buffer.from(await (await fetch(certUrl)).arrayBuffer()));
      expect(cert.verify(new X509Certificate(emulator.signingIntermediatePem!).publicKey)).to.equal(true);
      expect(cert.issuer).to.include('O=Microsoft Corporation');
      expect(
        createVerify('RSA-SHA256')
          .update(delivery.body)
          .verify(cert.publicKey, authorization.slice('Signature '.length), 'base64')
      ).to.equal(true);
      const event = JSON.parse(delivery.body) as Record<string, unknown>;
      expect(event).to.include({ ResourceName: 'referral', AuditUri: null });
      expect(event.ResourceUri).to.match(new RegExp(`/engagements/v1/referrals/${referral.id}$`));
    });

    it('keeps one URL per tenant, sends test-created, and parks a failing delivery in the offline queue after 10 attempts', async () => {
      const hook = await receiver(() => 500);
      servers.push(hook.server);
      await call('POST', '/registration', { WebhookUrl: hook.url, WebhookEvents: ['test-created'] });
      expect(
        (await call('POST', '/registration', { WebhookUrl: 'http://127.0.0.1:9/x', WebhookEvents: ['test-created'] }))
          .status
      ).to.equal(409);
      const sent = await call('POST', '/registration/validationEvents');
      const correlationId = sent.body.correlationId as string;
      await emulator.admin.deliveriesIdle();
      expect(hook.received).to.have.length(10);
      expect(emulator.admin.offlineQueue()).to.have.length(1);
      const status = await call('GET', `/registration/validationEvents/${correlationId}`);
      expect(status.body).to.include({ correlationId, status: 'failed', callbackUrl: hook.url });
      expect((status.body.results as Array<{ responseCode: string }>)[0].responseCode).to.equal('InternalServerError');
    });
  });
});

describe('Partner Center emulator seeding', () => {
  it('loads referrals from seed data and generates more', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pc-seed-'));
    const file = path.join(dir, 'seed.json');
    writeFileSync(
      file,
      JSON.stringify({
        referrals: [{ name: 'Seeded deal', status: 'Active', substatus: 'Accepted' }],
        generate: { count: 3, kind: 'lead' },
      })
    );
    const seeded = await startPartnerCenterEmulator({ port: 0, seed: file });
    try {
      expect(seeded.admin.referralCount()).to.equal(4);
      seeded.reset();
      expect(seeded.admin.referralCount(), 'reset returns to the seed').to.equal(4);
    } finally {
      await seeded.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('emulate:partner-center start-up contract', () => {
  const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..', '..');
  const start = (args: string[]): ReturnType<typeof spawn> =>
    spawn(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), ['emulators/partner-center/main.ts', ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it('prints the listening line and the NAME=value lines, then stops on SIGTERM', async function () {
    this.timeout(60_000);
    const child = start(['--port', '0', '--strict-odata', '--clock-skew-ms', '-5000', '--lost-response-rate', '0.5']);
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const deadline = Date.now() + 45_000;
      while (!stdout.includes('PCSYNC_WEBHOOKS_BASE_URL=') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const lines = stdout.trim().split('\n');
      expect(lines[0]).to.match(/^Partner Center emulator listening on https:\/\/127\.0\.0\.1:\d+$/);
      expect(lines.slice(1).map((l) => l.split('=')[0])).to.deep.equal([
        'NODE_EXTRA_CA_CERTS',
        'PCSYNC_SIGNING_ROOT',
        'PCSYNC_TENANT_ID',
        'PCSYNC_CLIENT_ID',
        'PCSYNC_REFRESH_TOKEN',
        'PCSYNC_AUTHORITY',
        'PCSYNC_REFERRALS_BASE_URL',
        'PCSYNC_WEBHOOKS_BASE_URL',
      ]);
      expect(TOKEN_SHAPE.test(lines[5]), 'the headless refresh token is printed, by contract').to.equal(true);
      const [tlsRoot, signingRoot] = [lines[1], lines[2]].map((line) => readFileSync(line.split('=')[1], 'utf8'));
      expect(signingRoot).to.match(/^-----BEGIN CERTIFICATE-----/);
      expect(signingRoot, 'the signing root is not the TLS root').not.to.equal(tlsRoot);
      trustEmulator({ caCertPem: tlsRoot });
      const url = lines[0].split(' ').at(-1)!;
      const state = async (name: string): Promise<unknown> => (await fetch(`${url}/__emulator/${name}`)).json();
      expect(await state('clock')).to.deep.include({ skewMs: -5000 });
      expect(await state('odata')).to.deep.equal({ strict: true });
      expect(await state('faults')).to.deep.include({ lostResponseRate: 0.5 });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).to.equal(0);
  });

  it('refuses a bad flag value with a usage line and exit code 2', async function () {
    this.timeout(60_000);
    const child = start(['--lost-response-rate', '2']);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).to.equal(2);
    expect(stderr).to.include('--lost-response-rate must be a number between 0 and 1').and.include('usage:');
  });
});
