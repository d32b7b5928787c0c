/**
 * The Partner Center emulator: one TLS server on 127.0.0.1 serving the Entra-style authority, the referrals API,
 * the webhook registration API, the signing certificate and its issuer (AIA), and the emulator's own endpoints that
 * play Microsoft's side (admin.ts). Faults, the clock and the request log wrap the Partner Center APIs here.
 */
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_PREFIXES, createAdmin, handleAdmin, type EmulatorAdmin } from './admin.js';
import { matchApi, type Reply } from './api.js';
import { INTERMEDIATE_PATH, createPki, type SigningCertificate } from './certs.js';
import { Clock } from './clock.js';
import type { Referral } from './contract.js';
import { Entra } from './entra.js';
import { Faults, type FaultOptions, type FaultSettings } from './faults.js';
import { HttpError, header, readBody, sendError, sendJson } from './http-util.js';
import type { KindName } from './kinds.js';
import { ReferralStore } from './referrals.js';
import { RequestLog, type RequestRecord, type WaitOptions } from './request-log.js';
import { WebhookService } from './webhooks.js';
import { listenOnLoopback } from '../shared/http.js';

export type { EmulatorAdmin, TransitionAction, CoSellAnswer } from './admin.js';
export type { RequestRecord, WaitOptions } from './request-log.js';
export type { FaultOptions, FaultSettings } from './faults.js';

export const DEFAULT_TENANT_ID = '4d3c2b1a-0f9e-4d8c-b7a6-123456789abc';
export const DEFAULT_CLIENT_ID = '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
export const DEFAULT_USER = {
  oid: '6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d',
  username: 'referrals.admin@contoso-partner.example',
  name: 'Referrals Admin',
};
export const PARTNER_ORG = { id: 'b1e2f3a4-5c6d-4e7f-8a9b-0c1d2e3f4a5b', name: 'Contoso Partner' };
export const CERTIFICATE_PATH = '/certs/pcnotifications-dispatch.microsoft.com.cer';

export type SeedData = { referrals?: Array<Partial<Referral>>; generate?: { count: number; kind?: KindName } };

export type PartnerCenterEmulatorOptions = {
  port?: number;
  latencyMs?: number;
  /** Total injected fault rate, split evenly between 429 and 5xx. */
  faultRate?: number;
  /** Probability that a write is committed and its response dropped. */
  lostResponseRate?: number;
  /** A seed file path or seed data. */
  seed?: string | SeedData;
  /** Seed for the fault-injection PRNG (deterministic faults). */
  randomSeed?: number;
  /** The emulator's clock runs this many ms ahead of the machine's (negative: behind). */
  clockSkewMs?: number;
  /** Refuse the $filter options Microsoft does not document for referrals. */
  strictOData?: boolean;
  /**
   * Sign webhooks the emulator's first way: a leaf issued straight by the TLS root, `O=Microsoft Corporation` in its
   * subject, no intermediate, no AIA.
   */
  legacySigningChain?: boolean;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  accessTokenTtlSec?: number;
  deviceCodeIntervalSec?: number;
  webhookRetryDelayMs?: number;
  validationEventsPerMinute?: number;
};

