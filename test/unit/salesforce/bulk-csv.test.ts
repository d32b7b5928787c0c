/**
 * A Bulk API 2.0 job's CSV both ways: the upload made a chunk at a time as it is read (never the whole CSV, never a
 * row ahead of the reader), and the results read down to each row's key, Id and error.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'chai';
import {
  CsvReader,
  csvChunks,
  csvColumns,
  csvRows,
  MadeRecords,
  ownValues,
  recordsBetween,
  resultRow,
  type BulkRow,
  type ResultRow,
} from '../../../src/salesforce/bulk-csv.js';
import type { SObjectRecord } from '../../../src/salesforce/results.js';

/** The CSV's records, fed to the reader in pieces of `size` characters. */
function csvRecords(text: string, size = text.length || 1): string[][] {
  const records: string[][] = [];
  const reader = new CsvReader((values) => records.push(values));
  for (let at = 0; at < text.length; at += size) reader.write(text.slice(at, at + size));
  reader.end();
  return records;
}

describe('salesforce: Bulk API 2.0 CSV', () => {
  const byEmail = (row: BulkRow): string => row.Email;
  const readResults = (text: string, keyOf: (row: BulkRow) => string): ResultRow[] => {
    const kept: ResultRow[] = [];
    const reader = csvRows((row) => kept.push(resultRow(row, keyOf)));
    reader.write(text);
    reader.end();
    return kept;
  };

  it('makes the upload one chunk at a time: no record is read before the reader asks for its chunk', () => {
    const records: SObjectRecord[] = Array.from({ length: 1050 }, (_, i) => ({ Email: `p${i}@example.com` }));
    const read = new Set<number>();
    // Each record is read through a proxy that notes its index: what the builder has touched so far.
    const watched = new Proxy(records, {
      get(target, property, receiver): unknown {
        if (typeof property === 'string' && /^\d+$/.test(property)) read.add(Number(property));
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    const keys: string[] = [];
    const chunks = csvChunks(watched, ['Email'], byEmail, keys, 500);
    expect(chunks.next().value).to.equal('Email\n');
    expect(read.size).to.equal(0);
    const first = chunks.next().value as string;
    expect(first.split('\n')).to.have.length(501);
    expect(Math.max(...read)).to.equal(499);
    expect(keys).to.have.length(500);
    chunks.next();
    expect(Math.max(...read)).to.equal(999);
    const last = chunks.next().value as string;
    expect(last.split('\n').slice(0, -1)).to.deep.equal(
      Array.from({ length: 50 }, (_, i) => `p${1000 + i}@example.com`)
    );
    expect(chunks.next().done).to.equal(true);
    expect(keys).to.deep.equal(records.map((record) => record.Email));
  });

  it('ends a chunk early at chunkChars characters: long rows make small chunks, every row once', () => {
    const records: SObjectRecord[] = Array.from({ length: 300 }, (_, i) => ({
      Email: `p${i}@example.com`,
      Description: 'x'.repeat(1000),
    }));
    const keys: string[] = [];
    const [header, ...chunks] = [...csvChunks(records, ['Email', 'Description'], byEmail, keys, 500, 8192)];
    expect(header).to.equal('Email,Description\n');
    const row = 'p0@example.com,'.length + 1001;
    expect(Math.max(...chunks.map((chunk) => chunk.length))).to.be.below(8192 + row);
    expect(
      chunks
        .join('')
        .split('\n')
        .slice(0, -1)
        .map((line) => line.split(',')[0])
    ).to.deep.equal(records.map((record) => record.Email));
    expect(keys).to.deep.equal(records.map((record) => record.Email));
  });

  it('made records: each made only when the upload reads it, none held by the list; a range of them made as read', () => {
    const made: number[] = [];
    const records = new MadeRecords(1050, (index) => {
      made.push(index);
      return { Email: `p${index}@example.com`, Description: 'x'.repeat(100) };
    });
    const chunks = csvChunks(records, ['Email', 'Description'], byEmail, [], 500, 1_000_000);
    chunks.next();
    expect(made).to.deep.equal([]);
    chunks.next();
    expect(made).to.deep.equal(Array.from({ length: 500 }, (_, i) => i));
    expect(records.at(1050)).to.equal(undefined);
    const middle = recordsBetween(records, 1000, 2000);
    expect(middle.length).to.equal(50);
    expect([...middle].map((record) => record.Email)).to.deep.equal(
      Array.from({ length: 50 }, (_, i) => `p${1000 + i}@example.com`)
    );
    expect(records.at(7)).to.not.equal(records.at(7)); // made again at each read: nothing kept between reads
  });

  it('writes the union of the fields, #N/A for a null, an empty value for a field a record lacks, RFC 4180 quoting', () => {
    const records: SObjectRecord[] = [
      { attributes: { type: 'Contact' }, LastName: 'O"Neil, Jr.', Email: null },
      { LastName: 'Two\nLines', Phone: 5, HasOptedOutOfEmail: false },
    ];
    const columns = csvColumns(records);
    expect(columns).to.deep.equal(['LastName', 'Email', 'Phone', 'HasOptedOutOfEmail']);
    const text = [...csvChunks(records, columns, (row) => row.LastName, [])].join('');
    expect(text).to.equal('LastName,Email,Phone,HasOptedOutOfEmail\n"O""Neil, Jr.",#N/A,,\n"Two\nLines",,5,false\n');
    expect(csvRecords(text)).to.deep.equal([
      ['LastName', 'Email', 'Phone', 'HasOptedOutOfEmail'],
      ['O"Neil, Jr.', '#N/A', '', ''],
      ['Two\nLines', '', '5', 'false'],
    ]);
  });

  it('reads each result row down to its key, Id, created flag and error', () => {
    const successful =
      'sf__Id,sf__Created,Email,LastName\n003A,true,a@example.com,"Smith, A"\r\n003B,false,b@x.com,B\n';
    expect(readResults(successful, byEmail)).to.deep.equal([
      { key: 'a@example.com', id: '003A', created: true },
      { key: 'b@x.com', id: '003B', created: false },
    ]);
    const failed =
      'sf__Id,sf__Error,Email\n,"REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --",c@x.com\n';
    expect(readResults(failed, byEmail)).to.deep.equal([
      { key: 'c@x.com', error: 'REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --' },
    ]);
    expect(readResults('', byEmail)).to.deep.equal([]);
  });

  it('keeps of a read only what it keeps: a result row’s key, Id and error, a record’s values, not the body they came from', () => {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const heap = (): number => {
      collect();
      return process.memoryUsage().heapUsed;
    };
    // Thirty pieces of a megabyte, one row each: a long value beside an Id, a key and an error of 13 characters or
    // more, each of which V8 would otherwise keep as a view of its whole piece.
    const filler = 'x'.repeat(2 ** 20);
    const pieces = (n: number): string =>
      `003A${String(n).padStart(14, '0')},key-${n}@example.com,"${filler}${n}",ERROR_${n}_TEXT\n`;
    const before = heap();
    const results: ResultRow[] = [];
    const records: SObjectRecord[] = [];
    const reader = csvRows((row) => {
      results.push(resultRow(row, (values) => values.Email));
      records.push(ownValues({ Id: row.sf__Id, Parent: { Email: row.Email } }));
    });
    reader.write('sf__Id,Email,Filler,sf__Error\n');
    for (let n = 0; n < 30; n++) reader.write(pieces(n));
    reader.end();
    const kept = heap() - before;
    expect(results[29]).to.deep.equal({ key: 'key-29@example.com', id: '003A00000000000029', error: 'ERROR_29_TEXT' });
    expect(records[29]).to.deep.equal({ Id: '003A00000000000029', Parent: { Email: 'key-29@example.com' } });
    expect(kept, `bytes still held after reading 30 MB`).to.be.below(2 ** 20 * 3);
  });

  it('reads a CSV cut into pieces anywhere — in a quoted value, between a doubled quote, between CR and LF', () => {
    const text = 'a,"b ""quoted"", with, commas",c\r\n"multi\r\nline",,\r\nlast,"",x';
    const whole = csvRecords(text);
    expect(whole).to.deep.equal([
      ['a', 'b "quoted", with, commas', 'c'],
      ['multi\r\nline', '', ''],
      ['last', '', 'x'],
    ]);
    for (let size = 1; size < text.length; size++)
      expect(csvRecords(text, size), `pieces of ${size}`).to.deep.equal(whole);
    expect(() => csvRecords('a,"open')).to.throw('unterminated quoted value');
  });
});
