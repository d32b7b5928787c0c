/** Updates guarded by each row's last modification, so a write never overwrites an edit made since the read. */
import type { Connection } from '@jsforce/jsforce-node';
import {
  batchFailure,
  chunks,
  IDEMPOTENT_RETRIES,
  isTransient,
  path,
  saveError,
  type ReplyError,
  type SObjectRecord,
  type WriteResult,
} from './results.js';

/** Subrequests in one Composite call (REST API Developer Guide, Composite: up to 25). */
export const COMPOSITE_SIZE = 25;

export type ConditionalUpdate = { id: string; values: SObjectRecord; unmodifiedSince: string };

type CompositeReply = { compositeResponse: Array<{ httpStatusCode: number; body: unknown }> };

/**
 * Updates each row only if nobody modified it after `unmodifiedSince` (its LastModifiedDate when it was read): one
 * Composite call per 25 rows, each subrequest with its own If-Unmodified-Since. A row changed since answers
 * `PRECONDITION_FAILED`; the caller reads it again. (Weak validation: Salesforce compares whole seconds.)
 */
export async function updateIfUnmodified(
  connection: Connection,
  sobject: string,
  updates: readonly ConditionalUpdate[]
): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const batch of chunks(updates, COMPOSITE_SIZE)) {
    const compositeRequest = batch.map((update, index) => ({
      method: 'PATCH',
      url: path(connection, `/sobjects/${sobject}/${update.id}`),
      referenceId: `row${index}`,
      body: update.values,
      httpHeaders: { 'If-Unmodified-Since': new Date(Date.parse(toIso(update.unmodifiedSince))).toUTCString() },
    }));
    let reply: CompositeReply | undefined;
    for (let attempt = 0; !reply; attempt++) {
      try {
        reply = await connection.request<CompositeReply>({
          method: 'POST',
          url: path(connection, '/composite'),
          body: JSON.stringify({ allOrNone: false, compositeRequest }),
          headers: { 'content-type': 'application/json' },
        });
      } catch (error) {
        const failure = batchFailure(batch.length, error);
        const first = failure[0];
        // Repeating is safe: a row the lost attempt did write answers 412 and is read again.
        if (attempt < IDEMPOTENT_RETRIES.length && !first.success && isTransient(first.errors[0])) {
          await new Promise((resolve) => setTimeout(resolve, IDEMPOTENT_RETRIES[attempt]));
          continue;
        }
        results.push(...failure);
        break;
      }
    }
    if (!reply) continue;
    reply.compositeResponse.forEach((sub, index) => {
      const id = batch[index].id;
      if (sub.httpStatusCode < 300) results.push({ success: true, id, errors: [] });
      else {
        const errors = Array.isArray(sub.body) ? (sub.body as ReplyError[]).map(saveError) : [];
        results.push({ success: false, id, errors: errors.length ? errors : [{ errorCode: 'UNKNOWN', message: '' }] });
      }
    });
  }
  return results;
}

/** Salesforce's `…+0000` date-times as ISO 8601 with `Z`. */
const toIso = (value: string): string => value.replace(/\+0000$/, 'Z').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
