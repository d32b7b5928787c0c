/**
 * The webhook receiver alone: signed deliveries verified and acknowledged per second, with a queue whose
 * processBatch does nothing. The sender runs in the same process (one Node thread for both).
 */
import { randomUUID } from 'node:crypto';
import {
  createVerifier,
  httpCertificateFetcher,
  silentLogger,
  startWebhookServer,
  WebhookQueue,
} from '../../src/webhook/index.js';
import { percentile, type Bench } from './env.js';

export type ReceiverResult = {
  deliveries: number;
  acknowledged: number;
  concurrency: number;
  perSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  wallMs: number;
  certificateFetches: number;
};

export async function receiver(bench: Bench, deliveries: number, concurrency = 8): Promise<ReceiverResult> {
  const { pc } = bench;
  const certificatePrefix = pc.certificateUrl.slice(0, pc.certificateUrl.lastIndexOf('/') + 1);
  const verifier = createVerifier({
    allowList: [certificatePrefix],
    trustedRoots: [pc.signingRootPem],
    issuerAllowList: [`${pc.url}/pkiops/`],
    fetchCertificate: httpCertificateFetcher(),
  });
  const queue = new WebhookQueue({ processBatch: () => Promise.resolve(), logger: silentLogger });
  const server = await startWebhookServer({ host: '127.0.0.1', port: 0, verifier, queue, logger: silentLogger });
  // Signed ahead of time so that the timing is the receiver's, not the signer's.
  const signed = Array.from({ length: deliveries }, () => {
    const body = JSON.stringify({
      EventName: 'referral-updated',
      ResourceUri: `${pc.url}/engagements/v1/referrals/${randomUUID()}`,
      ResourceName: 'referral',
      AuditUri: null,
      ResourceChangeUtcDate: new Date().toISOString(),
    });
    return { body, signature: `Signature ${pc.admin.sign(body)}` };
  });
  const acks: number[] = [];
  let acknowledged = 0;
  let next = 0;
  const deadline = Date.now() + 120_000;
  const worker = async (): Promise<void> => {
    while (next < signed.length && Date.now() < deadline) {
      const { body, signature } = signed[next++];
      const started = performance.now();
      const response = await fetch(server.webhookUrl, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: signature,
          'x-ms-certificate-url': pc.certificateUrl,
          'x-ms-signature-algorithm': 'rsa-sha256',
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      acks.push(performance.now() - started);
      if (response.ok) acknowledged++;
    }
  };
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await server.close(5_000);
  }
  const wallMs = performance.now() - started;
  return {
    deliveries,
    acknowledged,
    concurrency,
    perSecond: (acknowledged / wallMs) * 1000,
    ackP50Ms: percentile(acks, 50),
    ackP99Ms: percentile(acks, 99),
    wallMs,
    certificateFetches: verifier.fetchCertificate.fetches(),
  };
}
