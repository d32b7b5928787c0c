/**
 * What a Salesforce field can hold, from the org's describe: a text value longer than the field is cut to fit
 * (with a note), a number with more digits than its precision allows is refused before any write, with words a
 * person can act on.
 */
import type { DescribeSObjectResult } from '@jsforce/jsforce-node';
import type { SalesforceValue } from '../mapping/convert.js';

export type FieldLimit = {
  name: string;
  label: string;
  type: string;
  length?: number;
  precision?: number;
  scale?: number;
};

/** By lower-case field name. */
export type FieldLimits = ReadonlyMap<string, FieldLimit>;

export function limitsOf(describe: Pick<DescribeSObjectResult, 'fields'>): FieldLimits {
  return new Map(
    describe.fields.map((field) => [
      field.name.toLowerCase(),
      {
        name: field.name,
        label: field.label ?? field.name,
        type: String(field.type),
        ...(field.length ? { length: field.length } : {}),
        ...(field.precision ? { precision: field.precision } : {}),
        ...(field.scale !== undefined && field.scale !== null ? { scale: field.scale } : {}),
      },
    ])
  );
}

const TEXT = new Set(['string', 'textarea', 'url', 'email', 'phone', 'encryptedstring', 'combobox']);
const NUMBER = new Set(['double', 'currency', 'percent', 'int', 'long']);

export type Fitted =
  | { value: SalesforceValue; clipped?: { from: number; to: number } }
  | { refused: { reason: 'digits'; value: number; digits: number } };

/** A value made to fit its field, or why it cannot. Unknown fields and other types pass through unchanged. */
export function fit(limit: FieldLimit | undefined, value: SalesforceValue): Fitted {
  if (!limit || value === null) return { value };
  if (typeof value === 'string' && TEXT.has(limit.type) && limit.length && value.length > limit.length) {
    return { value: value.slice(0, limit.length), clipped: { from: value.length, to: limit.length } };
  }
  if (typeof value === 'number' && NUMBER.has(limit.type) && limit.precision) {
    const digits = limit.precision - (limit.scale ?? 0);
    if (Math.abs(value) >= 10 ** digits) return { refused: { reason: 'digits', value, digits } };
  }
  return { value };
}
