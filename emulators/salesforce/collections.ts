/** sObject Collections: create, update, upsert, delete and retrieve up to 200 records, allOrNone or one by one. */
import { ApiError, RecordError, type SaveError } from './errors.js';
import { type Reply, type RequestContext, json, jsonBody, jsonObject } from './http.js';
import { duplicateExternalId, externalKey, repeatedKeys } from './external-ids.js';
import { isValidId, to18 } from './ids.js';
import type { Org } from './org.js';
import { externalIdField, fieldsParam, recordView, requireObject } from './rest.js';
import type { ObjectDef } from './schema.js';
import type { SfRecord } from './store.js';

export const COLLECTION_LIMIT = 200;

type CollectionBody = { allOrNone: boolean; records: SfRecord[] };

function collectionBody(ctx: RequestContext): CollectionBody {
  const body = jsonObject(ctx);
  if (!Array.isArray(body.records))
    throw new ApiError(400, 'JSON_PARSER_ERROR', "Required field 'records' is missing or is not an array");
  if (body.records.length > COLLECTION_LIMIT) {
    throw new ApiError(
      400,
      'EXCEEDED_ID_LIMIT',
      `record limit reached. cannot submit more than ${COLLECTION_LIMIT} records into this call`
    );
  }
  const records = body.records.map((r) => {
    if (!r || typeof r !== 'object' || Array.isArray(r))
      throw new ApiError(400, 'JSON_PARSER_ERROR', 'Each record must be a JSON object');
    return r as SfRecord;
  });
  return { allOrNone: body.allOrNone === true || body.allOrNone === 'true', records };
}

function typeOf(org: Org, record: SfRecord, fallback?: ObjectDef): ObjectDef {
  const attributes = record.attributes as { type?: unknown } | undefined;
  const type = typeof attributes?.type === 'string' ? attributes.type : undefined;
  if (!type && fallback) return fallback;
  if (!type) throw new ApiError(400, 'INVALID_TYPE', 'Must send a concrete entity type.');
  const object = org.view.object(type);
  if (!object) throw new ApiError(400, 'INVALID_TYPE', `sObject type '${type}' is not supported.`);
  if (fallback && object !== fallback)
    throw new ApiError(
      400,
      'INVALID_TYPE',
      `sObject type '${object.name}' does not match the request's type '${fallback.name}'`
    );
  return object;
}

