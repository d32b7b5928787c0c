/** A query's field paths (`Account.Owner.Name`): resolved against the schema, read from rows, used to order rows. */
import { ApiError } from '../errors.js';
import type { FieldDef, ObjectDef, SchemaView } from '../schema.js';
import type { RecordStore, SfRecord } from '../store.js';
import type { OrderItem, Path } from './ast.js';
import { marker } from './lexer.js';
import { compareValues } from './values.js';

export type Resolved = { object: ObjectDef; hops: FieldDef[]; field: FieldDef; name: string[] };

export class Resolver {
  public constructor(
    private readonly schema: SchemaView,
    private readonly store: RecordStore
  ) {}

  public objectOf(soql: string, name: string, pos: number): ObjectDef {
    const object = this.schema.object(name);
    if (!object) {
      throw new ApiError(
        400,
        'INVALID_TYPE',
        `${marker(soql, pos)}sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`
      );
    }
    return object;
  }

  public resolve(soql: string, object: ObjectDef, path: Path): Resolved {
    let segments = path.segments;
    if (
      segments.length > 1 &&
      segments[0].toLowerCase() === object.name.toLowerCase() &&
      !this.schema.relationship(object, segments[0])
    ) {
      segments = segments.slice(1);
    }
    const hops: FieldDef[] = [];
    const names: string[] = [];
    let current = object;
    for (let i = 0; i < segments.length - 1; i++) {
      const rel = this.schema.relationship(current, segments[i]);
      const target = rel ? this.schema.object(rel.referenceTo[0]) : undefined;
      if (!rel || !target || !rel.relationshipName) {
        throw new ApiError(
          400,
          'INVALID_FIELD',
          `${marker(soql, path.pos)}Didn't understand relationship '${segments[i]}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`
        );
      }
      hops.push(rel);
      names.push(rel.relationshipName);
      current = target;
    }
    const last = segments[segments.length - 1];
    const f = this.schema.field(current, last);
    if (!f) {
      throw new ApiError(
        400,
        'INVALID_FIELD',
        `${marker(soql, path.pos)}No such column '${last}' on entity '${current.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`
      );
    }
    names.push(f.name);
    return { object: current, hops, field: f, name: names };
  }

  public valueOf(record: SfRecord, resolved: Resolved): unknown {
    let current: SfRecord | undefined = record;
    for (const hop of resolved.hops) {
      const id: unknown = current?.[hop.name];
      current = typeof id === 'string' ? this.store.findById(id)?.record : undefined;
      if (!current) return null;
    }
    return current?.[resolved.field.name] ?? null;
  }

  /** ORDER BY as a row comparator: nulls first ascending and last descending, unless NULLS FIRST/LAST says. */
  public comparator(soql: string, object: ObjectDef, orderBy: OrderItem[]): (a: SfRecord, b: SfRecord) => number {
    const orders = orderBy.map((o) => ({
      resolved: this.resolve(soql, object, o.path),
      desc: o.desc,
      nullsLast: o.nullsLast,
    }));
    return (a, b) => {
      for (const o of orders) {
        const va = this.valueOf(a, o.resolved);
        const vb = this.valueOf(b, o.resolved);
        const aNull = va === null || va === undefined;
        const bNull = vb === null || vb === undefined;
        if (aNull || bNull) {
          if (aNull && bNull) continue;
          return aNull === o.nullsLast ? 1 : -1;
        }
        const c = compareValues(va, vb);
        if (c !== 0) return o.desc ? -c : c;
      }
      return 0;
    };
  }
}
