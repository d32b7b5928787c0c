/** Field values a real org computes: auto-number display formats and (the text subset of) formula fields. */
import type { SfRecord } from './store.js';
import { asText } from './text.js';

export function formatAutoNumber(format: string, n: number): string {
  return format.replace(/\{(0+)\}/, (_m, zeros: string) => String(n).padStart(zeros.length, '0'));
}

/**
 * An approximate formula evaluator for the text formulas pcsync uses: string literals, field references, `&`,
 * `TEXT()`, `IF(ISPICKVAL(f,'v'), a, b)`, `CASE(expr, v1, r1, …, else)`. Anything else evaluates to null.
 */
export function evaluateFormula(formula: string, record: SfRecord): unknown {
  try {
    const tokens =
      formula.match(
        /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z_][A-Za-z0-9_.]*|\d+(?:\.\d+)?|&&|\|\||<>|!=|[=&(),+<>]/g
      ) ?? [];
    let pos = 0;
    const peek = (): string | undefined => tokens[pos];
    const next = (): string => tokens[pos++] ?? '';
    const expect = (t: string): void => {
      if (next() !== t) throw new Error(`expected ${t}`);
    };
    const args = (): unknown[] => {
      expect('(');
      const list: unknown[] = [];
      if (peek() === ')') {
        next();
        return list;
      }
      for (;;) {
        list.push(concat());
        const t = next();
        if (t === ')') return list;
        if (t !== ',') throw new Error('bad args');
      }
    };
    const primary = (): unknown => {
      const t = next();
      if (/^["']/.test(t)) return t.slice(1, -1).replace(/\\(.)/g, '$1');
      if (/^\d/.test(t)) return Number(t);
      if (t === '(') {
        const v = concat();
        expect(')');
        return v;
      }
      const upper = t.toUpperCase();
      if (upper === 'TRUE') return true;
      if (upper === 'FALSE') return false;
      if (upper === 'NULL') return null;
      if (peek() === '(') {
        const a = args();
        switch (upper) {
          case 'TEXT':
            return a[0] === null || a[0] === undefined ? '' : asText(a[0]);
          case 'ISPICKVAL':
            return (a[0] ?? '') === a[1];
          case 'ISBLANK':
          case 'ISNULL':
            return a[0] === null || a[0] === undefined || a[0] === '';
          case 'NOT':
            return !a[0];
          case 'IF':
            return a[0] ? a[1] : a[2];
          case 'BLANKVALUE':
            return a[0] === null || a[0] === undefined || a[0] === '' ? a[1] : a[0];
          case 'CASE': {
            const subject = a[0] ?? '';
            for (let i = 1; i + 1 < a.length; i += 2) if (a[i] === subject) return a[i + 1];
            return a.length % 2 === 0 ? a[a.length - 1] : null;
          }
          default:
            throw new Error(`unsupported function ${t}`);
        }
      }
      const key = Object.keys(record).find((k) => k.toLowerCase() === t.toLowerCase());
      if (key === undefined) throw new Error(`unknown field ${t}`);
      return record[key];
    };
    const concat = (): unknown => {
      let left = primary();
      while (peek() === '&' || peek() === '+' || peek() === '=') {
        const op = next();
        const right = primary();
        if (op === '=') left = left === right;
        else if (op === '+' && typeof left === 'number' && typeof right === 'number') left = left + right;
        else
          left = `${left === null || left === undefined ? '' : asText(left)}${right === null || right === undefined ? '' : asText(right)}`;
      }
      return left;
    };
    const value = concat();
    if (pos !== tokens.length) return null;
    return value === '' ? null : value;
  } catch {
    return null;
  }
}
