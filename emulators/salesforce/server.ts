/**
 * The Salesforce org emulator: a node:http server on 127.0.0.1 with the REST API pcsync and the sf CLI use, and
 * admin endpoints under `/__emulator/` (a path no real org has) so tests, the demo and benchmarks can drive it.
 */
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, ServerResponse } from 'node:http';
import { describeListView, describeReport, listViews } from './analytics.js';
import { BulkService } from './bulk.js';
import { BulkQueryService } from './bulk-query.js';
import { DeployService } from './deploy.js';
import type { Clock } from './clock.js';
import { parseDuplicateRuleHeader } from './duplicates.js';
import { ApiError, NOT_MODELLED, RecordError } from './errors.js';
import { ApiLimit, Counters, type FaultKind, type FaultOptions, Faults } from './faults.js';
import { BodyTooLarge, listenOnLoopback, readBody } from '../shared/http.js';
import { type AdminState, changeSettings, handleAdmin, type OrgSettings, settings } from './admin.js';
import { RequestLog, type RequestLogEntry, type WaitOptions } from './request-log.js';
import { type Reply, type RequestContext, json, send } from './http.js';
import {
  DEFAULT_ACCESS_TOKEN_SECRET,
  DEFAULT_API_VERSION,
  DEFAULT_USERNAME,
  Org,
  REPO_FORCE_APP,
  type SeedData,
} from './org.js';
import { composite, type Dispatch, tree } from './composite.js';
import * as rest from './rest.js';
import { describe, describeBasic, describeGlobal } from './describe.js';
import {
  collectionCreate,
  collectionDelete,
  collectionRetrieve,
  collectionUpdate,
  collectionUpsert,
} from './collections.js';
import { handleSoap, parseSoap, soapFault } from './soap.js';
import { handlePartnerSoap, partnerFault } from './soap-convert-lead.js';
import { type ConnectedApp, JwtBearer } from './jwt-bearer.js';
import type { SentNotification } from './notifications.js';
import { getUiRecord, updateUiRecord } from './uiapi.js';
import type { SfRecord } from './store.js';
import { type ChangeEventMessage, changeOrigin } from './change-events.js';
import { CometdEndpoint } from './cometd.js';

export type SalesforceEmulatorOptions = {
  /** Port on 127.0.0.1 (0 or omitted: pick a free one). */
  port?: number;
  /** Delay added to every API request. */
  latencyMs?: number;
  /** Probability (0..1) that an API request fails with one of the fault kinds. */
  faultRate?: number;
  /** Seed of the fault draw, for deterministic runs. */
  faultSeed?: number;
  /** Seed data, or the path of a JSON seed file. */
  seed?: SeedData | string;
  /** Load CustomObject/CustomField metadata at start: true = this repository's force-app, or a folder. */
  loadMetadata?: boolean | string;
  /** Daily API request allowance (default 15,000 as in a Developer Edition org); reported in Sforce-Limit-Info. */
  dailyApiLimit?: number;
  /** Highest API version served (default 64.0). */
  apiVersion?: string;
  /** The access token the org accepts (default: a fixed emulator token). */
  accessToken?: string;
  /** Username of the signed-in user (default emu@pcsync.example). */
  username?: string;
  /** Largest request body accepted for JSON resources (default 50 MB); larger bodies get 413. */
  maxBodyBytes?: number;
  /** Largest Bulk API 2.0 CSV upload (default 150 MB). */
  maxUploadBytes?: number;
  /** The org's clock runs this many ms ahead of this machine's (negative: behind); `Date` headers follow it. */
  clockSkewMs?: number;
  /** Probability (0..1) that a write is committed and its answer lost (a read: dropped). */
  lostResponseRate?: number;
  /** State and Country/Territory Picklists, on in a new org (default true). */
  stateCountryPicklists?: boolean;
  /** The standard Account, Contact and Lead duplicate rules, active in a new org (default true). */
  duplicateRules?: boolean;
  /**
   * The API user is a System Administrator who sees and changes everything (default false: a minimum-access
   * integration user who sees custom objects and fields only through permission sets). For tests about something else.
   */
  adminUser?: boolean;
  /** Username of the org's second user, a sales rep without a session (default rep@pcsync.example). */
  repUsername?: string;
  /** How long Change Data Capture events are kept for replay (default 72 hours, as documented). */
  changeEventRetentionMs?: number;
  /** Connected apps with an uploaded certificate, for the JWT bearer flow (`sf org login jwt`). */
  connectedApps?: ConnectedApp[];
};

