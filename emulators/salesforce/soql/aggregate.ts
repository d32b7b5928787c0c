/** Aggregate queries: COUNT/COUNT_DISTINCT/MAX/MIN/SUM/AVG over the rows, and GROUP BY into AggregateResult rows. */
import type { ObjectDef } from '../schema.js';
import type { SfRecord } from '../store.js';
import type { ParsedQuery } from './ast.js';
import type { QueryResult, SelectSpec } from './engine.js';
import { malformed } from './lexer.js';
import type { Resolved, Resolver } from './resolve.js';
import { compareValues } from './values.js';

/** One AggregateResult row: grouped fields by name, aggregates by alias or `exprN`. */
export function aggregateRow(
  resolver: Resolver,
  soql: string,
  query: ParsedQuery,
  fields: SelectSpec[],
  rows: SfRecord[]
): SfRecord {
  const aggregate: SfRecord = { attributes: { type: 'AggregateResult' } };
  let expr = 0;
  for (const item of fields) {
    if ('resolved' in item) {
      aggregate[item.resolved.field.name] = rows.length > 0 ? resolver.valueOf(rows[0], item.resolved) : null;
      continue;
    }
    if (!('count' in item)) continue;
    const spec = item;
    const values = spec.arg
      ? rows.map((r) => resolver.valueOf(r, spec.arg as Resolved)).filter((v) => v !== null && v !== undefined)
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
export function groupRows(
  resolver: Resolver,
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
        const v = resolver.valueOf(row, g);
        return typeof v === 'string' ? v.toLowerCase() : v;
      })
    );
    const bucket = buckets.get(key);
    if (bucket) bucket.push(row);
    else buckets.set(key, [row]);
  }
  let results = [...buckets.values()].map((bucket) => ({
    bucket,
    record: aggregateRow(resolver, soql, query, fields, bucket),
  }));
  if (query.orderBy.length > 0) {
    const compare = resolver.comparator(soql, object, query.orderBy);
    results = results.sort((a, b) => compare(a.bucket[0], b.bucket[0]));
  }
  const offset = query.offset ?? 0;
  const records = results
    .slice(offset, query.limit === undefined ? undefined : offset + query.limit)
    .map((r) => r.record);
  return { totalSize: records.length, records, countOnly: false };
}
