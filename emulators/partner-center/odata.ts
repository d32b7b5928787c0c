/**
 * The OData subset Partner Center's referral list documents: `$filter` with eq/ne/gt/lt/ge/le, and/or/not,
 * parentheses and `collection/any(x:x/field eq '…')`; `$orderby` on the documented date fields.
 * Anything else is a 400, as a strict server would answer.
 */
import { HttpError } from './http-util.js';

type Literal = string | number | boolean | null;
type Op = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le';
export type FilterNode =
  | { kind: 'cmp'; path: string[]; op: Op; value: Literal; isDate: boolean }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode }
  | { kind: 'any'; path: string[]; variable: string; expr: FilterNode };

type Token =
  | { t: 'punc'; v: '(' | ')' | ':' }
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'date'; v: string }
  | { t: 'word'; v: string };

const OPS = new Set(['eq', 'ne', 'gt', 'lt', 'ge', 'le']);

/** Top-level referral properties a filter may name. */
const FILTERABLE = new Set([
  'id',
  'engagementId',
  'name',
  'externalReferenceId',
  'organizationId',
  'status',
  'substatus',
  'type',
  'qualification',
  'direction',
  'salesStage',
  'createdDateTime',
  'updatedDateTime',
  'expirationDateTime',
  'acceptedDateTime',
  'customerProfile',
  'details',
  'team',
  'target',
  'inviteContext',
  'consent',
]);

export const ORDERABLE = ['createdDateTime', 'updatedDateTime'] as const;

/**
 * What get-a-list-of-referrals documents for `$filter`: its samples compare engagementId, status, qualification,
 * customerProfile/address/country, direction, type and substatus with `eq`, join them with `and` (in parentheses or
 * not) and match a seller with `team/any(t:t/email eq '…')`. Nothing else (no updatedDateTime, externalReferenceId,
 * `or`, `ne`, `gt`…) is shown; `--strict-odata` refuses it, as a service that supports only what it documents would.
 * https://learn.microsoft.com/en-us/partner-center/developer/get-a-list-of-referrals
 */
export const DOCUMENTED_FILTER_PATHS: readonly string[] = [
  'engagementId',
  'status',
  'substatus',
  'qualification',
  'direction',
  'type',
  'customerProfile/address/country',
];
const DOCUMENTED_ANY = { collection: 'team', field: 'email' };

/** Why a parsed `$filter` goes beyond what Microsoft documents; undefined when it does not. */
export function undocumentedFilter(node: FilterNode): string | undefined {
  switch (node.kind) {
    case 'and':
      return undocumentedFilter(node.left) ?? undocumentedFilter(node.right);
    case 'or':
    case 'not':
      return `the "${node.kind}" operator is not supported in $filter`;
    case 'any': {
      const inner = node.expr;
      const documented =
        node.path.join('/') === DOCUMENTED_ANY.collection &&
        inner.kind === 'cmp' &&
        inner.op === 'eq' &&
        inner.path.join('/') === `${node.variable}/${DOCUMENTED_ANY.field}`;
      return documented ? undefined : `$filter supports only ${DOCUMENTED_ANY.collection}/any(t:t/email eq '…')`;
    }
    case 'cmp': {
      const path = node.path.join('/');
      if (!DOCUMENTED_FILTER_PATHS.includes(path)) return `$filter on "${path}" is not supported`;
      return node.op === 'eq' ? undefined : `the "${node.op}" operator is not supported in $filter`;
    }
  }
}

