/**
 * Listing referrals with the `$filter`s pcsync relies on — `updatedDateTime ge …` for incremental passes and
 * `externalReferenceId eq …` for the crash heal — which Microsoft's get-a-list-of-referrals does not document: when
 * Partner Center refuses one (400), the listing falls back to what is documented, `$orderby` on updatedDateTime or
 * createdDateTime newest first, and stops at the bound on this side; the run record says so once.
 */
import { PartnerCenterError } from '../partner-center/errors.js';
import type { Referral, ReferralPage } from '../partner-center/referral-types.js';
import type { SyncContext } from './context.js';
import { syncMessages as messages } from './messages.js';

export type OrderedField = 'updatedDateTime' | 'createdDateTime';

/** Partner Center refused the query itself, not the caller's right to it. */
const isRefusedQuery = (error: unknown): boolean => error instanceof PartnerCenterError && error.status === 400;

/**
 * Pages of referrals newest first by `field`, from `since` on: filtered on Partner Center's side while it accepts the
 * filter, else read in order and cut here at the first referral older than `since`.
 */
export async function* pagesSince(
  ctx: SyncContext,
  field: OrderedField,
  since: string | undefined,
  filter: string | undefined
): AsyncGenerator<ReferralPage, void, undefined> {
  const notice = messages.getMessage('notice.filterRefused', [field]);
  const orderBy = `${field} desc`;
  if (filter && !ctx.notices.has(notice)) {
    let pages = 0;
    try {
      for await (const page of ctx.client.pages({ filter, orderBy })) {
        pages++;
        yield page;
      }
      return;
    } catch (error) {
      // Refused at once: fall back. A refusal after pages were read is a real failure, not a refused filter.
      if (!isRefusedQuery(error) || pages > 0) throw error;
      ctx.notices.add(notice);
    }
  }
  const bound = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
  for await (const page of ctx.client.pages({ orderBy })) {
    const fresh = page.value.filter((referral) => Date.parse(referral[field] ?? '') >= bound);
    yield { ...page, value: fresh };
    if (fresh.length < page.value.length) return;
  }
}

/** Every referral carrying one of these `externalReferenceId`s, none created before `createdSince`. */
export async function referralsReferencing(
  ctx: SyncContext,
  ids: readonly string[],
  createdSince: string | undefined,
  batch: number
): Promise<Referral[]> {
  const wanted = new Set(ids);
  const found: Referral[] = [];
  for (let i = 0; i < ids.length; i += batch) {
    const slice = ids.slice(i, i + batch);
    const filter = slice.map((id) => `externalReferenceId eq '${id}'`).join(' or ');
    for await (const page of pagesSince(ctx, 'createdDateTime', createdSince, filter)) {
      found.push(...page.value.filter((referral) => wanted.has(referral.externalReferenceId ?? '')));
    }
    // Without the filter one read in order covered every id.
    if (ctx.notices.has(messages.getMessage('notice.filterRefused', ['createdDateTime']))) break;
  }
  return [...new Map(found.map((referral) => [referral.id, referral])).values()];
}