export type PartnerCenterEmulator = {
  url: string;
  port: number;
  /** The TLS root (for `NODE_EXTRA_CA_CERTS`); not a signing anchor. */
  caCertPath: string;
  caCertPem: string;
  /** The root the webhook signing chain ends in (`PCSYNC_SIGNING_ROOT`); the TLS root in the legacy shape. */
  signingRootPath: string;
  signingRootPem: string;
  /** The signing leaf, and its issuer (absent in the legacy shape) as served at `intermediateUrl`. */
  signingCertPem: string;
  signingIntermediatePem?: string;
  intermediateUrl?: string;
  legacySigningChain: boolean;
  certificateUrl: string;
  tenantId: string;
  clientId: string;
  /** A refresh token for the seeded Referrals Admin user (headless PCSYNC_REFRESH_TOKEN). */
  refreshToken: string;
  username: string;
  authority: string;
  referralsBaseUrl: string;
  webhooksBaseUrl: string;
  /** Requests per endpoint, e.g. `GET /referrals`, `PATCH /referrals/{id}`, `POST /token`. */
  counters(): Record<string, number>;
  /** Zeroes the counters and empties the request log. */
  resetCounters(): void;
  /** Every request seen (not the emulator's own endpoints), with sequence numbers. */
  requests(): RequestRecord[];
  clearRequests(): void;
  /** Resolves once `count` requests matching `match` have been answered (or committed, for a lost response). */
  waitForRequests(options?: WaitOptions): Promise<RequestRecord[]>;
  setFaults(options: FaultOptions): void;
  faults(): FaultSettings;
  /** Faults back to none (latency too). */
  clearFaults(): void;
  setClockSkew(ms: number): void;
  clockSkewMs(): number;
  /** Now, on the emulator's clock (ms since the epoch). */
  now(): number;
  setStrictOData(strict: boolean): void;
  strictOData(): boolean;
  /**
   * Data back to the start state: referrals, webhook registrations and deliveries, counters, request log, faults,
   * clock, pending device codes. Issued tokens stay valid unless `auth: true` (then only the printed refresh token
   * survives).
   */
  reset(options?: { auth?: boolean }): void;
  admin: EmulatorAdmin;
  close(): Promise<void>;
};

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const ENTRA_PATH =
  /^\/[^/]+\/(oauth2\/v2\.0\/(devicecode|token)|v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys)$/;

function loadSeed(seed: string | SeedData | undefined): SeedData {
  if (!seed) return {};
  if (typeof seed !== 'string') return seed;
  const data = JSON.parse(readFileSync(seed, 'utf8')) as SeedData | Array<Partial<Referral>>;
  return Array.isArray(data) ? { referrals: data } : data;
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.status >= 400 && reply.body === undefined) sendError(res, reply.status, 'Error', reply.headers);
  else sendJson(res, reply.status, reply.body, reply.headers);
}

function errorReply(error: unknown): Reply {
  if (error instanceof HttpError)
    return { status: error.status, body: { statusCode: error.status, message: error.message }, headers: error.headers };
  return {
    status: 500,
    body: { statusCode: 500, message: 'The partner API service failed to fulfill the request.' },
  };
}

