/**
 * The receiver over node:http (or node:https with a key and certificate): POST on the webhook path, verified before
 * it is read, acknowledged at once and queued; `/healthz` and `/metrics` beside it. Every answer is JSON (or
 * Prometheus text) with an explicit content-type. A log line per delivery carries the outcome and reason, never a
 * header value, a signature or the body.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isWebhookRejection, WebhookRejection } from './errors.js';
import { silentLogger, type WebhookLogger } from './logger.js';
import type { ApiRequestCounter } from './metrics.js';
import type { DrainResult, WebhookQueue } from './queue.js';
import { closeAfterAnswer, readBody } from './request-body.js';
import { createVerifier, type Verifier, type VerifierOptions } from './verify.js';

export const DEFAULT_WEBHOOK_PATH = '/webhooks/partner-center';

/** What `/healthz` reports beyond the receiver's own state; `ok: false` turns it into a 503. */
export type HealthInfo = { ok: boolean } & Record<string, unknown>;

export type WebhookServerOptions = {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  path?: string;
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Verifier options, or a verifier already made with `createVerifier` (to share its certificate cache). */
  verifier: VerifierOptions | Verifier;
  queue: WebhookQueue;
  logger?: WebhookLogger;
  health?: () => HealthInfo | Promise<HealthInfo>;
  /** API request counts for `/metrics` (`pcsync_api_requests_total`). */
  apiRequests?: ApiRequestCounter;
  /** More Prometheus text for `/metrics` (the change event subscription's). */
  moreMetrics?: () => string;
};

export type WebhookServer = {
  /** Base URL, e.g. `http://127.0.0.1:54321` (the webhook is at `url + path`). */
  url: string;
  webhookUrl: string;
  /** Stops intake, finishes in-flight requests, then drains the queue within `drainMs`. */
  close(drainMs?: number): Promise<DrainResult>;
};

const JSON_TYPE = 'application/json; charset=utf-8';

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': JSON_TYPE,
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function reject(res: ServerResponse, rejection: WebhookRejection, extraHeaders: Record<string, string> = {}): void {
  const headers: Record<string, string> = { ...extraHeaders };
  if (rejection.retryAfterSeconds !== undefined) headers['Retry-After'] = String(rejection.retryAfterSeconds);
  send(res, rejection.status, rejection.toJSON(), headers);
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const path = options.path ?? DEFAULT_WEBHOOK_PATH;
  const logger = options.logger ?? silentLogger;
  const queue = options.queue;
  const metrics = queue.metrics;
  const verify: Verifier = typeof options.verifier === 'function' ? options.verifier : createVerifier(options.verifier);
  const startedAt = new Date();
  let closing = false;

  const refuse = (
    res: ServerResponse,
    rejection: WebhookRejection,
    fields: Record<string, unknown>,
    headers?: Record<string, string>
  ): void => {
    metrics.reject(rejection.reason);
    logger.warn('webhook.rejected', {
      status: rejection.status,
      reason: rejection.reason,
      message: rejection.message,
      ...fields,
    });
    reject(res, rejection, headers);
  };

  const handleDelivery = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    metrics.received++;
    const fields = { remote: req.socket.remoteAddress };
    if (closing) {
      req.resume();
      refuse(
        res,
        new WebhookRejection('shutting-down', 'The receiver is shutting down; try again later.', {
          retryAfterSeconds: 30,
        }),
        fields,
        {
          Connection: 'close',
        }
      );
      return;
    }
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType !== 'application/json') {
      req.resume();
      refuse(res, new WebhookRejection('unsupported-media-type', 'The content type must be application/json.'), fields);
      return;
    }
    const declared = Number(req.headers['content-length']);
    const body = declared > verify.maxBodyBytes ? 'too-large' : await readBody(req, verify.maxBodyBytes);
    if (body === 'too-large') {
      const tooLarge = new WebhookRejection('body-too-large', `The body is larger than ${verify.maxBodyBytes} bytes.`);
      closeAfterAnswer(req, res, verify.maxBodyBytes);
      refuse(res, tooLarge, fields, { Connection: 'close' });
      return;
    }
    let delivery;
    try {
      delivery = await verify({ headers: req.headers, rawBody: body });
    } catch (error) {
      if (isWebhookRejection(error)) {
        refuse(res, error, fields);
        return;
      }
      throw error;
    }
    const result = queue.accept(delivery);
    send(res, 200, {
      accepted: true,
      ...(result.outcome === 'duplicate' ? { duplicate: true } : {}),
      ...(result.outcome === 'ignored' ? { ignored: true } : {}),
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const pathname = new URL(req.url ?? '/', 'http://receiver.invalid').pathname;
    if (pathname === path) {
      if (req.method !== 'POST') {
        req.resume();
        metrics.reject('method-not-allowed');
        send(res, 405, { error: 'Only POST is allowed here.', reason: 'method-not-allowed' }, { Allow: 'POST' });
        return;
      }
      await handleDelivery(req, res);
      return;
    }
    req.resume();
    if (pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      let info: HealthInfo;
      try {
        info = options.health ? await options.health() : { ok: true };
      } catch (error) {
        info = { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
      const ok = info.ok && !closing;
      send(res, ok ? 200 : 503, {
        ...info,
        ok,
        status: closing ? 'stopping' : ok ? 'ok' : 'degraded',
        startedAt: startedAt.toISOString(),
        webhook: { queueDepth: queue.depth, inFlight: queue.inFlight, ...metrics.snapshot() },
      });
      return;
    }
    if (pathname === '/metrics' && req.method === 'GET') {
      const text =
        metrics.render({ queueDepth: queue.depth, inFlight: queue.inFlight }, options.apiRequests) +
        (options.moreMetrics?.() ?? '');
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(text);
      return;
    }
    metrics.reject('not-found');
    send(res, 404, { error: 'Not found.', reason: 'not-found' });
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      logger.error('webhook.error', { error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) send(res, 500, { error: 'Internal error.', reason: 'internal' });
      else res.destroy();
    });
  };

  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : createHttpServer(listener);
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${options.tls ? 'https' : 'http'}://${host}:${address.port}`;
  logger.info('webhook.listening', { url, path });

  let closed: Promise<DrainResult> | undefined;
  const close = (drainMs = 10_000): Promise<DrainResult> => {
    closed ??= (async (): Promise<DrainResult> => {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + drainMs;
      const bound = new Promise<void>((resolve) => setTimeout(resolve, drainMs).unref());
      await Promise.race([stopped, bound]);
      server.closeAllConnections();
      const result = await queue.drain(Math.max(0, deadline - Date.now()));
      logger.info('webhook.stopped', { ...result });
      return result;
    })();
    return closed;
  };

  return { url, webhookUrl: `${url}${path}`, close };
}
