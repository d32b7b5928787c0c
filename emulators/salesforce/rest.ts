/**
 * REST resources: versions and resource lists, login resources (userinfo, User), query with nextRecordsUrl paging,
 * sObject CRUD, upsert by external id, limits. Describe is in describe.ts, sObject Collections in collections.ts.
 */
import { createHash } from 'node:crypto';
import { formatDateTime } from './clock.js';
import { ApiError, NOT_MODELLED, notFound, RecordError } from './errors.js';
import { type Reply, type RequestContext, json, jsonObject } from './http.js';
import type { Org } from './org.js';
import type { FieldDef, ObjectDef } from './schema.js';
import type { SfRecord } from './store.js';

const DEFAULT_BATCH = 2000;

/** The object named in the path; an unknown name (or one the user cannot read) is a 404, as on a real org. */
export function requireObject(org: Org, name: string): ObjectDef {
  const object = org.view.object(name);
  if (!object) throw notFound('The requested resource does not exist');
  return object;
}

const VERSION_NAMES: Record<string, string> = {
  '58.0': "Summer '23",
  '59.0': "Winter '24",
  '60.0': "Spring '24",
  '61.0': "Summer '24",
  '62.0': "Winter '25",
  '63.0': "Spring '25",
  '64.0': "Summer '25",
  '65.0': "Winter '26",
  '66.0': "Spring '26",
};

export function versions(org: Org): Reply {
  const max = Number(org.apiVersion);
  const list = [];
  for (let v = 31; v <= max; v++) {
    const version = `${v}.0`;
    list.push({ label: VERSION_NAMES[version] ?? `API ${version}`, url: `/services/data/v${version}`, version });
  }
  return json(200, list);
}

export function resources(org: Org, ctx: RequestContext, baseUrl: string): Reply {
  const base = `/services/data/v${ctx.version}`;
  const identity = `${baseUrl}/id/${org.orgId}/${org.userId}`;
  const names = [
    'sobjects',
    'query',
    'queryAll',
    'composite',
    'tooling',
    'metadata',
    'jobs',
    'limits',
    'search',
    'recent',
    'connect',
    'ui-api',
  ];
  return json(200, { ...Object.fromEntries(names.map((n) => [n, `${base}/${n}`])), identity });
}

export function userinfo(org: Org, baseUrl: string): Reply {
  const user = org.store.get(org.schema.object('User') as ObjectDef, org.userId) ?? {};
  return json(200, {
    sub: `${baseUrl}/id/${org.orgId}/${org.userId}`,
    user_id: org.userId,
    organization_id: org.orgId,
    preferred_username: user.Username,
    nickname: 'emu',
    name: user.Name,
    email: user.Email,
    email_verified: true,
    given_name: user.FirstName,
    family_name: user.LastName,
    zoneinfo: 'GMT',
    active: true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    is_app_installed: true,
    urls: {
      rest: `${baseUrl}/services/data/v{version}/`,
      sobjects: `${baseUrl}/services/data/v{version}/sobjects/`,
      query: `${baseUrl}/services/data/v{version}/query/`,
    },
    updated_at: new Date(org.clock.nowMs()).toISOString(),
  });
}

/** The identity URL answer (jsforce `identity()`, the `id` of an OAuth token response). */
export function identity(org: Org, baseUrl: string): Reply {
  const user = org.store.get(org.schema.object('User') as ObjectDef, org.userId) ?? {};
  return json(200, {
    id: `${baseUrl}/id/${org.orgId}/${org.userId}`,
    asserted_user: true,
    user_id: org.userId,
    organization_id: org.orgId,
    username: user.Username,
    nick_name: 'emu',
    display_name: user.Name,
    email: user.Email,
    email_verified: true,
    first_name: user.FirstName,
    last_name: user.LastName,
    timezone: 'GMT',
    active: true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    urls: {
      rest: `${baseUrl}/services/data/v{version}/`,
      sobjects: `${baseUrl}/services/data/v{version}/sobjects/`,
      query: `${baseUrl}/services/data/v{version}/query/`,
      profile: `${baseUrl}/${org.userId}`,
    },
    is_lightning_login_user: false,
    last_modified_date: user.LastModifiedDate,
  });
}

export function limits(org: Org, used: number, max: number): Reply {
  void org;
  return json(200, {
    DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) },
    DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
    DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
    DataStorageMB: { Max: 5, Remaining: 5 },
  });
}

