/**
 * What the inbound pass reads: the referrals to sync — changed since the watermark, newest first, so a referral that
 * changes while the pages are read only moves to a page already read (read again, never skipped) — and the
 * Opportunities that already follow them.
 */
import type { OpportunityRow } from '../../mapping/pairing.js';
import { PartnerCenterError } from '../../partner-center/errors.js';
import type { Referral } from '../../partner-center/referral-types.js';
import { OPP } from '../../salesforce/fields.js';
import { inClauses, lookUp, queryAll } from '../../salesforce/records.js';
import { opportunitySelect, type SyncContext } from '../context.js';
import { syncMessages as messages } from '../messages.js';
import { withOverlap } from '../run-record.js';
import type { RecordOutcome } from '../types.js';
import { listInWindows } from './windows.js';

export type InboundSelection = { since?: string; referralIds?: string[] };

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;

export type ReferralRead = {
  referrals: Referral[];
  /** Referrals Partner Center says no longer exist (404). */
  gone: string[];
  /** Referrals that could not be read (the rest of the batch goes on without them). */
  failed: RecordOutcome[];
  /** Partner Center's clock when the listing began: the next incremental pass starts here. */
  startedAt?: string;
};

/** Microsoft's connected referral of a co-sell (it targets Microsoft): it never stands for an Opportunity. */
export const isMicrosoftsSide = (referral: Pick<Referral, 'target'>): boolean =>
  Boolean(referral.target?.some((target) => target.id === 'msft'));

export async function readByIds(ctx: SyncContext, ids: readonly string[]): Promise<ReferralRead> {
  const read: ReferralRead = { referrals: [], gone: [], failed: [] };
  const results = await Promise.allSettled(ids.map((id) => ctx.client.get(id)));
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') read.referrals.push(result.value);
    else if (result.reason instanceof PartnerCenterError && result.reason.status === 404) read.gone.push(ids[index]);
    else {
      const error = result.reason as Error;
      const pc = error instanceof PartnerCenterError ? error : undefined;
      read.failed.push({
        direction: 'inbound',
        outcome: 'error',
        referralId: ids[index],
        changes: [],
        message: messages.getMessage('outcome.readFailed', [pc?.partnerCenterMessage || error.message]),
        retry: true,
        ...(pc ? { httpStatus: pc.status, correlationId: pc.correlationId } : {}),
      });
    }
  });
  return read;
}

/** Every referral to sync at once (a targeted run, doctor's check); the inbound pass itself reads in windows. */
export async function readReferrals(ctx: SyncContext, selection: InboundSelection): Promise<ReferralRead> {
  if (selection.referralIds?.length) return readByIds(ctx, selection.referralIds);
  const referrals: Referral[] = [];
  const since = listingSince(ctx, selection.since);
  const listed = await listInWindows(ctx, since, Number.POSITIVE_INFINITY, async (window) => {
    referrals.push(...window);
    return Promise.resolve();
  });
  return { referrals, gone: [], failed: [], ...listed };
}

/** Where a listing starts: the watermark less the overlap window every incremental pass re-reads. */
export const listingSince = (ctx: SyncContext, since: string | undefined): string | undefined =>
  withOverlap(since, ctx.config.sync.overlapSeconds * 1000);

export type OpportunitiesByReferral = { byReferral: Map<string, OpportunityRow>; byId: Map<string, OpportunityRow> };

export async function readOpportunities(
  ctx: SyncContext,
  referralIds: readonly string[],
  references: readonly string[]
): Promise<OpportunitiesByReferral> {
  const select = opportunitySelect(ctx.rules);
  const byReferral = new Map<string, OpportunityRow>();
  const byId = new Map<string, OpportunityRow>();
  // A backfill's thousands of referrals: one paged read of the Opportunities that follow any, not an IN per 200.
  const lookup = { select, from: 'Opportunity', field: OPP.referralId, values: referralIds };
  for (const row of await lookUp<OpportunityRow>(ctx.connection, {
    ...lookup,
    scanAbove: ctx.config.sync.bulkThreshold,
  })) {
    byReferral.set(String(row[OPP.referralId]), row);
    if (row.Id) byId.set(row.Id.slice(0, 15), row);
  }
  const unmatched = references.filter((id) => SALESFORCE_ID.test(id) && !byId.has(id.slice(0, 15)));
  for (const clause of inClauses(unmatched)) {
    const soql = `SELECT ${select} FROM Opportunity WHERE Id IN ${clause}`;
    for (const row of await queryAll<OpportunityRow>(ctx.connection, soql)) {
      if (row.Id) byId.set(row.Id.slice(0, 15), row);
    }
  }
  return { byReferral, byId };
}

/** The Opportunity whose Id the referral carries as its externalReferenceId, if any. */
export function referenceRow(rows: OpportunitiesByReferral, referral: Referral): OpportunityRow | undefined {
  const reference = referral.externalReferenceId;
  return reference && SALESFORCE_ID.test(reference) ? rows.byId.get(reference.slice(0, 15)) : undefined;
}

/**
 * A referral that stands for no Opportunity of its own: Microsoft's connected referral of one of our co-sells, or
 * a referral carrying the Id of an Opportunity that already follows another referral.
 */
export function isTwin(rows: OpportunitiesByReferral, referral: Referral): boolean {
  if (rows.byReferral.has(referral.id)) return false;
  if (isMicrosoftsSide(referral) && SALESFORCE_ID.test(referral.externalReferenceId ?? '')) return true;
  const row = referenceRow(rows, referral);
  return Boolean(row?.[OPP.referralId] && row[OPP.referralId] !== referral.id);
}
