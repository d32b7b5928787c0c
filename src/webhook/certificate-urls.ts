/**
 * Where certificates may come from: the signing certificate's URL (`x-ms-certificate-url`, https only) and the
 * issuer certificates named by AIA caIssuers (Microsoft's PKI repository). A URL is normalised before the allow-list,
 * the cache and the fetch all see it, so one certificate has one spelling: no query (refused), no fragment (dropped),
 * no userinfo, dot segments resolved and percent-encoding in RFC 3986's normal form (§6.2.2: unreserved characters
 * decoded, hex in upper case).
 */

/** The documented location of Partner Center's signing certificate (partner-center-api.md §4.3). */
export const DOCUMENTED_CERTIFICATE_URL =
  'https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer';

/** The default certificate URL allow-list (`serve.certificateUrlAllowList`): the documented host and folder. */
export const DEFAULT_CERTIFICATE_URL_ALLOW_LIST: readonly string[] = [
  'https://3psostorageacct.blob.core.windows.net/cert/',
];

/**
 * The default AIA caIssuers allow-list (`serve.issuerUrlAllowList`): Microsoft's PKI repository. Learn's "Azure
 * Certificate Authority details" (Certificate downloads and revocation lists) names www.microsoft.com as the AIA host
 * and crl.microsoft.com for Microsoft's CRLs; its "Microsoft PKI Repository" links are www.microsoft.com/pkiops/ and
 * www.microsoft.com/pki/. AIA is plain http by convention (RFC 5280 §4.2.2.1): what it serves is checked by signature.
 */
export const DEFAULT_ISSUER_URL_ALLOW_LIST: readonly string[] = [
  'http://www.microsoft.com/pkiops/',
  'https://www.microsoft.com/pkiops/',
  'http://www.microsoft.com/pki/',
  'https://www.microsoft.com/pki/',
  'http://crl.microsoft.com/pki/',
];

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** RFC 3986 §6.2.2.2: decode percent-encoded unreserved characters, upper-case the hex of the rest. */
function normalisePercentEncoding(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => {
    const character = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(character) ? character : `%${hex.toUpperCase()}`;
  });
}

/**
 * The one spelling of a certificate URL, or undefined when it is not an http(s) URL, carries userinfo or has a query.
 * A query is refused rather than dropped: Microsoft's URL has none, and a server may answer it with other bytes.
 */
export function normaliseCertificateUrl(candidate: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return undefined;
  url.hash = '';
  if (url.search !== '' || url.href.includes('?')) return undefined;
  // Setting the path again resolves the dot segments that decoding may form (`%2E%2E`).
  url.pathname = normalisePercentEncoding(url.pathname);
  return url;
}

type AllowEntry = { origin: string; path: string };

function parseAllowEntry(entry: string, schemes: readonly string[]): AllowEntry {
  const name = JSON.stringify(entry);
  if (!URL.canParse(entry)) throw new TypeError(`Allow-list entry ${name} is not a URL.`);
  const raw = new URL(entry);
  if (!schemes.includes(raw.protocol)) {
    throw new TypeError(`Allow-list entry ${name} must be ${schemes.map((s) => s.slice(0, -1)).join(' or ')}.`);
  }
  if (raw.username || raw.password) throw new TypeError(`Allow-list entry ${name} must not carry credentials.`);
  if (raw.search || raw.hash || entry.includes('?') || entry.includes('#')) {
    throw new TypeError(`Allow-list entry ${name} must not have a query or fragment.`);
  }
  const url = normaliseCertificateUrl(entry);
  if (!url) throw new TypeError(`Allow-list entry ${name} is not a certificate URL.`);
  return { origin: url.origin, path: url.pathname };
}

/** Returns the normalised URL (as a string) when the candidate is allowed, else undefined. */
export type UrlMatcher = (candidate: string) => string | undefined;

/**
 * A matcher over URL prefixes: the candidate, normalised, must have an entry's origin (scheme, host and port, compared
 * parsed — which defeats `https://allowed.host.evil.com/` and `https://allowed.host@evil.com/`) and a path equal to
 * the entry's or under it at a `/` boundary. Throws a TypeError at construction for a bad entry (a configuration
 * error, not a delivery's fault).
 */
export function urlPrefixMatcher(allowList: readonly string[], schemes: readonly string[]): UrlMatcher {
  const entries = allowList.map((entry) => parseAllowEntry(entry, schemes));
  if (entries.length === 0) throw new TypeError('The allow-list is empty.');
  return (candidate: string): string | undefined => {
    const url = normaliseCertificateUrl(candidate);
    if (!url || !schemes.includes(url.protocol)) return undefined;
    const allowed = entries.some(
      (entry) =>
        entry.origin === url.origin &&
        (url.pathname === entry.path ||
          url.pathname.startsWith(entry.path.endsWith('/') ? entry.path : `${entry.path}/`))
    );
    return allowed ? url.href : undefined;
  };
}

/** The signing certificate's URL: https only (partner-center-api.md §4.4). */
export const certificateUrlMatcher = (allowList: readonly string[]): UrlMatcher =>
  urlPrefixMatcher(allowList, ['https:']);

/** AIA caIssuers URLs: http or https. */
export const issuerUrlMatcher = (allowList: readonly string[]): UrlMatcher =>
  urlPrefixMatcher(allowList, ['http:', 'https:']);
