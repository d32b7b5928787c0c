/**
 * `plugins.pcsync.leads` (SPEC.md, Configuration → `leads`): whether incoming lead referrals sync and as what, which
 * referral kinds count as leads, the lead mapping and the Lead statuses that mean accepted and declined.
 */
import { z } from 'zod';
import { DEFAULT_LEAD_MAPPING } from '../mapping/lead-defaults.js';
import type { FieldRule } from './schema.js';

/** `lead`: a lead referral not yet accepted becomes a Lead; `opportunity`: as every referral; `off`: not synced. */
export const LEAD_SYNC_MODES = ['lead', 'opportunity', 'off'] as const;

/**
 * Microsoft's classification of a referral (Learn: referrals-api-introduction, "About referrals"): a marketplace
 * lead (Independent, Direct, invited by msft or no one), a qualified lead (Independent, SalesQualified or
 * MarketingQualified, invited by msft) or a co-sell opportunity (everything else).
 */
export const LEAD_KINDS = ['marketplaceLead', 'qualifiedLead'] as const;

export type LeadSyncMode = (typeof LEAD_SYNC_MODES)[number];
export type LeadKind = (typeof LEAD_KINDS)[number];

const enumError = (allowed: readonly string[]) => (issue: { input?: unknown }) =>
  `${JSON.stringify(issue.input)} is not allowed; use one of: ${allowed.join(', ')}`;

const status = z.string().trim().min(1, { error: 'must not be empty' });

export const leadStatusesSchema = z.strictObject({
  /** A seller's acceptance: the sync converts the Lead and accepts the referral. */
  accepted: status.default('Closed - Converted'),
  /** A seller's decline (and the status a declined or expired referral closes its Lead with). */
  declined: status.default('Closed - Not Converted'),
  /** The `convertedStatus` of convertLead(): a Lead status marked Converted in the org. */
  converted: status.default('Closed - Converted'),
});

/**
 * The `leads` schema around the Opportunity mapping's rule schema (passed in: schema.ts imports this file, so it
 * cannot import schema.ts's values back).
 */
export function leadsSchemaWith(fieldRule: z.ZodType<FieldRule, unknown>) {
  return z.strictObject({
    sync: z.enum(LEAD_SYNC_MODES, { error: enumError(LEAD_SYNC_MODES) }).default('lead'),
    kinds: z
      .array(z.enum(LEAD_KINDS, { error: enumError(LEAD_KINDS) }))
      .min(1)
      .default([...LEAD_KINDS]),
    mapping: z
      .array(fieldRule)
      .min(1)
      .default(() => DEFAULT_LEAD_MAPPING.map((rule) => ({ ...rule }))),
    statuses: leadStatusesSchema.prefault({}),
  });
}

export type LeadStatuses = z.infer<typeof leadStatusesSchema>;
export type LeadSettings = {
  sync: LeadSyncMode;
  kinds: LeadKind[];
  mapping: FieldRule[];
  statuses: LeadStatuses;
};
