/**
 * The Partner Center emulator: one TLS server on 127.0.0.1 serving the Entra-style authority, the referrals API,
 * the webhook registration API, the signing certificate and an admin API that plays Microsoft's side.
 */
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Referral } from './contract.js';
import { createPki } from './certs.js';
import { Entra, type EmulatorAudience } from './entra.js';
import { listenOnLoopback } from '../shared/http.js';
import { seededRandom } from '../shared/random.js';
import { HttpError, header, parseJson, readBody, sendError, sendJson } from './http-util.js';
import { ReferralStore } from './referrals.js';
import { WebhookService, type Delivery, type Registration } from './webhooks.js';

export const DEFAULT_TENANT_ID = '4d3c2b1a-0f9e-4d8c-b7a6-123456789abc';
export const DEFAULT_CLIENT_ID = '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
export const DEFAULT_USER = {
  oid: '6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d',
  username: 'referrals.admin@contoso-partner.example',
  name: 'Referrals Admin',
};
export const PARTNER_ORG = { id: 'b1e2f3a4-5c6d-4e7f-8a9b-0c1d2e3f4a5b', name: 'Contoso Partner' };

export type Faults = {
  /** Probability that an API call is answered 429 with Retry-After. */
  rate429: number;
  /** Probability that an API call is answered 500 or 503. */
  rate5xx: number;
  /** Retry-After seconds on injected 429s. */
  retryAfterSeconds: number;
  /** Delay added to every API call. */
  latencyMs: number;
};

export type SeedData = { referrals?: Array<Partial<Referral>>; generate?: { count: number; kind?: 'lead' | 'cosell' } };

export type PartnerCenterEmulatorOptions = {
  port?: number;
  latencyMs?: number;
  /** Total injected fault rate, split evenly between 429 and 5xx. */
  faultRate?: number;
  /** A seed file path or seed data. */
  seed?: string | SeedData;
  /** Seed for the fault-injection PRNG (deterministic faults). */
  randomSeed?: number;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  accessTokenTtlSec?: number;
  deviceCodeIntervalSec?: number;
  webhookRetryDelayMs?: number;
  validationEventsPerMinute?: number;
};

export type RequestRecord = {
  method: string;
  endpoint: string;
  path: string;
  requestId?: string;
  correlationId?: string;
  status: number;
};

export type TransitionAction = 'accept' | 'win' | 'lose' | 'decline' | 'expire';

export type PartnerCenterEmulator = {
  url: string;
  port: number;
  caCertPath: string;
  caCertPem: string;
  signingCertPem: string;
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
  resetCounters(): void;
  /** Every API request seen (method, endpoint, MS-RequestId, MS-CorrelationId, status). */
  requests(): RequestRecord[];
  setFaults(faults: Partial<Faults> & { faultRate?: number }): void;
  /**
   * Data back to the start state: referrals, webhook registrations and deliveries, counters, faults, pending device
   * codes. Issued tokens stay valid unless `auth: true` (then only the printed refresh token survives).
   */
  reset(options?: { auth?: boolean }): void;
  admin: EmulatorAdmin;
  close(): Promise<void>;
};

export type EmulatorAdmin = {
  createIncoming(kind: 'lead' | 'cosell', overrides?: Partial<Referral>): Referral;
  seedReferrals(count: number, kind?: 'lead' | 'cosell'): void;
  transition(id: string, action: TransitionAction, statusReason?: string): Referral;
  getReferral(id: string): Referral;
  referralCount(): number;
  pendingDeviceCodes(): Array<{ userCode: string; state: string }>;
  approveDeviceCode(userCode: string): boolean;
  declineDeviceCode(userCode: string): boolean;
  revokeRefreshTokens(username?: string): number;
  expireRefreshTokens(): number;
  issueRefreshToken(): string;
  registration(): Registration | undefined;
  deliveries(): Delivery[];
  offlineQueue(): Delivery[];
  deliveriesIdle(timeoutMs?: number): Promise<void>;
  /** Signs a body exactly as deliveries are signed (for receiver tests). */
  sign(body: string): string;
};

function splitRate(rate: number | undefined): Pick<Faults, 'rate429' | 'rate5xx'> {
  const r = Math.min(1, Math.max(0, rate ?? 0));
  return { rate429: r / 2, rate5xx: r / 2 };
}

function loadSeed(seed: string | SeedData | undefined): SeedData {
  if (!seed) return {};
  if (typeof seed !== 'string') return seed;
  const data = JSON.parse(readFileSync(seed, 'utf8')) as SeedData | Array<Partial<Referral>>;
  return Array.isArray(data) ? { referrals: data } : data;
}