function bad(message: string): HttpError {
  return new HttpError(400, `Invalid OData query: ${message}`);
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let rest = input;
  while ((rest = rest.replace(/^\s+/, ''))) {
    let m: RegExpMatchArray | null;
    if (rest[0] === '(' || rest[0] === ')' || rest[0] === ':') {
      tokens.push({ t: 'punc', v: rest[0] });
      rest = rest.slice(1);
    } else if (rest[0] === "'") {
      let i = 1;
      let value = '';
      for (;;) {
        if (i >= rest.length) throw bad('unterminated string literal');
        if (rest[i] === "'") {
          if (rest[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          break;
        }
        value += rest[i++];
      }
      tokens.push({ t: 'str', v: value });
      rest = rest.slice(i + 1);
    } else if ((m = rest.match(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?/))) {
      tokens.push({ t: 'date', v: m[0] });
      rest = rest.slice(m[0].length);
    } else if ((m = rest.match(/^-?\d+(\.\d+)?/))) {
      tokens.push({ t: 'num', v: Number(m[0]) });
      rest = rest.slice(m[0].length);
    } else if ((m = rest.match(/^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*/))) {
      tokens.push({ t: 'word', v: m[0] });
      rest = rest.slice(m[0].length);
    } else {
      throw bad(`unexpected "${rest.slice(0, 10)}"`);
    }
  }
  return tokens;
}

export function parseFilter(input: string): FilterNode {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (word: string): boolean => {
    const tok = peek();
    return tok?.t === 'word' && tok.v.toLowerCase() === word;
  };
  const expect = (v: '(' | ')' | ':'): void => {
    const tok = tokens[pos++];
    if (tok?.t !== 'punc' || tok.v !== v) throw bad(`expected "${v}"`);
  };
  const variables: string[] = [];

  const parsePath = (word: string): string[] => {
    const path = word.split('/');
    if (variables.includes(path[0])) return path;
    if (!FILTERABLE.has(path[0])) throw bad(`"${path[0]}" is not a filterable referral property`);
    return path;
  };

  const parseLiteral = (): { value: Literal; isDate: boolean } => {
    const tok = tokens[pos++];
    if (!tok) throw bad('expected a value');
    if (tok.t === 'str' || tok.t === 'num') return { value: tok.v, isDate: false };
    if (tok.t === 'date') return { value: tok.v, isDate: true };
    if (tok.t === 'word' && ['true', 'false', 'null'].includes(tok.v))
      return { value: tok.v === 'null' ? null : tok.v === 'true', isDate: false };
    throw bad('expected a value');
  };

  const parseOr = (): FilterNode => {
    let left = parseAnd();
    while (isWord('or')) {
      pos++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterNode => {
    let left = parseUnary();
    while (isWord('and')) {
      pos++;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): FilterNode => {
    if (isWord('not')) {
      pos++;
      return { kind: 'not', expr: parseUnary() };
    }
    const tok = tokens[pos++];
    if (!tok) throw bad('unexpected end of $filter');
    if (tok.t === 'punc' && tok.v === '(') {
      const inner = parseOr();
      expect(')');
      return inner;
    }
    if (tok.t !== 'word') throw bad('expected a property name');
    const segments = tok.v.split('/');
    const last = segments[segments.length - 1];
    if ((last === 'any' || last === 'all') && peek()?.t === 'punc') {
      if (last === 'all') throw bad('the "all" lambda is not supported');
      const path = parsePath(segments.slice(0, -1).join('/'));
      expect('(');
      const variableTok = tokens[pos++];
      if (variableTok?.t !== 'word' || variableTok.v.includes('/')) throw bad('expected a lambda variable');
      expect(':');
      variables.push(variableTok.v);
      const expr = parseOr();
      variables.pop();
      expect(')');
      return { kind: 'any', path, variable: variableTok.v, expr };
    }
    const path = parsePath(tok.v);
    const opTok = tokens[pos++];
    if (opTok?.t !== 'word' || !OPS.has(opTok.v)) throw bad(`expected a comparison operator after "${tok.v}"`);
    const { value, isDate } = parseLiteral();
    return { kind: 'cmp', path, op: opTok.v as Op, value, isDate: isDate || /DateTime$/.test(path[path.length - 1]) };
  };

  const node = parseOr();
  if (pos !== tokens.length) throw bad('unexpected trailing input');
  return node;
}

function resolve(root: unknown, path: string[], scope: Record<string, unknown>): unknown {
  let current: unknown = path[0] in scope ? scope[path[0]] : (root as Record<string, unknown>)[path[0]];
  for (const segment of path.slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function compare(actual: unknown, op: Op, expected: Literal, isDate: boolean): boolean {
  if (isDate && typeof actual === 'string' && typeof expected === 'string') {
    return compareValues(Date.parse(actual), op, Date.parse(expected));
  }
  if (actual === undefined) actual = null;
  if (op === 'eq') return actual === expected;
  if (op === 'ne') return actual !== expected;
  if (actual === null || expected === null) return false;
  return compareValues(actual as string | number, op, expected as string | number);
}

function compareValues<T extends string | number>(a: T, op: Op, b: T): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'lt':
      return a < b;
    case 'ge':
      return a >= b;
    case 'le':
      return a <= b;
  }
}

export function evaluate(node: FilterNode, item: unknown, scope: Record<string, unknown> = {}): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, item, scope) && evaluate(node.right, item, scope);
    case 'or':
      return evaluate(node.left, item, scope) || evaluate(node.right, item, scope);
    case 'not':
      return !evaluate(node.expr, item, scope);
    case 'any': {
      const collection = resolve(item, node.path, scope);
      return (
        Array.isArray(collection) &&
        (collection as unknown[]).some((element: unknown) =>
          evaluate(node.expr, item, { ...scope, [node.variable]: element })
        )
      );
    }
    case 'cmp':
      return compare(resolve(item, node.path, scope), node.op, node.value, node.isDate);
  }
}

export type OrderBy = Array<{ field: (typeof ORDERABLE)[number]; desc: boolean }>;

export function parseOrderBy(input: string): OrderBy {
  return input.split(',').map((part) => {
    const [field, direction, ...rest] = part.trim().split(/\s+/);
    if (!(ORDERABLE as readonly string[]).includes(field))
      throw bad(`$orderby supports ${ORDERABLE.join(', ')}; got "${field}"`);
    if (rest.length || (direction && !['asc', 'desc'].includes(direction.toLowerCase())))
      throw bad(`bad $orderby "${part.trim()}"`);
    return { field: field as (typeof ORDERABLE)[number], desc: direction?.toLowerCase() === 'desc' };
  });
}

export function sortBy<T extends Record<string, unknown> & { id: string }>(items: T[], order: OrderBy): T[] {
  return [...items].sort((a, b) => {
    for (const { field, desc } of order) {
      const diff = Date.parse(String(a[field])) - Date.parse(String(b[field]));
      if (diff !== 0) return desc ? -diff : diff;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}