// ------------------------------------------------------------------ query

function batchSize(ctx: RequestContext): number {
  const header = ctx.headers['sforce-query-options'];
  const value = Array.isArray(header) ? header[0] : header;
  const m = value ? /batchSize\s*=\s*(\d+)/i.exec(value) : null;
  if (!m) return DEFAULT_BATCH;
  return Math.min(DEFAULT_BATCH, Math.max(200, Number(m[1])));
}

export function query(org: Org, ctx: RequestContext, all: boolean): Reply {
  const q = ctx.url.searchParams.get('q');
  if (q === null || q.trim() === '') throw new ApiError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  if (ctx.url.searchParams.get('columns') === 'true') return json(200, org.soql.columns(q));
  const result = org.soql.run(q, all);
  if (result.countOnly) return json(200, { totalSize: result.totalSize, done: true, records: [] });
  const size = batchSize(ctx);
  if (result.records.length <= size)
    return json(200, { totalSize: result.totalSize, done: true, records: result.records });
  const locator = org.newCursor({
    records: result.records,
    totalSize: result.totalSize,
    batchSize: size,
    created: Date.now(),
  });
  return json(200, {
    totalSize: result.totalSize,
    done: false,
    nextRecordsUrl: `/services/data/v${ctx.version}/${all ? 'queryAll' : 'query'}/${locator}-${size}`,
    records: result.records.slice(0, size),
  });
}

export function queryMore(org: Org, ctx: RequestContext, locatorAndOffset: string, all: boolean): Reply {
  const m = /^([A-Za-z0-9]{15,18})-(\d+)$/.exec(locatorAndOffset);
  const cursor = m ? org.cursors.get(m[1]) : undefined;
  if (!m || !cursor) throw new ApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
  const offset = Number(m[2]);
  const page = cursor.records.slice(offset, offset + cursor.batchSize);
  const nextOffset = offset + page.length;
  const done = nextOffset >= cursor.records.length;
  if (done) org.cursors.delete(m[1]);
  return json(200, {
    totalSize: cursor.totalSize,
    done,
    ...(done
      ? {}
      : { nextRecordsUrl: `/services/data/v${ctx.version}/${all ? 'queryAll' : 'query'}/${m[1]}-${nextOffset}` }),
    records: page,
  });
}

function replicationWindow(org: Org, ctx: RequestContext): { start: number; end: number } {
  const start = Date.parse(ctx.url.searchParams.get('start') ?? '');
  const end = Date.parse(ctx.url.searchParams.get('end') ?? '');
  if (Number.isNaN(start) || Number.isNaN(end)) {
    throw new ApiError(400, 'MISSING_ARGUMENT', 'start and end are required ISO 8601 date-times');
  }
  if (end <= start) throw new ApiError(400, 'INVALID_REPLICATION_DATE', 'end must be after start');
  if (start < org.clock.nowMs() - 30 * 86_400_000) {
    throw new ApiError(400, 'INVALID_REPLICATION_DATE', 'startDate cannot be more than 30 days ago');
  }
  return { start, end };
}

const stampOf = (record: SfRecord): number => Date.parse(String(record.SystemModstamp).replace(/\+0000$/, 'Z'));

/** `GET /sobjects/{type}/updated/?start=&end=`: Ids changed in the window. */
export function getUpdated(org: Org, ctx: RequestContext, name: string): Reply {
  const object = requireObject(org, name);
  const { start, end } = replicationWindow(org, ctx);
  const ids = org.store
    .all(object)
    .filter((r) => stampOf(r) >= start && stampOf(r) < end)
    .map((r) => r.Id);
  return json(200, { ids, latestDateCovered: formatDateTime(Math.min(end, org.clock.nowMs())) });
}

/** `GET /sobjects/{type}/deleted/?start=&end=`: rows deleted in the window. */
export function getDeleted(org: Org, ctx: RequestContext, name: string): Reply {
  const object = requireObject(org, name);
  const { start, end } = replicationWindow(org, ctx);
  const deletedRecords = org.store
    .deleted(object)
    .filter((r) => stampOf(r) >= start && stampOf(r) < end)
    .map((r) => ({ id: r.Id, deletedDate: r.SystemModstamp }));
  const earliest = formatDateTime(org.clock.nowMs() - 15 * 86_400_000);
  return json(200, {
    deletedRecords,
    earliestDateAvailable: earliest,
    latestDateCovered: formatDateTime(Math.min(end, org.clock.nowMs())),
  });
}

