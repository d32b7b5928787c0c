/**
 * WHERE: conditions compiled to row predicates with literals type-checked as a real org checks them, and the rows an
 * indexed equality narrows to before the full filter runs.
 */
import { ApiError } from '../errors.js';
import { isValidId, to18 } from '../ids.js';
import type { FieldDef, ObjectDef, SchemaView } from '../schema.js';
import type { RecordStore, SfRecord } from '../store.js';
import type { Condition, Literal, ParsedQuery } from './ast.js';
import type { QueryResult } from './engine.js';
import { malformed, marker } from './lexer.js';
import type { Resolver } from './resolve.js';
import { isTextual, matches } from './values.js';

export type FilterContext = {
  schema: SchemaView;
  store: RecordStore;
  resolver: Resolver;
  /** Runs a semi-join's inner query. */
  run: (soql: string, query: ParsedQuery) => QueryResult;
};

export function compileWhere(
  ctx: FilterContext,
  soql: string,
  object: ObjectDef,
  condition: Condition
): (record: SfRecord) => boolean {
  switch (condition.kind) {
    case 'and': {
      const items = condition.items.map((c) => compileWhere(ctx, soql, object, c));
      return (r) => items.every((f) => f(r));
    }
    case 'or': {
      const items = condition.items.map((c) => compileWhere(ctx, soql, object, c));
      return (r) => items.some((f) => f(r));
    }
    case 'not': {
      const inner = compileWhere(ctx, soql, object, condition.item);
      return (r) => !inner(r);
    }
    case 'like': {
      const resolved = ctx.resolver.resolve(soql, object, condition.path);
      if (!isTextual(resolved.field)) {
        throw new ApiError(
          400,
          'INVALID_FIELD',
          `${marker(soql, condition.path.pos)}invalid operator on ${resolved.field.type} field: ${resolved.field.name}`
        );
      }
      const regex = new RegExp(
        `^${condition.pattern
          .split('')
          .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
          .join('')}$`,
        'is'
      );
      return (r) => {
        const v = ctx.resolver.valueOf(r, resolved);
        return typeof v === 'string' && regex.test(v);
      };
    }
    case 'in': {
      const resolved = ctx.resolver.resolve(soql, object, condition.path);
      const values = condition.values.map((v) => checkLiteral(soql, resolved.field, v, condition.valuePos));
      return (r) => {
        const v = ctx.resolver.valueOf(r, resolved);
        const hit = values.some((lit) => matches(resolved.field, v, '=', lit));
        return condition.negate ? !hit && v !== null : hit;
      };
    }
    case 'inQuery': {
      const resolved = ctx.resolver.resolve(soql, object, condition.path);
      const sub = condition.query;
      const only = sub.select.length === 1 ? sub.select[0] : undefined;
      if (!only || only.kind !== 'field' || !['id', 'reference'].includes(resolved.field.type)) {
        throw malformed(
          soql,
          condition.valuePos,
          'The inner select field of a semi-join must be a single Id or reference field'
        );
      }
      const subObject = ctx.resolver.objectOf(soql, sub.from, sub.fromPos);
      const inner = ctx.resolver.resolve(soql, subObject, only.path);
      const result = ctx.run(soql, {
        ...sub,
        select: [{ kind: 'field', path: { segments: ['Id'], pos: only.path.pos } }],
      });
      const ids = new Set<string>();
      for (const row of result.records) {
        const found = ctx.store.findById(row.Id as string);
        const value = found ? ctx.resolver.valueOf(found.record, inner) : null;
        if (typeof value === 'string') ids.add(value);
      }
      return (r) => {
        const v = ctx.resolver.valueOf(r, resolved);
        const hit = typeof v === 'string' && ids.has(v);
        return condition.negate ? !hit : hit;
      };
    }
    case 'cmp': {
      const resolved = ctx.resolver.resolve(soql, object, condition.path);
      const literal = checkLiteral(soql, resolved.field, condition.value, condition.valuePos);
      if (literal.type === 'null' && !['=', '!='].includes(condition.op)) {
        throw malformed(soql, condition.valuePos, `invalid operator on null: ${condition.op}`);
      }
      if (resolved.field.type === 'boolean' && !['=', '!='].includes(condition.op)) {
        throw new ApiError(
          400,
          'INVALID_FIELD',
          `${marker(soql, condition.path.pos)}invalid operator on boolean field: ${resolved.field.name}`
        );
      }
      return (r) => matches(resolved.field, ctx.resolver.valueOf(r, resolved), condition.op, literal);
    }
    default:
      return () => true;
  }
}

/** Rejects literals of the wrong type, as a real org does, and normalises Ids. */
function checkLiteral(soql: string, f: FieldDef, literal: Literal, pos: number): Literal {
  if (literal.type === 'null') return literal;
  const fail = (kind: string, quoted: boolean): never => {
    throw new ApiError(
      400,
      'INVALID_FIELD',
      `${marker(soql, pos)}value of filter criterion for field '${f.name}' must be of type ${kind} and should ${quoted ? '' : 'not '}be enclosed in quotes`
    );
  };
  switch (f.type) {
    case 'boolean':
      if (literal.type !== 'boolean') fail('boolean', false);
      return literal;
    case 'double':
    case 'currency':
    case 'percent':
    case 'int':
      if (literal.type !== 'number') fail('double', false);
      return literal;
    case 'date':
      if (literal.type !== 'date' && literal.type !== 'dateRange') fail('date', false);
      return literal;
    case 'datetime':
      if (literal.type !== 'datetime' && literal.type !== 'dateRange') fail('dateTime', false);
      return literal;
    case 'id':
    case 'reference':
      if (literal.type !== 'string') fail('string', true);
      if ((literal as { value: string }).value !== '' && !isValidId((literal as { value: string }).value)) {
        throw new ApiError(
          400,
          'INVALID_QUERY_FILTER_OPERATOR',
          `${marker(soql, pos)}invalid ID field: ${(literal as { value: string }).value}`
        );
      }
      return (literal as { value: string }).value === ''
        ? literal
        : { type: 'string', value: to18((literal as { value: string }).value) };
    default:
      if (literal.type !== 'string') fail('string', true);
      return literal;
  }
}

/** Rows an equality on Id or a unique/external-id field narrows to (through the index), before the full filter. */
export function candidates(
  ctx: FilterContext,
  object: ObjectDef,
  condition: Condition | undefined
): SfRecord[] | undefined {
  if (!condition) return undefined;
  if (condition.kind === 'and') {
    for (const item of condition.items) {
      const found = candidates(ctx, object, item);
      if (found) return found;
    }
    return undefined;
  }
  const equality = (condition.kind === 'cmp' && condition.op === '=') || (condition.kind === 'in' && !condition.negate);
  if (!equality || condition.path.segments.length !== 1) return undefined;
  const f = ctx.schema.field(object, condition.path.segments[0]);
  if (!f || f.caseSensitive || !(f.name === 'Id' || f.unique || f.externalId)) return undefined;
  const literals = condition.kind === 'cmp' ? [condition.value] : condition.values;
  const values: string[] = [];
  for (const literal of literals) {
    if (literal.type !== 'string') return undefined;
    values.push(literal.value);
  }
  const rows = new Map<string, SfRecord>();
  for (const value of values) {
    const hits = f.name === 'Id' ? [ctx.store.get(object, value)] : ctx.store.findBy(object, f, value);
    for (const row of hits) if (row) rows.set(row.Id as string, row);
  }
  return [...rows.values()];
}
