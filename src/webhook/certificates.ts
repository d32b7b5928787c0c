/**
 * The signing certificate: where it may come from (an https allow-list), how it is fetched (an injected fetcher,
 * cached by URL with a bound and a TTL, one request per URL at a time) and when it is trusted (parsed with node:crypto,
 * within validity, chained to a trusted root, subject `O=Microsoft Corporation`).
 */
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { WebhookRejection } from './errors.js';

/** The documented location of Partner Center's signing certificate (partner-center-api.md §4.3). */
export const DOCUMENTED_CERTIFICATE_URL =
  'https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer';

/** The default allow-list: the documented storage host and folder (the `serve.certificateUrlAllowList` default). */
export const DEFAULT_CERTIFICATE_URL_ALLOW_LIST: readonly string[] = [
  'https://3psostorageacct.blob.core.windows.net/cert/',
];

export const REQUIRED_ORGANIZATION = 'O=Microsoft Corporation';

/** Returns the certificate bytes (DER `.cer`, or PEM with optional intermediates after the leaf). Throws on failure. */
export type CertificateFetcher = (url: string) => Promise<Buffer>;

type AllowEntry = { origin: string; path: string };

function parseAllowEntry(entry: string): AllowEntry {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new TypeError(`Certificate URL allow-list entry ${JSON.stringify(entry)} is not a URL.`);
  }
  if (url.protocol !== 'https:')
    throw new TypeError(`Certificate URL allow-list entry ${JSON.stringify(entry)} must be https.`);
  if (url.username || url.password)
    throw new TypeError(`Certificate URL allow-list entry ${JSON.stringify(entry)} must not carry credentials.`);
  if (url.search || url.hash)
    throw new TypeError(`Certificate URL allow-list entry ${JSON.stringify(entry)} must not have a query or fragment.`);
  return { origin: url.origin, path: url.pathname };
}

/**
 * A matcher for certificate URLs: https only, no userinfo, the parsed origin (scheme, host, port) equal to an entry's
 * and the normalised path equal to the entry's path or under it at a `/` boundary. Comparing parsed origins (not
 * strings) defeats `https://allowed.host.evil.com/`, `https://allowed.host@evil.com/`, `…/cert/../other` and friends.
 * Throws a TypeError at construction for a bad entry (a configuration error, not a delivery's fault).
 */
export function certificateUrlMatcher(allowList: readonly string[]): (candidate: string) => URL | undefined {
  const entries = allowList.map(parseAllowEntry);
  if (entries.length === 0) throw new TypeError('The certificate URL allow-list is empty.');
  return (candidate: string): URL | undefined => {
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      return undefined;
    }
    if (url.protocol !== 'https:' || url.username || url.password) return undefined;
    const allowed = entries.some(
      (entry) =>
        entry.origin === url.origin &&
        (url.pathname === entry.path ||
          url.pathname.startsWith(entry.path.endsWith('/') ? entry.path : `${entry.path}/`))
    );
    if (!allowed) return undefined;
    url.hash = '';
    return url;
  };
}

export type CertificateCacheOptions = {
  /** How long a fetched certificate is reused (default 1 hour). */
  ttlMs?: number;
  /** How many URLs are remembered (default 16; the oldest goes first). */
  maxEntries?: number;
  now?: () => number;
};

export type CachedCertificateFetcher = CertificateFetcher & {
  /** How many times the underlying fetcher was called. */
  readonly fetches: () => number;
  readonly clear: () => void;
};

/**
 * Caches a fetcher's successful answers by URL (bounded, with a TTL); a failure is not cached, so the next delivery
 * tries again. Concurrent requests for one URL share one fetch.
 */
export function cachedCertificateFetcher(
  fetcher: CertificateFetcher,
  options: CertificateCacheOptions = {}
): CachedCertificateFetcher {
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  const maxEntries = Math.max(1, options.maxEntries ?? 16);
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; value: Promise<Buffer> }>();
  let fetches = 0;
  const cached = async (url: string): Promise<Buffer> => {
    const hit = cache.get(url);
    if (hit && now() - hit.at < ttlMs) {
      cache.delete(url);
      cache.set(url, hit);
      return hit.value;
    }
    cache.delete(url);
    fetches++;
    const value = fetcher(url);
    cache.set(url, { at: now(), value });
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    try {
      return await value;
    } catch (error) {
      if (cache.get(url)?.value === value) cache.delete(url);
      throw error;
    }
  };
  return Object.assign(cached, { fetches: () => fetches, clear: () => cache.clear() });
}

