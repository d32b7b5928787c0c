/**
 * Webhook registration and validation as partner-center-webhooks documents them: "You must be registered for the
 * test-created event, using the registration API, before sending a validation event", and the validation status
 * holds "a result for each attempt that is made to deliver the event" (response code, message, system error, time).
 */
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../../../emulators/partner-center/server.js';
import { trustEmulator } from '../../partner-center/helpers.js';
import { WEBHOOKS, accessToken, call, receiver, type Receiver } from './helpers.js';

type Status = {
  correlationId: string;
  partnerId: string;
  status: string;
  callbackUrl: string;
  results: Array<{ responseCode: string; responseMessage: string; systemError: boolean; dateTimeUtc: string }>;
};

describe('Partner Center emulator: webhook registration and validation events', () => {
  let emulator: PartnerCenterEmulator;
  let token: string;
  const hooks: Receiver[] = [];

  before(async () => {
    emulator = await startPartnerCenterEmulator({ port: 0, webhookRetryDelayMs: 1, validationEventsPerMinute: 100 });
    trustEmulator(emulator);
  });
  after(async () => {
    await Promise.all(hooks.map((hook) => hook.close()));
    await emulator?.close();
  });
  beforeEach(async () => {
    emulator.reset();
    token = await accessToken(emulator, WEBHOOKS);
  });

  const hook = async (answer?: () => { status: number; body?: string }): Promise<Receiver> => {
    const made = await receiver(answer);
    hooks.push(made);
    return made;
  };
  const api = (method: string, path: string, body?: unknown): ReturnType<typeof call> =>
    call(`${emulator.webhooksBaseUrl}${path}`, { method, token, body });

  it('refuses a validation event unless the registration includes test-created, and then delivers none', async () => {
    const target = await hook();
    await api('POST', '/registration', { WebhookUrl: target.url, WebhookEvents: ['referral-created'] });
    const refused = await api('POST', '/registration/validationEvents');
    expect(refused.status).to.equal(400);
    expect((refused.body as { message: string }).message).to.include('test-created');
    await emulator.admin.deliveriesIdle();
    expect(target.received).to.deep.equal([]);

    await api('PUT', '/registration', { WebhookUrl: target.url, WebhookEvents: ['referral-created', 'test-created'] });
    const sent = await api('POST', '/registration/validationEvents');
    expect(sent.status).to.equal(200);
    await emulator.admin.deliveriesIdle();
    expect(target.received.map((r) => (JSON.parse(r.body) as { EventName: string }).EventName)).to.deep.equal([
      'test-created',
    ]);
  });

  it('reports the delivery it made: completed with the receiver’s response code and message', async () => {
    const target = await hook(() => ({ status: 200, body: 'verified' }));
    await api('POST', '/registration', { WebhookUrl: target.url, WebhookEvents: ['test-created'] });
    const { correlationId } = (await api('POST', '/registration/validationEvents')).body as { correlationId: string };
    await emulator.admin.deliveriesIdle();
    const event = JSON.parse(target.received[0].body) as Record<string, unknown>;
    expect(event).to.include({ EventName: 'test-created', ResourceName: 'test', AuditUri: null });
    expect(event.ResourceUri).to.equal(`${emulator.webhooksBaseUrl}/registration/validationEvents/${correlationId}`);
    const status = (await api('GET', `/registration/validationEvents/${correlationId}`)).body as Status;
    expect(status).to.deep.include({
      correlationId,
      partnerId: emulator.tenantId,
      status: 'completed',
      callbackUrl: target.url,
    });
    expect(status.results).to.have.length(1);
    expect(status.results[0]).to.deep.include({ responseCode: 'OK', responseMessage: 'verified', systemError: false });
    expect(Date.parse(status.results[0].dateTimeUtc)).to.be.closeTo(Date.now(), 5000);
  });

  it('reports each refused attempt with the receiver’s code and message, then failed after the last', async () => {
    const target = await hook(() => ({ status: 401, body: '{"error":"certificate-organization"}' }));
    await api('POST', '/registration', { WebhookUrl: target.url, WebhookEvents: ['test-created'] });
    const { correlationId } = (await api('POST', '/registration/validationEvents')).body as { correlationId: string };
    await emulator.admin.deliveriesIdle();
    const status = (await api('GET', `/registration/validationEvents/${correlationId}`)).body as Status;
    expect(status.status).to.equal('failed');
    expect(status.results).to.have.length(10);
    expect(status.results[0]).to.deep.include({
      responseCode: 'Unauthorized',
      responseMessage: '{"error":"certificate-organization"}',
      systemError: false,
    });
    expect((await api('GET', '/registration/validationEvents/unknown')).status).to.equal(404);
  });
});
