/**
 * `sf pcsync serve` through the real sf CLI: the Partner Center emulator delivers signed events to it over real
 * HTTP, and Salesforce changes reach Partner Center through its outbound poll, with no `sf pcsync run`. It runs
 * with --json, so its stdout is JSON Lines (the log records, then the result) that the tests read.
 *
 * The emulator signs as Microsoft does (a DER leaf from an intermediate reached through AIA, under a signing root of
 * its own, separate from its TLS root in NODE_EXTRA_CA_CERTS); serve trusts that root only because it is given
 * `--signing-root` — a serve without it refuses the same deliveries, even when its TLS store holds that root.
 */
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../emulators/partner-center/server.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/index.js';
import type { WebhookRegisterResult } from '../../src/commands/pcsync/webhook/register.js';
import type { WebhookTestResult } from '../../src/commands/pcsync/webhook/test.js';
import { OPP } from '../../src/salesforce/fields.js';
import type { ServeResult } from '../../src/commands/pcsync/serve.js';
import { resultSchemaErrors } from '../helpers/command-test.js';
import { partnerCenterEnv } from '../helpers/partner-center-env.js';
import { serveArgs } from '../helpers/serve-args.js';
import { expectNoSecretsIn, TEST_CLIENT_SECRET } from '../helpers/secrets.js';
import { SfSession, type BackgroundSf } from '../helpers/sf-cli.js';
import { clientsFor } from '../unit/partner-center/helpers.js';
import { assignPermissionSet } from '../helpers/sync-world.js';