export type HttpsCertificateFetcherOptions = { timeoutMs?: number; maxBytes?: number; fetch?: typeof fetch };

/** Fetches a certificate over https with a timeout, no redirects and a size bound. */
export function httpsCertificateFetcher(options: HttpsCertificateFetcherOptions = {}): CertificateFetcher {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const doFetch = options.fetch ?? fetch;
  return async (url: string): Promise<Buffer> => {
    const response = await doFetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`The certificate URL answered HTTP ${response.status}.`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length === 0 || bytes.length > maxBytes) throw new Error(`The certificate is ${bytes.length} bytes.`);
    return bytes;
  };
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

/** The leaf and any intermediates served with it (DER: one certificate; PEM: a bundle, leaf first). */
export function parseCertificates(bytes: Buffer): X509Certificate[] {
  const text = bytes.subarray(0, 64).toString('latin1');
  if (text.includes('-----BEGIN')) {
    const blocks = bytes.toString('utf8').match(PEM_BLOCK) ?? [];
    if (blocks.length === 0) throw new Error('No certificate in the PEM.');
    return blocks.map((block) => new X509Certificate(block));
  }
  return [new X509Certificate(bytes)];
}

let defaultRoots: X509Certificate[] | undefined;

/** Node's bundled Mozilla roots, parsed once. */
export function nodeRootCertificates(): X509Certificate[] {
  defaultRoots ??= rootCertificates.flatMap((pem) => {
    try {
      return [new X509Certificate(pem)];
    } catch {
      return [];
    }
  });
  return defaultRoots;
}

export function parseTrustedRoots(
  roots: ReadonlyArray<string | Buffer | X509Certificate> | undefined
): X509Certificate[] {
  if (!roots) return nodeRootCertificates();
  return roots.flatMap((root) =>
    root instanceof X509Certificate ? [root] : parseCertificates(Buffer.isBuffer(root) ? root : Buffer.from(root))
  );
}

const within = (cert: X509Certificate, at: Date): boolean => cert.validFromDate <= at && at <= cert.validToDate;

const issuedBy = (cert: X509Certificate, issuer: X509Certificate): boolean => {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
};

const MAX_CHAIN_DEPTH = 5;

/**
 * The leaf certificate, once it is within validity, chains (through the served intermediates, each a CA within
 * validity) to one of `trustedRoots`, and its subject carries `O=Microsoft Corporation`. Throws a 401 rejection.
 */
export function trustedLeaf(bytes: Buffer, trustedRoots: readonly X509Certificate[], at: Date): X509Certificate {
  let chain: X509Certificate[];
  try {
    chain = parseCertificates(bytes);
  } catch (error) {
    throw new WebhookRejection('certificate-invalid', 'The signing certificate could not be parsed.', { cause: error });
  }
  const [leaf, ...intermediates] = chain;
  if (!within(leaf, at))
    throw new WebhookRejection('certificate-expired', 'The signing certificate is not within its validity period.');
  let current = leaf;
  let trusted = false;
  for (let depth = 0; depth <= MAX_CHAIN_DEPTH && !trusted; depth++) {
    const root = trustedRoots.find((candidate) => within(candidate, at) && issuedBy(current, candidate));
    if (root) {
      trusted = true;
      break;
    }
    const next = intermediates.find(
      (candidate) => candidate !== current && candidate.ca && within(candidate, at) && issuedBy(current, candidate)
    );
    if (!next) break;
    current = next;
  }
  if (!trusted)
    throw new WebhookRejection('certificate-untrusted', 'The signing certificate does not chain to a trusted root.');
  if (!leaf.subject.split('\n').some((part) => part.trim() === REQUIRED_ORGANIZATION)) {
    throw new WebhookRejection(
      'certificate-organization',
      `The signing certificate's subject does not carry ${REQUIRED_ORGANIZATION}.`
    );
  }
  return leaf;
}
