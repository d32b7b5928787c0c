/**
 * The receiver of a real `sf pcsync serve` process: signed deliveries verified and acknowledged per second, with
 * serve pinned to one CPU, and per CPU-second of serve's own time (from /proc). The deliveries are Partner Center's
 * own: the emulator signs referral-updated events for the referrals serve already synced and sends them to a
 * capturing endpoint; the bench then replays those exact requests to serve, round robin, from several connections.
 * Only the first of each is new work; the rest are verified in full and dropped as duplicates, as Partner Center's
 * retries are — so the figure is the receiver's (verify, deduplicate, acknowledge), not the sync's. Every tenth
 * delivery is a tampered copy (one character of its body changed, its signature kept), which serve must refuse.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpuMs } from './rss.js';
import { registerWebhook, type Serve } from './serve.js';
import { percentile, sleep } from './stats.js';
import type { World } from './world.js';

export type ReceiverResult = {
  deliveries: number;
  distinct: number;
  concurrency: number;
  /** Genuine deliveries answered 2xx. */
  acknowledged: number;
  tampered: number;
  /** Tampered deliveries answered 4xx. */
  refused: number;
  /** Deliveries serve logged as verified (accepted or duplicate). */
  verified: number;
  pinnedCpu: number | null;
  perSecond: number;
  perCpuSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  wallMs: number;
  serveCpuMs: number;
};

type Captured = { headers: Record<string, string>; body: string };

const TAMPER_EVERY = 10;

/** The same delivery with one digit of its event date changed: still JSON, no longer what was signed. */
const tamper = (delivery: Captured): Captured => ({
  headers: delivery.headers,
  body: delivery.body.replace(/(\d)(?=[^\d]*$)/, (digit) => String((Number(digit) + 1) % 10)),
});

const REPLAYED_HEADERS = ['authorization', 'x-ms-certificate-url', 'x-ms-signature-algorithm', 'content-type'];

/** Receives Partner Center's deliveries and keeps them (answers 200, as a receiver that accepts). */
async function captureEndpoint(): Promise<{ url: string; captured: Captured[]; close(): Promise<void> }> {
  const captured: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = req.headers as IncomingHttpHeaders & Record<string, string>;
      const body = Buffer.concat(chunks).toString('utf8');
      if (/"EventName"\s*:\s*"referral-updated"/.test(body))
        captured.push({ headers: Object.fromEntries(REPLAYED_HEADERS.map((name) => [name, headers[name]])), body });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/partner-center`,
    captured,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function receiver(
  world: World,
  serve: Serve,
  referralIds: string[],
  options: { deliveries: number; concurrency: number; pinnedCpu: number | null }
): Promise<ReceiverResult> {
  const capture = await captureEndpoint();
  let signed: Captured[];
  try {
    await registerWebhook(world, capture.url);
    for (const id of referralIds) await world.pc.transition(id, 'win');
    const deadline = Date.now() + 60_000;
    while (capture.captured.length < referralIds.length && Date.now() < deadline) await sleep(20);
    signed = [...capture.captured];
  } finally {
    await capture.close();
  }
  if (signed.length === 0) throw new Error('Partner Center delivered no signed event to capture');

  const verified = (): number => serve.count('webhook.accepted') + serve.count('webhook.duplicate');
  const verifiedBefore = verified();
  const acks: number[] = [];
  let acknowledged = 0;
  let refused = 0;
  let tampered = 0;
  let next = 0;
  const send = async (delivery: Captured, genuine: boolean): Promise<void> => {
    const started = performance.now();
    const response = await fetch(serve.url, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
      signal: AbortSignal.timeout(30_000),
    });
    await response.arrayBuffer();
    acks.push(performance.now() - started);
    if (genuine && response.ok) acknowledged++;
    if (!genuine && response.status >= 400 && response.status < 500) refused++;
  };
  const worker = async (): Promise<void> => {
    while (next < options.deliveries) {
      const index = next++;
      const genuine = index % TAMPER_EVERY !== TAMPER_EVERY - 1;
      if (!genuine) tampered++;
      const delivery = signed[index % signed.length];
      await send(genuine ? delivery : tamper(delivery), genuine);
    }
  };
  const cpuBefore = cpuMs(serve.pid);
  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const wallMs = performance.now() - started;
  const serveCpuMs = cpuMs(serve.pid) - cpuBefore;
  // Log records are written as each delivery is handled; give the last ones a moment to reach the pipe.
  const verifiedBound = Date.now() + 10_000;
  while (verified() - verifiedBefore < acknowledged && Date.now() < verifiedBound) await sleep(20);
  return {
    deliveries: options.deliveries,
    distinct: signed.length,
    concurrency: options.concurrency,
    acknowledged,
    tampered,
    refused,
    verified: verified() - verifiedBefore,
    pinnedCpu: options.pinnedCpu,
    perSecond: ((acknowledged + refused) / wallMs) * 1000,
    perCpuSecond: serveCpuMs > 0 ? ((acknowledged + refused) / serveCpuMs) * 1000 : NaN,
    ackP50Ms: percentile(acks, 50),
    ackP99Ms: percentile(acks, 99),
    wallMs,
    serveCpuMs,
  };
}
