/**
 * The emulator's own resources under `/__emulator/` (a path no real org has), for tests, the demo and benchmarks:
 * health, counters, reset, faults, latency, the daily API limit, the org's settings (clock skew, duplicate rules),
 * seed data, the request log (and waiting on it), stored rows, the notifications sent, and connected apps' uploaded
 * certificates (the JWT bearer flow).
 */
import { ApiError, RecordError } from './errors.js';
import type { ApiLimit, Counters, Faults } from './faults.js';
import { type Reply, json } from './http.js';
import type { JwtBearer } from './jwt-bearer.js';
import type { Org } from './org.js';
import type { RequestLog } from './request-log.js';

/** What the admin resources read and change in a running emulator. */
export type AdminState = {
  org: Org;
  jwt: JwtBearer;
  counters: Counters;
  limit: ApiLimit;
  faults: Faults;
  requestLog: RequestLog;
  reset(options: { keepSchema?: boolean }): void;
  setLatency(ms: number, match?: string): void;
};

/** The org's settings: the defaults a new org has, and the clock. */
export type OrgSettings = { clockSkewMs: number; duplicateRules: boolean; stateCountryPicklists: boolean };

export function settings(org: Org): OrgSettings {
  return {
    clockSkewMs: org.clock.skewMs,
    duplicateRules: org.store.duplicateRules,
    stateCountryPicklists: org.stateCountryPicklists,
  };
}

/** Changes what can change at run time; the picklists are fixed at start (they change the schema). */
export function changeSettings(org: Org, input: Record<string, unknown>): void {
  if (input.clockSkewMs !== undefined) {
    const skew = Number(input.clockSkewMs);
    if (!Number.isFinite(skew)) throw new ApiError(400, 'INVALID_SETTINGS', 'clockSkewMs must be a number of ms');
    org.clock.skewMs = skew;
  }
  if (input.duplicateRules !== undefined) {
    if (typeof input.duplicateRules !== 'boolean')
      throw new ApiError(400, 'INVALID_SETTINGS', 'duplicateRules must be true or false');
    org.store.duplicateRules = input.duplicateRules;
  }
  if (input.stateCountryPicklists !== undefined && input.stateCountryPicklists !== org.stateCountryPicklists) {
    throw new ApiError(
      400,
      'INVALID_SETTINGS',
      'stateCountryPicklists is fixed at start-up (--no-state-country-picklists): it changes the schema'
    );
  }
}

export async function handleAdmin(state: AdminState, method: string, url: URL, body: Buffer): Promise<Reply> {
  const path = url.pathname;
  const input = (): Record<string, unknown> => {
    const text = body.toString('utf8').trim();
    if (text === '') return {};
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new ApiError(400, 'JSON_PARSER_ERROR', 'expected a JSON object');
    return parsed as Record<string, unknown>;
  };
  if (path === '/__emulator/health') return json(200, { ok: true });
  if (path === '/__emulator/notifications' && method === 'GET') {
    return json(200, { notifications: state.org.notifications.notifications() });
  }
  if (path === '/__emulator/connected-apps' && method === 'POST') {
    const app = input();
    try {
      state.jwt.register({
        clientId: typeof app.clientId === 'string' ? app.clientId : '',
        certificate: typeof app.certificate === 'string' ? app.certificate : '',
        ...(typeof app.approved === 'boolean' ? { approved: app.approved } : {}),
      });
    } catch (error) {
      throw new ApiError(400, 'INVALID_CONNECTED_APP', (error as Error).message);
    }
    return json(201, { ok: true });
  }
  if (path === '/__emulator/counters' && method === 'GET') {
    return json(200, {
      counters: state.counters.snapshot(),
      total: state.counters.total(),
      apiUsage: { used: state.limit.used, max: state.limit.max },
    });
  }
  if (
    (path === '/__emulator/counters' && method === 'DELETE') ||
    (path === '/__emulator/counters/reset' && method === 'POST')
  ) {
    state.counters.reset();
    return json(200, { ok: true });
  }
  if (path === '/__emulator/reset' && method === 'POST') {
    state.reset({ keepSchema: input().keepSchema === true });
    return json(200, { ok: true });
  }
  if (path === '/__emulator/faults') {
    if (method === 'GET') return json(200, state.faults.state());
    if (method === 'DELETE') {
      state.faults.clear();
      return json(200, state.faults.state());
    }
    try {
      state.faults.set(input());
    } catch (error) {
      throw new ApiError(400, 'INVALID_FAULTS', (error as Error).message);
    }
    return json(200, state.faults.state());
  }
  if (path === '/__emulator/latency' && method === 'POST') {
    const ms = Number(input().ms);
    if (!Number.isFinite(ms) || ms < 0) throw new ApiError(400, 'INVALID_LATENCY', 'ms must be a number ≥ 0');
    const match = typeof input().match === 'string' ? (input().match as string) : undefined;
    state.setLatency(ms, match);
    return json(200, { latencyMs: ms, ...(match ? { match } : {}) });
  }
  if (path === '/__emulator/limits' && method === 'POST') {
    const body2 = input();
    if (body2.dailyApiLimit !== undefined) state.limit.max = Number(body2.dailyApiLimit);
    if (body2.used !== undefined) state.limit.used = Number(body2.used);
    return json(200, { used: state.limit.used, max: state.limit.max });
  }
  if (path === '/__emulator/seed' && method === 'POST') {
    try {
      return json(200, { inserted: state.org.loadSeed(input()) });
    } catch (error) {
      if (error instanceof RecordError) throw new ApiError(400, error.errors[0].statusCode, error.message);
      throw error;
    }
  }
  if (path === '/__emulator/settings') {
    if (method === 'POST') changeSettings(state.org, input());
    return json(200, settings(state.org));
  }
  if (path === '/__emulator/requests' && method === 'GET') return json(200, { requests: state.requestLog.list() });
  if (path === '/__emulator/requests' && method === 'DELETE') {
    state.requestLog.clear();
    return json(200, { ok: true });
  }
  if (path === '/__emulator/requests/wait' && method === 'GET') {
    const q = url.searchParams;
    const number = (name: string): number | undefined => (q.has(name) ? Number(q.get(name)) : undefined);
    let waited;
    try {
      waited = await state.requestLog.wait({
        match: q.get('match') ?? undefined,
        count: number('count') ?? 1,
        timeoutMs: number('timeoutMs'),
        since: number('since'),
      });
    } catch (error) {
      throw new ApiError(400, 'INVALID_WAIT', (error as Error).message);
    }
    // 408: the bound passed first; the body says what was seen meanwhile.
    return json(waited.timedOut ? 408 : 200, waited);
  }
  const records = /^\/__emulator\/records\/([A-Za-z0-9_]+)$/.exec(path);
  if (records && method === 'GET') {
    const object = state.org.schema.object(records[1]);
    if (!object) throw new ApiError(404, 'NOT_FOUND', `no object ${records[1]}`);
    return json(200, { records: state.org.store.all(object) });
  }
  throw new ApiError(404, 'NOT_FOUND', `no admin resource ${method} ${path}`);
}
