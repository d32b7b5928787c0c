/**
 * The SOQL subset pcsync and the sf CLI use: field lists with parent paths and child subqueries, COUNT()/COUNT(f),
 * WHERE with AND/OR/NOT/parentheses, comparisons, IN/NOT IN, LIKE, NULL, date and datetime literals and date
 * keywords, ORDER BY (ASC/DESC, NULLS FIRST/LAST), LIMIT and OFFSET. Errors carry Salesforce's codes and the
 * `ERROR at Row:1:Column:N` marker a real org prints.
 */
import { ApiError } from './errors.js';
import { isValidId, to18 } from './ids.js';
import type { FieldDef, ObjectDef, SchemaRegistry } from './schema.js';
import type { RecordStore, SfRecord } from './store.js';
import { asText } from './text.js';

type Token = {
  kind: 'ident' | 'string' | 'number' | 'date' | 'datetime' | 'op' | 'punct' | 'eof';
  text: string;
  pos: number;
};

export type Literal =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  | { type: 'date'; value: string }
  | { type: 'datetime'; value: number }
  | { type: 'dateRange'; name: string; start: number; end: number };

type Path = { segments: string[]; pos: number };

type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'cmp'; path: Path; op: string; value: Literal; valuePos: number }
  | { kind: 'in'; path: Path; negate: boolean; values: Literal[]; valuePos: number }
  | { kind: 'like'; path: Path; pattern: string; valuePos: number }
  | { kind: 'inQuery'; path: Path; negate: boolean; query: ParsedQuery; valuePos: number };

type SelectItem =
  | { kind: 'field'; path: Path }
  | { kind: 'count'; fn: AggregateFn; arg?: Path; alias?: string; pos: number }
  | { kind: 'subquery'; query: ParsedQuery; pos: number };

type AggregateFn = 'COUNT' | 'COUNT_DISTINCT' | 'MAX' | 'MIN' | 'SUM' | 'AVG';

const AGGREGATES = new Set(['COUNT', 'COUNT_DISTINCT', 'MAX', 'MIN', 'SUM', 'AVG']);

type OrderItem = { path: Path; desc: boolean; nullsLast: boolean };

export type ParsedQuery = {
  select: SelectItem[];
  from: string;
  fromPos: number;
  where?: Condition;
  groupBy?: Path[];
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
};

const KEYWORDS = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'ORDER',
  'BY',
  'ASC',
  'DESC',
  'NULLS',
  'FIRST',
  'LAST',
  'LIMIT',
  'OFFSET',
  'NULL',
  'TRUE',
  'FALSE',
]);

function malformed(soql: string, pos: number, message: string): ApiError {
  return new ApiError(400, 'MALFORMED_QUERY', `${marker(soql, pos)}${message}`);
}

function marker(soql: string, pos: number): string {
  const before = soql.slice(0, pos);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = pos - lineStart + 1;
  const line = soql.split('\n')[row - 1] ?? '';
  return `\n${line}\n${' '.repeat(Math.max(0, column - 1))}^\nERROR at Row:${row}:Column:${column}\n`;
}

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const ch = soql[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= soql.length)
          throw malformed(soql, start, 'line 1:' + String(start) + " mismatched character '<EOF>' expecting '''");
        const c = soql[i];
        if (c === '\\') {
          const n = soql[i + 1];
          value += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n;
          i += 2;
          continue;
        }
        if (c === "'") {
          i++;
          break;
        }
        value += c;
        i++;
      }
      tokens.push({ kind: 'string', text: value, pos: start });
      continue;
    }
    const datetime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})/.exec(soql.slice(i));
    if (datetime) {
      tokens.push({ kind: 'datetime', text: datetime[0], pos: start });
      i += datetime[0].length;
      continue;
    }
    const date = /^\d{4}-\d{2}-\d{2}(?![\dT])/.exec(soql.slice(i));
    if (date) {
      tokens.push({ kind: 'date', text: date[0], pos: start });
      i += date[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(soql.slice(i));
    if (number && (ch !== '-' || /\d/.test(soql[i + 1] ?? ''))) {
      tokens.push({ kind: 'number', text: number[0], pos: start });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(soql.slice(i));
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], pos: start });
      i += ident[0].length;
      continue;
    }
    const op = /^(<=|>=|!=|<>|=|<|>)/.exec(soql.slice(i));
    if (op) {
      tokens.push({ kind: 'op', text: op[0], pos: start });
      i += op[0].length;
      continue;
    }
    if ('(),:'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, pos: start });
      i++;
      continue;
    }
    throw malformed(soql, start, `line 1:${start} no viable alternative at character '${ch}'`);
  }
  tokens.push({ kind: 'eof', text: '', pos: soql.length });
  return tokens;
}

class Parser {
  private pos = 0;
  public constructor(
    private readonly soql: string,
    private readonly tokens: Token[]
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'ident' && token.text.toUpperCase() === word;
  }

  private expectKeyword(word: string): Token {
    const token = this.next();
    if (token.kind !== 'ident' || token.text.toUpperCase() !== word) {
      throw this.unexpected(token, word);
    }
    return token;
  }

