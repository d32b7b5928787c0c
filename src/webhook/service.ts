/**
 * `sf pcsync serve` as a library: the verified webhook receiver in front of the sync engine, plus the periodic
 * passes that catch what a webhook misses — an incremental inbound reconcile and an outbound poll — each leaving
 * its run record. Extra replicas behind a load balancer run with `reconcile: false`.
 */
import { instrumentConnection } from '../salesforce/instrument.js';
import { Traffic } from '../shared/traffic.js';
import { REPLAY_NEW } from '../sync/change-feed.js';
import { runSync, type SyncDependencies, type SyncOptions } from '../sync/engine.js';
import { lastReplayId } from '../sync/run-record.js';
import { failures, type SyncResult } from '../sync/types.js';
import { startChangeListener, type ChangeListener } from './change-listener.js';
import { ChangeEventMetrics } from './change-metrics.js';
import { sendChangeBatch, sendSinceWatermark } from './change-passes.js';
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

type PassName = 'webhook' | 'change-events' | 'reconcile' | 'outbound-poll';

/** How long a webhook batch waits for the org's sync lease (another process's pass) before it fails. */
const WEBHOOK_LEASE_WAIT_MS = 5 * 60_000;
/** The error a run throws when another process holds the sync lease (messages/sync.md error.leaseBusy). */
const LEASE_BUSY = 'LeaseBusyError';

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { logger } = options;
  const traffic = options.deps.traffic ?? new Traffic();
  const deps = { ...options.deps, traffic };
  // Marked as pcsync's from the first request, so the change events of its own writes are known as echoes.
  instrumentConnection(deps.connection, traffic);
  const state = {
    lastPassSucceededAt: undefined as string | undefined,
    lastPassFailedAt: undefined as string | undefined,
    auth: 'unknown' as 'valid' | 'invalid' | 'unknown',
  };
  const timers: NodeJS.Timeout[] = [];
  const changeMetrics = new ChangeEventMetrics();
  let stopping = false;

  const logPass = (pass: PassName, result: SyncResult, ms: number): void => {
    const { inbound, outbound, leads } = result.summary;
    logger.info('pass', {
      pass,
      status: result.status,
      ms,
      inboundCreated: inbound.created,
      inboundUpdated: inbound.updated,
      outboundCreated: outbound.created,
      outboundUpdated: outbound.updated,
      leadsCreated: leads.created,
      leadsConverted: leads.converted,
      errors: failures(result.summary),
      conflicts: inbound.conflict + outbound.conflict,
      runId: result.runId,
    });
  };

  const running = new Set<Promise<unknown>>();
  const pass = (name: PassName, sync: SyncOptions): Promise<SyncResult | undefined> => {
    const promise = runPass(name, sync).finally(() => running.delete(promise));
    running.add(promise);
    return promise;
  };
  // One pass at a time in this process; across processes and machines the org's sync lease decides.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const next = turn.then(work, work);
    turn = next.catch(() => undefined);
    return next;
  };
  /** The pass's result; undefined when it failed as a whole or was skipped (logged either way). */
  const runPass = async (name: PassName, sync: SyncOptions): Promise<SyncResult | undefined> => {
    const started = Date.now();
    // A periodic pass another process is already doing is skipped; an event-driven batch waits its turn.
    const eventDriven = name === 'webhook' || name === 'change-events';
    const leaseWaitMs = eventDriven ? WEBHOOK_LEASE_WAIT_MS : 0;
    try {
      const result = await inTurn(() => runSync(deps, { ...sync, holder: 'sf pcsync serve', leaseWaitMs }));
      logPass(name, result, Date.now() - started);
      if (result.status !== 'Failed') state.lastPassSucceededAt = new Date().toISOString();
      state.auth = 'valid';
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : 'pass failed';
      if (!eventDriven && (error as { name?: string }).name === LEASE_BUSY) {
        logger.info('pass-skipped', { pass: name, reason: message });
        return undefined;
      }
      state.lastPassFailedAt = new Date().toISOString();
      if (/sign in again|sign-in/i.test(message)) state.auth = 'invalid';
      logger.error('pass-failed', { pass: name, message });
      if (name === 'webhook') throw error instanceof Error ? error : new Error(message);
      return undefined;
    }
  };

  const queue = new WebhookQueue({
    processBatch: async (referralIds) => {
      await pass('webhook', { referralIds, direction: 'inbound', trigger: 'Webhook' });
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
      ok: state.auth !== 'invalid',
      partnerCenterAuth: state.auth,
      reconcile: options.reconcile,
      lastPassSucceededAt: state.lastPassSucceededAt ?? null,
      lastPassFailedAt: state.lastPassFailedAt ?? null,
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
    state.auth = 'valid';
  } catch (error) {
    state.auth = 'invalid';
    await server.close(0);
    throw error;
  }

  /** A periodic pass that never overlaps itself: the next one is scheduled when this one ends. */
  const every = (name: PassName, intervalMs: number, sync: SyncOptions): void => {
    const tick = async (): Promise<void> => {
      if (stopping) return;
      await pass(name, sync);
      if (!stopping) timers.push(setTimeout(() => void tick(), intervalMs));
    };
    timers.push(setTimeout(() => void tick(), intervalMs));
  };
  let polling = false;
  const poll = (intervalMs: number): void => {
    if (polling || intervalMs <= 0) return;
    polling = true;
    every('outbound-poll', intervalMs, { direction: 'outbound', trigger: 'Reconcile' });
  };
  if (options.reconcile) {
    every('reconcile', options.reconcileIntervalMs, { direction: 'inbound', trigger: 'Reconcile' });
    poll(options.outboundPollIntervalMs);
  }
  let listener: ChangeListener | undefined;
  if (options.changeEvents) {
    const changePasses = { run: (sync: SyncOptions) => pass('change-events', sync), logger };
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
        if (reason === 'unknown-channel' && options.reconcile) poll(options.fallbackPollIntervalMs);
      },
    });
  }
  logger.info('listening', { url: server.webhookUrl, reconcile: options.reconcile });

  return {
    url: server.url,
    webhookUrl: server.webhookUrl,
    close: async (drainMs = 10_000) => {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      const started = Date.now();
      const within = (work: Promise<unknown>, ms: number): Promise<boolean> =>
        Promise.race([
          work.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
        ]);
      // A subscription still being made when the signal came must not hold the stop past the bound.
      const listenerClosed = await within(listener?.close() ?? Promise.resolve(), drainMs);
      const result = await server.close(Math.max(0, drainMs - (Date.now() - started)));
      // A periodic pass in flight gets what is left of the bound to finish.
      const left = Math.max(0, drainMs - (Date.now() - started));
      const passes = await within(Promise.allSettled([...running]), left);
      return { drained: listenerClosed && result.drained && passes };
    },
  };
}
