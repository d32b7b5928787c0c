/**
 * The two emulators as the bench reaches them: over HTTP, from outside their processes. Their `/__emulator/`
 * endpoints (never counted, no injected latency: emulators/*\/README.md) reset, seed, play Microsoft's side and
 * read counters and request logs; a rep's edit and the bench's read-backs go through the Salesforce REST API.
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import type { Emulator } from './processes.js';

export type Counters = Record<string, number>;
type Json = Record<string, unknown>;

async function call<T>(url: string, init: RequestInit = {}, okStatuses = [200]): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: { 'Content-Type': 'application/json', ...(init.headers ?? {}) },
    signal: AbortSignal.timeout(11 * 60_000),
  });
  const text = await response.text();
  if (!okStatuses.includes(response.status))
    throw new Error(`${init.method ?? 'GET'} ${url.replace(/\?.*/, '')}: ${response.status} ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

const post = (body: unknown = {}): RequestInit => ({ method: 'POST', body: JSON.stringify(body) });

/** Sign-in requests are not data requests (the authority's endpoints, and the CLI's identity check). */
export const isSignIn = (key: string): boolean => /token|devicecode|authorize|userinfo|openid/i.test(key);
export const isWrite = (key: string): boolean => /^(POST|PATCH|PUT|DELETE) /.test(key);
export const total = (counters: Counters, keep: (key: string) => boolean = () => true): number =>
  Object.entries(counters).reduce((sum, [key, n]) => sum + (keep(key) ? n : 0), 0);

export type SalesforceLogEntry = {
  seq: number;
  at: string;
  method: string;
  path: string;
  key: string;
  ms: number;
  /** Records the request wrote (emulators/salesforce/request-log.ts). */
  records?: number;
};

export class SalesforceOrg {
  public readonly url: string;
  public readonly accessToken: string;
  private readonly api: string;

  public constructor(emulator: Emulator, version = '64.0') {
    this.url = emulator.url;
    this.accessToken = emulator.values.SF_ACCESS_TOKEN;
    this.api = `${this.url}/services/data/v${version}`;
  }

  public reset(): Promise<unknown> {
    return call(`${this.url}/__emulator/reset`, post({ keepSchema: true }));
  }

  /** The org's settings the emulator's admin endpoint changes (emulators/salesforce/admin.ts): duplicate rules. */
  public settings(changes: { duplicateRules?: boolean }): Promise<unknown> {
    return call(`${this.url}/__emulator/settings`, post(changes));
  }

  public async counters(): Promise<Counters> {
    return (await call<{ counters: Counters }>(`${this.url}/__emulator/counters`)).counters;
  }

  public resetCounters(): Promise<unknown> {
    return call(`${this.url}/__emulator/counters`, { method: 'DELETE' });
  }

  public async requests(): Promise<SalesforceLogEntry[]> {
    return (await call<{ requests: SalesforceLogEntry[] }>(`${this.url}/__emulator/requests`)).requests;
  }

  public clearRequests(): Promise<unknown> {
    return call(`${this.url}/__emulator/requests`, { method: 'DELETE' });
  }

  /** The next `count` requests matching `match` (on `METHOD /path`) after `since`, once they are over. */
  public async waitForRequests(
    match: string,
    since: number,
    timeoutMs: number,
    count = 1
  ): Promise<SalesforceLogEntry[]> {
    const query = new URLSearchParams({
      match,
      since: String(since),
      count: String(count),
      timeoutMs: String(timeoutMs),
    });
    const waited = await call<{ requests: SalesforceLogEntry[]; timedOut: boolean }>(
      `${this.url}/__emulator/requests/wait?${query.toString()}`,
      {},
      [200, 408]
    );
    if (waited.timedOut) throw new Error(`no request matching ${match} within ${timeoutMs} ms`);
    return waited.requests;
  }

  /** Every stored row of an object (admin read: for small objects only). */
  public async records(object: string): Promise<Json[]> {
    return (await call<{ records: Json[] }>(`${this.url}/__emulator/records/${object}`)).records;
  }

