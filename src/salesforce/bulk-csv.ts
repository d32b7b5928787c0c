/**
 * A Bulk API 2.0 job's CSV, both ways, without a copy of the job beside its records (Bulk API 2.0 Developer Guide,
 * "Prepare CSV Files" and "Get Job Successful Record Results"): the upload is made a chunk of rows at a time as the
 * request body asks for it, and each result row is read down to what the run needs of it — its key, Id and error.
 */
import type { SObjectRecord } from './results.js';

export type BulkRow = Record<string, string>;

/** Rows per chunk of an upload: the builder holds one chunk's text at a time, never the whole CSV. */
export const CSV_CHUNK_ROWS = 500;
/** Characters at which a chunk ends before its rows are done. */
export const CSV_CHUNK_CHARS = 32_768;

/** What a result row says of its input row: the input row's key, and the Id made or the error. */
export type ResultRow = { key: string; id?: string; created?: boolean; error?: string };

/**
 * The records a write sends, read in order: an array, or `MadeRecords`, whose each record is made when it is read, so a
 * large write never holds all its values at once (a window's Opportunities with their snapshots and audit trails).
 */
export type Records = {
  readonly length: number;
  at(index: number): SObjectRecord | undefined;
  [Symbol.iterator](): Iterator<SObjectRecord>;
};

/** Records made when read, by `make` from their index: each read makes the record again. */
export class MadeRecords implements Records {
  public constructor(
    public readonly length: number,
    private readonly make: (index: number) => SObjectRecord
  ) {}

  public at(index: number): SObjectRecord | undefined {
    return index >= 0 && index < this.length ? this.make(index) : undefined;
  }

  public *[Symbol.iterator](): Iterator<SObjectRecord> {
    for (let index = 0; index < this.length; index++) yield this.make(index);
  }
}

/** Records `start` to `end` (excluded) of `records`, made when read as they are. */
export const recordsBetween = (records: Records, start: number, end: number): Records =>
  new MadeRecords(Math.max(0, Math.min(end, records.length) - start), (index) => records.at(start + index) ?? {});

/** The union of the records' fields in the order first seen (`attributes` is jsforce's, never a column). */
export function csvColumns(records: Records): string[] {
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
 * The upload's CSV (LF line endings): the header, then chunks of at most `chunkRows` rows, each ended early once it
 * reaches `chunkChars` characters, each made when the reader asks for it. Each row's key (`keyOf` of its CSV values) is
 * pushed onto `keys` as the row is written, in input order. A chunk stays well under V8's large-object size (128 KiB),
 * so it is young garbage once sent: a 500-row chunk of Opportunities (their Snapshot JSON, 2 KB a row) was a megabyte
 * string, and a 10,000-row job's chunks and their bytes (75 MB) lived until the next full collection.
 */
export function* csvChunks(
  records: Records,
  columns: readonly string[],
  keyOf: (row: BulkRow) => string,
  keys: string[],
  chunkRows = CSV_CHUNK_ROWS,
  chunkChars = CSV_CHUNK_CHARS
): Generator<string, void, undefined> {
  yield `${columns.map(quoted).join(',')}\n`;
  let chunk = '';
  let rows = 0;
  for (let index = 0; index < records.length; index++) {
    const row = csvValues(records.at(index) ?? {}, columns);
    keys.push(keyOf(row));
    chunk += `${columns.map((column) => quoted(row[column])).join(',')}\n`;
    if (++rows >= chunkRows || chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
      rows = 0;
    }
  }
  if (rows > 0) yield chunk;
}

/**
 * A copy of a value that does not hold on to the text it was cut from: V8 keeps a slice of 13 characters or more as a
 * view of the whole string, so a value kept for the run (an Id in an outcome, a row of a window) would keep the chunk
 * of the body it came from alive with it — every chunk of the body, for a window's rows. Only what is kept is copied
 * (`resultRow`, `ownValues`): a job's results echo every input column, a Snapshot's JSON among them, and copying each
 * value as it was read (through a Buffer, as before) was 20 MB of copies a 10,000-row read, all dropped at once. A
 * copy through JSON stays on V8's heap; one through a Buffer is native memory the collector frees later.
 */
export const own = (value: string): string =>
  value.length < 13 ? value : (JSON.parse(JSON.stringify(value)) as string);

/** The record with each of its text values (and its parents' — `Account.Name`) its own copy (`own`), in place. */
export function ownValues<T extends SObjectRecord>(record: T): T {
  const values = record as SObjectRecord;
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') values[key] = own(value);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) ownValues(value as SObjectRecord);
  }
  return record;
}

