/**
 * Runs a parsed query against the record store: select lists with parent paths and child subqueries, WHERE,
 * aggregates and GROUP BY, ORDER BY, LIMIT and OFFSET, shaped as the REST query resource answers.
 */
import { ApiError } from '../errors.js';
import type { FieldDef, ObjectDef, SchemaView } from '../schema.js';
import type { RecordStore, SfRecord } from '../store.js';
import type { AggregateFn, ParsedQuery } from './ast.js';
import { aggregateRow, groupRows } from './aggregate.js';
import { queryColumns } from './columns.js';
import { candidates, compileWhere, type FilterContext } from './filter.js';
import { malformed, marker } from './lexer.js';
import { parseSoql } from './parser.js';
import { Resolver, type Resolved } from './resolve.js';

export type SelectSpec =
  | { resolved: Resolved }
  | { count: true; fn: AggregateFn; arg?: Resolved; alias?: string }
  | { subquery: ParsedQuery; relationship: string; childObject: ObjectDef; childField: FieldDef };

export type QueryResult = { totalSize: number; records: SfRecord[]; countOnly: boolean };

export class SoqlEngine {
  private readonly resolver: Resolver;
  private readonly filter: FilterContext;

  public constructor(
    private readonly schema: SchemaView,
    private readonly store: RecordStore,
    private readonly apiVersion: () => string
  ) {
    this.resolver = new Resolver(schema, store);
    this.filter = {
      schema,
      store,
      resolver: this.resolver,
      run: (soql, query) => this.execute(soql, query, undefined),
    };
  }

  /** Runs a query; `includeDeleted` (queryAll) adds deleted rows, which have `IsDeleted = true`. */
  public run(soql: string, includeDeleted = false): QueryResult {
    const query = parseSoql(soql, this.store.clock.nowMs());
    return this.execute(soql, query, undefined, includeDeleted);
  }

  /** The `columns=true` answer `sf data query` asks for to lay out its table. */
  public columns(soql: string): Record<string, unknown> {
    return queryColumns(this.schema, this.resolver, soql, this.store.clock.nowMs());
  }

  private execute(
    soql: string,
    query: ParsedQuery,
    parentFilter: { field: FieldDef; id: string } | undefined,
    includeDeleted = false
  ): QueryResult {
    const object = this.resolver.objectOf(soql, query.from, query.fromPos);
    const seen = new Set<string>();
    const fields: SelectSpec[] = [];
    for (const item of query.select) {
      if (item.kind === 'field') {
        const resolved = this.resolver.resolve(soql, object, item.path);
        const key = resolved.name.join('.').toLowerCase();
        if (seen.has(key))
          throw malformed(soql, item.path.pos, `duplicate field selected: ${item.path.segments.join('.')}`);
        seen.add(key);
        fields.push({ resolved });
      } else if (item.kind === 'count') {
        fields.push({
          count: true,
          fn: item.fn,
          arg: item.arg ? this.resolver.resolve(soql, object, item.arg) : undefined,
          alias: item.alias,
        });
      } else {
        if (parentFilter) throw malformed(soql, item.pos, 'Nested subqueries are not supported');
        const rel = this.schema.childRelationship(object, item.query.from);
        if (!rel) {
          throw new ApiError(
            400,
            'INVALID_TYPE',
            `${marker(soql, item.query.fromPos)}Didn't understand relationship '${item.query.from}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`
          );
        }
        const childObject = this.schema.object(rel.childSObject) as ObjectDef;
        const childField = this.schema.field(childObject, rel.field) as FieldDef;
        fields.push({
          subquery: { ...item.query, from: childObject.name },
          relationship: rel.relationshipName,
          childObject,
          childField,
        });
      }
    }
    const counts = fields.filter((f) => 'count' in f);
    const groups = (query.groupBy ?? []).map((p) => this.resolver.resolve(soql, object, p));
    const grouped = (r: Resolved): boolean =>
      groups.some((g) => g.name.join('.').toLowerCase() === r.name.join('.').toLowerCase());
    for (const f of fields) {
      if ('subquery' in f && (counts.length > 0 || groups.length > 0))
        throw malformed(soql, query.fromPos, 'Subqueries cannot be combined with aggregates');
      if ('resolved' in f && (counts.length > 0 || groups.length > 0) && !grouped(f.resolved)) {
        throw malformed(soql, query.fromPos, `Field must be grouped or aggregated: ${f.resolved.field.name}`);
      }
    }
    const where = query.where ? compileWhere(this.filter, soql, object, query.where) : undefined;
    let rows = includeDeleted
      ? [...this.store.all(object), ...this.store.deleted(object)]
      : (candidates(this.filter, object, query.where) ?? this.store.all(object));
    if (parentFilter) rows = rows.filter((r) => r[parentFilter.field.name] === parentFilter.id);
    if (where) rows = rows.filter(where);
    if (groups.length > 0) return groupRows(this.resolver, soql, object, query, fields, groups, rows);
    if (query.orderBy.length > 0) rows = [...rows].sort(this.resolver.comparator(soql, object, query.orderBy));
    const offset = query.offset ?? 0;
    rows = rows.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
    if (counts.length > 0) {
      const specs = counts as Array<{ fn: AggregateFn; arg?: Resolved; alias?: string }>;
      if (specs.length === 1 && specs[0].fn === 'COUNT' && !specs[0].arg && !specs[0].alias) {
        return { totalSize: rows.length, records: [], countOnly: true };
      }
      const aggregate = aggregateRow(this.resolver, soql, query, fields, rows);
      return { totalSize: 1, records: [aggregate], countOnly: false };
    }
    const version = this.apiVersion();
    const records = rows.map((row) => {
      const out: SfRecord = {
        attributes: { type: object.name, url: `/services/data/v${version}/sobjects/${object.name}/${String(row.Id)}` },
      };
      for (const spec of fields) {
        if ('resolved' in spec) this.project(out, row, spec.resolved, version);
        else if ('subquery' in spec) {
          const child = this.execute(soql, spec.subquery, { field: spec.childField, id: row.Id as string });
          out[spec.relationship] =
            child.records.length === 0 ? null : { totalSize: child.totalSize, done: true, records: child.records };
        }
      }
      return out;
    });
    return { totalSize: records.length, records, countOnly: false };
  }

  /** Writes `Account.Owner.Name` as `{Account: {attributes, Owner: {attributes, Name}}}` (null: no parent). */
  private project(out: SfRecord, row: SfRecord, resolved: Resolved, version: string): void {
    let target = out;
    let current: SfRecord | undefined = row;
    for (const hop of resolved.hops) {
      const name = hop.relationshipName as string;
      const id: unknown = current?.[hop.name];
      const parent: { object: ObjectDef; record: SfRecord } | undefined =
        typeof id === 'string' ? this.store.findById(id) : undefined;
      if (!parent) {
        if (!(name in target)) target[name] = null;
        return;
      }
      let nested = target[name] as SfRecord | null | undefined;
      if (!nested) {
        nested = {
          attributes: {
            type: parent.object.name,
            url: `/services/data/v${version}/sobjects/${parent.object.name}/${String(parent.record.Id)}`,
          },
        };
        target[name] = nested;
      }
      target = nested;
      current = parent.record;
    }
    target[resolved.field.name] = current?.[resolved.field.name] ?? null;
  }
}
