/**
 * Faults a client must survive, through real HTTP: a write committed and its response dropped (lost-response), a
 * clock ahead of or behind the client's, and the request log a test waits on to kill a client right after its Nth
 * create.
 */
import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../../../emulators/partner-center/server.js';
import { WaitTimeout } from '../../../../emulators/partner-center/request-log.js';
import { trustEmulator } from '../../partner-center/helpers.js';
import { REFERRALS, WEBHOOKS, accessToken, call, emulatorCall, partnerReferral, receiver } from './helpers.js';

const CREATE = '^POST /referrals$';

describe('Partner Center emulator: faults, clock and request log', () => {
  let emulator: PartnerCenterEmulator;
  let token: string;

  before(async () => {
    emulator = await startPartnerCenterEmulator({ port: 0, webhookRetryDelayMs: 1 });
    trustEmulator(emulator);
  });
  after(() => emulator?.close());
  beforeEach(async () => {
    emulator.reset();
    token = await accessToken(emulator, REFERRALS);
  });

  const create = (body = partnerReferral()): Promise<Response> =>
    fetch(`${emulator.referralsBaseUrl}/referrals`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const refused = async (request: Promise<Response>): Promise<unknown> =>
    request.then(
      (response) => expect.fail(`answered ${response.status}`),
      (error: unknown) => error
    );

  describe('lost-response', () => {
    it('commits a create, then drops the connection without an answer', async () => {
      emulator.setFaults({ next: ['lost-response'] });
      expect(await refused(create(partnerReferral({ externalReferenceId: 'opp-1' })))).to.be.instanceOf(TypeError);
      const stored = emulator.admin.referrals();
      expect(stored.map((r) => r.externalReferenceId)).to.deep.equal(['opp-1']);
      const [entry] = emulator.requests().filter((r) => r.endpoint === 'POST /referrals');
      expect(entry).to.include({ status: 0, fault: 'lost-response', committed: true });
      expect((await create()).status, 'the next call is answered').to.equal(200);
    });

    it('commits a patch and drops the answer; drops a refused write uncommitted, and a read', async () => {
      const referral = emulator.admin.createIncoming('microsoft-co-sell');
      const patch = (value: string): Promise<Response> =>
        fetch(`${emulator.referralsBaseUrl}/referrals/${referral.id}`, {
          method: 'PATCH',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify([{ op: 'replace', path: '/details/notes', value }]),
        });
      emulator.setFaults({ next: ['lost-response', 'lost-response', 'lost-response'] });
      await refused(patch('changed'));
      expect(emulator.admin.getReferral(referral.id).details.notes).to.equal('changed');
      await refused(create({ type: 'Independent' }));
      await refused(fetch(`${emulator.referralsBaseUrl}/referrals`, { headers: { Authorization: `Bearer ${token}` } }));
      const api = emulator.requests().filter((r) => r.endpoint.includes('/referrals'));
      expect(api.map((r) => [r.endpoint, r.status, r.fault, r.committed])).to.deep.equal([
        ['PATCH /referrals/{id}', 0, 'lost-response', true],
        ['POST /referrals', 0, 'lost-response', false],
        ['GET /referrals', 0, 'lost-response', undefined],
      ]);
      expect(emulator.admin.referralCount()).to.equal(1);
    });

    it('drops every write at --lost-response-rate 1, and no read', async () => {
      const lossy = await startPartnerCenterEmulator({ port: 0, lostResponseRate: 1 });
      try {
        const lossyToken = await accessToken(lossy, REFERRALS);
        const url = `${lossy.referralsBaseUrl}/referrals`;
        const headers = { Authorization: `Bearer ${lossyToken}`, 'Content-Type': 'application/json' };
        for (let i = 0; i < 3; i++)
          await refused(fetch(url, { method: 'POST', headers, body: JSON.stringify(partnerReferral()) }));
        expect(lossy.admin.referralCount()).to.equal(3);
        expect((await call(url, { token: lossyToken })).status).to.equal(200);
      } finally {
        await lossy.close();
      }
    });

    it('is set, read and cleared through /__emulator/faults, which refuses unknown kinds and rates', async () => {
      const set = await emulatorCall(emulator, 'POST', 'faults', { lostResponseRate: 1, match: 'PATCH' });
      expect(set.body).to.deep.include({ lostResponseRate: 1, match: 'PATCH' });
      expect((await create()).status, 'a create does not match').to.equal(200);
      expect((await emulatorCall(emulator, 'POST', 'faults', { next: ['nope'] })).status).to.equal(400);
      expect((await emulatorCall(emulator, 'POST', 'faults', { lostResponseRate: 2 })).status).to.equal(400);
      expect((await emulatorCall(emulator, 'GET', 'faults')).body).to.deep.include({ lostResponseRate: 1 });
      const cleared = await emulatorCall(emulator, 'DELETE', 'faults');
      expect(cleared.body).to.deep.include({ lostResponseRate: 0, rate429: 0, rate5xx: 0, match: null, next: [] });
    });
  });

  describe('clock skew', () => {
    const near = (actual: number, expected: number, slackMs: number, what: string): void => {
      expect(Math.abs(actual - expected), `${what}: off by ${actual - expected} ms`).to.be.below(slackMs);
    };

    for (const skew of [5000, -5000]) {
      it(`states every time on its own clock, ${skew} ms from the machine’s`, async () => {
        emulator.setClockSkew(skew);
        const hook = await receiver();
        try {
          const webhookToken = await accessToken(emulator, WEBHOOKS);
          await call(`${emulator.webhooksBaseUrl}/registration`, {
            method: 'POST',
            token: webhookToken,
            body: { WebhookUrl: hook.url, WebhookEvents: ['referral-created'] },
          });
          const before = Date.now();
          const response = await create();
          const created = (await response.json()) as { createdDateTime: string; updatedDateTime: string };
          near(Date.parse(created.createdDateTime), before + skew, 1000, 'createdDateTime');
          near(Date.parse(created.updatedDateTime), before + skew, 1000, 'updatedDateTime');
          near(Date.parse(response.headers.get('date')!), before + skew, 2000, 'Date header');
          emulator.admin.createIncoming('marketplace-lead');
          await emulator.admin.deliveriesIdle();
          const event = JSON.parse(hook.received[0].body) as { ResourceChangeUtcDate: string };
          near(Date.parse(event.ResourceChangeUtcDate), Date.now() + skew, 1000, 'ResourceChangeUtcDate');
          const token2 = await fetch(`${emulator.authority}/v2.0/.well-known/openid-configuration`);
          near(Date.parse(token2.headers.get('date')!), Date.now() + skew, 2000, 'the authority’s Date header');
        } finally {
          await hook.close();
        }
      });
    }

    it('starts skewed with clockSkewMs and changes at run time through /__emulator/clock', async () => {
      const ahead = await startPartnerCenterEmulator({ port: 0, clockSkewMs: 60_000 });
      try {
        near(ahead.now(), Date.now() + 60_000, 500, 'start-up skew');
        const set = await call(`${ahead.url}/__emulator/clock`, { method: 'POST', body: { skewMs: -60_000 } });
        expect(set.body).to.deep.include({ skewMs: -60_000 });
        near(ahead.now(), Date.now() - 60_000, 500, 'run-time skew');
        expect(
          (await call(`${ahead.url}/__emulator/clock`, { method: 'POST', body: { skewMs: 'soon' } })).status
        ).to.equal(400);
        ahead.reset();
        expect(ahead.clockSkewMs(), 'reset returns to the start-up skew').to.equal(60_000);
      } finally {
        await ahead.close();
      }
    });
  });

  describe('request log', () => {
    it('numbers requests and resolves a wait once N matching ones are answered or committed', async () => {
      const first = emulator.requests().at(-1)!.seq;
      const waiting = emulator.waitForRequests({ match: CREATE, count: 3, timeoutMs: 10_000 });
      emulator.setFaults({ next: ['lost-response'] });
      await refused(create());
      await fetch(`${emulator.referralsBaseUrl}/referrals`, { headers: { Authorization: `Bearer ${token}` } });
      expect((await create({})).status).to.equal(400);
      expect((await create()).status).to.equal(200);
      const seen = await waiting;
      expect(seen.map((r) => [r.endpoint, r.status])).to.deep.equal([
        ['POST /referrals', 0],
        ['POST /referrals', 400],
        ['POST /referrals', 200],
      ]);
      const seqs = emulator.requests().map((r) => r.seq);
      expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
      expect(seqs.filter((seq) => seq > first)).to.have.length(4);
      const after = seen[1].seq;
      expect(await emulator.waitForRequests({ match: CREATE, after, timeoutMs: 100 })).to.have.length(1);
    });

    it('does not count a read dropped without an answer, and times out (bounded) with what it saw', async () => {
      emulator.setFaults({ next: ['lost-response'] });
      await refused(fetch(`${emulator.referralsBaseUrl}/referrals`, { headers: { Authorization: `Bearer ${token}` } }));
      let timeout: unknown;
      const started = Date.now();
      await emulator
        .waitForRequests({ match: '^GET ', count: 1, timeoutMs: 300 })
        .catch((error: unknown) => (timeout = error));
      expect(timeout).to.be.instanceOf(WaitTimeout);
      expect((timeout as WaitTimeout).seen).to.deep.equal([]);
      expect(Date.now() - started).to.be.below(5000);
    });

    it('long-polls over HTTP: 200 with the requests, or 408 with what was seen', async () => {
      const wait = (query: string): Promise<{ status: number; body: unknown }> =>
        call(`${emulator.url}/__emulator/requests/wait?${query}`);
      const polling = wait(`match=${encodeURIComponent(CREATE)}&count=2&timeoutMs=10000`);
      await create();
      await create();
      const done = await polling;
      expect(done.status).to.equal(200);
      expect((done.body as { requests: unknown[] }).requests).to.have.length(2);
      const late = await wait(`match=${encodeURIComponent(CREATE)}&count=5&timeoutMs=200`);
      expect(late.status).to.equal(408);
      expect((late.body as { requests: unknown[] }).requests).to.have.length(2);
      expect((await wait('count=0')).status).to.equal(400);
      expect((await wait('match=(')).status).to.equal(400);
      const log = await emulatorCall(emulator, 'GET', 'requests');
      const logged = (log.body as { requests: Array<{ endpoint: string }> }).requests;
      expect(logged.filter((r) => r.endpoint === 'POST /referrals')).to.have.length(2);
    });

    it('lets a test kill a client right after its third create', async function () {
      this.timeout(30_000);
      const script = `
        const { URL: url, TOKEN: token } = process.env;
        const body = ${JSON.stringify(JSON.stringify(partnerReferral()))};
        const headers = { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' };
        for (;;) await fetch(url, { method: 'POST', headers, body });
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        env: {
          ...process.env,
          URL: `${emulator.referralsBaseUrl}/referrals`,
          TOKEN: token,
          NODE_EXTRA_CA_CERTS: emulator.caCertPath,
        },
        stdio: 'ignore',
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal))
      );
      try {
        const third = await emulator.waitForRequests({ match: CREATE, count: 3, timeoutMs: 20_000 });
        child.kill('SIGKILL');
        expect(third.map((r) => r.status)).to.deep.equal([200, 200, 200]);
      } finally {
        child.kill('SIGKILL');
      }
      expect(await exited).to.equal('SIGKILL');
      expect(emulator.admin.referralCount()).to.be.at.least(3);
    });
  });
});