/** Unknown fields fail the whole request (the JSON does not deserialize), as in a real org. */
function checkFields(org: Org, object: ObjectDef, record: SfRecord): void {
  for (const key of Object.keys(record)) {
    if (key === 'attributes') continue;
    if (!org.view.field(object, key)) {
      throw new ApiError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${object.name}`);
    }
  }
}

type SaveResult = { id: string | null; success: boolean; errors: SaveError[]; created?: boolean };

const ROLLED_BACK: SaveError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

/** Runs each item; with allOrNone any failure rolls every change back and marks the others rolled back. */
function runCollection(org: Org, allOrNone: boolean, count: number, run: (index: number) => SaveResult): SaveResult[] {
  const tx = org.store.begin();
  const results: SaveResult[] = [];
  for (let i = 0; i < count; i++) {
    try {
      results.push(run(i));
    } catch (error) {
      if (!(error instanceof RecordError)) {
        tx.rollback();
        throw error;
      }
      results.push({ id: null, success: false, errors: error.errors });
    }
  }
  if (allOrNone && results.some((r) => !r.success)) {
    tx.rollback();
    return results.map((r) =>
      r.success
        ? { id: null, success: false, errors: [ROLLED_BACK], ...(r.created === undefined ? {} : { created: false }) }
        : r
    );
  }
  tx.commit();
  return results;
}

export function collectionCreate(org: Org, ctx: RequestContext): Reply {
  const body = collectionBody(ctx);
  const typed = body.records.map((r) => {
    const object = typeOf(org, r);
    checkFields(org, object, r);
    return { object, record: r };
  });
  const results = runCollection(org, body.allOrNone, typed.length, (i) => {
    const { object, record } = typed[i];
    if ('Id' in record || 'id' in record)
      throw RecordError.of('INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']);
    const saved = org.store.insert(object, record);
    return { id: saved.Id as string, success: true, errors: [] };
  });
  return json(200, results);
}

export function collectionUpdate(org: Org, ctx: RequestContext): Reply {
  const body = collectionBody(ctx);
  const typed = body.records.map((r) => {
    const object = typeOf(org, r);
    const { id, Id, ...rest } = r;
    checkFields(org, object, rest);
    return { object, id: id ?? Id, record: rest };
  });
  const results = runCollection(org, body.allOrNone, typed.length, (i) => {
    const { object, id, record } = typed[i];
    if (typeof id !== 'string' || !isValidId(id))
      throw RecordError.of('MALFORMED_ID', `${object.label} ID: id value of incorrect type: ${String(id)}`, ['Id']);
    if (!org.store.get(object, id)) throw RecordError.of('ENTITY_IS_DELETED', 'entity is deleted');
    const saved = org.store.update(object, id, record);
    return { id: saved.Id as string, success: true, errors: [] };
  });
  return json(200, results);
}

export function collectionUpsert(org: Org, ctx: RequestContext, name: string, fieldName: string): Reply {
  const object = requireObject(org, name);
  const f = externalIdField(org, object, fieldName);
  const body = collectionBody(ctx);
  for (const r of body.records) {
    typeOf(org, r, object);
    checkFields(org, object, r);
  }
  const repeated = repeatedKeys(f, body.records);
  const results = runCollection(org, body.allOrNone, body.records.length, (i) => {
    const record = body.records[i];
    const key = Object.keys(record).find((k) => k.toLowerCase() === f.name.toLowerCase());
    const value = key ? record[key] : undefined;
    if (value === undefined || value === null || value === '')
      throw RecordError.of('MISSING_ARGUMENT', `${f.name} not specified`, [f.name]);
    if (repeated.has(externalKey(f, value))) throw duplicateExternalId(f, value);
    const { attributes: _attributes, ...rest } = record;
    const { record: saved, created } = org.store.upsert(object, f, value, rest);
    return { id: saved.Id as string, success: true, errors: [], created };
  });
  return json(
    200,
    results.map((r) => ({ created: false, ...r }))
  );
}

export function collectionDelete(org: Org, ctx: RequestContext): Reply {
  const ids = (ctx.url.searchParams.get('ids') ?? '').split(',').filter((s) => s !== '');
  if (ids.length === 0) throw new ApiError(400, 'MISSING_ARGUMENT', 'ids parameter is required');
  if (ids.length > COLLECTION_LIMIT) {
    throw new ApiError(
      400,
      'EXCEEDED_ID_LIMIT',
      `record limit reached. cannot submit more than ${COLLECTION_LIMIT} records into this call`
    );
  }
  const allOrNone = ctx.url.searchParams.get('allOrNone') === 'true';
  const results = runCollection(org, allOrNone, ids.length, (i) => {
    const id = ids[i];
    if (!isValidId(id)) throw RecordError.of('MALFORMED_ID', `malformed id ${id}`);
    const found = org.store.findById(id);
    if (!found) throw RecordError.of('ENTITY_IS_DELETED', 'entity is deleted');
    org.store.delete(found.object, id);
    return { id: to18(id), success: true, errors: [] };
  });
  return json(200, results);
}

export function collectionRetrieve(org: Org, ctx: RequestContext, name: string): Reply {
  const object = requireObject(org, name);
  let ids = (ctx.url.searchParams.get('ids') ?? '').split(',').filter((s) => s !== '');
  let fields = fieldsParam(ctx);
  if (ctx.method === 'POST') {
    const body = jsonBody(ctx) as { ids?: unknown; fields?: unknown };
    ids = Array.isArray(body.ids) ? body.ids.map(String) : [];
    fields = Array.isArray(body.fields) ? body.fields.map(String) : undefined;
  }
  if (!fields || fields.length === 0) throw new ApiError(400, 'MISSING_ARGUMENT', 'fields parameter is required');
  if (ids.length > 2000)
    throw new ApiError(
      400,
      'EXCEEDED_ID_LIMIT',
      'record limit reached. cannot submit more than 2000 records into this call'
    );
  return json(
    200,
    ids.map((id) => {
      const record = org.store.get(object, id);
      return record ? recordView(org, object, record, ctx.version, fields) : null;
    })
  );
}
