/** The SOQL parser: tokens to a ParsedQuery, with Salesforce's MALFORMED_QUERY errors. */
import { ApiError } from '../errors.js';
import type { AggregateFn, Condition, Literal, ParsedQuery, Path, SelectItem } from './ast.js';
import { dateRange } from './dates.js';
import { malformed, marker, tokenize, type Token } from './lexer.js';

const AGGREGATES = new Set(['COUNT', 'COUNT_DISTINCT', 'MAX', 'MIN', 'SUM', 'AVG']);

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

class Parser {
  private pos = 0;
  public constructor(
    private readonly soql: string,
    private readonly tokens: Token[],
    private readonly now: number
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
        const range = dateRange(upper, n, this.now);
        if (!range) throw malformed(this.soql, token.pos, `unexpected token: '${token.text}'`);
        return { type: 'dateRange', name: upper, ...range };
      }
      default:
        throw this.unexpected(token);
    }
  }
}

/** Parses a query; `now` (the org's clock, ms) anchors date keywords such as TODAY and LAST_N_DAYS:n. */
export function parseSoql(soql: string, now: number): ParsedQuery {
  return new Parser(soql, tokenize(soql), now).parseQuery();
}
