/**
 * Composite resources: `/composite` (up to 25 subrequests with `@{ref.field}` references and allOrNone; one API
 * call) and `/composite/tree/{type}` (a record tree of up to 200 records, all or nothing — `sf data import tree`).
 */
import { ApiError, RecordError, type SaveError } from './errors.js';
import { type Reply, type RequestContext, json, jsonObject } from './http.js';
import type { Org } from './org.js';
import type { ObjectDef } from './schema.js';
import type { SfRecord } from './store.js';
import { asText } from './text.js';

/** Runs one subrequest against the server's own routes. */
/** Runs a subrequest with its own headers (REST API Developer Guide, Composite: "You can also specify headers for each
 * subrequest" — any header the resource supports except Accept, Authorization and Content-Type). */
export type Dispatch = (
  method: string,
  url: string,
  body: unknown,
  headers?: Record<string, string>
) => Promise<{ status: number; body: unknown }>;

const MAX_SUBREQUESTS = 25;

function resolveReferences(value: unknown, results: Map<string, unknown>): unknown {
  const substitute = (text: string): string =>
    text.replace(/@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g, (match, ref: string, pathText: string) => {
      if (!results.has(ref))
        throw new ApiError(400, 'INVALID_REFERENCE', `Invalid reference specified. No value for ${ref} found.`);
      let current: unknown = results.get(ref);
      for (const part of pathText.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
        const key = part.startsWith('[') ? Number(part.slice(1, -1)) : part.slice(1);
        current =
          current && typeof current === 'object' ? (current as Record<string | number, unknown>)[key] : undefined;
      }
      if (current === undefined)
        throw new ApiError(
          400,
          'INVALID_REFERENCE',
          `Invalid reference specified. No value for ${ref}${pathText} found.`
        );
      void match;
      return asText(current);
    });
  if (typeof value === 'string') return substitute(value);
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, results));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, resolveReferences(v, results)])
    );
  }
  return value;
}

export async function composite(org: Org, ctx: RequestContext, dispatch: Dispatch): Promise<Reply> {
  const body = jsonObject(ctx);
  const subrequests = body.compositeRequest;
  if (!Array.isArray(subrequests) || subrequests.length === 0)
    throw new ApiError(400, 'JSON_PARSER_ERROR', "Required field 'compositeRequest' is missing or empty");
  if (subrequests.length > MAX_SUBREQUESTS) {
    throw new ApiError(400, 'INVALID_BATCH_REQUEST', `Maximum number of subrequests allowed is ${MAX_SUBREQUESTS}`);
  }
  const allOrNone = body.allOrNone === true;
  const results = new Map<string, unknown>();
  const responses: Array<{
    body: unknown;
    httpHeaders: Record<string, string>;
    httpStatusCode: number;
    referenceId: string;
  }> = [];
  const tx = org.store.begin();
  let failed = false;
  for (const raw of subrequests as Array<Record<string, unknown>>) {
    const referenceId = typeof raw.referenceId === 'string' ? raw.referenceId : '';
    if (failed && allOrNone) {
      responses.push({
        body: [
          {
            errorCode: 'PROCESSING_HALTED',
            message: 'The transaction was rolled back since another operation in the same transaction failed.',
          },
        ],
        httpHeaders: {},
        httpStatusCode: 400,
        referenceId,
      });
      continue;
    }
    try {
      if (!/^[A-Za-z0-9_]+$/.test(referenceId))
        throw new ApiError(400, 'INVALID_REFERENCE', 'referenceId must be alphanumeric');
      const url = resolveReferences(raw.url, results);
      const subBody = raw.body === undefined ? undefined : resolveReferences(raw.body, results);
      if (typeof url !== 'string' || typeof raw.method !== 'string')
        throw new ApiError(400, 'JSON_PARSER_ERROR', 'Each subrequest needs method and url');
      if (/\/composite(\/|$)/.test(url.replace(/\?.*$/, '')) && !/\/composite\/sobjects/.test(url)) {
        throw new ApiError(
          400,
          'INVALID_BATCH_REQUEST',
          'Composite subrequests cannot call composite or batch resources'
        );
      }
      const headers = subrequestHeaders(raw.httpHeaders);
      const result = await dispatch(raw.method.toUpperCase(), url, subBody, headers);
      results.set(referenceId, result.body);
      if (result.status >= 400) failed = true;
      responses.push({ body: result.body ?? null, httpHeaders: {}, httpStatusCode: result.status, referenceId });
    } catch (error) {
      failed = true;
      const api = error instanceof ApiError ? error : new ApiError(500, 'UNKNOWN_EXCEPTION', (error as Error).message);
      responses.push({ body: api.body(), httpHeaders: {}, httpStatusCode: api.status, referenceId });
    }
  }
  if (failed && allOrNone) {
    tx.rollback();
    for (const response of responses) {
      if (response.httpStatusCode < 400) {
        response.httpStatusCode = 400;
        response.body = [
          {
            errorCode: 'PROCESSING_HALTED',
            message: 'The transaction was rolled back since another operation in the same transaction failed.',
          },
        ];
      }
    }
  } else {
    tx.commit();
  }
  return json(200, { compositeResponse: responses });
}