export type SalesforceEmulator = {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  port: number;
  accessToken: string;
  orgId: string;
  userId: string;
  username: string;
  /** The second user (a sales rep with the Standard User profile), for `sf org assign permset --on-behalf-of`. */
  repUsername: string;
  apiVersion: string;
  /** Requests per endpoint, keyed `METHOD /route` (e.g. `GET /query`, `PATCH /composite/sobjects/{type}/{field}`). */
  counters(): Record<string, number>;
  resetCounters(): void;
  /** Data back to the seed, counters, faults, latency and API usage cleared; the schema back to start unless kept. */
  reset(options?: { keepSchema?: boolean }): void;
  setFaults(options: FaultOptions): void;
  clearFaults(): void;
  /** Latency before every request, or (with `match`, a regular expression source) only requests whose path matches. */
  setLatency(ms: number, match?: string): void;
  setDailyApiLimit(max: number): void;
  apiUsage(): { used: number; max: number };
  /** Inserts seed records (system mode: Ids and read-only fields may be given). */
  seed(data: SeedData): Record<string, number>;
  /** The most recent requests (up to 1,000): sequence number, time, method, path, counter key, status (0: no
   * answer), duration, records written and the injected fault. */
  requests(): RequestLogEntry[];
  /** Resolves once `count` requests matching `match` (against `METHOD /path`) after `since` are over; rejects at
   * `timeoutMs` (default 30 s) saying what was seen. */
  waitForRequests(options: WaitOptions): Promise<RequestLogEntry[]>;
  /** Moves the org's clock to `ms` ahead of this machine's (negative: behind). */
  setClockSkew(ms: number): void;
  /** Activates or deactivates the standard duplicate rules. */
  setDuplicateRules(active: boolean): void;
  /** The org's settings: clock skew, duplicate rules, state and country picklists. */
  settings(): OrgSettings;
  /** The stored rows of an object (all fields), for assertions. */
  records(objectName: string): SfRecord[];
  /** The retained Change Data Capture events, oldest first. */
  changeEvents(): ChangeEventMessage[];
  /** How many CometD clients are subscribed to a channel now (e.g. `/data/OpportunityChangeEvent`). */
  changeEventSubscribers(channel: string): number;
  /** Uploads a connected app's certificate (JWT bearer flow); the same as `POST /__emulator/connected-apps`. */
  registerConnectedApp(app: ConnectedApp): void;
  /** The custom notifications the org delivered, oldest first (`GET /__emulator/notifications`). */
  notifications(): SentNotification[];
  close(): Promise<void>;
};

type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;
type Route = { method: string; pattern: RegExp; key: string; handler: Handler; upload?: boolean };

const ID = '([A-Za-z0-9]{15}|[A-Za-z0-9]{18})';
const NAME = '([A-Za-z][A-Za-z0-9_]*)';

