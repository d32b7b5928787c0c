/**
 * The User Interface API record resources Lightning Data Service uses (`getRecord`, `updateRecord`):
 * `GET /ui-api/records/{id}?fields=Opportunity.Name,Opportunity.Account.Name&optionalFields=…` and
 * `PATCH /ui-api/records/{id}` with `{ fields: { … } }`.
 */
import { ApiError, notFound, RecordError } from './errors.js';
import { type Reply, type RequestContext, json, jsonObject } from './http.js';
import type { Org } from './org.js';
import type { FieldDef, ObjectDef } from './schema.js';
import type { SfRecord } from './store.js';
import { asText } from './text.js';

type FieldValue = { displayValue: string | null; value: unknown };
type RecordRepresentation = {
  apiName: string;
  childRelationships: Record<string, never>;
  eTag: string;
  fields: Record<string, FieldValue>;
  id: string;
  lastModifiedById: unknown;
  lastModifiedDate: unknown;
  recordTypeId: null;
  recordTypeInfo: null;
  systemModstamp: unknown;
  weakEtag: number;
};

function stamp(record: SfRecord): number {
  return Date.parse(String(record.SystemModstamp).replace(/\+0000$/, 'Z'));
}

function displayValue(f: FieldDef, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (f.type === 'picklist') return f.picklistValues.find((v) => v.value === value)?.label ?? asText(value);
  if (f.type === 'currency' && typeof value === 'number') return `$${value.toFixed(f.scale)}`;
  return null;
}

function representation(object: ObjectDef, record: SfRecord, fields: Record<string, FieldValue>): RecordRepresentation {
  return {
    apiName: object.name,
    childRelationships: {},
    eTag: `${String(record.Id)}-${stamp(record)}`,
    fields,
    id: record.Id as string,
    lastModifiedById: record.LastModifiedById ?? null,
    lastModifiedDate: record.LastModifiedDate ?? null,
    recordTypeId: null,
    recordTypeInfo: null,
    systemModstamp: record.SystemModstamp ?? null,
    weakEtag: stamp(record),
  };
}

/** Adds `path` (e.g. `Account.Name`) to a field map, nesting parent record representations; false when unknown. */
function addPath(
  org: Org,
  object: ObjectDef,
  record: SfRecord,
  path: string[],
  into: Record<string, FieldValue>
): boolean {
  if (path.length === 1) {
    const f = org.view.field(object, path[0]);
    if (!f) return false;
    into[f.name] = { displayValue: displayValue(f, record[f.name]), value: record[f.name] ?? null };
    return true;
  }
  const rel = org.view.relationship(object, path[0]);
  const parentObject = rel ? org.view.object(rel.referenceTo[0]) : undefined;
  if (!rel?.relationshipName || !parentObject) return false;
  const id = record[rel.name];
  const parent = typeof id === 'string' ? org.store.get(parentObject, id) : undefined;
  if (!parent) {
    // Validate the rest of the path against the schema even when the parent is empty.
    into[rel.relationshipName] = { displayValue: null, value: null };
    return true;
  }
  const existing = into[rel.relationshipName]?.value as RecordRepresentation | null | undefined;
  const nested = existing ?? representation(parentObject, parent, {});
  if (!addPath(org, parentObject, parent, path.slice(1), nested.fields)) return false;
  const name = parent.Name;
  into[rel.relationshipName] = { displayValue: typeof name === 'string' ? name : null, value: nested };
  return true;
}

function fieldList(value: string | null): string[] {
  return (value ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
}

export function getUiRecord(org: Org, ctx: RequestContext, id: string): Reply {
  const found = org.store.findById(id);
  if (!found || !org.view.object(found.object.name)) throw notFound('The requested resource does not exist');
  const { object, record } = found;
  const fields: Record<string, FieldValue> = {};
  const required = fieldList(ctx.url.searchParams.get('fields'));
  const optional = fieldList(ctx.url.searchParams.get('optionalFields'));
  if (required.length === 0 && optional.length === 0) {
    for (const f of org.view.fields(object))
      fields[f.name] = { displayValue: displayValue(f, record[f.name]), value: record[f.name] ?? null };
  }
  for (const [names, mandatory] of [
    [required, true],
    [optional, false],
  ] as const) {
    for (const qualified of names) {
      const [objectName, ...path] = qualified.split('.');
      if (objectName.toLowerCase() !== object.name.toLowerCase() || path.length === 0) {
        if (mandatory)
          throw new ApiError(
            400,
            'INVALID_FIELD',
            `Invalid field ${qualified}: fields must be qualified with ${object.name}`
          );
        continue;
      }
      if (!addPath(org, object, record, path, fields) && mandatory) {
        throw new ApiError(400, 'INVALID_FIELD', `No such column '${path.join('.')}' on entity '${object.name}'`);
      }
    }
  }
  return json(200, representation(object, record, fields));
}

export function updateUiRecord(org: Org, ctx: RequestContext, id: string): Reply {
  const found = org.store.findById(id);
  if (!found || !org.view.object(found.object.name)) throw notFound('The requested resource does not exist');
  const body = jsonObject(ctx);
  const input = body.fields;
  if (!input || typeof input !== 'object' || Array.isArray(input))
    throw new ApiError(400, 'INVALID_INPUT', "Required property 'fields' is missing");
  const ifUnmodified = ctx.headers['if-unmodified-since'];
  if (
    typeof ifUnmodified === 'string' &&
    Math.floor(stamp(found.record) / 1000) > Math.floor(Date.parse(ifUnmodified) / 1000)
  ) {
    throw new ApiError(412, 'PRECONDITION_FAILED', 'The record was changed by someone else since it was read.');
  }
  let updated: SfRecord;
  try {
    updated = org.store.update(found.object, found.record.Id as string, input as SfRecord);
  } catch (error) {
    if (error instanceof RecordError) {
      throw new ApiError(
        400,
        error.errors[0].statusCode,
        error.errors[0].message,
        error.errors[0].fields,
        undefined,
        error.restBody()
      );
    }
    throw error;
  }
  const fields: Record<string, FieldValue> = {};
  for (const f of org.view.fields(found.object))
    fields[f.name] = { displayValue: displayValue(f, updated[f.name]), value: updated[f.name] ?? null };
  return json(200, representation(found.object, updated, fields));
}
