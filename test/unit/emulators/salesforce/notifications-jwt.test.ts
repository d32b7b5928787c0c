import { sign } from 'node:crypto';
import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import { issueCertificate, type IssuedCertificate } from '../../../../emulators/shared/pki.js';
import { api, deployZip, NS, packageXml, sfRequest } from '../../../helpers/salesforce-emulator.js';

type ActionResult = { actionName: string; isSuccess: boolean; errors: Array<{ statusCode: string }> | null };

const notifType = (name: string, body: string): Record<string, string> => ({
  'package.xml': packageXml({ CustomNotificationType: [name] }),
  [`notificationtypes/${name}.notiftype`]: `<?xml version="1.0" encoding="UTF-8"?><CustomNotificationType ${NS}>${body}</CustomNotificationType>`,
});

describe('Salesforce emulator: custom notifications', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;
  before(async () => {
    emulator = await startSalesforceEmulator({ port: 0, adminUser: true, loadMetadata: true });
  });
  beforeEach(() => emulator.reset());
  after(async () => emulator?.close());

  const typeId = async (name: string): Promise<string | undefined> => {
    const soql = `SELECT Id, DeveloperName FROM CustomNotificationType WHERE DeveloperName = '${name}'`;
    const found = await sfRequest<{ records: Array<{ Id: string }> }>(
      emulator,
      'GET',
      api(`/tooling/query?q=${encodeURIComponent(soql)}`)
    );
    expect(found.status, found.text).to.equal(200);
    return found.body.records[0]?.Id;
  };
  const invoke = (inputs: unknown[]): Promise<{ status: number; body: ActionResult[]; text: string }> =>
    sfRequest<ActionResult[]>(emulator, 'POST', api('/actions/standard/customNotificationAction'), { inputs });

  it("has force-app's Partner_Center_Sync_Alert, and a deploy adds a type a Tooling query then finds", async () => {
    expect(await typeId('Partner_Center_Sync_Alert')).to.match(/^0ML/);
    const deployed = await deployZip(
      emulator,
      notifType(
        'Deal_Alert',
        '<customNotifTypeName>Deal Alert</customNotifTypeName><desktop>true</desktop><masterLabel>Deal Alert</masterLabel><mobile>false</mobile>'
      )
    );
    expect(deployed.deployResult.success).to.equal(true);
    expect(await typeId('Deal_Alert')).to.match(/^0ML/);
  });

  it('fails a deploy of a type without its required fields, and stores nothing', async () => {
    const deployed = await deployZip(
      emulator,
      notifType('Broken_Alert', '<masterLabel>Broken</masterLabel><desktop>true</desktop>')
    );
    expect(deployed.deployResult.success).to.equal(false);
    const problems = JSON.stringify(deployed.deployResult.details?.componentFailures);
    expect(problems).to.include('customNotifTypeName').and.include('mobile');
    expect(await typeId('Broken_Alert')).to.equal(undefined);
  });

  it('records one notification per recipient of a valid input, with the channels of its type', async () => {
    const opportunity = await sfRequest<{ id: string }>(emulator, 'POST', api('/sobjects/Opportunity'), {
      Name: 'Target',
      StageName: 'Prospecting',
      CloseDate: '2027-01-31',
    });
    const sent = await invoke([
      {
        customNotifTypeId: await typeId('Partner_Center_Sync_Alert'),
        recipientIds: [emulator.userId],
        title: 'Sync failed',
        body: 'Why',
        targetId: opportunity.body.id,
      },
    ]);
    expect(sent.status, sent.text).to.equal(200);
    expect(sent.body[0]).to.include({ actionName: 'customNotificationAction', isSuccess: true });
    expect(emulator.notifications().map((n) => [n.recipientId, n.title, n.targetId, n.channels])).to.deep.equal([
      [emulator.userId, 'Sync failed', opportunity.body.id, ['desktop', 'mobile']],
    ]);
  });

  it('refuses an unknown type id and a recipient who is not an active user, and sends nothing', async () => {
    const good = await typeId('Partner_Center_Sync_Alert');
    const input = { recipientIds: [emulator.userId], title: 't', body: 'b', targetId: emulator.userId };
    const sent = await invoke([
      { ...input, customNotifTypeId: '0ML5g0000000999AAA' },
      { ...input, customNotifTypeId: good, recipientIds: [emulator.orgId] },
    ]);
    expect(sent.status).to.equal(400);
    expect(sent.body.map((r) => [r.isSuccess, r.errors?.[0]?.statusCode])).to.deep.equal([
      [false, 'INVALID_ID_FIELD'],
      [false, 'INVALID_ID_FIELD'],
    ]);
    expect(emulator.notifications()).to.deep.equal([]);
  });
});

describe('Salesforce emulator: JWT bearer grant', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;
  let app: IssuedCertificate;
  let stranger: IssuedCertificate;
  before(async () => {
    app = await issueCertificate({ subject: 'CN=pcsync JWT' });
    stranger = await issueCertificate({ subject: 'CN=someone else' });
    emulator = await startSalesforceEmulator({
      port: 0,
      connectedApps: [{ clientId: 'pcsync-consumer-key', certificate: app.pem }],
    });
  });
  after(async () => emulator?.close());

  const assertion = (claims: Record<string, unknown>, key = app.key.privateKeyPem): string => {
    const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signed = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}`;
    return `${signed}.${sign('sha256', Buffer.from(signed), key).toString('base64url')}`;
  };
  const claims = (): Record<string, unknown> => ({
    iss: 'pcsync-consumer-key',
    sub: emulator.username,
    aud: emulator.url,
    exp: Math.floor(Date.now() / 1000) + 180,
  });
  const token = async (jwt: string): Promise<{ status: number; body: Record<string, string> }> => {
    const response = await fetch(`${emulator.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };

  it('issues a token that the REST API accepts for an assertion signed with the uploaded certificate’s key', async () => {
    const answer = await token(assertion(claims()));
    expect(answer.status).to.equal(200);
    expect(answer.body).to.include({ instance_url: emulator.url, token_type: 'Bearer' });
    expect(answer.body.id).to.equal(`${emulator.url}/id/${emulator.orgId}/${emulator.userId}`);
    const limits = await sfRequest({ url: emulator.url, accessToken: answer.body.access_token }, 'GET', api('/limits'));
    expect(limits.status).to.equal(200);
  });

  it('refuses each bad assertion with the error Salesforce sends', async () => {
    const cases: Array<[string, string]> = [
      [assertion(claims(), stranger.key.privateKeyPem), 'invalid assertion'],
      [assertion({ ...claims(), aud: 'https://test.salesforce.com' }), 'audience is invalid'],
      [assertion({ ...claims(), exp: Math.floor(Date.now() / 1000) - 10 }), 'expired authorization code'],
      [assertion({ ...claims(), sub: emulator.repUsername }), "user hasn't approved this consumer"],
    ];
    for (const [jwt, description] of cases) {
      expect(await token(jwt)).to.deep.equal({
        status: 400,
        body: { error: 'invalid_grant', error_description: description },
      });
    }
    expect((await token(assertion({ ...claims(), iss: 'unknown' }))).body.error).to.equal('invalid_client_id');
  });
});