export async function startPartnerCenterEmulator(
  options: PartnerCenterEmulatorOptions = {}
): Promise<PartnerCenterEmulator> {
  const pki = await createPki();
  const tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  let origin = '';
  let random = seededRandom(options.randomSeed ?? 1);
  let faults: Faults = { ...splitRate(options.faultRate), retryAfterSeconds: 1, latencyMs: options.latencyMs ?? 0 };
  let counters: Record<string, number> = {};
  let requestLog: RequestRecord[] = [];

  const entra = new Entra({
    tenantId,
    clientId,
    clientSecret: options.clientSecret,
    user: DEFAULT_USER,
    accessTokenTtlSec: options.accessTokenTtlSec,
    deviceCodeIntervalSec: options.deviceCodeIntervalSec,
  });
  const webhooks = new WebhookService({
    signingKeyPem: pki.signingKeyPem,
    certificateUrl: () => `${origin}/certs/pcnotifications-dispatch.microsoft.com.cer`,
    retryDelayMs: options.webhookRetryDelayMs,
    validationEventsPerMinute: options.validationEventsPerMinute,
  });
  const store = new ReferralStore(
    PARTNER_ORG,
    (event, referral) => webhooks.notify(tenantId, event, `${origin}/engagements/v1/referrals/${referral.id}`),
    { referralsBase: () => `${origin}/v1.0/engagements`, origin: () => origin }
  );
  const seed = loadSeed(options.seed);
  const applySeed = (): void => {
    for (const referral of seed.referrals ?? []) store.load(referral);
    if (seed.generate) store.seedMany(seed.generate.count, seed.generate.kind);
  };
  applySeed();
  let refreshToken = '';

  const admin: EmulatorAdmin = {
    createIncoming: (kind, overrides) => store.createIncoming(kind, overrides),
    seedReferrals: (count, kind) => store.seedMany(count, kind),
    transition: (id, action, reason) => store.transition(id, action, reason),
    getReferral: (id) => store.get(id),
    referralCount: () => store.size,
    pendingDeviceCodes: () => entra.pendingDeviceCodes(),
    approveDeviceCode: (code) => entra.decideDeviceCode(code, 'approve'),
    declineDeviceCode: (code) => entra.decideDeviceCode(code, 'decline'),
    revokeRefreshTokens: (username) => entra.revokeRefreshTokens(username),
    expireRefreshTokens: () => entra.expireRefreshTokens(),
    issueRefreshToken: () => entra.issueRefreshToken(),
    registration: () => {
      try {
        return webhooks.get(tenantId);
      } catch {
        return undefined;
      }
    },
    deliveries: () => webhooks.list(),
    offlineQueue: () => webhooks.offlineQueue(),
    deliveriesIdle: (timeoutMs) => webhooks.idle(timeoutMs),
    sign: (body) => webhooks.sign(body),
  };

  const count = (endpoint: string): void => {
    counters[endpoint] = (counters[endpoint] ?? 0) + 1;
  };

  /** Latency and faults for the Partner Center APIs (not the authority or admin endpoints). */
  const injectFaults = async (res: ServerResponse): Promise<boolean> => {
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    const roll = random();
    if (roll < faults.rate429) {
      sendError(res, 429, `Rate limit is exceeded. Try again in ${faults.retryAfterSeconds} seconds.`, {
        'Retry-After': String(faults.retryAfterSeconds),
      });
      return true;
    }
    if (roll < faults.rate429 + faults.rate5xx) {
      const status = roll < faults.rate429 + faults.rate5xx / 2 ? 500 : 503;
      sendError(
        res,
        status,
        'The partner API service or one of its dependencies failed to fulfill the request. Callers may retry this.'
      );
      return true;
    }
    return false;
  };

  const authorize = (req: IncomingMessage, audience: EmulatorAudience): string => {
    const check = entra.checkAccess(header(req, 'authorization'), audience);
    if (!check.ok)
      throw new HttpError(401, check.message, {
        'WWW-Authenticate': `Bearer realm="${audience}", error="invalid_token"`,
      });
    return check.tenantId;
  };

  const referralsApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: Record<string, string>,
    endpoint: (e: string) => void
  ): Promise<boolean> => {
    const list = path === '/v1.0/engagements/referrals' || path === '/v1.0/engagements/referrals/';
    const nextLink = path === '/v1.0/referrals';
    const one = /^\/v1\.0\/engagements\/referrals\/([^/]+)$/.exec(path);
    if (!list && !nextLink && !one) return false;
    endpoint(list || nextLink ? `${req.method ?? ''} /referrals` : `${req.method ?? ''} /referrals/{id}`);
    if (await injectFaults(res)) return true;
    authorize(req, 'https://api.partner.microsoft.com');
    if ((list || nextLink) && req.method === 'GET') {
      if (nextLink && (!query.$skiptoken || Object.keys(query).length !== 1)) throw new HttpError(404, 'Not Found');
      sendJson(res, 200, store.list(query));
    } else if (list && req.method === 'POST') {
      const body = parseJson(await readBody(req));
      sendJson(res, 200, store.createFromPartner(body, header(req, 'ms-requestid')));
    } else if (one && req.method === 'GET') {
      sendJson(res, 200, store.get(decodeURIComponent(one[1])));
    } else if (one && req.method === 'PATCH') {
      const contentType = header(req, 'content-type') ?? '';
      if (!/application\/(json|json-patch\+json)/.test(contentType))
        throw new HttpError(415, 'Content-Type must be application/json.');
      const body = parseJson(await readBody(req));
      const updated = store.patch(decodeURIComponent(one[1]), body, header(req, 'if-match'));
      if (/return=representation/i.test(header(req, 'prefer') ?? ''))
        sendJson(res, 200, updated, { ETag: updated.eTag });
      else sendJson(res, 204, undefined, { ETag: updated.eTag });
    } else if (one && req.method === 'PUT') {
      throw new HttpError(405, 'PUT is obsolete in this emulator; use PATCH with JSON Patch.');
    } else {
      throw new HttpError(405, 'Method Not Allowed');
    }
    return true;
  };

  const webhooksApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    endpoint: (e: string) => void
  ): Promise<boolean> => {
    const m = /^\/webhooks\/v1\/registration(\/events|\/validationEvents(?:\/([^/]+))?)?\/?$/.exec(path);
    if (!m) return false;
    const sub = m[1] === '/events' ? '/events' : m[2] ? '/validationEvents/{id}' : m[1] ? '/validationEvents' : '';
    endpoint(`${req.method ?? ''} /webhooks/registration${sub}`);
    if (await injectFaults(res)) return true;
    const tenant = authorize(req, 'https://api.partnercenter.microsoft.com');
    const route = `${req.method ?? ''} ${sub}`;
    if (route === 'GET /events') sendJson(res, 200, webhooks.supportedEventsList());
    else if (route === 'GET ') sendJson(res, 200, webhooks.get(tenant));
    else if (route === 'POST ') sendJson(res, 200, webhooks.register(tenant, parseJson(await readBody(req)), false));
    else if (route === 'PUT ') sendJson(res, 200, webhooks.register(tenant, parseJson(await readBody(req)), true));
    else if (route === 'POST /validationEvents') sendJson(res, 200, webhooks.sendValidationEvent(tenant, origin));
    else if (route === 'GET /validationEvents/{id}')
      sendJson(res, 200, webhooks.validationStatus(tenant, decodeURIComponent(m[2])));
    else throw new HttpError(405, 'Method Not Allowed');
    return true;
  };

  const adminApi = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    if (!path.startsWith('/admin/')) return false;
    const route = `${req.method ?? ''} ${path.slice('/admin'.length)}`;
    const body = req.method === 'POST' ? ((): Record<string, unknown> => ({}))() : {};
    if (req.method === 'POST') {
      const text = await readBody(req);
      Object.assign(body, text ? (parseJson(text) as Record<string, unknown>) : {});
    }
    let m: RegExpExecArray | null;
    if (route === 'POST /referrals')
      sendJson(res, 200, admin.createIncoming(body.kind === 'lead' ? 'lead' : 'cosell', body.referral ?? {}));
    else if (route === 'POST /referrals/seed') {
      admin.seedReferrals(Number(body.count ?? 0), body.kind === 'lead' ? 'lead' : 'cosell');
      sendJson(res, 200, { count: store.size });
    } else if ((m = /^POST \/referrals\/([^/]+)\/(accept|win|lose|decline|expire)$/.exec(route))) {
      sendJson(
        res,
        200,
        admin.transition(
          decodeURIComponent(m[1]),
          m[2] as TransitionAction,
          typeof body.statusReason === 'string' ? body.statusReason : undefined
        )
      );
    } else if (route === 'GET /device-codes') sendJson(res, 200, admin.pendingDeviceCodes());
    else if ((m = /^POST \/device-codes\/([^/]+)\/(approve|decline)$/.exec(route))) {
      const ok =
        m[2] === 'approve'
          ? admin.approveDeviceCode(decodeURIComponent(m[1]))
          : admin.declineDeviceCode(decodeURIComponent(m[1]));
      if (!ok) throw new HttpError(404, 'No pending device code with that user code.');
      sendJson(res, 200, { userCode: m[1], state: m[2] === 'approve' ? 'approved' : 'declined' });
    } else if (route === 'POST /refresh-tokens/revoke')
      sendJson(res, 200, {
        revoked: admin.revokeRefreshTokens(typeof body.username === 'string' ? body.username : undefined),
      });
    else if (route === 'POST /refresh-tokens/expire') sendJson(res, 200, { expired: admin.expireRefreshTokens() });
    else if (route === 'GET /counters') sendJson(res, 200, { ...counters });
    else if (route === 'POST /counters/reset') {
      emulator.resetCounters();
      sendJson(res, 200, {});
    } else if (route === 'POST /faults') {
      emulator.setFaults(body);
      sendJson(res, 200, { ...faults });
    } else if (route === 'POST /reset') {
      emulator.reset({ auth: body.auth === true });
      sendJson(res, 200, {});
    } else if (route === 'GET /deliveries')
      sendJson(
        res,
        200,
        admin.deliveries().map(({ body: b, ...d }) => ({ ...d, body: b }))
      );
    else if (route === 'GET /offline-queue') sendJson(res, 200, admin.offlineQueue());
    else if (route === 'GET /requests') sendJson(res, 200, requestLog);
    else throw new HttpError(404, 'Not Found');
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams.entries());
    let endpoint = `${req.method ?? ''} ${path}`;
    const record = (e: string): void => {
      endpoint = e;
    };
    try {
      if (path.startsWith('/certs/')) {
        record(`GET ${path}`);
        if (path === '/certs/pcnotifications-dispatch.microsoft.com.cer')
          res.writeHead(200, { 'Content-Type': 'application/pkix-cert' }).end(pki.signingCertDer);
        else if (path === '/certs/pcnotifications-dispatch.microsoft.com.pem')
          res.writeHead(200, { 'Content-Type': 'application/x-pem-file' }).end(pki.signingCertPem);
        else if (path === '/certs/root.pem')
          res.writeHead(200, { 'Content-Type': 'application/x-pem-file' }).end(pki.caCertPem);
        else throw new HttpError(404, 'Not Found');
        return;
      }
      if (path === '/devicelogin') {
        record('GET /devicelogin');
        res
          .writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' })
          .end('Partner Center emulator: approve a user code with POST /admin/device-codes/{code}/approve.\n');
        return;
      }
      if (await adminApi(req, res, path)) return;
      if (await referralsApi(req, res, path, query, record)) return;
      if (await webhooksApi(req, res, path, record)) return;
      const entraMatch =
        /^\/[^/]+\/(oauth2\/v2\.0\/(devicecode|token)|v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys)$/.exec(
          path
        );
      if (entraMatch) {
        record(
          `${req.method ?? ''} /${entraMatch[2] ?? (entraMatch[1].startsWith('v2.0') ? 'openid-configuration' : 'keys')}`
        );
        const form = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : new URLSearchParams();
        entra.handle(req, res, path, form, origin);
        return;
      }
      throw new HttpError(404, 'Not Found');
    } catch (error) {
      if (res.headersSent) return;
      if (error instanceof HttpError) sendError(res, error.status, error.message, error.headers);
      else sendError(res, 500, 'The partner API service failed to fulfill the request.');
    } finally {
      if (!path.startsWith('/admin/')) {
        count(endpoint);
        requestLog.push({
          method: req.method ?? '',
          endpoint,
          path,
          requestId: header(req, 'ms-requestid'),
          correlationId: header(req, 'ms-correlationid'),
          status: res.statusCode,
        });
        if (requestLog.length > 100_000) requestLog = requestLog.slice(-50_000);
      }
    }
  };

  const server: Server = createServer({ key: pki.serverKeyPem, cert: pki.serverCertPem }, (req, res) => {
    void handle(req, res);
  });
  const listening = await listenOnLoopback(server, options.port);
  const port = listening.port;
  origin = `https://127.0.0.1:${port}`;
  refreshToken = entra.issueRefreshToken();

  const emulator: PartnerCenterEmulator = {
    url: origin,
    port,
    caCertPath: pki.caCertPath,
    caCertPem: pki.caCertPem,
    signingCertPem: pki.signingCertPem,
    certificateUrl: `${origin}/certs/pcnotifications-dispatch.microsoft.com.cer`,
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
      requestLog = [];
    },
    requests: () => [...requestLog],
    setFaults: (next) => {
      faults = {
        ...faults,
        ...(next.faultRate === undefined ? {} : splitRate(next.faultRate)),
        ...stripUndefined(next),
      };
      delete (faults as Partial<Faults> & { faultRate?: number }).faultRate;
    },
    reset: (resetOptions = {}) => {
      store.clear();
      webhooks.reset();
      entra.reset(resetOptions.auth === true);
      if (resetOptions.auth) entra.restoreRefreshToken(refreshToken);
      counters = {};
      requestLog = [];
      random = seededRandom(options.randomSeed ?? 1);
      faults = { ...splitRate(options.faultRate), retryAfterSeconds: 1, latencyMs: options.latencyMs ?? 0 };
      applySeed();
    },
    admin,
    close: async () => {
      await webhooks.close();
      await listening.close();
      rmSync(pki.dir, { recursive: true, force: true });
    },
  };
  return emulator;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
