/**
 * `sf pcsync serve` through the real sf CLI: the Partner Center emulator delivers signed events to it over real
 * HTTP, and Salesforce changes reach Partner Center through its outbound poll, with no `sf pcsync run`.
 */
import { createServer } from 'node:net';
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../emulators/partner-center/server.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { OPP } from '../../src/salesforce/fields.js';
import { partnerCenterEnv } from '../helpers/partner-center-env.js';
import { SfSession, type BackgroundSf } from '../helpers/sf-cli.js';
import { clientsFor } from '../unit/partner-center/helpers.js';

const freePort = async (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** Waits (bounded) until `check` returns something truthy. */
async function eventually<T>(check: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);

    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('e2e: sf pcsync serve', function () {
  this.timeout(180_000);
  let pc: PartnerCenterEmulator;
  let sf: SalesforceEmulator;
  let session: SfSession;
  let serve: BackgroundSf;
  let base: string;

  before(async () => {
    // TODO(issue 15): drop once the receiver verifies Microsoft-shaped chains
    pc = await startPartnerCenterEmulator({ port: 0, webhookRetryDelayMs: 5, legacySigningChain: true });
    sf = await startSalesforceEmulator({ port: 0, loadMetadata: true });
    session = SfSession.create({
      env: partnerCenterEnv(pc),
    });
    const login = await session.run(
      ['org', 'login', 'access-token', '--instance-url', sf.url, '--no-prompt', '--alias', 'emu'],
      { env: { SF_ACCESS_TOKEN: sf.accessToken } }
    );
    expect(login.exitCode, login.stderr).to.equal(0);

    const port = await freePort();
    const certificatePrefix = pc.certificateUrl.slice(0, pc.certificateUrl.lastIndexOf('/') + 1);
    serve = session.start([
      'pcsync',
      'serve',
      '--target-org',
      'emu',
      '--port',
      String(port),
      '--reconcile-interval',
      '3',
      '--poll-interval',
      '2',
      '--allow-certificate-url',
      certificatePrefix,
      '--json-logs',
    ]);
    await serve.waitFor(/Receiving Partner Center webhooks at \S+/);
    base = `http://127.0.0.1:${port}`;
    await clientsFor(pc).webhooks.register({
      url: `${base}/webhooks/partner-center`,
      events: ['referral-created', 'referral-updated'],
    });
  });

  after(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    session?.clean();
    await pc?.close();
    await sf?.close();
  });

  const byReferral = (id: string): Record<string, unknown> | undefined =>
    sf.records('Opportunity').find((row) => row[OPP.referralId] === id);

  it('a referral created at Microsoft appears as an Opportunity, and its update follows, through signed webhooks', async () => {
    const referral = pc.admin.createIncoming('cosell');
    await eventually(() => byReferral(referral.id), 20_000, 'the Opportunity of a new referral');
    pc.admin.transition(referral.id, 'accept');
    await eventually(() => byReferral(referral.id)?.StageName === 'Qualification', 20_000, 'the accepted stage');
    expect(serve.stdout).to.match(/"event":"pass".*"pass":"webhook"/);
    const runs = sf.records('Partner_Center_Sync_Run__c').filter((run) => run.Trigger__c === 'Webhook');
    expect(runs.length).to.be.greaterThan(0);
  });

  it("a rep's flag reaches Partner Center through the outbound poll, with no run", async () => {
    const response = await fetch(`${sf.url}/services/data/v64.0/sobjects/Account`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sf.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ Name: 'Tailspin', BillingCountry: 'US' }),
    });
    const account = (await response.json()) as { id: string };
    sf.seed({
      Opportunity: [
        {
          Name: 'Tailspin rollout',
          StageName: 'Qualification',
          CloseDate: '2027-05-31',
          AccountId: account.id,
          [OPP.syncWith]: true,
          [OPP.solutions]: 'SOL-34104-EBB',
        },
      ],
    });
    const row = await eventually(
      () => sf.records('Opportunity').find((r) => r.Name === 'Tailspin rollout' && r[OPP.referralId]),
      30_000,
      'the referral id written back'
    );
    const referral = pc.admin.getReferral(String(row[OPP.referralId]));
    expect(referral.externalReferenceId).to.equal(row.Id);
  });

  it('an event dropped during downtime (past its 10 retries) is healed by the next reconcile', async () => {
    const webhooks = clientsFor(pc).webhooks;
    const down = `http://127.0.0.1:${await freePort()}/webhooks/partner-center`;
    await webhooks.update({ url: down, events: ['referral-created', 'referral-updated'] });
    const missed = pc.admin.createIncoming('cosell');
    await eventually(() => pc.admin.offlineQueue().length > 0, 30_000, 'the delivery parked in the offline queue');
    expect(pc.admin.offlineQueue().some((delivery) => JSON.stringify(delivery).includes(missed.id))).to.equal(true);
    await webhooks.update({ url: `${base}/webhooks/partner-center`, events: ['referral-created', 'referral-updated'] });
    await eventually(() => byReferral(missed.id), 30_000, 'the reconcile pass to bring the missed referral');
    expect(serve.stdout).to.match(/"pass":"reconcile"/);
  });

  it('a burst of 1,000 events for 100 referrals makes about 100 referral reads, not 1,000', async () => {
    const client = clientsFor(pc).referrals;
    const referrals = Array.from({ length: 100 }, () => pc.admin.createIncoming('cosell'));
    await eventually(() => referrals.every((r) => byReferral(r.id)), 60_000, 'the 100 new referrals');
    pc.resetCounters();
    const before = serve.stdout.split('"event":"webhook.accepted"').length;
    // Nine updates each, in parallel waves of 50: 900 referral-updated events (plus the 100 created ones above).
    const updates = referrals.flatMap((r) => Array.from({ length: 9 }, (_, i) => ({ id: r.id, value: 1000 + i })));
    for (let i = 0; i < updates.length; i += 50) {
      await Promise.all(
        updates
          .slice(i, i + 50)
          .map((u) => client.update(u.id, [{ op: 'replace', path: '/details/notes', value: `note ${u.value}` }]))
      );
    }
    await pc.admin.deliveriesIdle(60_000);
    await eventually(
      () => referrals.every((r) => byReferral(r.id)?.Description === pc.admin.getReferral(r.id).details.notes),
      60_000,
      'the last update of every referral'
    );
    const accepted = serve.stdout.split('"event":"webhook.accepted"').length - before;
    expect(accepted).to.be.at.least(900);
    const reads = pc.counters()['GET /referrals/{id}'] ?? 0;
    expect(reads, `referral reads for ${accepted} events`).to.be.at.most(300);
  });

  it('serves /healthz and Prometheus /metrics, and logs no token', async () => {
    const health = (await (await fetch(`${base}/healthz`)).json()) as {
      ok: boolean;
      partnerCenterAuth: string;
      lastPassSucceededAt: string | null;
    };
    expect(health.ok).to.equal(true);
    expect(health.partnerCenterAuth).to.equal('valid');
    expect(health.lastPassSucceededAt).to.be.a('string');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).to.match(/^# (HELP|TYPE) /m);
    expect(serve.stdout + serve.stderr).not.to.match(/pcemu-(at|rt)\.[A-Za-z0-9_-]{20,}/);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    serve.child.kill('SIGTERM');
    const code = await serve.exited;
    expect(code, serve.stderr + serve.stdout.slice(-2000)).to.equal(0);
  });
});
