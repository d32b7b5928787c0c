/**
 * The receiver against the Partner Center emulator's real deliveries: its certificate (fetched over https from the
 * emulator, chained to the emulator's CA), its signing, both signature headers, referral and validation events.
 */
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../../emulators/partner-center/server.js';
import {
  createVerifier,
  httpCertificateFetcher,
  startWebhookServer,
  WebhookQueue,
  type Verifier,
  type WebhookServer,
} from '../../../src/webhook/index.js';
import { clientsFor, type Clients } from '../partner-center/helpers.js';

describe('webhook receiver with the Partner Center emulator', function () {
  this.timeout(30_000);
  let pc: PartnerCenterEmulator;
  let clients: Clients;
  let server: WebhookServer;
  let verifier: Verifier;
  let queue: WebhookQueue;
  const synced: string[] = [];

  before(async () => {
    pc = await startPartnerCenterEmulator({ port: 0, webhookRetryDelayMs: 50 });
    clients = clientsFor(pc);
    queue = new WebhookQueue({
      processBatch: async (ids) => {
        synced.push(...ids);
        await Promise.resolve();
      },
      quietMs: 20,
    });
    verifier = createVerifier({
      allowList: [`${pc.url}/certs/`],
      // Signed as Microsoft signs: a leaf from an intermediate (fetched through AIA) under a root of its own.
      trustedRoots: [pc.signingRootPem],
      issuerAllowList: [`${pc.url}/pkiops/`],
      fetchCertificate: httpCertificateFetcher(),
    });
    server = await startWebhookServer({ port: 0, verifier, queue });
  });
  after(async () => {
    await server?.close(1000);
    await pc?.close();
  });

  const waitFor = async (predicate: () => boolean, timeoutMs = 5000): Promise<void> => {
    const until = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > until) throw new Error('timed out');

      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('syncs the referral a signed referral-created event names', async () => {
    await clients.webhooks.register({
      url: server.webhookUrl,
      events: ['referral-created', 'referral-updated', 'test-created'],
    });
    const referral = pc.admin.createIncoming('cosell');
    await waitFor(() => synced.includes(referral.id));
    await pc.admin.deliveriesIdle();
    const delivery = pc.admin.deliveries().find((d) => d.body.includes(referral.id));
    expect(delivery?.state).to.equal('delivered');
    expect(delivery?.attempts).to.equal(1);
    // The leaf at the certificate URL and its issuer through AIA, each fetched once.
    expect(verifier.fetchCertificate.fetches()).to.equal(2);
  });

  it('acknowledges the validation event (test-created) as delivered, without a sync', async () => {
    const before = synced.length;
    const correlationId = await clients.webhooks.sendValidationEvent();
    await pc.admin.deliveriesIdle();
    const status = await clients.webhooks.validationStatus(correlationId);
    expect(status.status).to.equal('completed');
    expect(synced.length).to.equal(before);
  });

  it('verifies deliveries signed into x-ms-signature', async () => {
    await clients.webhooks.update({
      url: server.webhookUrl,
      events: ['referral-created', 'referral-updated'],
      signatureInMsSignatureHeader: true,
    });
    const referral = pc.admin.createIncoming('cosell');
    await waitFor(() => synced.includes(referral.id));
    // Both certificates come from the cache now.
    expect(verifier.fetchCertificate.fetches()).to.equal(2);
  });
});