export async function startPartnerCenterEmulator(
  options: PartnerCenterEmulatorOptions = {}
): Promise<PartnerCenterEmulator> {
  const pki = await createPki({ legacy: options.legacySigningChain === true });
  const tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const clock = new Clock(options.clockSkewMs ?? 0);
  const faults = new Faults({
    faultRate: options.faultRate,
    lostResponseRate: options.lostResponseRate,
    latencyMs: options.latencyMs,
    seed: options.randomSeed,
  });
  const log = new RequestLog();
  let strictOData = options.strictOData === true;
  let origin = '';
  // The leaf names its issuer's URL (AIA), so it is issued once the origin is known (after listen).
  const pkiState: { signing?: SigningCertificate } = {};
  let counters: Record<string, number> = {};

  const entra = new Entra({
    tenantId,
    clientId,
    clientSecret: options.clientSecret,
    user: DEFAULT_USER,
    accessTokenTtlSec: options.accessTokenTtlSec,
    deviceCodeIntervalSec: options.deviceCodeIntervalSec,
  });
  const webhooks = new WebhookService({
    signingKeyPem: () => pkiState.signing!.leafKeyPem,
    certificateUrl: () => `${origin}${CERTIFICATE_PATH}`,
    clock,
    retryDelayMs: options.webhookRetryDelayMs,
    validationEventsPerMinute: options.validationEventsPerMinute,
  });
  const store = new ReferralStore(
    PARTNER_ORG,
    (event, referral) => webhooks.notify(tenantId, event, `${origin}/engagements/v1/referrals/${referral.id}`),
    { referralsBase: () => `${origin}/v1.0/engagements`, origin: () => origin },
    clock
  );
  const admin = createAdmin({ store, webhooks, entra, tenantId });
  const seed = loadSeed(options.seed);
  const applySeed = (): void => {
    for (const referral of seed.referrals ?? []) store.load(referral);
    if (seed.generate) admin.seedReferrals(seed.generate.count, seed.generate.kind);
  };
  applySeed();

  const authorize = (req: IncomingMessage, audience: Parameters<Entra['checkAccess']>[1]): string => {
    const check = entra.checkAccess(header(req, 'authorization'), audience);
    if (!check.ok)
      throw new HttpError(401, check.message, {
        'WWW-Authenticate': `Bearer realm="${audience}", error="invalid_token"`,
      });
    return check.tenantId;
  };
  const apiContext = { store, webhooks, origin: () => origin, strictOData: () => strictOData, authorize };

  /** The signing leaf (DER, the usual `.cer`), as PEM, the TLS root, and the intermediate at the leaf's AIA URL. */
  const certificate = (path: string): { type: string; body: string | Buffer } | undefined => {
    if (path === CERTIFICATE_PATH) return { type: 'application/pkix-cert', body: pkiState.signing!.leafDer };
    if (path === '/certs/pcnotifications-dispatch.microsoft.com.pem')
      return { type: 'application/x-pem-file', body: pkiState.signing!.leafPem };
    if (path === '/certs/root.pem') return { type: 'application/x-pem-file', body: pki.caCertPem };
    if (path === INTERMEDIATE_PATH && pkiState.signing?.intermediateDer)
      return { type: 'application/pkix-cert', body: pkiState.signing.intermediateDer };
    return undefined;
  };

  /** A Partner Center API call under the injected faults: answered, refused, or processed and then dropped. */
  const callApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    route: NonNullable<ReturnType<typeof matchApi>>,
    path: string
  ): Promise<Pick<RequestRecord, 'fault' | 'committed'> & { dropped: boolean }> => {
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    const write = WRITES.has(req.method ?? 'GET');
    const fault = faults.draw([`${req.method ?? ''} ${path}`, route.endpoint], write);
    if (fault?.kind === 'throttle') {
      const seconds = faults.retryAfterSeconds;
      const message = `Rate limit is exceeded. Try again in ${seconds} seconds.`;
      send(res, { status: 429, body: { statusCode: 429, message }, headers: { 'Retry-After': String(seconds) } });
      return { fault: fault.kind, dropped: false };
    }
    if (fault?.kind === 'unavailable') {
      const message =
        'The partner API service or one of its dependencies failed to fulfill the request. Callers may retry this.';
      send(res, { status: fault.status, body: { statusCode: fault.status, message } });
      return { fault: fault.kind, dropped: false };
    }
    if (fault?.kind === 'lost-response' && !write) {
      req.socket.destroy();
      return { fault: fault.kind, dropped: true };
    }
    const reply = await route.run().catch(errorReply);
    if (fault?.kind === 'lost-response') {
      req.socket.destroy();
      return { fault: fault.kind, committed: reply.status < 300, dropped: true };
    }
    send(res, reply);
    return { dropped: false };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    res.setHeader('Date', clock.httpDate());
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const prefix = ADMIN_PREFIXES.find((p) => path.startsWith(p));
    if (prefix) {
      send(res, await handleAdmin(emulator, req, path.slice(prefix.length), url.searchParams).catch(errorReply));
      return;
    }
    let endpoint = `${method} ${path}`;
    let outcome: Pick<RequestRecord, 'fault' | 'committed'> & { dropped: boolean } = { dropped: false };
    try {
      const served = certificate(path);
      const api = matchApi(req, path, Object.fromEntries(url.searchParams.entries()), apiContext);
      const entraMatch = ENTRA_PATH.exec(path);
      if (served && method === 'GET') {
        res.writeHead(200, { 'Content-Type': served.type }).end(served.body);
      } else if (path === '/devicelogin') {
        endpoint = 'GET /devicelogin';
        res
          .writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' })
          .end('Partner Center emulator: approve a user code with POST /__emulator/device-codes/{code}/approve.\n');
      } else if (api) {
        endpoint = api.endpoint;
        outcome = await callApi(req, res, api, path);
      } else if (entraMatch) {
        const name = entraMatch[2] ?? (entraMatch[1].startsWith('v2.0') ? 'openid-configuration' : 'keys');
        endpoint = `${method} /${name}`;
        const form = method === 'POST' ? new URLSearchParams(await readBody(req)) : new URLSearchParams();
        entra.handle(req, res, path, form, origin);
      } else {
        throw new HttpError(404, 'Not Found');
      }
    } catch (error) {
      if (!res.headersSent) send(res, errorReply(error));
    } finally {
      counters[endpoint] = (counters[endpoint] ?? 0) + 1;
      log.add({
        at: clock.iso(),
        method,
        endpoint,
        path,
        requestId: header(req, 'ms-requestid'),
        correlationId: header(req, 'ms-correlationid'),
        status: outcome.dropped ? 0 : res.statusCode,
        ms: Math.round(performance.now() - started),
        ...(outcome.fault ? { fault: outcome.fault } : {}),
        ...(outcome.committed === undefined ? {} : { committed: outcome.committed }),
      });
    }
  };

  const server: Server = createServer({ key: pki.serverKeyPem, cert: pki.serverCertPem }, (req, res) => {
    void handle(req, res);
  });
  const listening = await listenOnLoopback(server, options.port);
  const port = listening.port;
  origin = `https://127.0.0.1:${port}`;
  const signing = await pki.issueSigning(origin);
  pkiState.signing = signing;
  const refreshToken = entra.issueRefreshToken();

  const emulator: PartnerCenterEmulator = {
    url: origin,
    port,
    caCertPath: pki.caCertPath,
    caCertPem: pki.caCertPem,
    signingRootPath: pki.signingRootPath,
    signingRootPem: pki.signingRootPem,
    signingCertPem: signing.leafPem,
    signingIntermediatePem: signing.intermediatePem,
    intermediateUrl: signing.intermediateDer ? `${origin}${INTERMEDIATE_PATH}` : undefined,
    legacySigningChain: pki.legacy,
    certificateUrl: `${origin}${CERTIFICATE_PATH}`,
    tenantId,
    clientId,
    refreshToken,
    username: DEFAULT_USER.username,
    authority: `${origin}/${tenantId}`,
    referralsBaseUrl: `${origin}/v1.0/engagements`,
    webhooksBaseUrl: `${origin}/webhooks/v1`,
    counters: () => ({ ...counters }),
    resetCounters: () => {
      counters = {};
      log.clear();
    },
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    waitForRequests: (wait) => log.wait(wait),
    setFaults: (next) => faults.set(next),
    faults: () => faults.state(),
    clearFaults: () => faults.set({ rate429: 0, rate5xx: 0, lostResponseRate: 0, latencyMs: 0, match: null, next: [] }),
    setClockSkew: (ms) => {
      clock.skewMs = ms;
    },
    clockSkewMs: () => clock.skewMs,
    now: () => clock.now(),
    setStrictOData: (strict) => {
      strictOData = strict;
    },
    strictOData: () => strictOData,
    reset: (resetOptions = {}) => {
      store.clear();
      webhooks.reset();
      entra.reset(resetOptions.auth === true);
      if (resetOptions.auth) entra.restoreRefreshToken(refreshToken);
      counters = {};
      log.clear();
      faults.reset();
      clock.skewMs = options.clockSkewMs ?? 0;
      strictOData = options.strictOData === true;
      applySeed();
    },
    admin,
    close: async () => {
      log.close();
      await webhooks.close();
      await listening.close();
      rmSync(pki.dir, { recursive: true, force: true });
    },
  };
  return emulator;
}
