/**
 * A Bulk API 2.0 job's CSV both ways without the whole of it in memory. A CSV the org answers — a job's results — is
 * read as it arrives: each row is handed on as its line ends, so neither the body nor a copy of it is ever held
 * (jsforce reads every response into one buffer, then one string, and keeps a second copy in the request's stream
 * until the request is dropped). A CSV uploaded — a job's data — is made a chunk at a time as the socket takes it,
 * through undici's dispatcher rather than jsforce's fetch: fetch cannot send a stream body a second time, so jsforce's
 * retry after refreshing an expired session failed the upload; and through jsforce's streams and fetch, the sf
 * process's RSS rose 27 and 47 MB during a 10,000-Opportunity upload (two runs; array buffers +15 MB), this way not
 * at all (the cause not pinned down: each layer waits for the next). Each request is otherwise jsforce's own: its
 * session refresh and one retry on 401 INVALID_SESSION_ID, its errors, its HTTP proxy (`proxyOf`); the connection's
 * API version and instance URL; and pcsync's count of it (instrument.ts). An upload leaves out the rest of jsforce's
 * fetch: its retries (which could not send a read stream again either: a failed upload fails its job's rows, each with
 * the reason), its redirects (the Bulk API answers an upload with 201) and its 30-minute limit (undici's own: 300 s
 * without a byte either way).
 */
import { PassThrough, Readable, type Duplex } from 'node:stream';
import type { Connection } from '@jsforce/jsforce-node';
import { HttpApi } from '@jsforce/jsforce-node/lib/http-api.js';
import { Transport } from '@jsforce/jsforce-node/lib/transport.js';
import type { HttpRequest, HttpRequestOptions, HttpResponse } from '@jsforce/jsforce-node/lib/types/index.js';
import { StreamPromise } from '@jsforce/jsforce-node/lib/util/promise.js';
import { Agent, ProxyAgent, request as send, type Dispatcher } from 'undici';
import { csvRows, type BulkRow } from './bulk-csv.js';
import { watchTransport } from './instrument.js';

type Headers = HttpResponse['headers'];

/** The body read a chunk at a time: to `consume` (a success's), or kept whole (an error's, which jsforce reads). */
async function readBody(body: Duplex, consume?: (text: string) => void): Promise<string> {
  const decoder = new TextDecoder(); // a character split between chunks is joined, not garbled
  let kept = '';
  const take = (text: string): void => (consume ? consume(text) : void (kept += text));
  for await (const chunk of body) take(decoder.decode(chunk as Uint8Array, { stream: true }));
  take(decoder.decode());
  return kept;
}

/**
 * The HTTP proxy the connection's requests go through, as jsforce picks it: the connection's own (`httpProxy`, its
 * HttpProxyTransport), else the environment's — jsforce's transport.js reads https_proxy, http_proxy, HTTPS_PROXY,
 * HTTP_PROXY in that order into its defaults (the sf CLI's connections set none of their own).
 */
const proxyOf = (connection: Connection): string | undefined =>
  (connection as unknown as { _transport?: { _httpProxy?: string } })._transport?._httpProxy ??
  process.env.https_proxy ??
  process.env.http_proxy ??
  process.env.HTTPS_PROXY ??
  process.env.HTTP_PROXY;

/** jsforce's transport, but a successful response's body goes to `consume` as it arrives instead of into memory. */
class StreamingTransport extends Transport {
  public constructor(
    private readonly consume: (text: string) => void,
    private readonly httpProxy: string | undefined
  ) {
    super();
  }

  public httpRequest(request: HttpRequest, options: HttpRequestOptions = {}): StreamPromise<HttpResponse> {
    return StreamPromise.create(() => {
      // as jsforce's own httpRequest (its HttpProxyTransport adds the proxy the same way)
      const proxy = this.httpProxy ? { httpProxy: this.httpProxy } : {};
      const body = this.getRequestStreamCreator()(request, { ...options, ...proxy });
      const promise = new Promise<HttpResponse>((resolve, reject) => {
        body.once('error', reject);
        body.once('response', (response: Omit<HttpResponse, 'body'>) => {
          const success = response.statusCode >= 200 && response.statusCode < 300;
          readBody(body, success ? this.consume : undefined).then(
            (text) => resolve({ ...response, body: text }),
            reject
          );
        });
      });
      // jsforce pipes the request's stream into one of its own that nobody reads, which would keep the whole body:
      // it gets an empty one instead.
      return { stream: new PassThrough(), promise };
    });
  }
}

