/**
 * Bulk API 2.0 ingest: create a job, upload CSV, close it (`UploadComplete`), poll, then read the successful,
 * failed and unprocessed result CSVs. Rows are processed in chunks so the server keeps answering meanwhile.
 * Query jobs are in bulk-query.ts.
 */
import { DELIMITERS, parseCsv, toCsv } from './csv.js';
import { changeOrigin } from './change-events.js';
import { duplicateExternalId, externalKey, repeatedKeys } from './external-ids.js';
import { ApiError, notFound, RecordError, type SaveError } from './errors.js';
import { type Reply, type RequestContext, json, jsonObject } from './http.js';
import { IdFactory, isValidId } from './ids.js';
import type { Org } from './org.js';
import type { FieldDef, ObjectDef } from './schema.js';
import type { SfRecord } from './store.js';
import { asText } from './text.js';

type Operation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';
type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

type Job = {
  id: string;
  object: ObjectDef;
  operation: Operation;
  externalIdField: FieldDef | undefined;
  lineEnding: 'LF' | 'CRLF';
  columnDelimiter: string;
  state: JobState;
  createdDate: string;
  systemModstamp: string;
  csv: string[];
  headers: string[];
  successful: string[][];
  failed: string[][];
  unprocessed: string[][];
  processed: number;
  failedCount: number;
  errorMessage: string | null;
  started: number;
  finished: number;
  /** Change Data Capture's `changeOrigin` of the job's writes, from the creating call's `Sforce-Call-Options`. */
  changeOrigin: string;
};

const CHUNK = 200;

function errorText(errors: SaveError[]): string {
  return errors.map((e) => `${e.statusCode}:${e.message}:${e.fields.join(',')} --`).join(' ');
}

export class BulkService {
  private readonly jobs = new Map<string, Job>();
  private counter = 0;

  public constructor(private readonly org: Org) {}

  public reset(): void {
    this.jobs.clear();
  }

  private job(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw notFound(`Could not find job ${id}`);
    return job;
  }

  private info(job: Job, version: string): Record<string, unknown> {
    return {
      id: job.id,
      operation: job.operation,
      object: job.object.name,
      createdById: this.org.userId,
      createdDate: job.createdDate,
      systemModstamp: job.systemModstamp,
      state: job.state,
      ...(job.externalIdField ? { externalIdFieldName: job.externalIdField.name } : {}),
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: Number(version),
      jobType: 'V2Ingest',
      contentUrl: `services/data/v${version}/jobs/ingest/${job.id}/batches`,
      lineEnding: job.lineEnding,
      columnDelimiter: Object.entries(DELIMITERS).find(([, d]) => d === job.columnDelimiter)?.[0] ?? 'COMMA',
      numberRecordsProcessed: job.processed,
      numberRecordsFailed: job.failedCount,
      retries: 0,
      totalProcessingTime: job.finished ? job.finished - job.started : 0,
      apiActiveProcessingTime: job.finished ? job.finished - job.started : 0,
      apexProcessingTime: 0,
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
    };
  }

