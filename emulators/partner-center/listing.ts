/**
 * `GET /referrals` with the OData options the connector swagger documents for GetAllReferrals: `$filter`, `$orderby`,
 * `$select` ("which properties to include in the response"), `$top` ("Total number of entries to retrieve (default =
 * all)" — a total, not a page size), `$skip` and `$count`. Pages hold at most the server's own page size and go on
 * through `@odata.nextLink` with a `$skiptoken` that carries the query, so a client never sets the page size.
 * `$expand` is in the swagger but the referral has nothing to expand: any value is refused.
 */
import { SWAGGER_REFERRAL_PROPERTIES, type Referral, type ReferralPage } from './contract.js';
import { HttpError } from './http-util.js';
import { evaluate, parseFilter, parseOrderBy, sortBy, undocumentedFilter, type OrderBy } from './odata.js';

/** The server's page size. Not documented; the 2018 referral docs gave 100 as the maximum page size. */
export const PAGE_SIZE = 100;

export type ListQuery = Record<string, string>;

export type ListOptions = {
  origin: string;
  /** Refuse the `$filter`s Microsoft does not document (`--strict-odata`). */
  strict: boolean;
  pageSize?: number;
};

/** What a `$skiptoken` carries: offset, filter, orderby, select, entries still to return (absent: all), page size. */
type SkipToken = { o: number; f?: string; ob?: string; s?: string; r?: number; p: number };

const QUERY_OPTIONS = new Set(['$filter', '$orderby', '$select', '$top', '$skip', '$count', '$skiptoken']);

function integer(name: string, text: string | undefined, fallback: number | undefined): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value))
    throw new HttpError(400, `Invalid OData query: ${name} must be a non-negative integer; got "${text}".`);
  return value;
}

/** `$select=id,status,customerProfile/name`: referral properties (a path steps into an object with `/`). */
export function parseSelect(text: string): string[][] {
  const paths = text.split(',').map((item) => item.trim().split('/'));
  for (const path of paths) {
    if (path.some((segment) => !/^[A-Za-z_@.][A-Za-z0-9_@.]*$/.test(segment)))
      throw new HttpError(400, `Invalid OData query: bad $select item "${path.join('/')}".`);
    if (!SWAGGER_REFERRAL_PROPERTIES.has(path[0]))
      throw new HttpError(400, `Invalid OData query: "${path[0]}" is not a property of a referral ($select).`);
  }
  return paths;
}

/** The selected properties of a referral, and nothing else. */
export function select(referral: Referral, paths: string[][]): Partial<Referral> {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    let source: unknown = referral;
    for (const segment of path) source = isObject(source) ? source[segment] : undefined;
    if (source === undefined) continue;
    let target = out;
    for (const segment of path.slice(0, -1)) {
      if (!isObject(target[segment])) target[segment] = {};
      target = target[segment] as Record<string, unknown>;
    }
    target[path[path.length - 1]] = structuredClone(source);
  }
  return out;
}

/** One page of the referrals in `all` that match; only the page's referrals go through `present`. */
/**
 * The last listing's filtered and sorted referrals. Paging through N referrals filtered and sorted all N again on
 * every page (a Date.parse per comparison): 100,000 referrals took minutes of CPU. Stored referrals are replaced, never
 * changed in place, and a filter reads nothing but the referral, so the same referrals (by identity, in the same
 * order) with the same $filter and $orderby have the same matches.
 */
let lastListing: { all: readonly object[]; filter?: string; orderBy?: string; matching: readonly object[] } | undefined;

function matchingReferrals(
  all: readonly object[],
  filter: string | undefined,
  orderBy: string | undefined,
  compute: () => readonly object[]
): readonly object[] {
  const last = lastListing;
  if (
    last &&
    last.filter === filter &&
    last.orderBy === orderBy &&
    last.all.length === all.length &&
    last.all.every((row, i) => row === all[i])
  )
    return last.matching;
  const matching = compute();
  lastListing = { all, filter, orderBy, matching };
  return matching;
}

export function listReferrals<T extends Referral>(
  all: readonly T[],
  query: ListQuery,
  options: ListOptions,
  present: (stored: T) => Referral
): ReferralPage {
  for (const key of Object.keys(query)) {
    if (key.startsWith('$') && !QUERY_OPTIONS.has(key))
      throw new HttpError(400, `Invalid OData query: the query option ${key} is not supported.`);
  }
  const token: SkipToken = query.$skiptoken
    ? decodeSkipToken(query.$skiptoken)
    : {
        o: integer('$skip', query.$skip, 0)!,
        f: query.$filter,
        ob: query.$orderby,
        s: query.$select,
        r: integer('$top', query.$top, undefined),
        p: options.pageSize ?? PAGE_SIZE,
      };
  if (query.$count !== undefined && !['true', 'false'].includes(query.$count))
    throw new HttpError(400, `Invalid OData query: $count must be true or false; got "${query.$count}".`);
  const filter = token.f ? parseFilter(token.f) : undefined;
  const refused = options.strict && filter ? undocumentedFilter(filter) : undefined;
  if (refused) throw new HttpError(400, `Invalid OData query: ${refused}.`);
  const order: OrderBy = token.ob ? parseOrderBy(token.ob) : [{ field: 'createdDateTime', desc: false }];
  const paths = token.s ? parseSelect(token.s) : undefined;
  const matching = matchingReferrals(all, token.f, token.ob, () =>
    sortBy(
      all.filter((r) => !filter || evaluate(filter, r)) as unknown as Array<Record<string, unknown> & { id: string }>,
      order
    )
  ) as T[];
  const size = Math.min(token.p, token.r ?? Number.MAX_SAFE_INTEGER);
  const page = matching.slice(token.o, token.o + size);
  const result: ReferralPage = {
    '@odata.context': `${options.origin}/v1.0/$metadata#Referrals`,
    '@odata.count': matching.length,
    value: page.map((stored) => (paths ? (select(present(stored), paths) as Referral) : present(stored))),
  };
  const remaining = token.r === undefined ? undefined : token.r - page.length;
  if (token.o + page.length < matching.length && (remaining === undefined || remaining > 0)) {
    // Like Microsoft's sample, the nextLink does not repeat the /engagements path: clients must treat it as opaque.
    const next = encodeSkipToken({ ...token, o: token.o + page.length, r: remaining });
    result['@odata.nextLink'] = `${options.origin}/v1.0/referrals?$skiptoken=${next}`;
  }
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function encodeSkipToken(token: SkipToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeSkipToken(text: string): SkipToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as SkipToken;
    if (typeof token.o !== 'number' || typeof token.p !== 'number' || token.p < 1) throw new Error('shape');
    return token;
  } catch {
    throw new HttpError(400, 'The $skiptoken is not valid.');
  }
}
