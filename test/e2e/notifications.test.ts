/**
 * Headless sign-in and owner notifications through the real sf CLI (issue 19). `sf org login jwt` signs in to the
 * Salesforce emulator with a key whose certificate the connected app holds (the JWT bearer flow a server uses), and
 * `sf pcsync serve` runs with that org: a record its pass puts in Error, and Microsoft declining a co-sell, each
 * notify the Opportunity's owner exactly once. A wrong key is refused with the emulator's error, and sf says so.
 * A backfill above sync.bulkThreshold notifies no one, and its run says why.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../emulators/partner-center/server.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { issueCertificate } from '../../emulators/shared/pki.js';
import { OPP } from '../../src/salesforce/fields.js';
import { partnerCenterEnv } from '../helpers/partner-center-env.js';
import { serveArgs } from '../helpers/serve-args.js';
import { expectNoSecretsIn, TEST_CLIENT_SECRET } from '../helpers/secrets.js';
import { SfSession, type BackgroundSf, type SfJsonResult } from '../helpers/sf-cli.js';
import { assignPermissionSet, startSyncWorld, until, type SyncWorld } from '../helpers/sync-world.js';

const CLIENT_ID = 'pcsync-jwt-consumer-key';

describe('e2e: sf org login jwt, then serve notifies Opportunity owners', function () {
  this.timeout(300_000);
  let pc: PartnerCenterEmulator;
  let sf: SalesforceEmulator;
  let session: SfSession;
  let serve: BackgroundSf | undefined;
  let dir: string;
  let repId: string;

  const rest = async <T = { id: string }>(method: string, resource: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${sf.url}/services/data/v64.0${resource}`, {
      method,
      headers: { Authorization: `Bearer ${sf.accessToken}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status, `${method} ${resource}: ${await response.clone().text()}`).to.be.lessThan(300);
    return (await response.json()) as T;
  };
  const notificationsAbout = (id: string): ReturnType<SalesforceEmulator['notifications']> =>
    sf.notifications().filter((n) => n.targetId?.slice(0, 15) === id.slice(0, 15));

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pcsync-jwt-'));
    const certificate = await issueCertificate({ subject: 'CN=pcsync server' });
    const stranger = await issueCertificate({ subject: 'CN=not the uploaded one' });
    writeFileSync(path.join(dir, 'server.key'), certificate.key.privateKeyPem, { mode: 0o600 });
    writeFileSync(path.join(dir, 'wrong.key'), stranger.key.privateKeyPem, { mode: 0o600 });
    pc = await startPartnerCenterEmulator({ port: 0, clientSecret: TEST_CLIENT_SECRET });
    sf = await startSalesforceEmulator({
      port: 0,
      loadMetadata: true,
      connectedApps: [{ clientId: CLIENT_ID, certificate: certificate.pem }],
    });
    session = SfSession.create({ env: partnerCenterEnv(pc) });
    const users = await rest<{ records: Array<{ Id: string }> }>(
      'GET',
      `/query?q=${encodeURIComponent(`SELECT Id FROM User WHERE Username = '${sf.repUsername}'`)}`
    );
    repId = users.records[0].Id;
  });
  after(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    session?.clean();
    await pc?.close();
    await sf?.close();
  });
  afterEach(() => expectNoSecretsIn({ session, pc, sf }));

  const login = (key: string, alias: string): Promise<SfJsonResult<{ username: string }>> =>
    session.runJson<{ username: string }>([
      'org',
      'login',
      'jwt',
      '--client-id',
      CLIENT_ID,
      '--jwt-key-file',
      path.join(dir, key),
      '--username',
      sf.username,
      '--instance-url',
      sf.url,
      '--alias',
      alias,
    ]);

  it('refuses a key whose certificate the connected app does not hold, with the org’s own error', async () => {
    const refused = await login('wrong.key', 'wrong');
    expect(refused.exitCode).to.not.equal(0);
    expect(refused.json.message).to.include('invalid assertion');
    const tokens = sf.requests().filter((r) => r.path === '/services/oauth2/token');
    expect(tokens.length).to.be.greaterThan(0);
    expect(tokens.every((r) => r.status === 400)).to.equal(true);
  });

  it('signs in with the JWT bearer flow; serve with that org notifies the owner once of an Error and of a decline', async () => {
    const signedIn = await login('server.key', 'jwt');
    expect(signedIn.exitCode, signedIn.stdout + signedIn.stderr).to.equal(0);
    expect(signedIn.json.result).to.include({ username: sf.username });
    await assignPermissionSet(session, 'Partner_Center_Integration', 'jwt');

    // A rep's Opportunity Partner Center's rules refuse (no Account), and a co-sell Microsoft will decline.
    const refused = await rest('POST', '/sobjects/Opportunity', {
      Name: 'No customer yet',
      StageName: 'Qualification',
      CloseDate: '2027-02-28',
      OwnerId: repId,
      [OPP.syncWith]: true,
      [OPP.solutions]: 'SOL-34104-EBB',
    });
    const account = await rest('POST', '/sobjects/Account', { Name: 'Litware', BillingCountry: 'Germany' });
    const contact = await rest('POST', '/sobjects/Contact', {
      LastName: 'Buyer',
      Email: 'buyer@litware.example',
      AccountId: account.id,
    });
    const coSell = await rest('POST', '/sobjects/Opportunity', {
      Name: 'Co-sell',
      StageName: 'Qualification',
      CloseDate: '2027-02-28',
      OwnerId: repId,
      AccountId: account.id,
      [OPP.syncWith]: true,
      [OPP.solutions]: 'SOL-34104-EBB',
      [OPP.dealType]: 'Co-sell',
      [OPP.help]: 'General or other',
    });
    await rest('POST', '/sobjects/OpportunityContactRole', {
      OpportunityId: coSell.id,
      ContactId: contact.id,
      IsPrimary: true,
    });

    serve = session.start(serveArgs({ targetOrg: 'jwt', reconcile: 10, poll: 1, output: 'json' }));
    const row = (id: string): Record<string, unknown> | undefined =>
      sf.records('Opportunity').find((r) => String(r.Id).slice(0, 15) === id.slice(0, 15));
    await until(() => row(refused.id)?.[OPP.state] === 'Error', 60_000, 'the refused record in Error');
    const referral = await until(() => row(coSell.id)?.[OPP.referralId] as string, 60_000, 'the co-sell shared').catch(
      (error: Error) => {
        throw new Error(
          `${error.message}: ${JSON.stringify(row(coSell.id))}\n${serve?.stdout ?? ''}${serve?.stderr ?? ''}`
        );
      }
    );
    const runs = (): number => sf.records('Partner_Center_Sync_Run__c').length;
    const afterFirst = runs();
    await until(() => runs() >= afterFirst + 2, 60_000, 'two more passes of serve');
    expect(notificationsAbout(refused.id).map((n) => [n.recipientId, n.typeName, n.title])).to.deep.equal([
      [repId, 'Partner_Center_Sync_Alert', 'Partner Center sync failed: No customer yet'],
    ]);

    pc.admin.declineCoSell(referral, { statusReason: 'Not a fit' });
    await until(() => row(coSell.id)?.[OPP.microsoftStatus] === 'Closed/Declined', 60_000, 'the decline recorded');
    const afterDecline = runs();
    await until(() => runs() >= afterDecline + 2, 60_000, 'two more passes of serve');
    expect(notificationsAbout(coSell.id).map((n) => [n.recipientId, n.title, n.body])).to.deep.equal([
      [repId, 'Microsoft declined the co-sell: Co-sell', 'Microsoft declined the co-sell.'],
    ]);
    expect(notificationsAbout(refused.id), 'still one about the record in Error').to.have.length(1);
  });
});

describe('e2e: a backfill notifies no one', function () {
  this.timeout(300_000);
  let world: SyncWorld;
  before(async () => {
    world = await startSyncWorld();
  });
  after(async () => world?.close());

  it('a run above sync.bulkThreshold sends no notification and says so; below it, the same error notifies', async () => {
    const config = path.join(mkdtempSync(path.join(tmpdir(), 'pcsync-notify-')), 'pcsync.json');
    writeFileSync(config, JSON.stringify({ sync: { bulkThreshold: 5 } }));
    world.pc.admin.seedReferrals(8, 'cosell');
    const refused = await world.rest('POST', '/sobjects/Opportunity', {
      Name: 'No customer yet',
      StageName: 'Qualification',
      CloseDate: '2027-02-28',
      [OPP.syncWith]: true,
      [OPP.solutions]: 'SOL-34104-EBB',
    });
    // A run with a record in error ends Partially Succeeded (exit 1).
    const backfill = await world.run('--full', '--config', config);
    expect(backfill.json.result?.status, backfill.stdout + backfill.stderr).to.equal('Partially Succeeded');
    expect(backfill.json.result?.summary.inbound.created).to.equal(8);
    expect(backfill.json.result?.summary.outbound.error).to.equal(1);
    expect(world.sf.notifications()).to.deep.equal([]);
    expect(backfill.json.result?.notices?.join(' ')).to.match(/No owner was notified: this run changed 9 records/);

    // The same refusal in a small run is no transition (the record was already in Error): still nothing.
    const again = await world.run('--config', config);
    expect(again.json.result?.status).to.equal('Partially Succeeded');
    expect(world.sf.notifications()).to.deep.equal([]);

    // A new refusal in a small run notifies its owner.
    const second = await world.rest('POST', '/sobjects/Opportunity', {
      Name: 'Another without customer',
      StageName: 'Qualification',
      CloseDate: '2027-02-28',
      [OPP.syncWith]: true,
      [OPP.solutions]: 'SOL-34104-EBB',
    });
    const small = await world.run('--config', config);
    expect(small.json.result?.status).to.equal('Partially Succeeded');
    expect(world.sf.notifications().map((n) => n.targetId?.slice(0, 15))).to.deep.equal([
      String(second.id).slice(0, 15),
    ]);
    expect(String(refused.id)).to.not.equal(String(second.id));
  });
});
