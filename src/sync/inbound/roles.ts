/**
 * Contact roles for every Opportunity of the pass that has none: the new ones, and older ones whose roles were
 * never written (a run that stopped in between). A failed role leaves its record in error, retried next run.
 */
import type { Referral } from '../../partner-center/referral-types.js';
import { createContactRoles, relateCustomers, withoutContactRoles, type CustomerLinks } from '../customers.js';
import type { SyncContext } from '../context.js';
import { syncMessages as messages } from '../messages.js';
import type { RecordOutcome } from '../types.js';

export async function healContactRoles(
  ctx: SyncContext,
  referrals: ReadonlyMap<string, Referral>,
  /** Opportunity Id per referral id, for the Opportunities of this pass. */
  opportunities: ReadonlyMap<string, string>,
  /** The Opportunities created by this pass (known to have no roles) and their already related customers. */
  created: ReadonlySet<string>,
  related: CustomerLinks,
  outcomes: RecordOutcome[]
): Promise<void> {
  if (!ctx.config.accounts.contacts.create || ctx.dryRun) return;
  const withTeam = [...opportunities].filter(([referralId]) =>
    (referrals.get(referralId)?.customerProfile?.team ?? []).some((member) => member.email)
  );
  const older = withTeam.filter(([, opportunityId]) => !created.has(opportunityId));
  ctx.checkpoint();
  const lacking = older.length
    ? await withoutContactRoles(
        ctx,
        older.map(([, id]) => id)
      )
    : new Set<string>();
  const needing = withTeam.filter(([, opportunityId]) => created.has(opportunityId) || lacking.has(opportunityId));
  // Older Opportunities' customers were not related in this pass: find (or make) their Contacts now.
  const unrelated = needing.filter(([referralId]) => !related.contactsByReferral.has(referralId));
  const more = unrelated.length
    ? await relateCustomers(
        ctx,
        unrelated.map(([referralId]) => referrals.get(referralId) as Referral)
      )
    : undefined;
  const roles = needing.flatMap(([referralId, opportunityId]) => {
    const contactIds = related.contactsByReferral.get(referralId) ?? more?.contactsByReferral.get(referralId);
    return contactIds?.length ? [{ opportunityId, contactIds }] : [];
  });
  const failures = await createContactRoles(ctx, roles);
  for (const [opportunityId, reason] of failures) {
    const outcome = outcomes.find((candidate) => candidate.opportunityId === opportunityId);
    if (outcome) {
      Object.assign(outcome, { outcome: 'error', message: messages.getMessage('outcome.rolesFailed', [reason]) });
      outcome.retry = true;
    }
  }
}
