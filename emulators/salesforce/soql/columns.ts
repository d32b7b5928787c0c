/** The `columns=true` answer `sf data query` asks for to lay out its table. */
import type { FieldDef, ObjectDef, SchemaView } from '../schema.js';
import type { SelectItem } from './ast.js';
import { parseSoql } from './parser.js';
import type { Resolver } from './resolve.js';
import { apexType, isTextual } from './values.js';

export function queryColumns(
  schema: SchemaView,
  resolver: Resolver,
  soql: string,
  now: number
): Record<string, unknown> {
  const query = parseSoql(soql, now);
  const object = resolver.objectOf(soql, query.from, query.fromPos);
  const column = (f: FieldDef, name = f.name): Record<string, unknown> => ({
    aggregate: false,
    apexType: apexType(f),
    booleanType: f.type === 'boolean',
    columnName: name,
    custom: f.custom,
    displayName: name,
    foreignKeyName: null,
    insertable: f.createable,
    joinColumns: [],
    numberType: ['double', 'currency', 'percent', 'int'].includes(f.type),
    textType: isTextual(f),
    updatable: f.updateable,
  });
  let counter = 0;
  const build = (object: ObjectDef, items: SelectItem[]): Array<Record<string, unknown>> => {
    const columns: Array<Record<string, unknown>> = [];
    for (const item of items) {
      if (item.kind === 'field') {
        const resolved = resolver.resolve(soql, object, item.path);
        let list = columns;
        for (let i = 0; i < resolved.hops.length; i++) {
          const name = resolved.hops[i].relationshipName as string;
          let join = list.find((c) => c.columnName === name);
          if (!join) {
            join = {
              aggregate: false,
              apexType: null,
              booleanType: false,
              columnName: name,
              custom: resolved.hops[i].custom,
              displayName: name,
              foreignKeyName: null,
              insertable: false,
              joinColumns: [],
              numberType: false,
              textType: false,
              updatable: false,
            };
            list.push(join);
          }
          list = join.joinColumns as Array<Record<string, unknown>>;
        }
        list.push(column(resolved.field));
      } else if (item.kind === 'count') {
        columns.push({
          aggregate: true,
          apexType: 'Integer',
          booleanType: false,
          columnName: item.alias ?? `expr${counter++}`,
          custom: false,
          displayName: item.alias ?? (item.arg ? `${item.fn}(${item.arg.segments.join('.')})` : `${item.fn}()`),
          foreignKeyName: null,
          insertable: false,
          joinColumns: [],
          numberType: true,
          textType: false,
          updatable: false,
        });
      } else {
        const rel = schema.childRelationship(object, item.query.from);
        const childObject = rel ? schema.object(rel.childSObject) : undefined;
        const joinColumns = childObject ? build(childObject, item.query.select) : [];
        columns.push({
          aggregate: true,
          apexType: null,
          booleanType: false,
          columnName: rel?.relationshipName ?? item.query.from,
          custom: false,
          displayName: rel?.relationshipName ?? item.query.from,
          foreignKeyName: null,
          insertable: false,
          joinColumns,
          numberType: false,
          textType: false,
          updatable: false,
        });
      }
    }
    return columns;
  };
  const columns = build(object, query.select);
  return {
    columnMetadata: columns,
    entityName: object.name,
    groupBy: Boolean(query.groupBy),
    idSelected: query.select.some(
      (s) => s.kind === 'field' && s.path.segments.length === 1 && s.path.segments[0].toLowerCase() === 'id'
    ),
    keyPrefix: object.keyPrefix,
  };
}