/**
 * An RFC 4180 reader fed the CSV a chunk at a time (quoted values may hold commas, quotes, line breaks; a record ends
 * at LF, CR or CRLF, even when a chunk ends between the CR and the LF): each record is handed on as its line ends, so
 * it holds one record's values and never the text before them. A value may be a view of the chunk it was read from:
 * what is kept of it is copied (`own`).
 */
export class CsvReader {
  private values: string[] = [];
  private value = '';
  /** start: before a value; plain: in an unquoted one; quoted: in a quoted one; quote: a quote seen in a quoted one. */
  private state: 'start' | 'plain' | 'quoted' | 'quote' = 'start';
  private afterCr = false;

  public constructor(private readonly onRecord: (values: string[]) => void) {}

  public write(chunk: string): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.afterCr) {
        this.afterCr = false;
        if (chunk[at] === '\n') at++;
        continue;
      }
      if (this.state === 'quoted') {
        // Up to the closing quote in one slice, its doubled quotes made one: a value is one string, not a piece per
        // quote (a Snapshot's JSON has hundreds). A quote at the chunk's end may be the first of a doubled one.
        let close = chunk.indexOf('"', at);
        while (close >= 0 && close + 1 < chunk.length && chunk[close + 1] === '"')
          close = chunk.indexOf('"', close + 2);
        const text = chunk.slice(at, close < 0 ? chunk.length : close);
        this.value += text.includes('""') ? text.replaceAll('""', '"') : text;
        if (close < 0) return;
        at = close + 1;
        this.state = 'quote';
      } else if (this.state === 'quote') {
        // A doubled quote is a quote in the value; any other character follows the closing quote.
        if (chunk[at] === '"') {
          this.value += '"';
          at++;
          this.state = 'quoted';
        } else this.state = 'plain';
      } else if (this.state === 'start' && chunk[at] === '"') {
        at++;
        this.state = 'quoted';
      } else {
        const end = /[,\r\n]/g;
        end.lastIndex = at;
        const found = end.exec(chunk);
        const stop = found ? found.index : chunk.length;
        this.value += chunk.slice(at, stop);
        this.state = 'plain';
        if (!found) return;
        at = stop + 1;
        if (found[0] === ',') this.endValue();
        else {
          this.endRecord();
          this.afterCr = found[0] === '\r';
        }
      }
    }
  }

  /** The end of the CSV: a last record without its line break is handed on. */
  public end(): void {
    if (this.state === 'quoted') throw new Error('unterminated quoted value in the CSV');
    if (this.values.length > 0 || this.state !== 'start') this.endRecord();
  }

  private endValue(): void {
    this.values.push(this.value);
    this.value = '';
    this.state = 'start';
  }

  private endRecord(): void {
    this.endValue();
    const record = this.values;
    this.values = [];
    this.onRecord(record);
  }
}

/** A CSV's rows by its header's column names, each handed on as it ends; blank lines are skipped. */
export function csvRows(onRow: (row: BulkRow) => void): CsvReader {
  let columns: string[] | undefined;
  return new CsvReader((values) => {
    if (!columns) columns = values;
    else if (values.length > 1 || values[0] !== '') {
      const row: BulkRow = {};
      columns.forEach((column, index) => (row[column] = values[index] ?? ''));
      onRow(row);
    }
  });
}

/**
 * A result row read down to its key, Id and error (the results echo the input columns, so `keyOf` reads them as it
 * reads an input row): the row itself is not kept.
 */
export const resultRow = (row: BulkRow, keyOf: (row: BulkRow) => string): ResultRow => ({
  key: own(keyOf(row)),
  ...(row.sf__Id ? { id: own(row.sf__Id) } : {}),
  ...('sf__Created' in row ? { created: row.sf__Created === 'true' } : {}),
  ...('sf__Error' in row ? { error: own(row.sf__Error) } : {}),
});
