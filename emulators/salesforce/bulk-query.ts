/** Bulk API 2.0 query jobs (`/jobs/query`); the CSV format is in csv.ts. */
import { DELIMITERS, toCsv } from './csv.js';
import { ApiError, notFound } from './errors.js';
import { type Reply, type RequestContext, json, jsonObject } from './http.js';
import { IdFactory } from './ids.js';
import type { Org } from './org.js';
import type { SfRecord } from './store.js';
import { asText } from './text.js';

type QueryJob = {
  id: string;
  object: string;
  operation: 'query' | 'queryAll';
  query: string;
  state: 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  createdDate: string;
  systemModstamp: string;
  lineEnding: 'LF' | 'CRLF';
  columnDelimiter: string;
  columns: string[];
  rows: string[][];
  errorMessage: string | null;
};

/** Bulk API 2.0 query jobs (`/jobs/query`): the SOQL runs at once; results page through `Sforce-Locator`. */
export class BulkQueryService {
  private readonly jobs = new Map<string, QueryJob>();
  private counter = 0;

  public constructor(private readonly org: Org) {}

  public reset(): void {
    this.jobs.clear();
  }

  private job(id: string): QueryJob {
    const job = this.jobs.get(id);
    if (!job) throw notFound(`Could not find job ${id}`);
    return job;
  }

  private info(job: QueryJob, version: string): Record<string, unknown> {
    return {
      id: job.id,
      operation: job.operation,
      object: job.object,
      createdById: this.org.userId,
      createdDate: job.createdDate,
      systemModstamp: job.systemModstamp,
      state: job.state,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: Number(version),
      jobType: 'V2Query',
      lineEnding: job.lineEnding,
      columnDelimiter: Object.entries(DELIMITERS).find(([, d]) => d === job.columnDelimiter)?.[0] ?? 'COMMA',
      numberRecordsProcessed: job.rows.length,
      retries: 0,
      totalProcessingTime: 0,
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
    };
  }

  public create(ctx: RequestContext): Reply {
    const body = jsonObject(ctx);
    const operation = body.operation === 'queryAll' ? 'queryAll' : body.operation === 'query' ? 'query' : undefined;
    if (!operation) throw new ApiError(400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${asText(body.operation)}`);
    if (typeof body.query !== 'string' || body.query.trim() === '')
      throw new ApiError(400, 'INVALIDJOB', 'InvalidJob : query is required');
    if (/\bOFFSET\b/i.test(body.query))
      throw new ApiError(
        400,
        'FeatureNotEnabled',
        'FeatureNotEnabled : OFFSET is not supported by Bulk API 2.0 queries'
      );
    const delimiterName = typeof body.columnDelimiter === 'string' ? body.columnDelimiter : 'COMMA';
    const delimiter = DELIMITERS[delimiterName];
    if (!delimiter) throw new ApiError(400, 'INVALIDJOB', `InvalidJob : Invalid column delimiter: ${delimiterName}`);
    const meta = this.org.soql.columns(body.query) as {
      entityName: string;
      columnMetadata: Array<{ columnName: string; aggregate: boolean; joinColumns: unknown[] }>;
    };
    if (meta.columnMetadata.some((c) => c.aggregate)) {
      throw new ApiError(
        400,
        'FeatureNotEnabled',
        'FeatureNotEnabled : Aggregate queries and subqueries are not supported by Bulk API 2.0 queries'
      );
    }
    const columns: string[] = [];
    const walk = (list: Array<{ columnName: string; joinColumns: unknown[] }>, prefix: string): void => {
      for (const c of list) {
        if (c.joinColumns.length > 0)
          walk(c.joinColumns as Array<{ columnName: string; joinColumns: unknown[] }>, `${prefix}${c.columnName}.`);
        else columns.push(`${prefix}${c.columnName}`);
      }
    };
    walk(meta.columnMetadata, '');
    const result = this.org.soql.run(body.query);
    const value = (record: SfRecord, column: string): string => {
      let current: unknown = record;
      for (const part of column.split('.'))
        current = current && typeof current === 'object' ? (current as SfRecord)[part] : null;
      return current === null || current === undefined ? '' : asText(current);
    };
    this.counter++;
    const now = this.org.clock.stamp();
    const job: QueryJob = {
      id: IdFactory.make('750', '5g1', this.counter),
      object: meta.entityName,
      operation,
      query: body.query,
      state: 'UploadComplete',
      createdDate: now,
      systemModstamp: now,
      lineEnding: body.lineEnding === 'CRLF' ? 'CRLF' : 'LF',
      columnDelimiter: delimiter,
      columns,
      rows: result.records.map((r) => columns.map((c) => value(r, c))),
      errorMessage: null,
    };
    this.jobs.set(job.id, job);
    const answer = this.info(job, ctx.version);
    setImmediate(() => {
      if (job.state === 'UploadComplete') job.state = 'JobComplete';
    });
    return json(200, answer);
  }

  public get(ctx: RequestContext, id: string): Reply {
    return json(200, this.info(this.job(id), ctx.version));
  }

  public list(ctx: RequestContext): Reply {
    return json(200, {
      done: true,
      records: [...this.jobs.values()].map((j) => this.info(j, ctx.version)),
      nextRecordsUrl: null,
    });
  }

  public abort(ctx: RequestContext, id: string): Reply {
    const job = this.job(id);
    const body = jsonObject(ctx);
    if (body.state !== 'Aborted') throw new ApiError(400, 'INVALIDJOBSTATE', `Invalid state: ${asText(body.state)}`);
    if (job.state === 'JobComplete') throw new ApiError(409, 'INVALIDJOBSTATE', 'Job is already complete');
    job.state = 'Aborted';
    return json(200, this.info(job, ctx.version));
  }

  public remove(id: string): Reply {
    this.job(id);
    this.jobs.delete(id);
    return { status: 204 };
  }

  public results(ctx: RequestContext, id: string): Reply {
    const job = this.job(id);
    if (job.state !== 'JobComplete')
      throw new ApiError(400, 'INVALIDJOBSTATE', `Job ${id} is not complete (state ${job.state})`);
    const max = Number(ctx.url.searchParams.get('maxRecords') ?? 50_000);
    const start = Number(ctx.url.searchParams.get('locator') ?? 0);
    if (!Number.isInteger(max) || max < 1 || !Number.isInteger(start) || start < 0)
      throw new ApiError(400, 'INVALIDJOB', 'Invalid maxRecords or locator');
    const page = job.rows.slice(start, start + max);
    const next = start + page.length < job.rows.length ? String(start + page.length) : 'null';
    const eol = job.lineEnding === 'CRLF' ? '\r\n' : '\n';
    return {
      status: 200,
      raw: toCsv([job.columns, ...page], eol),
      contentType: 'text/csv',
      headers: { 'Sforce-Locator': next, 'Sforce-NumberOfRecords': String(page.length) },
    };
  }
}
