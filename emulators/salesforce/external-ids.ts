/**
 * An external id given twice in one upsert batch (a collection, or a 200-row Bulk API chunk) fails every row that
 * carries it, with DUPLICATE_VALUE "Duplicate external id specified" (Help: "Error 'Duplicate Id Specified' or CSV
 * with duplicate records on update or upsert"); in separate batches the second row updates what the first wrote.
 */
import { RecordError } from './errors.js';
import type { FieldDef } from './schema.js';
import { asText } from './text.js';

/** The value as the field compares it (case-insensitive unless the field is case-sensitive). */
export function externalKey(f: FieldDef, value: unknown): string {
  return f.caseSensitive ? asText(value) : asText(value).toLowerCase();
}

/** Keys that occur more than once among the rows (`column`: the key's index in a CSV row, or a record's field). */
export function repeatedKeys(
  f: FieldDef,
  rows: Array<string[] | Record<string, unknown>>,
  column?: number
): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const row of rows) {
    let value: unknown;
    if (Array.isArray(row)) value = column === undefined || column < 0 ? undefined : row[column];
    else {
      const key = Object.keys(row).find((k) => k.toLowerCase() === f.name.toLowerCase());
      value = key ? row[key] : undefined;
    }
    if (value === undefined || value === null || value === '') continue;
    const key = externalKey(f, value);
    if (seen.has(key)) repeated.add(key);
    seen.add(key);
  }
  return repeated;
}

export function duplicateExternalId(f: FieldDef, value: unknown): RecordError {
  return RecordError.of('DUPLICATE_VALUE', `Duplicate external id specified: ${asText(value)}`, [f.name]);
}