  public create(ctx: RequestContext): Reply {
    const body = jsonObject(ctx);
    const operation = body.operation as Operation;
    if (!['insert', 'update', 'upsert', 'delete', 'hardDelete'].includes(operation)) {
      throw new ApiError(400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${String(body.operation)}`);
    }
    const object = typeof body.object === 'string' ? this.org.view.object(body.object) : undefined;
    if (!object) throw new ApiError(400, 'INVALIDJOB', `InvalidJob : Invalid object: ${String(body.object)}`);
    let externalIdField: FieldDef | undefined;
    if (operation === 'upsert') {
      const name = body.externalIdFieldName;
      externalIdField = typeof name === 'string' ? this.org.view.field(object, name) : undefined;
      if (!externalIdField || !(externalIdField.externalId || externalIdField.idLookup)) {
        throw new ApiError(
          400,
          'INVALIDJOB',
          `InvalidJob : Field ${String(name)} is not an External ID or indexed field for ${object.name}`
        );
      }
    }
    if (body.contentType !== undefined && body.contentType !== 'CSV')
      throw new ApiError(400, 'INVALIDJOB', `InvalidJob : Invalid content type: ${asText(body.contentType)}`);
    const delimiterName = typeof body.columnDelimiter === 'string' ? body.columnDelimiter : 'COMMA';
    const delimiter = DELIMITERS[delimiterName];
    if (!delimiter) throw new ApiError(400, 'INVALIDJOB', `InvalidJob : Invalid column delimiter: ${delimiterName}`);
    this.counter++;
    const now = this.org.clock.stamp();
    const job: Job = {
      id: IdFactory.make('750', '5g0', this.counter),
      object,
      operation,
      externalIdField,
      lineEnding: body.lineEnding === 'CRLF' ? 'CRLF' : 'LF',
      columnDelimiter: delimiter,
      state: 'Open',
      createdDate: now,
      systemModstamp: now,
      csv: [],
      headers: [],
      successful: [],
      failed: [],
      unprocessed: [],
      processed: 0,
      failedCount: 0,
      errorMessage: null,
      started: 0,
      finished: 0,
      changeOrigin: changeOrigin('bulkapi', ctx.version, [ctx.headers['sforce-call-options'] ?? ''].flat()[0]),
    };
    this.jobs.set(job.id, job);
    return json(200, this.info(job, ctx.version));
  }

  public list(ctx: RequestContext): Reply {
    return json(200, {
      done: true,
      records: [...this.jobs.values()].map((j) => this.info(j, ctx.version)),
      nextRecordsUrl: null,
    });
  }

  public get(ctx: RequestContext, id: string): Reply {
    return json(200, this.info(this.job(id), ctx.version));
  }

  public upload(ctx: RequestContext, id: string): Reply {
    const job = this.job(id);
    if (job.state !== 'Open')
      throw new ApiError(409, 'INVALIDJOBSTATE', `Unable to upload data to a job in state ${job.state}`);
    const type = String(ctx.headers['content-type'] ?? '');
    if (!/^text\/csv/i.test(type))
      throw new ApiError(400, 'INVALIDJOB', `InvalidJob : Content type must be text/csv (was ${type || 'none'})`);
    const csv = ctx.body.toString('utf8');
    job.csv.push(csv);
    let rows = 0;
    try {
      rows = Math.max(0, parseCsv(csv, job.columnDelimiter).filter((r) => r.some((v) => v !== '')).length - 1);
    } catch {
      // A CSV that does not parse fails the job when it is processed; the upload itself wrote nothing.
    }
    return { status: 201, records: rows };
  }

  public patch(ctx: RequestContext, id: string): Reply {
    const job = this.job(id);
    const body = jsonObject(ctx);
    if (body.state === 'UploadComplete') {
      if (job.state !== 'Open') throw new ApiError(409, 'INVALIDJOBSTATE', `Job is in state ${job.state}, not Open`);
      job.state = 'UploadComplete';
      job.systemModstamp = this.org.clock.stamp();
      setImmediate(() => this.process(job));
    } else if (body.state === 'Aborted') {
      if (['JobComplete', 'Failed', 'Aborted'].includes(job.state))
        throw new ApiError(409, 'INVALIDJOBSTATE', `Job is already ${job.state}`);
      job.state = 'Aborted';
      job.systemModstamp = this.org.clock.stamp();
    } else {
      throw new ApiError(400, 'INVALIDJOBSTATE', `Invalid state: ${String(body.state)}`);
    }
    return json(200, this.info(job, ctx.version));
  }

  public remove(id: string): Reply {
    const job = this.job(id);
    if (['Open', 'UploadComplete', 'InProgress'].includes(job.state))
      throw new ApiError(409, 'INVALIDJOBSTATE', `Cannot delete a job in state ${job.state}`);
    this.jobs.delete(id);
    return { status: 204 };
  }

  public results(id: string, which: 'successful' | 'failed' | 'unprocessed'): Reply {
    const job = this.job(id);
    if (which !== 'unprocessed' && !['JobComplete', 'Failed', 'Aborted'].includes(job.state)) {
      throw new ApiError(400, 'INVALIDJOBSTATE', `Job ${id} is not complete (state ${job.state})`);
    }
    const headers =
      which === 'successful'
        ? ['sf__Id', 'sf__Created', ...job.headers]
        : which === 'failed'
          ? ['sf__Id', 'sf__Error', ...job.headers]
          : job.headers;
    const rows = which === 'successful' ? job.successful : which === 'failed' ? job.failed : job.unprocessed;
    const eol = job.lineEnding === 'CRLF' ? '\r\n' : '\n';
    return { status: 200, raw: headers.length === 0 ? '' : toCsv([headers, ...rows], eol), contentType: 'text/csv' };
  }

  private fail(job: Job, message: string, rows: string[][]): void {
    job.state = 'Failed';
    job.errorMessage = message;
    job.unprocessed = rows;
    job.finished = Date.now();
    job.systemModstamp = this.org.clock.stamp();
  }

  private process(job: Job): void {
    if (job.state !== 'UploadComplete') return;
    job.state = 'InProgress';
    job.started = Date.now();
    let rows: string[][] = [];
    try {
      for (const chunk of job.csv) {
        const parsed = parseCsv(chunk, job.columnDelimiter);
        if (rows.length === 0) rows = parsed;
        else rows.push(...parsed.slice(1));
      }
    } catch (error) {
      this.fail(job, `InvalidBatch : Failed to parse CSV: ${(error as Error).message}`, []);
      return;
    }
    job.csv = [];
    const [header, ...data] = rows;
    job.headers = header ?? [];
    if (!header || header.length === 0 || (header.length === 1 && header[0] === '')) {
      this.fail(job, 'InvalidBatch : The CSV has no header row', []);
      return;
    }
    const lower = header.map((h) => h.trim().toLowerCase());
    const duplicate = lower.find((h, i) => lower.indexOf(h) !== i);
    if (duplicate !== undefined) {
      this.fail(job, `InvalidBatch : Duplicate field name: ${header[lower.indexOf(duplicate)]}`, data);
      return;
    }
    const fields: Array<FieldDef | undefined> = header.map((h) => this.org.view.field(job.object, h.trim()));
    const unknown = header.find((h, i) => !fields[i]);
    if (unknown !== undefined) {
      this.fail(job, `InvalidBatch : Field name not found : ${unknown}`, data);
      return;
    }
    const idIndex = lower.indexOf('id');
    if (job.operation === 'upsert' && job.externalIdField && !lower.includes(job.externalIdField.name.toLowerCase())) {
      this.fail(job, `InvalidBatch : Field name not found : ${job.externalIdField.name}`, data);
      return;
    }
    if (['update', 'delete', 'hardDelete'].includes(job.operation) && idIndex < 0) {
      this.fail(job, 'InvalidBatch : Field name not found : Id', data);
      return;
    }
    let index = 0;
    const step = (): void => {
      if (this.jobs.get(job.id) !== job) return; // the org was reset meanwhile
      if (job.state !== 'InProgress') {
        job.unprocessed = data.slice(index);
        return;
      }
      const end = Math.min(data.length, index + CHUNK);
      // Each chunk is one transaction, as the rows a trigger sees together; a key twice in it fails both rows.
      this.org.store.beginCall({ changeOrigin: job.changeOrigin });
      const repeated = job.externalIdField
        ? repeatedKeys(
            job.externalIdField,
            data.slice(index, end),
            lower.indexOf(job.externalIdField.name.toLowerCase())
          )
        : new Set<string>();
      for (; index < end; index++) this.processRow(job, header, fields as FieldDef[], idIndex, data[index], repeated);
      this.org.store.endCall();
      if (index < data.length) {
        setImmediate(step);
        return;
      }
      job.state = 'JobComplete';
      job.finished = Date.now();
      job.systemModstamp = this.org.clock.stamp();
    };
    step();
  }

  private processRow(
    job: Job,
    header: string[],
    fields: FieldDef[],
    idIndex: number,
    row: string[],
    repeated: Set<string>
  ): void {
    job.processed++;
    const failRow = (errors: SaveError[], id = ''): void => {
      job.failedCount++;
      job.failed.push([id, errorText(errors), ...row]);
    };
    if (row.length !== header.length) {
      failRow([
        {
          statusCode: 'INVALID_FIELD',
          message: `Row has ${row.length} values but the header has ${header.length} columns`,
          fields: [],
        },
      ]);
      return;
    }
    const input: SfRecord = {};
    fields.forEach((f, i) => {
      if (i !== idIndex) input[f.name] = row[i];
    });
    const id = idIndex >= 0 ? row[idIndex] : '';
    const store = this.org.store;
    try {
      switch (job.operation) {
        case 'insert': {
          const record = store.insert(job.object, input, { csv: true });
          job.successful.push([record.Id as string, 'true', ...row]);
          break;
        }
        case 'update': {
          if (!isValidId(id) || !store.get(job.object, id))
            throw RecordError.of(
              isValidId(id) ? 'ENTITY_IS_DELETED' : 'MALFORMED_ID',
              isValidId(id) ? 'entity is deleted' : `invalid id: ${id}`,
              ['Id']
            );
          const record = store.update(job.object, id, input, { csv: true });
          job.successful.push([record.Id as string, 'false', ...row]);
          break;
        }
        case 'upsert': {
          const f = job.externalIdField as FieldDef;
          const key = Object.keys(input).find((k) => k.toLowerCase() === f.name.toLowerCase());
          const value = key ? input[key] : undefined;
          if (value === undefined || value === '')
            throw RecordError.of('MISSING_ARGUMENT', `${f.name} not specified`, [f.name]);
          if (repeated.has(externalKey(f, value))) throw duplicateExternalId(f, value);
          const { record, created } = store.upsert(job.object, f, value, input, { csv: true });
          job.successful.push([record.Id as string, created ? 'true' : 'false', ...row]);
          break;
        }
        default: {
          if (!isValidId(id) || !store.get(job.object, id))
            throw RecordError.of('ENTITY_IS_DELETED', 'entity is deleted', []);
          store.delete(job.object, id);
          job.successful.push([id, 'false', ...row]);
        }
      }
    } catch (error) {
      if (error instanceof RecordError)
        failRow(error.errors, job.operation === 'update' || job.operation === 'delete' ? id : '');
      else failRow([{ statusCode: 'UNKNOWN_EXCEPTION', message: (error as Error).message, fields: [] }]);
    }
  }
}
