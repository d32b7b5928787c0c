/** Upserts through Bulk API 2.0, in jobs small enough that no upload nears the API's 150 MB limit. */
import type { Connection } from '@jsforce/jsforce-node';
import { batchFailure, type SObjectRecord, type WriteResult } from './results.js';

type BulkRow = Record<string, unknown> & { sf__Id?: string; sf__Created?: string; sf__Error?: string };

export async function bulkUpsert(
  connection: Connection,
  sobject: string,
  externalIdField: string,
  records: readonly SObjectRecord[]
): Promise<WriteResult[]> {
  const input = records.map((record) =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key, value ?? '#N/A']))
  );
  let outcome: { successfulResults: BulkRow[]; failedResults: BulkRow[]; unprocessedRecords: BulkRow[] };
  try {
    outcome = (await connection.bulk2.loadAndWaitForResults({
      object: sobject,
      operation: 'upsert',
      externalIdFieldName: externalIdField,
      input: input,
      pollTimeout: 30 * 60_000,
    })) as unknown as typeof outcome;
  } catch (error) {
    return batchFailure(records.length, error);
  }
  const byKey = new Map<string, WriteResult>();
  for (const row of outcome.successfulResults) {
    byKey.set(String(row[externalIdField]), {
      success: true,
      id: String(row.sf__Id),
      created: String(row.sf__Created) === 'true',
      errors: [],
    });
  }
  for (const row of outcome.failedResults) {
    const [errorCode, ...rest] = String(row.sf__Error ?? 'UNKNOWN').split(':');
    byKey.set(String(row[externalIdField]), {
      success: false,
      errors: [{ errorCode, message: rest.join(':').trim() || errorCode }],
    });
  }
  return records.map(
    (record) =>
      byKey.get(String(record[externalIdField])) ?? {
        success: false,
        errors: [{ errorCode: 'UNPROCESSED', message: 'Bulk API left the row unprocessed' }],
      }
  );
}