export async function startSalesforceEmulator(options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  const metadataDir =
    options.loadMetadata === true
      ? REPO_FORCE_APP
      : typeof options.loadMetadata === 'string'
        ? options.loadMetadata
        : undefined;
  const seed = typeof options.seed === 'string' ? Org.readSeedFile(options.seed) : options.seed;
  const org = new Org({
    apiVersion,
    username: options.username ?? DEFAULT_USERNAME,
    loadMetadata: metadataDir,
    seed,
    stateCountryPicklists: options.stateCountryPicklists,
    duplicateRules: options.duplicateRules,
    clockSkewMs: options.clockSkewMs,
    adminUser: options.adminUser,
    repUsername: options.repUsername,
    changeEventRetentionMs: options.changeEventRetentionMs,
  });
  const accessToken = options.accessToken ?? `${org.orgId15}!${DEFAULT_ACCESS_TOKEN_SECRET}`;
  const counters = new Counters();
  const faults = new Faults({
    rate: options.faultRate ?? 0,
    lostResponseRate: options.lostResponseRate ?? 0,
    seed: options.faultSeed ?? 1,
  });
  const limit = new ApiLimit(options.dailyApiLimit ?? 15_000);
  const maxBody = options.maxBodyBytes ?? 50 * 1024 * 1024;
  const maxUpload = options.maxUploadBytes ?? 150 * 1024 * 1024;
  let latencyMs = options.latencyMs ?? 0;
  let latencyMatch: RegExp | undefined;
  const deploys = new DeployService(org);
  const bulk = new BulkService(org);
  const bulkQuery = new BulkQueryService(org);
  let baseUrl = '';
  const jwt = new JwtBearer({
    orgId: org.orgId,
    userId: org.userId,
    username: org.username,
    accessToken,
    baseUrl: () => baseUrl,
    nowMs: () => org.clock.nowMs(),
  });
  for (const app of options.connectedApps ?? []) jwt.register(app);

  const api = (method: string, route: string, key: string, handler: Handler, upload = false): Route => ({
    method,
    pattern: new RegExp(`^/services/data/v(\\d+\\.\\d)${route}/?$`),
    key: `${method} ${key}`,
    handler,
    upload,
  });
  const routes: Route[] = [
    api('GET', '', '/', (ctx) => rest.resources(org, ctx, baseUrl)),
    api('GET', '/sobjects', '/sobjects', (ctx) => describeGlobal(org, ctx)),
    api('GET', `/sobjects/${NAME}`, '/sobjects/{type}', (ctx) => describeBasic(org, ctx, ctx.params[0])),
    api('GET', `/sobjects/${NAME}/describe`, '/sobjects/{type}/describe', (ctx) => describe(org, ctx, ctx.params[0])),
    api('GET', `/sobjects/${NAME}/updated`, '/sobjects/{type}/updated', (ctx) =>
      rest.getUpdated(org, ctx, ctx.params[0])
    ),
    api('GET', `/sobjects/${NAME}/deleted`, '/sobjects/{type}/deleted', (ctx) =>
      rest.getDeleted(org, ctx, ctx.params[0])
    ),
    api('POST', `/sobjects/${NAME}`, '/sobjects/{type}', (ctx) => rest.createRecord(org, ctx, ctx.params[0])),
    api('GET', `/sobjects/${NAME}/${ID}`, '/sobjects/{type}/{id}', (ctx) =>
      rest.getRecord(org, ctx, ctx.params[0], ctx.params[1])
    ),
    api('PATCH', `/sobjects/${NAME}/${ID}`, '/sobjects/{type}/{id}', (ctx) =>
      rest.updateRecord(org, ctx, ctx.params[0], ctx.params[1])
    ),
    api('DELETE', `/sobjects/${NAME}/${ID}`, '/sobjects/{type}/{id}', (ctx) =>
      rest.deleteRecord(org, ctx, ctx.params[0], ctx.params[1])
    ),
    api('GET', `/sobjects/${NAME}/${NAME}/([^/]+)`, '/sobjects/{type}/{field}/{value}', (ctx) =>
      rest.getByExternalId(org, ctx, ctx.params[0], ctx.params[1], decodeURIComponent(ctx.params[2]))
    ),
    api('PATCH', `/sobjects/${NAME}/${NAME}/([^/]+)`, '/sobjects/{type}/{field}/{value}', (ctx) =>
      rest.upsertRecord(org, ctx, ctx.params[0], ctx.params[1], decodeURIComponent(ctx.params[2]))
    ),
    api('GET', `/sobjects/${NAME}/listviews`, '/sobjects/{type}/listviews', (ctx) =>
      listViews(org, ctx, ctx.params[0])
    ),
    api('GET', `/sobjects/${NAME}/listviews/${ID}/describe`, '/sobjects/{type}/listviews/{id}/describe', (ctx) =>
      describeListView(org, ctx, ctx.params[0], ctx.params[1])
    ),
    api('GET', `/analytics/reports/${ID}/describe`, '/analytics/reports/{id}/describe', (ctx) =>
      describeReport(org, ctx, ctx.params[0])
    ),
    api('GET', `/ui-api/records/${ID}`, '/ui-api/records/{id}', (ctx) => getUiRecord(org, ctx, ctx.params[0])),
    api('PATCH', `/ui-api/records/${ID}`, '/ui-api/records/{id}', (ctx) => updateUiRecord(org, ctx, ctx.params[0])),
    api('GET', '/query', '/query', (ctx) => rest.query(org, ctx, false)),
    api('GET', '/query/([A-Za-z0-9]+-\\d+)', '/query/{locator}', (ctx) =>
      rest.queryMore(org, ctx, ctx.params[0], false)
    ),
    api('GET', '/queryAll', '/queryAll', (ctx) => rest.query(org, ctx, true)),
    api('GET', '/queryAll/([A-Za-z0-9]+-\\d+)', '/queryAll/{locator}', (ctx) =>
      rest.queryMore(org, ctx, ctx.params[0], true)
    ),
    api('GET', '/tooling/query', '/tooling/query', (ctx) => rest.toolingQuery(org, ctx)),
    api('POST', '/actions/standard/customNotificationAction', '/actions/standard/customNotificationAction', (ctx) =>
      org.notifications.invoke(ctx)
    ),
    api('GET', '/limits', '/limits', () => rest.limits(org, limit.used, limit.max)),
    api('POST', '/composite/sobjects', '/composite/sobjects', (ctx) => collectionCreate(org, ctx)),
    api('PATCH', '/composite/sobjects', '/composite/sobjects', (ctx) => collectionUpdate(org, ctx)),
    api('DELETE', '/composite/sobjects', '/composite/sobjects', (ctx) => collectionDelete(org, ctx)),
    api('GET', `/composite/sobjects/${NAME}`, '/composite/sobjects/{type}', (ctx) =>
      collectionRetrieve(org, ctx, ctx.params[0])
    ),
    api('POST', `/composite/sobjects/${NAME}`, '/composite/sobjects/{type}', (ctx) =>
      collectionRetrieve(org, ctx, ctx.params[0])
    ),
    api('PATCH', `/composite/sobjects/${NAME}/${NAME}`, '/composite/sobjects/{type}/{field}', (ctx) =>
      collectionUpsert(org, ctx, ctx.params[0], ctx.params[1])
    ),
    api('POST', '/composite', '/composite', (ctx) => composite(org, ctx, dispatch)),
    api('POST', `/composite/tree/${NAME}`, '/composite/tree/{type}', (ctx) => tree(org, ctx, ctx.params[0])),
    api('POST', '/metadata/deployRequest', '/metadata/deployRequest', (ctx) => deploys.start(ctx), true),
    api('GET', `/metadata/deployRequest/${ID}`, '/metadata/deployRequest/{id}', (ctx) =>
      deploys.status(ctx, ctx.params[0])
    ),
    api('POST', '/jobs/query', '/jobs/query', (ctx) => bulkQuery.create(ctx)),
    api('GET', '/jobs/query', '/jobs/query', (ctx) => bulkQuery.list(ctx)),
    api('GET', `/jobs/query/${ID}`, '/jobs/query/{id}', (ctx) => bulkQuery.get(ctx, ctx.params[0])),
    api('PATCH', `/jobs/query/${ID}`, '/jobs/query/{id}', (ctx) => bulkQuery.abort(ctx, ctx.params[0])),
    api('DELETE', `/jobs/query/${ID}`, '/jobs/query/{id}', (ctx) => bulkQuery.remove(ctx.params[0])),
    api('GET', `/jobs/query/${ID}/results`, '/jobs/query/{id}/results', (ctx) => bulkQuery.results(ctx, ctx.params[0])),
    api('POST', '/jobs/ingest', '/jobs/ingest', (ctx) => bulk.create(ctx)),
    api('GET', '/jobs/ingest', '/jobs/ingest', (ctx) => bulk.list(ctx)),
    api('GET', `/jobs/ingest/${ID}`, '/jobs/ingest/{id}', (ctx) => bulk.get(ctx, ctx.params[0])),
    api('PATCH', `/jobs/ingest/${ID}`, '/jobs/ingest/{id}', (ctx) => bulk.patch(ctx, ctx.params[0])),
    api('DELETE', `/jobs/ingest/${ID}`, '/jobs/ingest/{id}', (ctx) => bulk.remove(ctx.params[0])),
    api(
      'PUT',
      `/jobs/ingest/${ID}/batches`,
      '/jobs/ingest/{id}/batches',
      (ctx) => bulk.upload(ctx, ctx.params[0]),
      true
    ),
    api('GET', `/jobs/ingest/${ID}/successfulResults`, '/jobs/ingest/{id}/successfulResults', (ctx) =>
      bulk.results(ctx.params[0], 'successful')
    ),
    api('GET', `/jobs/ingest/${ID}/failedResults`, '/jobs/ingest/{id}/failedResults', (ctx) =>
      bulk.results(ctx.params[0], 'failed')
    ),
    api('GET', `/jobs/ingest/${ID}/unprocessedrecords`, '/jobs/ingest/{id}/unprocessedrecords', (ctx) =>
      bulk.results(ctx.params[0], 'unprocessed')
    ),
  ];

  /** Runs a composite subrequest through the same routes (it is part of one API call, so it is not counted). */
  const dispatch: Dispatch = async (method, target, body, subHeaders = {}) => {
    const url = new URL(
      target.replace(/^[^?]*/, (p) => p.replace(/\/{2,}/g, '/')),
      'http://127.0.0.1'
    );
    const route = routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    if (!route)
      return { status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] };
    // Only synchronous record and query resources run inside a composite transaction.
    if (route.upload || /^\/services\/data\/v[\d.]+\/(jobs|metadata)\//.test(url.pathname)) {
      return {
        status: 400,
        body: [
          {
            errorCode: 'INVALID_BATCH_REQUEST',
            message: `${method} ${url.pathname} is not supported in a composite request`,
          },
        ],
      };
    }
    const m = route.pattern.exec(url.pathname) as RegExpExecArray;
    const ctx: RequestContext = {
      method,
      path: url.pathname,
      url,
      params: m.slice(2),
      headers: { ...subHeaders, 'content-type': 'application/json' },
      body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
      version: m[1],
    };
    try {
      const reply = await route.handler(ctx);
      return { status: reply.status, body: reply.raw ?? reply.body ?? null };
    } catch (error) {
      if (error instanceof ApiError) return { status: error.status, body: error.body() };
      if (error instanceof RecordError) return { status: 400, body: error.restBody() };
      throw error;
    }
  };

  const requestLog = new RequestLog();

  const reset = (resetOptions: { keepSchema?: boolean } = {}): void => {
    org.reset(resetOptions);
    deploys.reset();
    bulk.reset();
    bulkQuery.reset();
    counters.reset();
    requestLog.clear();
    faults.clear();
    latencyMs = options.latencyMs ?? 0;
    latencyMatch = undefined;
    limit.used = 0;
    changeSettings(org, { clockSkewMs: options.clockSkewMs ?? 0, duplicateRules: options.duplicateRules ?? true });
  };

  const adminState: AdminState = {
    org,
    jwt,
    counters,
    limit,
    faults,
    requestLog,
    reset,
    setLatency: (ms, match) => {
      latencyMs = ms;
      latencyMatch = match ? new RegExp(match) : undefined;
    },
  };

  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header);
    return m?.[1].trim() === accessToken;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    // `sf` stores the instance URL with a trailing slash, so its calls start with `//services/…`: collapse slashes.
    const rawPath = (req.url ?? '/').replace(/^[^?]*/, (p) => p.replace(/\/{2,}/g, '/'));
    const url = new URL(rawPath, 'http://127.0.0.1');
    const path = url.pathname;

    if (path.startsWith('/__emulator/')) {
      try {
        const body = await readBody(req, maxUpload);
        send(res, await handleAdmin(adminState, req.method ?? 'GET', url, body));
      } catch (error) {
        sendError(res, error, {});
      }
      return;
    }

    const versionsRoute = path === '/services/data' || path === '/services/data/';
    const identityRoute =
      path === `/id/${org.orgId}/${org.userId}` || path === `/id/${org.orgId15}/${org.userId.slice(0, 15)}`;
    const userinfoRoute = path === '/services/oauth2/userinfo' || identityRoute;
    const soapRoute = /^\/services\/Soap\/[mcu]\/\d+\.\d$/.test(path);
    const cometdRoute = path === '/cometd' || path.startsWith('/cometd/');
    const tokenRoute = path === '/services/oauth2/token';
    let route: Route | undefined;
    let params: string[] = [];
    let version = apiVersion;
    let methodAllowed = true;
    if (!versionsRoute && !userinfoRoute && !soapRoute && !cometdRoute && !tokenRoute) {
      const candidates = routes.filter((r) => r.pattern.test(path));
      route = candidates.find((r) => r.method === method);
      methodAllowed = candidates.length === 0 || route !== undefined;
      const m = route?.pattern.exec(path) ?? candidates[0]?.pattern.exec(path);
      if (m) {
        version = m[1];
        params = m.slice(2);
      }
    }
    const key = versionsRoute
      ? `${method} /services/data`
      : identityRoute
        ? `${method} /id/{orgId}/{userId}`
        : userinfoRoute
          ? `${method} /services/oauth2/userinfo`
          : soapRoute
            ? `${method} /services/Soap/${path.split('/')[3]}`
            : cometdRoute
              ? `${method} /cometd/{version}`
              : tokenRoute
                ? `${method} /services/oauth2/token`
                : route
                  ? route.key
                  : `${method} (unknown)`;
    counters.add(key);
    const started = Date.now();
    const at = new Date(org.clock.nowMs()).toISOString();
    let records = 0;
    let objects: string[] = [];
    const fault: FaultKind | undefined = faults.draw(path);
    res.on('close', () => {
      requestLog.add({
        at,
        method,
        path,
        key,
        status: res.headersSent ? res.statusCode : 0,
        ms: Date.now() - started,
        records,
        ...(objects.length > 0 ? { objects } : {}),
        ...(fault ? { fault } : {}),
      });
    });

    if (latencyMs > 0 && (!latencyMatch || latencyMatch.test(path)))
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
    // The Streaming API is outside the REST API's faults and request allowance (it has its own limits).
    if (cometdRoute) {
      cometd.handle(req, res, path);
      return;
    }

    // A lost response: the write is processed in full, then the connection goes without an answer.
    const lost = fault === 'lost-response' && ['POST', 'PATCH', 'PUT', 'DELETE'].includes(method);
    if (fault === 'drop' || (fault === 'lost-response' && !lost)) {
      req.socket.destroy();
      return;
    }
    const respond = (reply: Reply, headers: Record<string, string> = {}): void => {
      if (lost) req.socket.destroy();
      else send(res, reply, headers);
    };
    const limitHeaders = (): Record<string, string> => ({ 'Sforce-Limit-Info': limit.header() });
    if (fault === 'unavailable') {
      send(
        res,
        json(503, [
          { errorCode: 'SERVER_UNAVAILABLE', message: 'Server temporarily unavailable. Please retry your request.' },
        ]),
        limitHeaders()
      );
      req.resume();
      return;
    }
    if (fault === 'limit') {
      send(
        res,
        json(403, [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }]),
        limitHeaders()
      );
      req.resume();
      return;
    }

    if (tokenRoute) {
      const form = new URLSearchParams(method === 'POST' ? (await readBody(req, maxBody)).toString('utf8') : '');
      respond(
        method === 'POST'
          ? jwt.token(form)
          : json(405, { error: 'invalid_request', error_description: 'must use HTTP POST' })
      );
      return;
    }
    if (versionsRoute && method === 'GET') {
      send(res, rest.versions(org));
      req.resume();
      return;
    }
    if (soapRoute) {
      try {
        const raw = await readBody(req, maxUpload);
        const soap = parseSoap(raw.toString('utf8'));
        const soapVersion = /(\d+\.\d)$/.exec(path)?.[1] ?? apiVersion;
        let reply: Reply;
        // The Partner API (/u) serves convertLead (soap-convert-lead.ts); the Metadata API (/m) deploys.
        const partner = path.startsWith('/services/Soap/u/');
        const fault = partner ? partnerFault : soapFault;
        if (!partner && !path.startsWith('/services/Soap/m/'))
          reply = soapFault(
            NOT_MODELLED,
            `The Salesforce emulator does not model the SOAP API at ${path}: ` +
              'only the Metadata API (/services/Soap/m) and the Partner API (/services/Soap/u) convertLead'
          );
        else if (!soap.operation || !soap.payload) reply = fault('INVALID_SOAP', 'The request is not a SOAP envelope');
        else if (soap.sessionId !== accessToken)
          reply = fault('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session');
        else if (!limit.take()) reply = fault('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
        else {
          org.store.beginCall({ version: soapVersion });
          reply = partner
            ? handlePartnerSoap(
                { schema: org.schema, store: org.store, leadConvertMappings: () => org.leadConvertMappings },
                soap.operation,
                soap.payload
              )
            : await handleSoap(deploys, soapVersion, soap.operation, soap.payload);
        }
        respond(reply, limitHeaders());
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          send(res, soapFault('EXCEEDED_MAX_SIZE_REQUEST', 'The request body is too large'), { Connection: 'close' });
          res.on('finish', () => req.socket.destroy());
          return;
        }
        send(res, soapFault('UNKNOWN_EXCEPTION', (error as Error).message));
      }
      return;
    }
    if (!authorized(req)) {
      if (userinfoRoute) respond({ status: 403, raw: 'Bad_OAuth_Token', contentType: 'text/plain' });
      else respond(json(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]));
      req.resume();
      return;
    }
    if (userinfoRoute) {
      respond(identityRoute ? rest.identity(org, baseUrl) : rest.userinfo(org, baseUrl));
      req.resume();
      return;
    }
    if (!limit.take()) {
      respond(
        json(403, [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }]),
        limitHeaders()
      );
      req.resume();
      return;
    }
    const versionNumber = Number(version);
    if (route && (versionNumber < 31 || versionNumber > Number(apiVersion))) {
      respond(
        json(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]),
        limitHeaders()
      );
      req.resume();
      return;
    }
    if (!route) {
      const reply = methodAllowed
        ? json(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }])
        : json(405, [
            {
              errorCode: 'METHOD_NOT_ALLOWED',
              message: `HTTP Method '${method}' not allowed. Allowed are ${routes
                .filter((r) => r.pattern.test(path))
                .map((r) => r.method)
                .join(',')}`,
            },
          ]);
      respond(reply, limitHeaders());
      req.resume();
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, route.upload ? maxUpload : maxBody);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        send(
          res,
          json(413, [
            {
              errorCode: 'REQUEST_ENTITY_TOO_LARGE',
              message: `The request body exceeds the maximum size of ${route.upload ? maxUpload : maxBody} bytes`,
            },
          ]),
          {
            ...limitHeaders(),
            Connection: 'close',
          }
        );
        res.on('finish', () => req.socket.destroy());
        return;
      }
      throw error;
    }
    const ctx: RequestContext = { method, path, url, params, headers: req.headers, body, version };
    const ruleHeader = req.headers['sforce-duplicate-rule-header'];
    const duplicateRuleHeader = parseDuplicateRuleHeader(Array.isArray(ruleHeader) ? ruleHeader[0] : ruleHeader);
    org.store.beginCall({
      allowDuplicates: duplicateRuleHeader.allowSave,
      includeRecordDetails: duplicateRuleHeader.includeRecordDetails,
      version,
      changeOrigin: changeOrigin('rest', version, [req.headers['sforce-call-options'] ?? ''].flat()[0]),
    });
    const writesBefore = org.store.writes;
    let reply: Reply;
    try {
      reply = await route.handler(ctx);
    } catch (error) {
      reply = errorReply(error);
    }
    objects = org.store.endCall();
    records = reply.records ?? org.store.writes - writesBefore;
    respond(reply, limitHeaders());
  };

  const cometd = new CometdEndpoint(org.changeEvents, authorized, apiVersion);
  const server: Server = createServer({ ServerResponse: orgDateResponse(org.clock) }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, error, {});
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  const listening = await listenOnLoopback(server, options.port);
  const port = listening.port;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    port,
    accessToken,
    orgId: org.orgId,
    userId: org.userId,
    username: org.username,
    repUsername: org.repUsername,
    apiVersion,
    counters: () => counters.snapshot(),
    resetCounters: () => counters.reset(),
    reset,
    setFaults: (fault) => faults.set(fault),
    clearFaults: () => faults.clear(),
    setLatency: (ms, match) => adminState.setLatency(ms, match),
    setDailyApiLimit: (max) => {
      limit.max = max;
    },
    apiUsage: () => ({ used: limit.used, max: limit.max }),
    seed: (data) => org.loadSeed(data),
    requests: () => requestLog.list(),
    waitForRequests: async (wait) => {
      const result = await requestLog.wait(wait);
      if (result.timedOut) {
        throw new Error(
          `waited ${wait.timeoutMs ?? 30_000} ms for ${wait.count} request(s) matching ${wait.match ?? 'anything'}; ` +
            `saw ${result.requests.length}: ${result.requests.map((r) => `#${r.seq} ${r.method} ${r.path}`).join(', ')}`
        );
      }
      return result.requests;
    },
    setClockSkew: (ms) => changeSettings(org, { clockSkewMs: ms }),
    setDuplicateRules: (active) => changeSettings(org, { duplicateRules: active }),
    settings: () => settings(org),
    records: (objectName) => {
      const object = org.schema.object(objectName);
      if (!object) throw new Error(`no object ${objectName}`);
      return org.store.all(object).map((r) => ({ ...r }));
    },
    changeEvents: () => org.changeEvents.retained().map((e) => structuredClone(e.data)),
    changeEventSubscribers: (channel) => cometd.subscriberCount(channel),
    registerConnectedApp: (app) => jwt.register(app),
    notifications: () => org.notifications.notifications(),
    close: async () => {
      cometd.close();
      await listening.close();
    },
  };
}