type TreeResult = { referenceId: string; id?: string; errors?: SaveError[] };

/** `/composite/tree/{type}`: inserts parents then nested children, all or nothing, at most 200 records. */
export function tree(org: Org, ctx: RequestContext, typeName: string): Reply {
  const root = org.view.object(typeName);
  if (!root) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
  const body = jsonObject(ctx);
  if (!Array.isArray(body.records)) throw new ApiError(400, 'JSON_PARSER_ERROR', "Required field 'records' is missing");
  const count = (records: unknown[]): number =>
    records.reduce<number>((sum, r) => {
      const nested = Object.values(r as Record<string, unknown>).filter(
        (v) => v && typeof v === 'object' && Array.isArray((v as { records?: unknown }).records)
      );
      return sum + 1 + nested.reduce<number>((n, v) => n + count((v as { records: unknown[] }).records), 0);
    }, 0);
  if (count(body.records) > 200)
    throw new ApiError(
      400,
      'EXCEEDED_ID_LIMIT',
      'record limit reached. cannot submit more than 200 records into this call'
    );
  const results: TreeResult[] = [];
  const failures: TreeResult[] = [];
  const tx = org.store.begin();
  const insert = (object: ObjectDef, raw: Record<string, unknown>, parent?: { field: string; id: string }): void => {
    const attributes = (raw.attributes ?? {}) as { type?: string; referenceId?: string };
    const referenceId = attributes.referenceId ?? '';
    const fields: SfRecord = {};
    const children: Array<[string, unknown[]]> = [];
    for (const [key, value] of Object.entries(raw)) {
      if (key === 'attributes') continue;
      if (value && typeof value === 'object' && Array.isArray((value as { records?: unknown }).records))
        children.push([key, (value as { records: unknown[] }).records]);
      else fields[key] = value;
    }
    if (parent) fields[parent.field] = parent.id;
    try {
      const record = org.store.insert(object, fields);
      results.push({ referenceId, id: record.Id as string });
      for (const [relationship, rows] of children) {
        const rel = org.view.childRelationship(object, relationship);
        const childObject = rel ? org.view.object(rel.childSObject) : undefined;
        if (!rel || !childObject) {
          failures.push({
            referenceId,
            errors: [
              {
                statusCode: 'INVALID_FIELD',
                message: `No such relationship '${relationship}' on ${object.name}`,
                fields: [],
              },
            ],
          });
          continue;
        }
        for (const row of rows)
          insert(childObject, row as Record<string, unknown>, { field: rel.field, id: record.Id as string });
      }
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      failures.push({ referenceId, errors: error.errors });
    }
  };
  try {
    for (const raw of body.records as Array<Record<string, unknown>>) insert(root, raw);
  } catch (error) {
    tx.rollback();
    throw error;
  }
  if (failures.length > 0) {
    tx.rollback();
    return json(400, { hasErrors: true, results: failures });
  }
  tx.commit();
  return json(201, { hasErrors: false, results });
}

/** A subrequest's `httpHeaders`, lower-cased, without the ones the composite call itself owns. */
function subrequestHeaders(raw: unknown): Record<string, string> {
  if (typeof raw !== 'object' || raw === null) return {};
  const owned = new Set(['accept', 'authorization', 'content-type', 'content-length']);
  return Object.fromEntries(
    Object.entries(raw as Record<string, unknown>)
      .filter(([name, value]) => typeof value === 'string' && !owned.has(name.toLowerCase()))
      .map(([name, value]) => [name.toLowerCase(), value as string])
  );
}
