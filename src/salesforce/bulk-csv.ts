/**
 * A Bulk API 2.0 job's CSV, both ways, without a copy of the job beside its records (Bulk API 2.0 Developer Guide,
 * "Prepare CSV Files" and "Get Job Successful Record Results"): the upload is made a chunk of rows at a time as the
 * request body asks for it, and each result row is read down to what the run needs of it — its key, Id and error.
 */
import type { SObjectRecord } from './results.js';

export type BulkRow = Record<string, string>;

/** Rows per chunk of an upload: the builder holds one chunk's text at a time, never the whole CSV. */
export const CSV_CHUNK_ROWS = 500;

/** What a result row says of its input row: the input row's key, and the Id made or the error. */
export type ResultRow = { key: string; id?: string; created?: boolean; error?: string };

/** The union of the records' fields in the order first seen (`attributes` is jsforce's, never a column). */
export function csvColumns(records: readonly SObjectRecord[]): string[] {
  const columns = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) if (key !== 'attributes') columns.add(key);
  return [...columns];
}

/** One record's CSV values: `#N/A` sets a field to null; an empty value leaves it as it is (a field it lacks). */
export function csvValues(record: SObjectRecord, columns: readonly string[]): BulkRow {
  const row: BulkRow = {};
  for (const column of columns) {
    const value = record[column];
    if (value === null) row[column] = '#N/A';
    else if (value === undefined) row[column] = '';
    else row[column] = typeof value === 'object' ? JSON.stringify(value) : `${value as string | number | boolean}`;
  }
  return row;
}

/** RFC 4180: a value with a comma, a quote or a line break is quoted, its quotes doubled. */
const quoted = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/**
 * The upload's CSV (LF line endings): the header, then `chunkRows` rows to a chunk, each made when the reader asks
 * for it. Each row's key (`keyOf` of its CSV values) is pushed onto `keys` as the row is written, in input order.
 */
export function* csvChunks(
  records: readonly SObjectRecord[],
  columns: readonly string[],
  keyOf: (row: BulkRow) => string,
  keys: string[],
  chunkRows = CSV_CHUNK_ROWS
): Generator<string, void, undefined> {
  yield `${columns.map(quoted).join(',')}\n`;
  for (let start = 0; start < records.length; start += chunkRows) {
    let chunk = '';
    for (const record of records.slice(start, start + chunkRows)) {
      const row = csvValues(record, columns);
      keys.push(keyOf(row));
      chunk += `${columns.map((column) => quoted(row[column])).join(',')}\n`;
    }
    yield chunk;
  }
}

/** The records of a CSV text, each as its values (RFC 4180: quoted values may hold commas, quotes, line breaks). */
export function* csvRecords(text: string): Generator<string[], void, undefined> {
  let at = 0;
  while (at < text.length) {
    const values: string[] = [];
    for (;;) {
      let value = '';
      if (text[at] === '"') {
        at++;
        for (;;) {
          const close = text.indexOf('"', at);
          if (close < 0) throw new Error('unterminated quoted value in the CSV');
          value += text.slice(at, close);
          at = close + 1;
          if (text[at] !== '"') break;
          value += '"';
          at++;
        }
      } else {
        const end = /[,\r\n]/g;
        end.lastIndex = at;
        const found = end.exec(text);
        const stop = found ? found.index : text.length;
        value = text.slice(at, stop);
        at = stop;
      }
      values.push(value);
      if (text[at] === ',') at++;
      else break;
    }
    if (text[at] === '\r') at++;
    if (text[at] === '\n') at++;
    yield values;
  }
}

/**
 * A copy of a value that does not hold on to the text it was cut from: V8 keeps a slice of a long string as a view
 * of it, so an Id kept for the run would keep the job's whole results body (tens of MB) alive with it.
 */
const own = (value: string): string => Buffer.from(value, 'utf8').toString('utf8');

/**
 * A results CSV read down to its rows' keys, Ids and errors. Each row is whole only while its key is taken (the
 * results echo the input columns, so `keyOf` reads them as it reads an input row); none is kept.
 */
export function readResults(text: string, keyOf: (row: BulkRow) => string): ResultRow[] {
  const rows = csvRecords(text);
  const header = rows.next();
  if (header.done) return [];
  const columns = header.value;
  const kept: ResultRow[] = [];
  for (const values of rows) {
    if (values.length === 1 && values[0] === '') continue; // a blank line
    const row: BulkRow = {};
    columns.forEach((column, index) => (row[column] = values[index] ?? ''));
    kept.push({
      key: own(keyOf(row)),
      ...(row.sf__Id ? { id: own(row.sf__Id) } : {}),
      ...('sf__Created' in row ? { created: row.sf__Created === 'true' } : {}),
      ...('sf__Error' in row ? { error: own(row.sf__Error) } : {}),
    });
  }
  return kept;
}
