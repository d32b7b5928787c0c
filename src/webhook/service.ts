/**
 * `sf pcsync serve` as a library: the verified webhook receiver in front of the sync engine, plus the periodic
 * passes that catch what a webhook misses — an incremental inbound reconcile and an outbound poll — each leaving
 * its run record. Extra replicas behind a load balancer run with `reconcile: false`.
 */
import { instrumentConnection } from '../salesforce/instrument.js';
import { Traffic } from '../shared/traffic.js';
import { REPLAY_NEW } from '../sync/change-feed.js';
import type { SyncDependencies, SyncOptions } from '../sync/engine.js';
import { lastReplayId } from '../sync/run-record.js';
import { startChangeListener, type ChangeListener } from './change-listener.js';
import { ChangeEventMetrics } from './change-metrics.js';
import { sendChangeBatch, sendSinceWatermark } from './change-passes.js';
import { createPassScheduler, settlesWithin } from './pass-scheduler.js';
import {
  createVerifier,
  httpCertificateFetcher,
  signingTrustAnchors,
  startWebhookServer,
  WebhookQueue,
  type TrustAnchorInput,
  type WebhookLogger,
} from './index.js';

export type ServiceOptions = {
  deps: SyncDependencies;
  host: string;
  port: number;
  path: string;
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** https URL prefixes of the signing certificate. */
  allowList: string[];
  /** http(s) URL prefixes of AIA caIssuers (issuer certificates); default Microsoft's PKI repository. */
  issuerAllowList?: string[];
  /** The signing trust anchors; default Node's bundled roots (`signingTrustAnchors()`), never the TLS store. */
  trustedRoots?: TrustAnchorInput[];
  reconcile: boolean;
  reconcileIntervalMs: number;
  /** 0: no outbound poll while Change Data Capture events arrive. */
  outboundPollIntervalMs: number;
  /** The outbound poll's interval when the org refuses the change event subscription (no channel member). */
  fallbackPollIntervalMs: number;
  /** Subscribe to Opportunity change events when this replica holds the org's change-feed lease. */
  changeEvents: boolean;
  logger: WebhookLogger;
  /** Checks that Partner Center sign-in still works (an access token can be had). */
  checkAuth: () => Promise<void>;
};

export type RunningService = {
  url: string;
  webhookUrl: string;
  close(drainMs?: number): Promise<{ drained: boolean }>;
};

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { logger } = options;
  const traffic = options.deps.traffic ?? new Traffic();
  const deps = { ...options.deps, traffic };
  // Marked as pcsync's from the first request, so the change events of its own writes are known as echoes.
  instrumentConnection(deps.connection, traffic);
  const passes = createPassScheduler(deps, logger);
  const { health } = passes;
  const changeMetrics = new ChangeEventMetrics();

  const queue = new WebhookQueue({
    processBatch: async (referralIds) => {
      await passes.run('webhook', { referralIds, direction: 'inbound', trigger: 'Webhook' });
    },
    logger,
  });

  const verifier = createVerifier({
    allowList: options.allowList,
    ...(options.issuerAllowList ? { issuerAllowList: options.issuerAllowList } : {}),
    trustedRoots: options.trustedRoots ?? signingTrustAnchors(),
    fetchCertificate: httpCertificateFetcher(),
  });

  const server = await startWebhookServer({
    host: options.host,
    port: options.port,
    path: options.path,
    ...(options.tls ? { tls: options.tls } : {}),
    verifier,
    queue,
    logger,
    health: () => ({
      ok: health.auth !== 'invalid',
      partnerCenterAuth: health.auth,
      reconcile: options.reconcile,
      lastPassSucceededAt: health.lastPassSucceededAt ?? null,
      lastPassFailedAt: health.lastPassFailedAt ?? null,
    }),
    moreMetrics: () => changeMetrics.render(),
    apiRequests: () => {
      const counts = traffic.snapshot();
      return Object.fromEntries(
        Object.entries(counts).flatMap(([system, byEndpoint]) =>
          Object.entries(byEndpoint).map(([endpoint, n]) => [`${system} ${endpoint}`, n])
        )
      );
    },
  });

  try {
    await options.checkAuth();
    health.auth = 'valid';
  } catch (error) {
    health.auth = 'invalid';
    await server.close(0);
    throw error;
  }

  if (options.reconcile) {
    passes.every('reconcile', options.reconcileIntervalMs, { direction: 'inbound', trigger: 'Reconcile' });
    passes.poll(options.outboundPollIntervalMs);
  }
  let listener: ChangeListener | undefined;
  if (options.changeEvents) {
    const changePasses = { run: (sync: SyncOptions) => passes.run('change-events', sync), logger };
    listener = startChangeListener({
      connection: deps.connection,
      config: deps.config,
      logger,
      clock: () => traffic.serverNow('salesforce') ?? new Date(),
      replayFrom: async () => (await lastReplayId(deps.connection)) ?? REPLAY_NEW,
      onBatch: async (batch) => {
        const unsent = await sendChangeBatch(changePasses, batch);
        // Both ends on the org's clock: the commit time, and the org's time of the pass's last answer.
        const end = (traffic.serverNow('salesforce') ?? new Date()).getTime();
        if (unsent.length < batch.recordIds.length) changeMetrics.observeLag((end - batch.oldestCommitMs) / 1000);
        return unsent;
      },
      onReplayLost: (replayId) => {
        void sendSinceWatermark(changePasses, replayId);
      },
      onEvent: (outcome) => changeMetrics.observe(outcome),
      onRefused: (reason) => {
        if (reason === 'unknown-channel' && options.reconcile) passes.poll(options.fallbackPollIntervalMs);
      },
    });
  }
  logger.info('listening', { url: server.webhookUrl, reconcile: options.reconcile });

  return {
    url: server.url,
    webhookUrl: server.webhookUrl,
    close: async (drainMs = 10_000) => {
      passes.stop();
      const started = Date.now();
      // A subscription still being made when the signal came must not hold the stop past the bound.
      const listenerClosed = await settlesWithin(listener?.close() ?? Promise.resolve(), drainMs);
      const result = await server.close(Math.max(0, drainMs - (Date.now() - started)));
      // A periodic pass in flight gets what is left of the bound to finish.
      const passesEnded = await passes.drain(Math.max(0, drainMs - (Date.now() - started)));
      return { drained: listenerClosed && result.drained && passesEnded };
    },
  };
}