/** Responses whose `Date` header comes from the org's clock, as every server sends its own time. */
function orgDateResponse(clock: Clock): typeof ServerResponse {
  return class OrgDateResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
    public override writeHead(statusCode: number, statusMessage?: string, headers?: OutgoingHttpHeaders): this;
    public override writeHead(statusCode: number, headers?: OutgoingHttpHeaders): this;
    public override writeHead(statusCode: number, ...rest: unknown[]): this {
      this.setHeader('Date', clock.httpDate());
      return typeof rest[0] === 'string'
        ? super.writeHead(statusCode, rest[0], rest[1] as OutgoingHttpHeaders | undefined)
        : super.writeHead(statusCode, rest[0] as OutgoingHttpHeaders | undefined);
    }
  };
}

/** An error as the REST API answers it. */
function errorReply(error: unknown): Reply {
  if (error instanceof ApiError) return json(error.status, error.body());
  if (error instanceof RecordError) return json(400, error.restBody());
  if (error instanceof SyntaxError) return json(400, [{ errorCode: 'JSON_PARSER_ERROR', message: error.message }]);
  const message = error instanceof Error ? error.message : String(error);
  return json(500, [
    { errorCode: 'UNKNOWN_EXCEPTION', message: `An unexpected error occurred in the emulator: ${message}` },
  ]);
}

function sendError(res: ServerResponse, error: unknown, headers: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, errorReply(error), headers);
}