  /** A REST API call with the org's access token, as a rep's browser or the bench's read-back sends it. */
  public rest<T = Json>(method: string, resource: string, body?: unknown): Promise<T> {
    return call<T>(
      `${this.api}${resource}`,
      {
        method,
        headers: { Authorization: `Bearer ${this.accessToken}` },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      [200, 201, 204]
    );
  }

  public async query<T = Json>(soql: string): Promise<{ totalSize: number; records: T[] }> {
    return this.rest('GET', `/query?q=${encodeURIComponent(soql)}`);
  }

  public async count(object: string): Promise<number> {
    return (await this.query(`SELECT COUNT() FROM ${object}`)).totalSize;
  }
}

export type PartnerCenterLogEntry = { seq: number; at: string; method: string; endpoint: string; path: string };
export type Referral = Json & { id: string; externalReferenceId?: string; status?: string };

export class PartnerCenter {
  public readonly url: string;
  /** What a child process needs: its CA, the headless sign-in and the endpoint overrides (the start-up lines). */
  public readonly env: Record<string, string>;

  public constructor(emulator: Emulator) {
    this.url = emulator.url;
    this.env = Object.fromEntries(
      Object.entries(emulator.values).filter(([key]) => key.startsWith('PCSYNC_') || key === 'NODE_EXTRA_CA_CERTS')
    );
    // This process reaches the emulator's https endpoints too: trust its TLS root, as NODE_EXTRA_CA_CERTS does.
    tls.setDefaultCACertificates([
      ...tls.getCACertificates('default'),
      readFileSync(this.env.NODE_EXTRA_CA_CERTS, 'utf8'),
    ]);
  }

  /** The https prefix of the signing certificate's URL, and of the issuer (AIA) URLs, for serve's allow-lists. */
  public get certificatePrefix(): string {
    return `${this.url}/certs/`;
  }

  public get issuerPrefix(): string {
    return `${this.url}/pkiops/`;
  }

  private admin<T>(route: string, init: RequestInit = {}, ok = [200]): Promise<T> {
    return call<T>(`${this.url}/__emulator/${route}`, init, ok);
  }

  public reset(): Promise<unknown> {
    return this.admin('reset', post());
  }

  public seed(count: number, kind = 'cosell', customers: 'numbered' | 'distinct' = 'numbered'): Promise<unknown> {
    return this.admin('referrals/seed', post({ count, kind, customers }));
  }

  public createIncoming(kind = 'cosell'): Promise<Referral> {
    return this.admin('referrals', post({ kind }));
  }

  public transition(id: string, action: 'accept' | 'win' | 'lose'): Promise<Referral> {
    return this.admin(`referrals/${encodeURIComponent(id)}/${action}`, post());
  }

  public async referrals(): Promise<Referral[]> {
    return (await this.admin<{ referrals: Referral[] }>('referrals')).referrals;
  }

  public async counters(): Promise<Counters> {
    return (await this.admin<{ counters: Counters }>('counters')).counters;
  }

  public resetCounters(): Promise<unknown> {
    return this.admin('counters', { method: 'DELETE' });
  }

  public async requests(): Promise<PartnerCenterLogEntry[]> {
    return (await this.admin<{ requests: PartnerCenterLogEntry[] }>('requests')).requests;
  }

  /** The next `count` requests matching `match` after `after`, once answered. */
  public async waitForRequests(
    match: string,
    after: number,
    timeoutMs: number,
    count = 1
  ): Promise<PartnerCenterLogEntry[]> {
    const query = new URLSearchParams({
      match,
      after: String(after),
      count: String(count),
      timeoutMs: String(timeoutMs),
    });
    const waited = await this.admin<{ requests: PartnerCenterLogEntry[]; message?: string }>(
      `requests/wait?${query.toString()}`,
      {},
      [200, 408]
    );
    if (waited.message) throw new Error(`Partner Center: no request matching ${match}: ${waited.message}`);
    return waited.requests;
  }
}

/** The last sequence number a request log holds (0 when empty). */
export const lastSeq = (entries: Array<{ seq: number }>): number =>
  entries.reduce((max, entry) => Math.max(max, entry.seq), 0);
