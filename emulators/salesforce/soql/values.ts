/** How field values compare and match a literal, and how a field's type reads in query metadata. */
import type { FieldDef } from '../schema.js';
import { asText } from '../text.js';
import type { Literal } from './ast.js';

export function apexType(f: FieldDef): string {
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

export function isTextual(f: FieldDef): boolean {
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

export function compareValues(a: unknown, b: unknown): number {
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

export function matches(f: FieldDef, value: unknown, op: string, literal: Literal): boolean {
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
