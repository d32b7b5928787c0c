/**
 * Watches the org connection's wire: every request jsforce (and the Bulk API under it) sends is counted by
 * endpoint, the org's clock is read from each response's `Date` header, and each request is marked as pcsync's
 * (`Sforce-Call-Options: client=pcsync`, which Salesforce reports back in change events as the change's origin).
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { Traffic } from '../shared/traffic.js';

/** The client name pcsync's API calls carry (REST API Developer Guide, "Call Options Header"). */
export const CALL_OPTIONS = 'client=pcsync';

type WireRequest = { method?: string; url?: string; headers?: Record<string, string> };
type WireResponse = { statusCode?: number; headers?: Record<string, string | string[] | undefined> };
type Transport = {
  httpRequest(request: WireRequest, options?: unknown): PromiseLike<WireResponse> & object;
};

const RECORD_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** `GET /services/data/v64.0/sobjects/Opportunity/006…` → `GET /sobjects/{type}/{id}`: one name per endpoint. */
export function endpointOf(method: string, url: string): string {
  const path = new URL(url, 'http://localhost').pathname.replace(/^\/services\/(?:data|async)\/v\d+\.\d+/, '');
  const parts = path.split('/').filter(Boolean);
  const named = parts.map((part, index) => {
    const previous = parts[index - 1];
    if (previous === 'sobjects') return '{type}';
    if (previous === 'query' || previous === 'queryAll') return parts[0] === 'jobs' ? '{job}' : '{cursor}';
    if (previous === 'ingest' || previous === 'query-jobs') return '{job}';
    if (index > 0 && RECORD_ID.test(part)) return '{id}';
    return part;
  });
  // An upsert by External ID names its field after the type: `/composite/sobjects/{type}/{field}`.
  if (parts[0] === 'composite' && parts[1] === 'sobjects' && parts.length === 4) named[3] = '{field}';
  if (parts[0] === 'sobjects' && parts.length === 4) named[2] = '{field}';
  return `${method.toUpperCase()} /${named.join('/')}`;
}

/** The traffic each instrumented connection counts into. */
const watched = new WeakMap<Connection, Traffic>();

/** Instruments the connection once; later calls find it already done. */
export function instrumentConnection(connection: Connection, traffic: Traffic): void {
  const transport = (connection as unknown as { _transport?: Transport })._transport;
  if (!transport || watched.has(connection)) return;
  watched.set(connection, traffic);
  watch(transport, traffic);
}

/**
 * Watches another transport the connection's requests go through (one that streams a body, csv-stream.ts) as the
 * connection's own: counted in the same traffic, marked the same. A connection never instrumented is left as it is.
 */
export function watchTransport(connection: Connection, transport: Transport): void {
  const traffic = watched.get(connection);
  if (traffic) watch(transport, traffic);
}

function watch(transport: Transport, traffic: Traffic): void {
  const send = transport.httpRequest.bind(transport);
  transport.httpRequest = (request, options) => {
    request.headers = { ...(request.headers ?? {}), 'Sforce-Call-Options': CALL_OPTIONS };
    const pending = send(request, options);
    const endpoint = endpointOf(request.method ?? 'GET', request.url ?? '');
    // Observe without changing what jsforce awaits (the promise also carries its response stream).
    pending.then(
      (response) => {
        const date = response?.headers?.date;
        traffic.record('salesforce', endpoint, Array.isArray(date) ? date[0] : date);
      },
      () => traffic.record('salesforce', endpoint)
    );
    return pending;
  };
}