  private expectPunct(p: string): void {
    const token = this.next();
    if (token.kind !== 'punct' || token.text !== p) throw this.unexpected(token, `'${p}'`);
  }

  private unexpected(token: Token, expecting?: string): ApiError {
    const text = token.kind === 'eof' ? '<EOF>' : token.text;
    return malformed(
      this.soql,
      token.pos,
      `unexpected token: '${text}'${expecting ? ` (expecting ${expecting})` : ''}`
    );
  }

  public parseQuery(nested = false): ParsedQuery {
    this.expectKeyword('SELECT');
    const select: SelectItem[] = [];
    for (;;) {
      select.push(this.parseSelectItem());
      if (this.peek().kind === 'punct' && this.peek().text === ',') {
        this.next();
        continue;
      }
      break;
    }
    this.expectKeyword('FROM');
    const fromToken = this.next();
    if (fromToken.kind !== 'ident' || KEYWORDS.has(fromToken.text.toUpperCase())) throw this.unexpected(fromToken);
    const query: ParsedQuery = { select, from: fromToken.text, fromPos: fromToken.pos, orderBy: [] };
    // An alias after the object name is allowed (`FROM Opportunity o`) but paths must not use it here.
    if (
      this.peek().kind === 'ident' &&
      !KEYWORDS.has(this.peek().text.toUpperCase()) &&
      !['WITH', 'FOR', 'USING', 'GROUP'].includes(this.peek().text.toUpperCase())
    ) {
      throw this.unexpected(this.peek());
    }
    if (this.isKeyword('WHERE')) {
      this.next();
      query.where = this.parseOr();
    }
    if (this.isKeyword('GROUP') && this.isKeyword('BY', 1)) {
      this.next();
      this.next();
      query.groupBy = [this.parsePath()];
      while (this.peek().kind === 'punct' && this.peek().text === ',') {
        this.next();
        query.groupBy.push(this.parsePath());
      }
    }
    if (
      this.isKeyword('GROUP') ||
      this.isKeyword('HAVING') ||
      this.isKeyword('WITH') ||
      this.isKeyword('USING') ||
      this.isKeyword('FOR')
    ) {
      const token = this.peek();
      throw malformed(this.soql, token.pos, `${token.text.toUpperCase()} is not supported by this emulator`);
    }
    if (this.isKeyword('ORDER')) {
      this.next();
      this.expectKeyword('BY');
      for (;;) {
        const path = this.parsePath();
        let desc = false;
        if (this.isKeyword('ASC')) this.next();
        else if (this.isKeyword('DESC')) {
          this.next();
          desc = true;
        }
        let nullsLast = desc;
        if (this.isKeyword('NULLS')) {
          this.next();
          const which = this.next();
          if (which.text.toUpperCase() === 'FIRST') nullsLast = false;
          else if (which.text.toUpperCase() === 'LAST') nullsLast = true;
          else throw this.unexpected(which, 'FIRST or LAST');
        }
        query.orderBy.push({ path, desc, nullsLast });
        if (this.peek().kind === 'punct' && this.peek().text === ',') {
          this.next();
          continue;
        }
        break;
      }
    }
    if (this.isKeyword('LIMIT')) {
      this.next();
      query.limit = this.parseInteger();
    }
    if (this.isKeyword('OFFSET')) {
      this.next();
      const token = this.peek();
      query.offset = this.parseInteger();
      if (query.offset > 2000)
        throw new ApiError(
          400,
          'NUMBER_OUTSIDE_VALID_RANGE',
          `${marker(this.soql, token.pos)}Maximum SOQL offset allowed is 2000`
        );
    }
    const end = this.peek();
    if (nested) {
      if (!(end.kind === 'punct' && end.text === ')')) throw this.unexpected(end);
    } else if (end.kind !== 'eof') {
      throw this.unexpected(end);
    }
    return query;
  }

