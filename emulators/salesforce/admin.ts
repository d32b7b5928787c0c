/**
 * The emulator's own resources under `/__emulator/` (a path no real org has), for tests, the demo and benchmarks:
 * health, counters, reset, faults, latency, the daily API limit, seed data, the request log and stored rows.
 */
import { ApiError, RecordError } from './errors.js';
import type { ApiLimit, Counters, Faults } from './faults.js';
import { type Reply, json } from './http.js';
import type { Org } from './org.js';

export type RequestLogEntry = { at: string; method: string; path: string; key: string; status: number; ms: number };

/** What the admin resources read and change in a running emulator. */
export type AdminState = {
  org: Org;
  counters: Counters;
  limit: ApiLimit;
  faults: Faults;
  requestLog: RequestLogEntry[];
  reset(options: { keepSchema?: boolean }): void;
  setLatency(ms: number, match?: string): void;
};

export async function handleAdmin(state: AdminState, method: string, path: string, body: Buffer): Promise<Reply> {
  const input = (): Record<string, unknown> => {
    const text = body.toString('utf8').trim();
    if (text === '') return {};
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new ApiError(400, 'JSON_PARSER_ERROR', 'expected a JSON object');
    return parsed as Record<string, unknown>;
  };
  if (path === '/__emulator/health') return json(200, { ok: true });
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
  if (path === '/__emulator/requests' && method === 'GET') return json(200, { requests: state.requestLog });
  if (path === '/__emulator/requests' && method === 'DELETE') {
    state.requestLog.length = 0;
    return json(200, { ok: true });
  }
  const records = /^\/__emulator\/records\/([A-Za-z0-9_]+)$/.exec(path);
  if (records && method === 'GET') {
    const object = state.org.schema.object(records[1]);
    if (!object) throw new ApiError(404, 'NOT_FOUND', `no object ${records[1]}`);
    return json(200, { records: state.org.store.all(object) });
  }
  await Promise.resolve();
  throw new ApiError(404, 'NOT_FOUND', `no admin resource ${method} ${path}`);
}
