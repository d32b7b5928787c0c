/**
 * What a write tells about each record, in one shape for every API pcsync writes through (collections, composite,
 * Bulk API 2.0): jsforce's discriminated `success` union, with Salesforce's error codes.
 */
import type { Connection } from '@jsforce/jsforce-node';

export type SaveError = {
  errorCode: string;
  message: string;
  fields?: string[];
  /** DUPLICATES_DETECTED: the Ids of the existing records the org's duplicate rule matched, best first. */
  duplicateIds?: string[];
};
export type WriteResult =
  { success: true; id: string; created?: boolean; errors: [] } | { success: false; id?: string; errors: SaveError[] };

export type SObjectRecord = Record<string, unknown>;

/** A DuplicateError's result (SOAP API Developer Guide, "DuplicateResult"), as REST answers it. */
type DuplicateResult = { matchResults?: Array<{ matchRecords?: Array<{ record?: { Id?: string } }> }> };

/** Collections report `statusCode`; single-record resources and Bulk report `errorCode`. */
export type ReplyError = {
  statusCode?: string;
  errorCode?: string;
  message: string;
  fields?: string[];
  duplicateResult?: DuplicateResult;
};
export type CollectionReply = Array<{ id?: string | null; success: boolean; created?: boolean; errors?: ReplyError[] }>;

export const saveError = (error: ReplyError): SaveError => {
  const duplicateIds = (error.duplicateResult?.matchResults ?? [])
    .flatMap((result) => result.matchRecords ?? [])
    .map((match) => match.record?.Id)
    .filter((id): id is string => typeof id === 'string');
  return {
    errorCode: error.statusCode ?? error.errorCode ?? 'UNKNOWN',
    message: error.message,
    ...(error.fields?.length ? { fields: error.fields } : {}),
    ...(duplicateIds.length ? { duplicateIds } : {}),
  };
};

export const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

export const toResult = (reply: CollectionReply[number]): WriteResult =>
  reply.success && reply.id
    ? { success: true, id: reply.id, ...(reply.created === undefined ? {} : { created: reply.created }), errors: [] }
    : {
        success: false,
        ...(reply.id ? { id: reply.id } : {}),
        errors: reply.errors?.length ? reply.errors.map(saveError) : [{ errorCode: 'UNKNOWN', message: 'no result' }],
      };

/** The request failed as a whole (network, limit, auth): every record of the batch fails with that error. */
export const batchFailure = (count: number, error: unknown): WriteResult[] => {
  const { errorCode, message } = error as { errorCode?: string; message?: string };
  const failure: SaveError = { errorCode: errorCode ?? 'REQUEST_FAILED', message: message ?? String(error) };
  return Array.from({ length: count }, () => ({ success: false as const, errors: [failure] }));
};

export const path = (connection: Connection, rest: string): string => `/services/data/v${connection.version}${rest}`;

/** Errors that say nothing about the data: the same request may succeed later. */
const TRANSIENT = new Set(['REQUEST_FAILED', 'SERVER_UNAVAILABLE', 'UNABLE_TO_LOCK_ROW', 'UNKNOWN_EXCEPTION']);

/** A failure another attempt may cure (no answer, the org busy or briefly down), as opposed to refused data. */
export const isTransient = (error: Pick<SaveError, 'errorCode'>): boolean =>
  TRANSIENT.has(error.errorCode) || /^ERROR_HTTP_5\d\d$/.test(error.errorCode);

/**
 * An answer that the org is unavailable (503, REST API Developer Guide, "Status Codes and Error Responses": "The server
 * is unavailable to handle the request"): it processed nothing, so even a create may go again — unlike no answer at
 * all (REQUEST_FAILED), which may come after the org committed.
 */
export const isUnprocessed = (error: Pick<SaveError, 'errorCode'>): boolean =>
  error.errorCode === 'SERVER_UNAVAILABLE' || error.errorCode === 'ERROR_HTTP_503';

/** Retries of an idempotent batch (an update by Id or an upsert by External ID) after a transient failure. */
export const IDEMPOTENT_RETRIES = [250, 1000];

/** Pauses before the retries of a read that met a transient failure. */
const READ_RETRIES = [250, 1000, 3000];

/**
 * Runs an idempotent request (a query, a describe), again after a transient failure — no answer, the org briefly
 * unavailable — up to three times. Anything else (a refused query, a missing object) fails at once. A write gives
 * what may send it again (`again`: `isTransient` for an idempotent one, `isUnprocessed` for a create) and its pauses.
 */
export async function retrying<T>(
  work: () => PromiseLike<T>,
  again: (error: Pick<SaveError, 'errorCode'>) => boolean = isTransient,
  pauses: readonly number[] = READ_RETRIES
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const errorCode = (error as { errorCode?: string }).errorCode ?? 'REQUEST_FAILED';
      if (attempt >= pauses.length || !again({ errorCode })) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauses[attempt]));
    }
  }
}