  private parseInteger(): number {
    const token = this.next();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) throw this.unexpected(token, 'an integer');
    return Number(token.text);
  }

  private parsePath(): Path {
    const token = this.next();
    if (token.kind !== 'ident' || KEYWORDS.has(token.text.toUpperCase())) throw this.unexpected(token);
    return { segments: token.text.split('.'), pos: token.pos };
  }

  private parseSelectItem(): SelectItem {
    const token = this.peek();
    if (token.kind === 'punct' && token.text === '(') {
      this.next();
      const query = this.parseQuery(true);
      this.expectPunct(')');
      return { kind: 'subquery', query, pos: token.pos };
    }
    if (token.kind === 'ident' && AGGREGATES.has(token.text.toUpperCase()) && this.peek(1).text === '(') {
      const fn = token.text.toUpperCase() as AggregateFn;
      this.next();
      this.next();
      let arg: Path | undefined;
      if (!(this.peek().kind === 'punct' && this.peek().text === ')')) arg = this.parsePath();
      else if (fn !== 'COUNT') throw this.unexpected(this.peek(), 'a field');
      this.expectPunct(')');
      let alias: string | undefined;
      if (this.peek().kind === 'ident' && !KEYWORDS.has(this.peek().text.toUpperCase())) alias = this.next().text;
      return { kind: 'count', fn, arg, alias, pos: token.pos };
    }
    if (token.kind === 'ident' && this.peek(1).kind === 'punct' && this.peek(1).text === '(') {
      throw malformed(this.soql, token.pos, `Unsupported function: ${token.text}`);
    }
    return { kind: 'field', path: this.parsePath() };
  }

  private parseOr(): Condition {
    const items = [this.parseAnd()];
    while (this.isKeyword('OR')) {
      this.next();
      items.push(this.parseAnd());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }

  private parseAnd(): Condition {
    const items = [this.parseUnary()];
    while (this.isKeyword('AND')) {
      this.next();
      items.push(this.parseUnary());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }

  private parseUnary(): Condition {
    if (this.isKeyword('NOT')) {
      this.next();
      return { kind: 'not', item: this.parseUnary() };
    }
    const token = this.peek();
    if (token.kind === 'punct' && token.text === '(') {
      this.next();
      const inner = this.parseOr();
      this.expectPunct(')');
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): Condition {
    const path = this.parsePath();
    const token = this.peek();
    if (token.kind === 'op') {
      this.next();
      const valuePos = this.peek().pos;
      return { kind: 'cmp', path, op: token.text === '<>' ? '!=' : token.text, value: this.parseLiteral(), valuePos };
    }
    if (this.isKeyword('LIKE')) {
      this.next();
      const value = this.next();
      if (value.kind !== 'string') throw this.unexpected(value, 'a string');
      return { kind: 'like', path, pattern: value.text, valuePos: value.pos };
    }
    let negate = false;
    if (this.isKeyword('NOT') && this.isKeyword('IN', 1)) {
      this.next();
      negate = true;
    }
    if (this.isKeyword('IN')) {
      this.next();
      const open = this.peek();
      this.expectPunct('(');
      if (this.isKeyword('SELECT')) {
        const query = this.parseQuery(true);
        this.expectPunct(')');
        return { kind: 'inQuery', path, negate, query, valuePos: open.pos };
      }
      const values: Literal[] = [];
      for (;;) {
        values.push(this.parseLiteral());
        const sep = this.next();
        if (sep.kind === 'punct' && sep.text === ')') break;
        if (!(sep.kind === 'punct' && sep.text === ',')) throw this.unexpected(sep, "',' or ')'");
      }
      return { kind: 'in', path, negate, values, valuePos: open.pos };
    }
    throw this.unexpected(token);
  }

  private parseLiteral(): Literal {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return { type: 'string', value: token.text };
      case 'number':
        return { type: 'number', value: Number(token.text) };
      case 'date':
        if (Number.isNaN(Date.parse(`${token.text}T00:00:00Z`)))
          throw malformed(this.soql, token.pos, `line 1:${token.pos} Invalid date: ${token.text}`);
        return { type: 'date', value: token.text };
      case 'datetime': {
        const ms = Date.parse(token.text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
        if (Number.isNaN(ms))
          throw malformed(this.soql, token.pos, `line 1:${token.pos} Invalid datetime: ${token.text}`);
        return { type: 'datetime', value: ms };
      }
      case 'ident': {
        const upper = token.text.toUpperCase();
        if (upper === 'NULL') return { type: 'null' };
        if (upper === 'TRUE' || upper === 'FALSE') return { type: 'boolean', value: upper === 'TRUE' };
        let n: number | undefined;
        if (this.peek().kind === 'punct' && this.peek().text === ':') {
          this.next();
          const count = this.next();
          if (count.kind !== 'number') throw this.unexpected(count, 'an integer');
          n = Number(count.text);
        }
        const range = dateRange(upper, n, Date.now());
        if (!range) throw malformed(this.soql, token.pos, `unexpected token: '${token.text}'`);
        return { type: 'dateRange', name: upper, ...range };
      }
      default:
        throw this.unexpected(token);
    }
  }
}

const DAY = 86_400_000;

/** Date keywords as UTC [start, end) ranges. */
export function dateRange(
  name: string,
  n: number | undefined,
  now: number
): { start: number; end: number } | undefined {
  const today = Math.floor(now / DAY) * DAY;
  const d = new Date(today);
  const monthStart = (offset: number): number => Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
  const yearStart = (offset: number): number => Date.UTC(d.getUTCFullYear() + offset, 0, 1);
  const weekStart = today - d.getUTCDay() * DAY;
  const quarterStart = (offset: number): number =>
    Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3 + offset * 3, 1);
  switch (name) {
    case 'TODAY':
      return { start: today, end: today + DAY };
    case 'YESTERDAY':
      return { start: today - DAY, end: today };
    case 'TOMORROW':
      return { start: today + DAY, end: today + 2 * DAY };
    case 'THIS_WEEK':
      return { start: weekStart, end: weekStart + 7 * DAY };
    case 'LAST_WEEK':
      return { start: weekStart - 7 * DAY, end: weekStart };
    case 'NEXT_WEEK':
      return { start: weekStart + 7 * DAY, end: weekStart + 14 * DAY };
    case 'THIS_MONTH':
      return { start: monthStart(0), end: monthStart(1) };
    case 'LAST_MONTH':
      return { start: monthStart(-1), end: monthStart(0) };
    case 'NEXT_MONTH':
      return { start: monthStart(1), end: monthStart(2) };
    case 'THIS_QUARTER':
      return { start: quarterStart(0), end: quarterStart(1) };
    case 'LAST_QUARTER':
      return { start: quarterStart(-1), end: quarterStart(0) };
    case 'NEXT_QUARTER':
      return { start: quarterStart(1), end: quarterStart(2) };
    case 'THIS_YEAR':
      return { start: yearStart(0), end: yearStart(1) };
    case 'LAST_YEAR':
      return { start: yearStart(-1), end: yearStart(0) };
    case 'NEXT_YEAR':
      return { start: yearStart(1), end: yearStart(2) };
    case 'LAST_90_DAYS':
      return { start: today - 90 * DAY, end: today + DAY };
    case 'NEXT_90_DAYS':
      return { start: today + DAY, end: today + 91 * DAY };
    case 'LAST_N_DAYS':
      return n === undefined ? undefined : { start: today - n * DAY, end: today + DAY };
    case 'NEXT_N_DAYS':
      return n === undefined ? undefined : { start: today + DAY, end: today + (n + 1) * DAY };
    default:
      return undefined;
  }
}

export function parseSoql(soql: string): ParsedQuery {
  return new Parser(soql, tokenize(soql)).parseQuery();
}

// ------------------------------------------------------------------ evaluation

type Resolved = { object: ObjectDef; hops: FieldDef[]; field: FieldDef; name: string[] };

type SelectSpec =
  | { resolved: Resolved }
  | { count: true; fn: AggregateFn; arg?: Resolved; alias?: string }
  | { subquery: ParsedQuery; relationship: string; childObject: ObjectDef; childField: FieldDef };

export type QueryResult = { totalSize: number; records: SfRecord[]; countOnly: boolean };

export class SoqlEngine {
  public constructor(
    private readonly schema: SchemaRegistry,
    private readonly store: RecordStore,
    private readonly apiVersion: () => string
  ) {}

  /** Runs a query; `includeDeleted` (queryAll) adds deleted rows, which have `IsDeleted = true`. */
  public run(soql: string, includeDeleted = false): QueryResult {
    const query = parseSoql(soql);
    return this.execute(soql, query, undefined, includeDeleted);
  }

  /** The `columns=true` answer `sf data query` asks for to lay out its table. */
  public columns(soql: string): Record<string, unknown> {
    const query = parseSoql(soql);
    const object = this.objectOf(soql, query.from, query.fromPos);
    const column = (f: FieldDef, name = f.name): Record<string, unknown> => ({
      aggregate: false,
      apexType: apexType(f),
      booleanType: f.type === 'boolean',
      columnName: name,
      custom: f.custom,
      displayName: name,
      foreignKeyName: null,
      insertable: f.createable,
      joinColumns: [],
      numberType: ['double', 'currency', 'percent', 'int'].includes(f.type),
      textType: isTextual(f),
      updatable: f.updateable,
    });
    let counter = 0;
    const build = (object: ObjectDef, items: SelectItem[]): Array<Record<string, unknown>> => {
      const columns: Array<Record<string, unknown>> = [];
      for (const item of items) {
        if (item.kind === 'field') {
          const resolved = this.resolve(soql, object, item.path);
          let list = columns;
          for (let i = 0; i < resolved.hops.length; i++) {
            const name = resolved.hops[i].relationshipName as string;
            let join = list.find((c) => c.columnName === name);
            if (!join) {
              join = {
                aggregate: false,
                apexType: null,
                booleanType: false,
                columnName: name,
                custom: resolved.hops[i].custom,
                displayName: name,
                foreignKeyName: null,
                insertable: false,
                joinColumns: [],
                numberType: false,
                textType: false,
                updatable: false,
              };
              list.push(join);
            }
            list = join.joinColumns as Array<Record<string, unknown>>;
          }
          list.push(column(resolved.field));
        } else if (item.kind === 'count') {
          columns.push({
            aggregate: true,
            apexType: 'Integer',
            booleanType: false,
            columnName: item.alias ?? `expr${counter++}`,
            custom: false,
            displayName: item.alias ?? (item.arg ? `${item.fn}(${item.arg.segments.join('.')})` : `${item.fn}()`),
            foreignKeyName: null,
            insertable: false,
            joinColumns: [],
            numberType: true,
            textType: false,
            updatable: false,
          });
        } else {
          const rel = this.schema.childRelationship(object, item.query.from);
          const childObject = rel ? this.schema.object(rel.childSObject) : undefined;
          const joinColumns = childObject ? build(childObject, item.query.select) : [];
          columns.push({
            aggregate: true,
            apexType: null,
            booleanType: false,
            columnName: rel?.relationshipName ?? item.query.from,
            custom: false,
            displayName: rel?.relationshipName ?? item.query.from,
            foreignKeyName: null,
            insertable: false,
            joinColumns,
            numberType: false,
            textType: false,
            updatable: false,
          });
        }
      }
      return columns;
    };
    const columns = build(object, query.select);
    return {
      columnMetadata: columns,
      entityName: object.name,
      groupBy: Boolean(query.groupBy),
      idSelected: query.select.some(
        (s) => s.kind === 'field' && s.path.segments.length === 1 && s.path.segments[0].toLowerCase() === 'id'
      ),
      keyPrefix: object.keyPrefix,
    };
  }

  private objectOf(soql: string, name: string, pos: number): ObjectDef {
    const object = this.schema.object(name);
    if (!object) {
      throw new ApiError(
        400,
        'INVALID_TYPE',
        `${marker(soql, pos)}sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`
      );
    }
    return object;
  }

  private resolve(soql: string, object: ObjectDef, path: Path): Resolved {
    let segments = path.segments;
    if (
      segments.length > 1 &&
      segments[0].toLowerCase() === object.name.toLowerCase() &&
      !this.schema.relationship(object, segments[0])
    ) {
      segments = segments.slice(1);
    }
    const hops: FieldDef[] = [];
    const names: string[] = [];
    let current = object;
    for (let i = 0; i < segments.length - 1; i++) {
      const rel = this.schema.relationship(current, segments[i]);
      const target = rel ? this.schema.object(rel.referenceTo[0]) : undefined;
      if (!rel || !target || !rel.relationshipName) {
        throw new ApiError(
          400,
          'INVALID_FIELD',
          `${marker(soql, path.pos)}Didn't understand relationship '${segments[i]}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`
        );
      }
      hops.push(rel);
      names.push(rel.relationshipName);
      current = target;
    }
    const last = segments[segments.length - 1];
    const f = this.schema.field(current, last);
    if (!f) {
      throw new ApiError(
        400,
        'INVALID_FIELD',
        `${marker(soql, path.pos)}No such column '${last}' on entity '${current.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`
      );
    }
    names.push(f.name);
    return { object: current, hops, field: f, name: names };
  }

  private valueOf(record: SfRecord, resolved: Resolved): unknown {
    let current: SfRecord | undefined = record;
    for (const hop of resolved.hops) {
      const id: unknown = current?.[hop.name];
      current = typeof id === 'string' ? this.store.findById(id)?.record : undefined;
      if (!current) return null;
    }
    return current?.[resolved.field.name] ?? null;
  }

  private execute(
    soql: string,
    query: ParsedQuery,
    parentFilter: { field: FieldDef; id: string } | undefined,
    includeDeleted = false
  ): QueryResult {
    const object = this.objectOf(soql, query.from, query.fromPos);
    const seen = new Set<string>();
    const fields: SelectSpec[] = [];
    for (const item of query.select) {
      if (item.kind === 'field') {
        const resolved = this.resolve(soql, object, item.path);
        const key = resolved.name.join('.').toLowerCase();
        if (seen.has(key))
          throw malformed(soql, item.path.pos, `duplicate field selected: ${item.path.segments.join('.')}`);
        seen.add(key);
        fields.push({ resolved });
      } else if (item.kind === 'count') {
        fields.push({
          count: true,
          fn: item.fn,
          arg: item.arg ? this.resolve(soql, object, item.arg) : undefined,
          alias: item.alias,
        });
      } else {
        if (parentFilter) throw malformed(soql, item.pos, 'Nested subqueries are not supported');
        const rel = this.schema.childRelationship(object, item.query.from);
        if (!rel) {
          throw new ApiError(
            400,
            'INVALID_TYPE',
            `${marker(soql, item.query.fromPos)}Didn't understand relationship '${item.query.from}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`
          );
        }
        const childObject = this.schema.object(rel.childSObject) as ObjectDef;
        const childField = this.schema.field(childObject, rel.field) as FieldDef;
        fields.push({
          subquery: { ...item.query, from: childObject.name },
          relationship: rel.relationshipName,
          childObject,
          childField,
        });
      }
    }
    const counts = fields.filter((f) => 'count' in f);
    const groups = (query.groupBy ?? []).map((p) => this.resolve(soql, object, p));
    const grouped = (r: Resolved): boolean =>
      groups.some((g) => g.name.join('.').toLowerCase() === r.name.join('.').toLowerCase());
    for (const f of fields) {
      if ('subquery' in f && (counts.length > 0 || groups.length > 0))
        throw malformed(soql, query.fromPos, 'Subqueries cannot be combined with aggregates');
      if ('resolved' in f && (counts.length > 0 || groups.length > 0) && !grouped(f.resolved)) {
        throw malformed(soql, query.fromPos, `Field must be grouped or aggregated: ${f.resolved.field.name}`);
      }
    }
    const where = query.where ? this.compile(soql, object, query.where) : undefined;
    let rows = includeDeleted
      ? [...this.store.all(object), ...this.store.deleted(object)]
      : (this.candidates(object, query.where) ?? this.store.all(object));
    if (parentFilter) rows = rows.filter((r) => r[parentFilter.field.name] === parentFilter.id);
    if (where) rows = rows.filter(where);
    if (groups.length > 0) return this.groupRows(soql, object, query, fields, groups, rows);
    if (query.orderBy.length > 0) {
      const orders = query.orderBy.map((o) => ({
        resolved: this.resolve(soql, object, o.path),
        desc: o.desc,
        nullsLast: o.nullsLast,
      }));
      rows = [...rows].sort((a, b) => {
        for (const o of orders) {
          const va = this.valueOf(a, o.resolved);
          const vb = this.valueOf(b, o.resolved);
          const aNull = va === null || va === undefined;
          const bNull = vb === null || vb === undefined;
          if (aNull || bNull) {
            if (aNull && bNull) continue;
            return aNull === o.nullsLast ? 1 : -1;
          }
          const c = compareValues(va, vb);
          if (c !== 0) return o.desc ? -c : c;
        }
        return 0;
      });
    }
    const offset = query.offset ?? 0;
    rows = rows.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
    if (counts.length > 0) {
      const specs = counts as Array<{ fn: AggregateFn; arg?: Resolved; alias?: string }>;
      if (specs.length === 1 && specs[0].fn === 'COUNT' && !specs[0].arg && !specs[0].alias) {
        return { totalSize: rows.length, records: [], countOnly: true };
      }
      const aggregate = this.aggregate(soql, query, fields, rows);
      return { totalSize: 1, records: [aggregate], countOnly: false };
    }
    const version = this.apiVersion();
    const records = rows.map((row) => {
      const out: SfRecord = {
        attributes: { type: object.name, url: `/services/data/v${version}/sobjects/${object.name}/${String(row.Id)}` },
      };
      for (const spec of fields) {
        if ('resolved' in spec) this.project(out, row, spec.resolved, version);
        else if ('subquery' in spec) {
          const child = this.execute(soql, spec.subquery, { field: spec.childField, id: row.Id as string });
          out[spec.relationship] =
            child.records.length === 0 ? null : { totalSize: child.totalSize, done: true, records: child.records };
        }
      }
      return out;
    });
    return { totalSize: records.length, records, countOnly: false };
  }

  /** One AggregateResult row: grouped fields by name, aggregates by alias or `exprN`. */
  private aggregate(soql: string, query: ParsedQuery, fields: SelectSpec[], rows: SfRecord[]): SfRecord {
    const aggregate: SfRecord = { attributes: { type: 'AggregateResult' } };
    let expr = 0;
    for (const item of fields) {
      if ('resolved' in item) {
        aggregate[item.resolved.field.name] = rows.length > 0 ? this.valueOf(rows[0], item.resolved) : null;
        continue;
      }
      if (!('count' in item)) continue;
      const spec = item;
      const values = spec.arg
        ? rows.map((r) => this.valueOf(r, spec.arg as Resolved)).filter((v) => v !== null && v !== undefined)
        : rows;
      let value: unknown;
      switch (spec.fn) {
        case 'COUNT':
          value = values.length;
          break;
        case 'COUNT_DISTINCT':
          value = new Set(values.map((v) => (typeof v === 'string' ? v.toLowerCase() : v))).size;
          break;
        case 'MAX':
        case 'MIN':
          value =
            values.length === 0
              ? null
              : values.reduce((a, b) => (compareValues(a, b) < 0 === (spec.fn === 'MAX') ? b : a));
          break;
        case 'SUM':
        case 'AVG': {
          if (spec.arg && !['double', 'currency', 'percent', 'int'].includes(spec.arg.field.type)) {
            throw malformed(soql, query.fromPos, `${spec.fn} on a non-numeric field: ${spec.arg.field.name}`);
          }
          const sum = (values as number[]).reduce((a, b) => a + b, 0);
          value = values.length === 0 ? null : spec.fn === 'SUM' ? sum : sum / values.length;
          break;
        }
      }
      aggregate[spec.alias ?? `expr${expr++}`] = value;
    }
    return aggregate;
  }

  /** GROUP BY: one AggregateResult per distinct combination, ordered by grouped fields, then LIMIT/OFFSET. */
  private groupRows(
    soql: string,
    object: ObjectDef,
    query: ParsedQuery,
    fields: SelectSpec[],
    groups: Resolved[],
    rows: SfRecord[]
  ): QueryResult {
    const buckets = new Map<string, SfRecord[]>();
    for (const row of rows) {
      const key = JSON.stringify(
        groups.map((g) => {
          const v = this.valueOf(row, g);
          return typeof v === 'string' ? v.toLowerCase() : v;
        })
      );
      const bucket = buckets.get(key);
      if (bucket) bucket.push(row);
      else buckets.set(key, [row]);
    }
    let results = [...buckets.values()].map((bucket) => ({
      bucket,
      record: this.aggregate(soql, query, fields, bucket),
    }));
    if (query.orderBy.length > 0) {
      const orders = query.orderBy.map((o) => ({
        resolved: this.resolve(soql, object, o.path),
        desc: o.desc,
        nullsLast: o.nullsLast,
      }));
      results = results.sort((a, b) => {
        for (const o of orders) {
          const va = this.valueOf(a.bucket[0], o.resolved);
          const vb = this.valueOf(b.bucket[0], o.resolved);
          const aNull = va === null || va === undefined;
          const bNull = vb === null || vb === undefined;
          if (aNull || bNull) {
            if (aNull && bNull) continue;
            return aNull === o.nullsLast ? 1 : -1;
          }
          const c = compareValues(va, vb);
          if (c !== 0) return o.desc ? -c : c;
        }
        return 0;
      });
    }
    const offset = query.offset ?? 0;
    const records = results
      .slice(offset, query.limit === undefined ? undefined : offset + query.limit)
      .map((r) => r.record);
    return { totalSize: records.length, records, countOnly: false };
  }

  /** Rows an equality on Id or a unique/external-id field narrows to (through the index), before the full filter. */
  private candidates(object: ObjectDef, condition: Condition | undefined): SfRecord[] | undefined {
    if (!condition) return undefined;
    if (condition.kind === 'and') {
      for (const item of condition.items) {
        const found = this.candidates(object, item);
        if (found) return found;
      }
      return undefined;
    }
    const equality =
      (condition.kind === 'cmp' && condition.op === '=') || (condition.kind === 'in' && !condition.negate);
    if (!equality || condition.path.segments.length !== 1) return undefined;
    const f = this.schema.field(object, condition.path.segments[0]);
    if (!f || f.caseSensitive || !(f.name === 'Id' || f.unique || f.externalId)) return undefined;
    const literals = condition.kind === 'cmp' ? [condition.value] : condition.values;
    const values: string[] = [];
    for (const literal of literals) {
      if (literal.type !== 'string') return undefined;
      values.push(literal.value);
    }
    const rows = new Map<string, SfRecord>();
    for (const value of values) {
      const matches = f.name === 'Id' ? [this.store.get(object, value)] : this.store.findBy(object, f, value);
      for (const row of matches) if (row) rows.set(row.Id as string, row);
    }
    return [...rows.values()];
  }

  /** Writes `Account.Owner.Name` into `{Account: {attributes, Owner: {attributes, Name}}}` (null when a parent is missing). */
  private project(out: SfRecord, row: SfRecord, resolved: Resolved, version: string): void {
    let target = out;
    let current: SfRecord | undefined = row;
    for (const hop of resolved.hops) {
      const name = hop.relationshipName as string;
      const id: unknown = current?.[hop.name];
      const parent: { object: ObjectDef; record: SfRecord } | undefined =
        typeof id === 'string' ? this.store.findById(id) : undefined;
      if (!parent) {
        if (!(name in target)) target[name] = null;
        return;
      }
      let nested = target[name] as SfRecord | null | undefined;
      if (!nested) {
        nested = {
          attributes: {
            type: parent.object.name,
            url: `/services/data/v${version}/sobjects/${parent.object.name}/${String(parent.record.Id)}`,
          },
        };
        target[name] = nested;
      }
      target = nested;
      current = parent.record;
    }
    target[resolved.field.name] = current?.[resolved.field.name] ?? null;
  }

  private compile(soql: string, object: ObjectDef, condition: Condition): (record: SfRecord) => boolean {
    switch (condition.kind) {
      case 'and': {
        const items = condition.items.map((c) => this.compile(soql, object, c));
        return (r) => items.every((f) => f(r));
      }
      case 'or': {
        const items = condition.items.map((c) => this.compile(soql, object, c));
        return (r) => items.some((f) => f(r));
      }
      case 'not': {
        const inner = this.compile(soql, object, condition.item);
        return (r) => !inner(r);
      }
      case 'like': {
        const resolved = this.resolve(soql, object, condition.path);
        if (!isTextual(resolved.field)) {
          throw new ApiError(
            400,
            'INVALID_FIELD',
            `${marker(soql, condition.path.pos)}invalid operator on ${resolved.field.type} field: ${resolved.field.name}`
          );
        }
        const regex = new RegExp(
          `^${condition.pattern
            .split('')
            .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
            .join('')}$`,
          'is'
        );
        return (r) => {
          const v = this.valueOf(r, resolved);
          return typeof v === 'string' && regex.test(v);
        };
      }
      case 'in': {
        const resolved = this.resolve(soql, object, condition.path);
        const values = condition.values.map((v) => this.checkLiteral(soql, resolved.field, v, condition.valuePos));
        return (r) => {
          const v = this.valueOf(r, resolved);
          const hit = values.some((lit) => matches(resolved.field, v, '=', lit));
          return condition.negate ? !hit && v !== null : hit;
        };
      }
      case 'inQuery': {
        const resolved = this.resolve(soql, object, condition.path);
        const sub = condition.query;
        const only = sub.select.length === 1 ? sub.select[0] : undefined;
        if (!only || only.kind !== 'field' || !['id', 'reference'].includes(resolved.field.type)) {
          throw malformed(
            soql,
            condition.valuePos,
            'The inner select field of a semi-join must be a single Id or reference field'
          );
        }
        const subObject = this.objectOf(soql, sub.from, sub.fromPos);
        const inner = this.resolve(soql, subObject, only.path);
        const result = this.execute(
          soql,
          { ...sub, select: [{ kind: 'field', path: { segments: ['Id'], pos: only.path.pos } }] },
          undefined
        );
        const ids = new Set<string>();
        for (const row of result.records) {
          const found = this.store.findById(row.Id as string);
          const value = found ? this.valueOf(found.record, inner) : null;
          if (typeof value === 'string') ids.add(value);
        }
        return (r) => {
          const v = this.valueOf(r, resolved);
          const hit = typeof v === 'string' && ids.has(v);
          return condition.negate ? !hit : hit;
        };
      }
      case 'cmp': {
        const resolved = this.resolve(soql, object, condition.path);
        const literal = this.checkLiteral(soql, resolved.field, condition.value, condition.valuePos);
        if (literal.type === 'null' && !['=', '!='].includes(condition.op)) {
          throw malformed(soql, condition.valuePos, `invalid operator on null: ${condition.op}`);
        }
        if (resolved.field.type === 'boolean' && !['=', '!='].includes(condition.op)) {
          throw new ApiError(
            400,
            'INVALID_FIELD',
            `${marker(soql, condition.path.pos)}invalid operator on boolean field: ${resolved.field.name}`
          );
        }
        return (r) => matches(resolved.field, this.valueOf(r, resolved), condition.op, literal);
      }
      default:
        return () => true;
    }
  }

  /** Rejects literals of the wrong type, as a real org does, and normalises Ids. */
  private checkLiteral(soql: string, f: FieldDef, literal: Literal, pos: number): Literal {
    if (literal.type === 'null') return literal;
    const fail = (kind: string, quoted: boolean): never => {
      throw new ApiError(
        400,
        'INVALID_FIELD',
        `${marker(soql, pos)}value of filter criterion for field '${f.name}' must be of type ${kind} and should ${quoted ? '' : 'not '}be enclosed in quotes`
      );
    };
    switch (f.type) {
      case 'boolean':
        if (literal.type !== 'boolean') fail('boolean', false);
        return literal;
      case 'double':
      case 'currency':
      case 'percent':
      case 'int':
        if (literal.type !== 'number') fail('double', false);
        return literal;
      case 'date':
        if (literal.type !== 'date' && literal.type !== 'dateRange') fail('date', false);
        return literal;
      case 'datetime':
        if (literal.type !== 'datetime' && literal.type !== 'dateRange') fail('dateTime', false);
        return literal;
      case 'id':
      case 'reference':
        if (literal.type !== 'string') fail('string', true);
        if ((literal as { value: string }).value !== '' && !isValidId((literal as { value: string }).value)) {
          throw new ApiError(
            400,
            'INVALID_QUERY_FILTER_OPERATOR',
            `${marker(soql, pos)}invalid ID field: ${(literal as { value: string }).value}`
          );
        }
        return (literal as { value: string }).value === ''
          ? literal
          : { type: 'string', value: to18((literal as { value: string }).value) };
      default:
        if (literal.type !== 'string') fail('string', true);
        return literal;
    }
  }
}

function apexType(f: FieldDef): string {
  switch (f.type) {
    case 'id':
    case 'reference':
      return 'Id';
    case 'boolean':
      return 'Boolean';
    case 'double':
    case 'currency':
    case 'percent':
      return 'Double';
    case 'int':
      return 'Integer';
    case 'date':
      return 'Date';
    case 'datetime':
      return 'Datetime';
    case 'time':
      return 'Time';
    default:
      return 'String';
  }
}

function isTextual(f: FieldDef): boolean {
  return [
    'string',
    'textarea',
    'picklist',
    'multipicklist',
    'url',
    'email',
    'phone',
    'id',
    'reference',
    'encryptedstring',
  ].includes(f.type);
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a).toLowerCase();
  const sb = String(b).toLowerCase();
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function toMs(f: FieldDef, value: unknown): number {
  if (typeof value !== 'string') return NaN;
  if (f.type === 'date') return Date.parse(`${value}T00:00:00Z`);
  return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

function matches(f: FieldDef, value: unknown, op: string, literal: Literal): boolean {
  if (literal.type === 'null') {
    const isNull = value === null || value === undefined || value === '';
    return op === '=' ? isNull : !isNull;
  }
  if (value === null || value === undefined) return op === '!=';
  let cmp: number;
  if (literal.type === 'dateRange') {
    const ms = toMs(f, value);
    if (Number.isNaN(ms)) return false;
    switch (op) {
      case '=':
        return ms >= literal.start && ms < literal.end;
      case '!=':
        return ms < literal.start || ms >= literal.end;
      case '<':
        return ms < literal.start;
      case '<=':
        return ms < literal.end;
      case '>':
        return ms >= literal.end;
      case '>=':
        return ms >= literal.start;
      default:
        return false;
    }
  }
  if (literal.type === 'date' || literal.type === 'datetime') {
    const target = literal.type === 'date' ? Date.parse(`${literal.value}T00:00:00Z`) : literal.value;
    cmp = toMs(f, value) - target;
  } else if (literal.type === 'number' || literal.type === 'boolean') {
    cmp = compareValues(value, literal.value);
  } else if (f.type === 'multipicklist' && (op === '=' || op === '!=')) {
    const equal = asText(value).toLowerCase() === literal.value.toLowerCase();
    return op === '=' ? equal : !equal;
  } else {
    cmp = compareValues(value, literal.value);
  }
  switch (op) {
    case '=':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
    default:
      return false;
  }
}