/**
 * Tooling API queries. Modelled: `SandboxProcess` (the probe `sf org login` sends), which has no rows because this
 * org has no sandboxes, and `CustomNotificationType` (notifications.ts). Anything else says plainly that it is not
 * modelled, never an empty success.
 */
export function toolingQuery(org: Org, ctx: RequestContext): Reply {
  const q = ctx.url.searchParams.get('q');
  if (q === null || q.trim() === '') throw new ApiError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  const entity = /\bFROM\s+([A-Za-z0-9_]+)/i.exec(q)?.[1] ?? null;
  if (entity?.toLowerCase() === 'sandboxprocess') {
    return json(200, { size: 0, totalSize: 0, done: true, queryLocator: null, entityTypeName: entity, records: [] });
  }
  if (entity?.toLowerCase() === 'customnotificationtype') {
    return org.notifications.toolingQuery(q, ctx.url.searchParams.get('columns') === 'true');
  }
  throw new ApiError(
    400,
    NOT_MODELLED,
    `The Salesforce emulator does not model Tooling API queries on ${entity ?? 'this query'}: only SandboxProcess (no rows: the org has no sandboxes) and CustomNotificationType`
  );
}

// ------------------------------------------------------------------ sObject rows

export function recordView(
  org: Org,
  object: ObjectDef,
  record: SfRecord,
  version: string,
  fields?: string[]
): SfRecord {
  const out: SfRecord = {
    attributes: { type: object.name, url: `/services/data/v${version}/sobjects/${object.name}/${String(record.Id)}` },
  };
  const names = fields ?? org.view.fields(object).map((f) => f.name);
  for (const name of names) {
    const f = org.view.field(object, name);
    if (!f)
      throw new ApiError(
        400,
        'INVALID_FIELD',
        `No such column '${name}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`
      );
    out[f.name] = record[f.name] ?? null;
  }
  return out;
}

export function fieldsParam(ctx: RequestContext): string[] | undefined {
  const fields = ctx.url.searchParams.get('fields');
  return fields
    ? fields
        .split(',')
        .map((f) => f.trim())
        .filter((f) => f !== '')
    : undefined;
}

function bodyRecord(ctx: RequestContext): SfRecord {
  return jsonObject(ctx);
}

function saveErrorsRest(error: RecordError): ApiError {
  const first = error.errors[0];
  return new ApiError(400, first.statusCode, first.message, first.fields);
}

function restError(error: unknown): never {
  if (error instanceof RecordError) {
    const status = error.errors[0]?.statusCode === 'ENTITY_IS_DELETED' ? 404 : 400;
    const api = saveErrorsRest(error);
    throw new ApiError(status, api.errorCode, api.message, api.fields, undefined, error.restBody());
  }
  throw error;
}

export function createRecord(org: Org, ctx: RequestContext, name: string): Reply {
  const object = requireObject(org, name);
  try {
    const record = org.store.insert(object, bodyRecord(ctx));
    return json(201, { id: record.Id, success: true, errors: [] });
  } catch (error) {
    restError(error);
  }
}

function header(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Conditional requests (REST API Developer Guide, "Conditional Request Headers"): the ETag is a hash of the row's
 * content, and ETag, If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since work on Account rows only;
 * on other objects, and on DELETE, the headers have no effect. Dates compare to the second, as HTTP dates do.
 */
function conditional(object: ObjectDef): boolean {
  return object.name === 'Account';
}

function etag(record: SfRecord): string {
  const content = JSON.stringify(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]])
  );
  return `"${createHash('sha256').update(content).digest('base64')}--gzip"`;
}

function modifiedSeconds(record: SfRecord): number {
  return Math.floor(Date.parse(String(record.LastModifiedDate).replace(/\+0000$/, 'Z')) / 1000);
}

const listed = (header: string, tag: string): boolean =>
  header
    .split(',')
    .map((t) => t.trim())
    .includes(tag);

