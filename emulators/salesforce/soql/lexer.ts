/** SOQL tokens, and the `ERROR at Row:1:Column:N` marker a real org prints under a malformed query. */
import { ApiError } from '../errors.js';

export type Token = {
  kind: 'ident' | 'string' | 'number' | 'date' | 'datetime' | 'op' | 'punct' | 'eof';
  text: string;
  pos: number;
};

export function malformed(soql: string, pos: number, message: string): ApiError {
  return new ApiError(400, 'MALFORMED_QUERY', `${marker(soql, pos)}${message}`);
}

export function marker(soql: string, pos: number): string {
  const before = soql.slice(0, pos);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = pos - lineStart + 1;
  const line = soql.split('\n')[row - 1] ?? '';
  return `\n${line}\n${' '.repeat(Math.max(0, column - 1))}^\nERROR at Row:${row}:Column:${column}\n`;
}

export function tokenize(soql: string): Token[] {
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
