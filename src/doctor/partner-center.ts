/**
 * Partner Center as the sync meets it: the sign-in, a token for each audience, and the referral list queries the
 * sync sends (incremental reads by `updatedDateTime`, the crash-heal lookup by `externalReferenceId`), which
 * Microsoft does not document (get-a-list-of-referrals shows `$filter` only on other fields): this is where an
 * admin learns whether the real service takes them.
 */
import type { ListReferralsQuery } from '../partner-center/client.js';
import { PartnerCenterError } from '../partner-center/errors.js';
import { REFERRALS_AUDIENCE, WEBHOOKS_AUDIENCE, type Audience } from '../partner-center/settings.js';
import { lastWatermarks } from '../sync/prior-runs.js';
import { toWatermark } from '../sync/run-record.js';
import { describeError, doctorMessages, needs, outcome } from './outcome.js';
import { incrementalQuery, referenceLookupQuery } from './sync-queries.js';
import type { Check, CheckOutcome, DoctorContext } from './types.js';

async function signIn(ctx: DoctorContext): Promise<CheckOutcome> {
  try {
    const who = await ctx.tokens.describe();
    return who.source === 'environment'
      ? outcome('pass', 'signInHeadless', [who.tenantId, who.clientId])
      : outcome('pass', 'signInStored', [who.signIn?.username ?? '?', who.tenantId, who.signIn?.renewedAt ?? '?']);
  } catch (error) {
    return outcome('fail', 'signInMissing', [describeError(error)], { key: 'signIn' });
  }
}

function token(audience: Audience): (ctx: DoctorContext) => Promise<CheckOutcome> {
  return async (ctx) => {
    const blocked = needs(ctx, 'pc-sign-in');
    if (blocked) return blocked;
    try {
      await ctx.tokens.getAccessToken(audience);
    } catch (error) {
      return outcome('fail', 'tokenRefused', [audience, describeError(error)], { key: 'signIn' });
    }
    const account = ctx.tokens.signedInAccount();
    return outcome('pass', 'tokenIssued', [audience, account?.username ?? '?']);
  };
}

/** `$filter=…&$orderby=…` as the request carries it, decoded, for the admin to read. */
export function queryText(query: ListReferralsQuery): string {
  const clauses = query.filter?.split(' or ') ?? [];
  const filter =
    clauses.length > 2 ? doctorMessages.getMessage('info.orClauses', [clauses[0], clauses.length]) : query.filter;
  const parts = [
    ...(filter ? [`$filter=${filter}`] : []),
    ...(query.orderBy ? [`$orderby=${query.orderBy}`] : []),
    ...(query.top !== undefined ? [`$top=${query.top}`] : []),
  ];
  return parts.join('&');
}

/** The first page of a list query: taken, or refused (400: the sync's fallback is needed), or not answered. */
async function firstPage(
  ctx: DoctorContext,
  query: ListReferralsQuery,
  fallbackAction: 'incrementalFallback' | 'lookupFallback'
): Promise<CheckOutcome> {
  const text = queryText(query);
  try {
    for await (const page of ctx.referrals.pages(query)) {
      return outcome('pass', 'listAnswered', [text, page.value.length]);
    }
    return outcome('pass', 'listAnswered', [text, 0]);
  } catch (error) {
    if (error instanceof PartnerCenterError && error.status === 400) {
      return outcome('fail', 'listRefused', [text, error.partnerCenterMessage || error.message], {
        key: fallbackAction,
      });
    }
    return outcome('fail', 'listFailed', [text, describeError(error)], { key: 'partnerCenterUnreachable' });
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

async function incrementalList(ctx: DoctorContext): Promise<CheckOutcome> {
  const blocked = needs(ctx, 'pc-token-referrals');
  if (blocked) return blocked;
  // The watermark the next run starts from; without one (no finished run, or no run object), a day back.
  const watermarks = await lastWatermarks(ctx.connection).catch(() => ({ inbound: undefined }));
  const since = watermarks.inbound ?? toWatermark(new Date(ctx.now().getTime() - DAY_MS));
  return firstPage(ctx, await incrementalQuery(ctx.config, since ?? ''), 'incrementalFallback');
}

/** Opportunity-shaped ids that name no record: the lookup's answer does not matter, only whether it is taken. */
const PLACEHOLDER_IDS = Array.from({ length: 50 }, (_, i) => `006${String(i).padStart(12, '0')}AAA`);

async function referenceLookup(ctx: DoctorContext): Promise<CheckOutcome> {
  const blocked = needs(ctx, 'pc-token-referrals');
  if (blocked) return blocked;
  return firstPage(ctx, await referenceLookupQuery(PLACEHOLDER_IDS), 'lookupFallback');
}

export const PARTNER_CENTER_CHECKS: readonly Check[] = [
  { id: 'pc-sign-in', run: signIn },
  { id: 'pc-token-referrals', run: token(REFERRALS_AUDIENCE) },
  { id: 'pc-token-webhooks', run: token(WEBHOOKS_AUDIENCE) },
  { id: 'pc-incremental-list', run: incrementalList },
  { id: 'pc-reference-lookup', run: referenceLookup },
];