/** If-Match / If-None-Match / If-Unmodified-Since on an Account PATCH: 412 when the row is not as the caller saw it. */
function checkPreconditions(ctx: RequestContext, object: ObjectDef, record: SfRecord): void {
  if (!conditional(object)) return;
  const ifMatch = header(ctx, 'if-match');
  const ifNoneMatch = header(ctx, 'if-none-match');
  const ifUnmodified = header(ctx, 'if-unmodified-since');
  const tag = etag(record);
  const failed =
    (ifMatch !== undefined && ifMatch !== '*' && !listed(ifMatch, tag)) ||
    (ifNoneMatch !== undefined && (ifNoneMatch === '*' || listed(ifNoneMatch, tag))) ||
    (ifUnmodified !== undefined &&
      !Number.isNaN(Date.parse(ifUnmodified)) &&
      modifiedSeconds(record) > Math.floor(Date.parse(ifUnmodified) / 1000));
  if (failed) {
    throw new ApiError(
      412,
      'PRECONDITION_FAILED',
      'The requested resource has been modified since the time specified in the If-Match or If-Unmodified-Since header.'
    );
  }
}

export function getRecord(org: Org, ctx: RequestContext, name: string, id: string): Reply {
  const object = requireObject(org, name);
  const record = org.store.get(object, id);
  if (!record) throw notFound('The requested resource does not exist');
  const view = json(200, recordView(org, object, record, ctx.version, fieldsParam(ctx)));
  if (!conditional(object)) return view;
  const tag = etag(record);
  const ifNoneMatch = header(ctx, 'if-none-match');
  const ifModified = header(ctx, 'if-modified-since');
  const headers = { ETag: tag, 'Last-Modified': new Date(modifiedSeconds(record) * 1000).toUTCString() };
  if (
    (ifNoneMatch !== undefined && listed(ifNoneMatch, tag)) ||
    (ifNoneMatch === undefined &&
      ifModified !== undefined &&
      !Number.isNaN(Date.parse(ifModified)) &&
      modifiedSeconds(record) <= Math.floor(Date.parse(ifModified) / 1000))
  ) {
    return { status: 304, headers };
  }
  return { ...view, headers };
}

export function updateRecord(org: Org, ctx: RequestContext, name: string, id: string): Reply {
  const object = requireObject(org, name);
  const existing = org.store.get(object, id);
  if (!existing) throw notFound('The requested resource does not exist');
  checkPreconditions(ctx, object, existing);
  try {
    org.store.update(object, id, bodyRecord(ctx));
    return { status: 204 };
  } catch (error) {
    restError(error);
  }
}

export function deleteRecord(org: Org, ctx: RequestContext, name: string, id: string): Reply {
  const object = requireObject(org, name);
  const existing = org.store.get(object, id);
  if (!existing) throw notFound('The requested resource does not exist');
  try {
    org.store.delete(object, id);
    return { status: 204 };
  } catch (error) {
    restError(error);
  }
}

/** The field an upsert matches on: an External ID (or idLookup) field, or `Id`. */
export function externalIdField(org: Org, object: ObjectDef, name: string): FieldDef {
  const f = org.view.field(object, name);
  if (!f || !(f.externalId || f.idLookup)) {
    throw new ApiError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${name}`);
  }
  return f;
}

export function getByExternalId(org: Org, ctx: RequestContext, name: string, fieldName: string, value: string): Reply {
  const object = requireObject(org, name);
  const f = externalIdField(org, object, fieldName);
  const matches =
    f.name === 'Id'
      ? [org.store.get(object, value)].filter((r): r is SfRecord => r !== undefined)
      : org.store.findBy(object, f, value);
  if (matches.length === 0) throw notFound('The requested resource does not exist');
  if (matches.length > 1) {
    return json(
      300,
      matches.map((m) => `/services/data/v${ctx.version}/sobjects/${object.name}/${String(m.Id)}`)
    );
  }
  return json(200, recordView(org, object, matches[0], ctx.version, fieldsParam(ctx)));
}

export function upsertRecord(org: Org, ctx: RequestContext, name: string, fieldName: string, value: string): Reply {
  const object = requireObject(org, name);
  const f = externalIdField(org, object, fieldName);
  const body = bodyRecord(ctx);
  if (f.name !== 'Id' && f.type !== 'double' && f.type !== 'int') {
    const multiple = org.store.findBy(object, f, value);
    if (multiple.length > 1) {
      return json(
        300,
        multiple.map((m) => `/services/data/v${ctx.version}/sobjects/${object.name}/${String(m.Id)}`)
      );
    }
  }
  try {
    const { record, created } = org.store.upsert(object, f, value, body);
    return json(created ? 201 : 200, { id: record.Id, success: true, errors: [], created });
  } catch (error) {
    restError(error);
  }
}