/** A receiver that is down: it answers every request 503 (bound to a port it picked itself). */
async function downReceiver(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_req, res) => res.writeHead(503).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/partner-center`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The webhook URL a receiver started on port 0 says it listens at. */
async function listeningAt(receiver: BackgroundSf): Promise<string> {
  const line = await receiver.waitFor(/"event":"listening","url":"[^"]+"|Receiving Partner Center webhooks at \S+/);
  return (/"url":"([^"]+)"/.exec(line)?.[1] ?? /at (\S+)/.exec(line)?.[1]) as string;
}

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
  let certificatePrefix: string;

  before(async () => {
    pc = await startPartnerCenterEmulator({
      port: 0,
      webhookRetryDelayMs: 5,
      validationEventsPerMinute: 10,
      clientSecret: TEST_CLIENT_SECRET,
    });
    sf = await startSalesforceEmulator({ port: 0, loadMetadata: true });
    session = SfSession.create({
      env: partnerCenterEnv(pc),
    });
    const login = await session.run(
      ['org', 'login', 'access-token', '--instance-url', sf.url, '--no-prompt', '--alias', 'emu'],
      { env: { SF_ACCESS_TOKEN: sf.accessToken } }
    );
    expect(login.exitCode, login.stderr).to.equal(0);
    // The README's install, step 2: the user the sync runs as gets its permission set.
    await assignPermissionSet(session, 'Partner_Center_Integration');

    certificatePrefix = pc.certificateUrl.slice(0, pc.certificateUrl.lastIndexOf('/') + 1);
    serve = session.start(
      serveArgs(
        // The poll is what these tests are about; change events have tests of their own (serve-change-events).
        { reconcile: 3, poll: 2, changeEvents: false, output: 'json' },
        '--allow-certificate-url',
        certificatePrefix,
        '--signing-root',
        pc.signingRootPath,
        '--allow-issuer-url',
        `${pc.url}/pkiops/`
      )
    );
    base = new URL(await listeningAt(serve)).origin;
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
  // Every command's output so far (serve's log included), and the org's run records and events.
  afterEach(() => expectNoSecretsIn({ session, pc, sf }));

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
      body: JSON.stringify({ Name: 'Tailspin', BillingCountryCode: 'US' }),
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
    const down = await downReceiver();
    await webhooks.update({ url: down.url, events: ['referral-created', 'referral-updated'] });
    const missed = pc.admin.createIncoming('cosell');
    await eventually(
      () => pc.admin.offlineQueue().length > 0,
      30_000,
      'the delivery parked in the offline queue'
    ).finally(() => down.close());
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

  it('refuses deliveries signed under a root trusted only for TLS, and webhook test reports why', async () => {
    // Its TLS trust store holds the signing root too: trusted for TLS is not trusted for signatures.
    const both = path.join(mkdtempSync(path.join(tmpdir(), 'pcsync-tls-')), 'tls-roots.pem');
    writeFileSync(both, `${pc.caCertPem}\n${pc.signingRootPem}`);
    const tlsOnly = session.start(
      serveArgs(
        { reconcile: false, output: 'json-logs' },
        '--allow-certificate-url',
        certificatePrefix,
        '--allow-issuer-url',
        `${pc.url}/pkiops/`
      ),
      { env: { NODE_EXTRA_CA_CERTS: both } }
    );
    try {
      const url = await listeningAt(tlsOnly);
      const registered = await session.runJson<WebhookRegisterResult>([
        'pcsync',
        'webhook',
        'register',
        '--url',
        url,
        '--overwrite',
      ]);
      expect(registered.exitCode, registered.stderr).to.equal(0);
      const tested = await session.runJson<WebhookTestResult>(['pcsync', 'webhook', 'test', '--wait', '30']);
      expect(tested.exitCode, tested.stdout).to.equal(1);
      const report = (tested.json as { data?: WebhookTestResult }).data;
      expect(report).to.include({
        callbackUrl: url,
        delivered: true,
        accepted: false,
        responseCode: 'Unauthorized',
        receiverReason: 'certificate-untrusted',
      });
      expect(tlsOnly.stdout + tlsOnly.stderr).to.match(/"reason":"certificate-untrusted"/);
    } finally {
      tlsOnly.child.kill('SIGTERM');
      await tlsOnly.exited;
    }
  });

  it('webhook register, then webhook test --wait reports the delivery that serve verified', async () => {
    const url = `${base}/webhooks/partner-center`;
    const registered = await session.runJson<WebhookRegisterResult>([
      'pcsync',
      'webhook',
      'register',
      '--url',
      url,
      '--overwrite',
    ]);
    expect(registered.json.result?.events).to.include('test-created');
    const tested = await session.runJson<WebhookTestResult>(['pcsync', 'webhook', 'test', '--wait', '30']);
    expect(tested.exitCode, tested.stdout + tested.stderr).to.equal(0);
    expect(tested.json.result).to.include({
      callbackUrl: url,
      status: 'completed',
      delivered: true,
      accepted: true,
      responseCode: 'OK',
    });
    expect(JSON.parse(tested.json.result?.responseMessage ?? '')).to.deep.equal({ accepted: true, ignored: true });
    expect(serve.stdout + serve.stderr).to.match(/"event":"webhook\.ignored".*"why":"validation event"/);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    serve.child.kill('SIGTERM');
    const code = await serve.exited;
    expect(code, serve.stderr + serve.stdout.slice(-2000)).to.equal(0);
  });

  it('under --json printed nothing but JSON on stdout: every log record, then the result envelope', () => {
    const lines = serve.stdout.trimEnd().split('\n');
    const unparsed = lines.filter((line) => {
      try {
        return typeof JSON.parse(line) !== 'object';
      } catch {
        return true;
      }
    });
    expect(unparsed, 'stdout lines that are not JSON objects').to.deep.equal([]);
    const records = lines.slice(0, -1).map((line) => JSON.parse(line) as { event?: string });
    expect(records.every((record) => typeof record.event === 'string')).to.equal(true);
    expect(records.map((record) => record.event)).to.include.members(['listening', 'stopping', 'stopped']);
    const envelope = JSON.parse(lines[lines.length - 1]) as { status: number; result: ServeResult };
    expect(envelope.status).to.equal(0);
    expect(envelope.result).to.deep.equal({ url: `${base}/webhooks/partner-center`, drained: true });
    expect(resultSchemaErrors('pcsync:serve', envelope.result)).to.deep.equal([]);
    expect(serve.stderr).not.to.match(/"event":|Receiving Partner Center webhooks/);
  });

  it('without --json: its own message on stdout, the log records (--json-logs: as JSON) on stderr', async () => {
    // About where the output goes, not the change feed (a stop during the feed's first subscription has its own case in
    // serve-change-events.test.ts).
    const human = session.start(serveArgs({ reconcile: false, changeEvents: false, output: 'json-logs' }));
    await human.waitFor(/"event":"listening"/);
    const url = await listeningAt(human);
    human.child.kill('SIGTERM');
    expect(await human.exited, human.stderr).to.equal(0);
    expect(human.stdout.trim()).to.equal(`Receiving Partner Center webhooks at ${url} (Ctrl+C to stop).`);
    const records = human.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { event: string });
    expect(records.map((record) => record.event)).to.include.members(['listening', 'stopping', 'stopped']);
  });
});
