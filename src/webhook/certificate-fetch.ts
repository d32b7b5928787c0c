/**
 * Fetching certificates (the signing certificate and AIA issuers) within bounds: over http(s) with a timeout, no
 * redirects and a size enforced while the body streams in; behind a cache keyed by the normalised URL (bounded in
 * number, per-entry size and time) that fetches each URL once at a time and caps how many fetches run at once.
 */

/** Returns the certificate bytes (DER, or PEM with optional intermediates after the leaf). Throws on failure. */
export type CertificateFetcher = (url: string) => Promise<Buffer>;

/** Ample for a certificate or a short PEM bundle (Microsoft's leaf and issuers are 1–3 KB each). */
export const DEFAULT_MAX_CERTIFICATE_BYTES = 64 * 1024;

export type HttpCertificateFetcherOptions = { timeoutMs?: number; maxBytes?: number; fetch?: typeof fetch };

/** Fetches a certificate with a timeout and no redirects, and stops reading at the first byte past `maxBytes`. */
export function httpCertificateFetcher(options: HttpCertificateFetcherOptions = {}): CertificateFetcher {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CERTIFICATE_BYTES;
  const doFetch = options.fetch ?? fetch;
  return async (url: string): Promise<Buffer> => {
    const response = await doFetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    const reader = response.body?.getReader();
    const tooLarge = (): Error => new Error(`The certificate is larger than ${maxBytes} bytes.`);
    try {
      if (!response.ok) throw new Error(`The certificate URL answered HTTP ${response.status}.`);
      if (Number(response.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge();
      if (!reader) throw new Error('The certificate URL answered with no body.');
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) throw tooLarge();
        chunks.push(value);
      }
      if (size === 0) throw new Error('The certificate URL answered with an empty body.');
      return Buffer.concat(chunks);
    } catch (error) {
      await reader?.cancel().catch(() => undefined);
      throw error;
    }
  };
}

export type CertificateCacheOptions = {
  /** How long a fetched certificate is reused (default 1 hour). */
  ttlMs?: number;
  /** How many URLs are remembered (default 16; the least recently used goes first). */
  maxEntries?: number;
  /** How many fetches run at once (default 4)… */
  maxConcurrentFetches?: number;
  /** …and how many more may wait for a turn (default 16); past that a fetch fails at once, to be retried later. */
  maxWaitingFetches?: number;
  now?: () => number;
};

export type CachedCertificateFetcher = CertificateFetcher & {
  /** How many times the underlying fetcher was called. */
  readonly fetches: () => number;
  readonly clear: () => void;
};

/** A bounded line of turns: `acquire` waits for one (or fails when the line is full), `release` hands it on. */
function turns(maxActive: number, maxWaiting: number): { acquire(): Promise<void>; release(): void } {
  let active = 0;
  const waiting: Array<() => void> = [];
  return {
    acquire: async (): Promise<void> => {
      if (active < maxActive) {
        active++;
        return;
      }
      if (waiting.length >= maxWaiting) throw new Error('Too many certificate fetches at once; try again later.');
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release: (): void => {
      const next = waiting.shift();
      if (next) next();
      else active--;
    },
  };
}

/**
 * Caches a fetcher's successful answers by URL, which the caller has normalised. Only a success enters the cache, so
 * URLs that fail (a 404 on an allowed host) can never evict a good certificate; concurrent requests for one URL share
 * one fetch; fetches of different URLs are capped.
 */
export function cachedCertificateFetcher(
  fetcher: CertificateFetcher,
  options: CertificateCacheOptions = {}
): CachedCertificateFetcher {
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  const maxEntries = Math.max(1, options.maxEntries ?? 16);
  const now = options.now ?? Date.now;
  const line = turns(Math.max(1, options.maxConcurrentFetches ?? 4), Math.max(0, options.maxWaitingFetches ?? 16));
  const cache = new Map<string, { at: number; bytes: Buffer }>();
  const inFlight = new Map<string, Promise<Buffer>>();
  let fetches = 0;

  const fetchOnce = async (url: string): Promise<Buffer> => {
    await line.acquire();
    try {
      fetches++;
      const bytes = await fetcher(url);
      cache.set(url, { at: now(), bytes });
      while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
      return bytes;
    } finally {
      line.release();
    }
  };

  const cached = (url: string): Promise<Buffer> => {
    const hit = cache.get(url);
    cache.delete(url);
    if (hit && now() - hit.at < ttlMs) {
      cache.set(url, hit);
      return Promise.resolve(hit.bytes);
    }
    let pending = inFlight.get(url);
    if (!pending) {
      pending = fetchOnce(url).finally(() => inFlight.delete(url));
      inFlight.set(url, pending);
    }
    return pending;
  };
  return Object.assign(cached, { fetches: () => fetches, clear: () => cache.clear() });
}