/** The Bulk API 2.0 answers as jsforce reads them (its BulkApiV2): errors as `[{ errorCode, message }]`. */
class BulkApi extends HttpApi<never> {
  public hasErrorInResponseBody(body: unknown): boolean {
    return Array.isArray(body) && typeof body[0] === 'object' && body[0] !== null && 'errorCode' in body[0];
  }

  public isSessionExpired(response: HttpResponse): boolean {
    return response.statusCode === 401 && response.body.includes('INVALID_SESSION_ID');
  }

  public parseError(body: Array<{ errorCode: string; message: string }>): { errorCode: string; message: string } {
    return { errorCode: body[0].errorCode, message: body[0].message };
  }
}

/**
 * GETs `path` (under `/services/data/vXX.X` of the connection's instance, e.g. `/jobs/ingest/750…/successfulResults`
 * or `/jobs/query/750…/results?maxRecords=50000`) and hands each CSV row to `onRow`, by the header's column names, as
 * its line arrives (its values may be views of the body's text: what `onRow` keeps, it copies — `own`). Resolves with
 * the response's headers (lower-case names; a query job's `sforce-locator`) once every row was handed on; rejects
 * with jsforce's error for the request, or with what `onRow` throws. A request that fails part-way has handed on the
 * rows before the failure: a caller that retries starts its rows again.
 */
export async function streamCsv(
  connection: Connection,
  path: string,
  onRow: (row: BulkRow) => void
): Promise<{ headers: Headers }> {
  const reader = csvRows(onRow);
  const transport = new StreamingTransport((text) => reader.write(text), proxyOf(connection));
  watchTransport(connection, transport);
  const api = new BulkApi(connection as unknown as Connection<never>, { transport, responseType: 'text/plain' });
  let headers: Headers = {};
  api.on('response', (response: HttpResponse) => (headers = response.headers));
  await api.request({ method: 'GET', url: apiUrl(connection, path), headers: { Accept: 'text/csv' } });
  reader.end();
  return { headers };
}

const apiUrl = (connection: Connection, path: string): string =>
  new URL(`/services/data/v${connection.version}${path}`, connection.instanceUrl).toString();

/** Dispatchers as jsforce's request.js makes them (HTTP/1.1, no HTTP/2): one direct, one per proxy. */
const direct = new Agent({ connect: { allowH2: false } });
const proxies = new Map<string, ProxyAgent>();
const dispatcherFor = (httpProxy: string | undefined): Dispatcher => {
  if (!httpProxy) return direct;
  let proxy = proxies.get(httpProxy);
  if (!proxy) proxies.set(httpProxy, (proxy = new ProxyAgent({ uri: httpProxy, requestTls: { allowH2: false } })));
  return proxy;
};

/**
 * jsforce's transport, but the request's body is made by `body` as the socket takes it (undici's dispatcher, which
 * writes the next chunk only once the last was taken) — anew for each request, so the retry after a refreshed session
 * sends it whole again.
 */
class UploadTransport extends Transport {
  public constructor(
    private readonly body: () => Iterable<string>,
    private readonly dispatcher: Dispatcher
  ) {
    super();
  }

  public httpRequest(request: HttpRequest): StreamPromise<HttpResponse> {
    return StreamPromise.create(() => {
      const promise = (async (): Promise<HttpResponse> => {
        const response = await send(request.url, {
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers,
          body: Readable.from(this.body(), { objectMode: false }),
          dispatcher: this.dispatcher,
        });
        const headers = response.headers as HttpResponse['headers'];
        return { statusCode: response.statusCode, headers, body: await response.body.text() };
      })();
      return { stream: new PassThrough(), promise };
    });
  }
}

/**
 * PUTs a CSV to `path` (under `/services/data/vXX.X`, e.g. `/jobs/ingest/750…/batches`, "Upload Job Data"), its text
 * the chunks `body` yields, each made when the connection is ready to send it; `body` is called again for a request
 * sent again (an expired session), and must yield the same CSV. Rejects with jsforce's error for the request.
 */
export async function uploadCsv(connection: Connection, path: string, body: () => Iterable<string>): Promise<void> {
  const transport = new UploadTransport(body, dispatcherFor(proxyOf(connection)));
  watchTransport(connection, transport);
  const api = new BulkApi(connection as unknown as Connection<never>, { transport, responseType: 'application/json' });
  await api.request({ method: 'PUT', url: apiUrl(connection, path), headers: { 'Content-Type': 'text/csv' } });
}
