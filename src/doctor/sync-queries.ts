/**
 * The referral list queries the sync sends, asked of the sync's own code rather than written out again here: its
 * reader and its crash-heal lookup run against a stand-in client that records the first query and stops them there.
 * The stand-in has no network and refuses every other call, so nothing can be written through it.
 */
import type { PcsyncConfig } from '../config/schema.js';
import type { ListReferralsQuery, PartnerCenterClient } from '../partner-center/client.js';
import type { SyncContext } from '../sync/context.js';
import { readReferrals } from '../sync/inbound/read.js';
import { createReferrals } from '../sync/outbound/create.js';

class QueryRecorded extends Error {
  public constructor(public readonly query: ListReferralsQuery) {
    super('query recorded');
  }
}

/** A client that records the first list query and answers nothing. */
function recordingClient(): PartnerCenterClient {
  const record = (query: ListReferralsQuery = {}): AsyncGenerator<never> => {
    throw new QueryRecorded(query);
  };
  const refuse = (): Promise<never> => Promise.reject(new Error('the doctor sends no write'));
  return {
    pages: record,
    list: record,
    get: refuse,
    create: refuse,
    createCoSell: refuse,
    inviteMicrosoft: refuse,
    update: refuse,
  } as unknown as PartnerCenterClient;
}

async function recorded(run: (client: PartnerCenterClient) => Promise<unknown>): Promise<ListReferralsQuery> {
  try {
    await run(recordingClient());
  } catch (error) {
    if (error instanceof QueryRecorded) return error.query;
    throw error;
  }
  throw new Error('the sync sent no referral list query');
}

/** The query of an incremental inbound pass from this watermark (the overlap applied as the sync applies it). */
export function incrementalQuery(config: PcsyncConfig, watermark: string): Promise<ListReferralsQuery> {
  return recorded((client) =>
    // Only what the reader touches before its first page: the client, the overlap setting and the run's notices.
    readReferrals({ client, config, notices: new Set() } as unknown as SyncContext, { since: watermark })
  );
}

/**
 * The query that looks up referrals already made for flagged Opportunities (a run that died between a create and
 * its write-back), for as many Opportunities as the sync puts in one query.
 */
export function referenceLookupQuery(opportunityIds: readonly string[]): Promise<ListReferralsQuery> {
  const rows = opportunityIds.map((Id) => ({ Id }));
  // Only what the lookup touches before its first list call: the client, whether this is a dry run, the notices.
  return recorded((client) =>
    createReferrals({ client, dryRun: false, notices: new Set() } as unknown as SyncContext, rows, new Map(), '')
  );
}
