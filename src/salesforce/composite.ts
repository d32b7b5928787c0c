/**
 * The Composite resource (REST API Developer Guide, "Composite"): up to 25 subrequests in one request, which counts
 * as one API call — of them up to 5 sObject Collections or query operations. pcsync sends through it what it would
 * otherwise send as several requests side by side: a run's describes, and creates of more than one collection.
 */
import type { Connection } from '@jsforce/jsforce-node';
import {
  batchFailure,
  chunks,
  IDEMPOTENT_RETRIES,
  isUnprocessed,
  path,
  retrying,
  toResult,
  type CollectionReply,
  type SObjectRecord,
  type WriteResult,
} from './results.js';

export const COMPOSITE_SUBREQUESTS = 25;
const COMPOSITE_COLLECTIONS = 5;

export type Subrequest = { method: string; url: string; referenceId: string; body?: unknown; httpHeaders?: object };
export type SubResponse = { body: unknown; httpStatusCode: number; referenceId: string };

/** One Composite request, its subrequests independent of each other (allOrNone false); answers in their order. */
export async function composite(connection: Connection, subrequests: readonly Subrequest[]): Promise<SubResponse[]> {
  const reply = await connection.request<{ compositeResponse?: SubResponse[] }>({
    method: 'POST',
    url: path(connection, '/composite'),
    body: JSON.stringify({ allOrNone: false, compositeRequest: subrequests }),
    headers: { 'content-type': 'application/json' },
  });
  const byReference = new Map((reply.compositeResponse ?? []).map((answer) => [answer.referenceId, answer]));
  return subrequests.map(
    (subrequest) => byReference.get(subrequest.referenceId) ?? { body: null, httpStatusCode: 0, referenceId: '' }
  );
}

/**
 * Creates collections of records (each at most 200), five to a Composite request. Repeated only after an answer that
 * the org processed nothing (`isUnprocessed`): a create's answer may be lost after the org committed it, and only the
 * caller can look for what it made.
 */
export async function createInComposites(
  connection: Connection,
  batches: readonly SObjectRecord[][],
  headers: Record<string, string>
): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  const url = path(connection, '/composite/sobjects');
  for (const group of chunks(batches, COMPOSITE_COLLECTIONS)) {
    const subrequests = group.map((records, index) => ({
      method: 'POST',
      url,
      referenceId: `create${index}`,
      body: { allOrNone: false, records },
      ...(Object.keys(headers).length ? { httpHeaders: headers } : {}),
    }));
    let answers: SubResponse[];
    try {
      answers = await retrying(() => composite(connection, subrequests), isUnprocessed, IDEMPOTENT_RETRIES);
    } catch (error) {
      for (const records of group) results.push(...batchFailure(records.length, error));
      continue;
    }
    group.forEach((records, index) => {
      const answer = answers[index];
      if (answer.httpStatusCode > 0 && answer.httpStatusCode < 300 && Array.isArray(answer.body)) {
        results.push(...(answer.body as CollectionReply).map(toResult));
        return;
      }
      // The subrequest's own error (the whole collection refused), or none: its rows' outcome is unknown.
      const [error] = Array.isArray(answer.body)
        ? (answer.body as Array<{ errorCode?: string; message?: string }>)
        : [];
      const failure = { errorCode: error?.errorCode ?? 'REQUEST_FAILED', message: error?.message ?? 'no answer' };
      results.push(...batchFailure(records.length, failure));
    });
  }
  return results;
}
