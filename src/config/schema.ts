/**
 * The shape of pcsync's configuration (`sfdx-project.json` → `plugins.pcsync`, or `--config FILE`).
 * Every object is strict, so a misspelt key is an error that names it rather than a setting silently ignored.
 */
import { z } from 'zod';
import { isPartnerCenterPath } from '../mapping/referral-paths.js';
import { DEFAULT_CERTIFICATE_URL_ALLOW_LIST, DEFAULT_ISSUER_URL_ALLOW_LIST } from '../webhook/certificate-urls.js';
import { PARTNER_CENTER_DEFAULTS } from './env.js';
import { leadsSchemaWith } from './leads.js';

export const DIRECTIONS = ['inbound', 'outbound', 'both'] as const;
export const OWNERS = ['salesforce', 'partnerCenter', 'manual'] as const;
export const TRANSFORMS = ['date', 'scale', 'list', 'countryCode', 'urlTemplate'] as const;
export const ACCOUNT_MATCH_KEYS = ['name', 'country', 'postalCode'] as const;

export type Direction = (typeof DIRECTIONS)[number];
export type Owner = (typeof OWNERS)[number];

const enumError = (allowed: readonly string[]) => (issue: { input?: unknown }) =>
  `${JSON.stringify(issue.input)} is not allowed; use one of: ${allowed.join(', ')}`;

const nonEmpty = z.string().trim().min(1, { error: 'must not be empty' });
const httpUrl = z.string().refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), {
  error: (issue) => `${JSON.stringify(issue.input)} is not an http(s) URL`,
});

/**
 * A Salesforce field API name (`Amount`, `Referral_Identifier__c`) or, for reads, a relationship path
 * (`Account.BillingCountryCode`).
 */
const SALESFORCE_FIELD = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const transformSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('date'),
    }),
    z.strictObject({
      type: z.literal('scale'),
      factor: z.number().refine((n) => n !== 0 && Number.isFinite(n), { error: 'must be a finite, non-zero number' }),
    }),
    z.strictObject({
      type: z.literal('list'),
      separator: z.string().min(1).default(';'),
    }),
    z.strictObject({
      type: z.literal('countryCode'),
    }),
    z.strictObject({
      type: z.literal('urlTemplate'),
      template: z.string().includes('{value}', { error: 'must contain {value}' }),
    }),
  ],
  {
    error: (issue) =>
      `unknown transform ${JSON.stringify((issue.input as { type?: unknown })?.type ?? issue.input)}; use one of: ${TRANSFORMS.join(', ')}`,
  }
);

/** `"date"` is shorthand for `{ "type": "date" }`. */
const transformInput = z.preprocess((value) => (typeof value === 'string' ? { type: value } : value), transformSchema);

export const valueMapEntrySchema = z.strictObject({
  partnerCenter: scalar,
  salesforce: scalar,
  /** When several Partner Center values map to one Salesforce value, the one sent back to Partner Center. */
  outbound: z.boolean().optional(),
});

export const fieldRuleSchema = z.strictObject({
  partnerCenter: z.string().refine(isPartnerCenterPath, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a field of a Partner Center referral`,
  }),
  salesforce: z
    .string()
    .regex(SALESFORCE_FIELD, { error: (issue) => `${JSON.stringify(issue.input)} is not a Salesforce field API name` }),
  direction: z.enum(DIRECTIONS, { error: enumError(DIRECTIONS) }).default('both'),
  owner: z.enum(OWNERS, { error: enumError(OWNERS) }).default('partnerCenter'),
  valueMap: z.array(valueMapEntrySchema).min(1).optional(),
  default: scalar.optional(),
  transform: transformInput.optional(),
  /**
   * The rule is skipped, not failed, in an org that lacks the Salesforce field (e.g. CurrencyIsoCode without
   * multi-currency).
   */
  optional: z.boolean().default(false),
  description: z.string().optional(),
});

export const partnerCenterSchema = z.strictObject({
  referralsBaseUrl: httpUrl.default(PARTNER_CENTER_DEFAULTS.referralsBaseUrl),
  webhooksBaseUrl: httpUrl.default(PARTNER_CENTER_DEFAULTS.webhooksBaseUrl),
  authority: httpUrl.default(PARTNER_CENTER_DEFAULTS.authority),
  tenantId: nonEmpty.optional(),
  clientId: nonEmpty.optional(),
  concurrency: z.int().min(1).max(32).default(PARTNER_CENTER_DEFAULTS.concurrency),
});

export const stagesSchema = z.strictObject({
  /** New/Pending and Received: an incoming referral not yet accepted. */
  onHold: nonEmpty.default('Prospecting'),
  /** Active/Accepted. The first is where an accepted referral lands; any of them means "active" outbound. */
  active: z
    .array(nonEmpty)
    .min(1)
    .default([
      'Qualification',
      'Needs Analysis',
      'Value Proposition',
      'Id. Decision Makers',
      'Perception Analysis',
      'Proposal/Price Quote',
      'Negotiation/Review',
    ]),
  won: nonEmpty.default('Closed Won'),
  lost: nonEmpty.default('Closed Lost'),
  declined: nonEmpty.default('Closed Lost'),
  expired: nonEmpty.default('Closed Lost'),
});

export const accountsSchema = z.strictObject({
  match: z
    .array(z.enum(ACCOUNT_MATCH_KEYS, { error: enumError(ACCOUNT_MATCH_KEYS) }))
    .min(1)
    .default(['name', 'country'])
    .refine((keys) => keys.includes('name'), { error: 'must include "name"' }),
  createMissing: z.boolean().default(true),
  /**
   * When the org's duplicate rules match a customer pcsync would create: `link` uses the matched record (the rule's
   * own advice), `save` creates it anyway (Sforce-Duplicate-Rule-Header allowSave=true).
   */
  duplicates: z.enum(['link', 'save'], { error: enumError(['link', 'save']) }).default('link'),
  contacts: z
    .strictObject({
      create: z.boolean().default(true),
      role: nonEmpty.default('Decision Maker'),
    })
    .prefault({}),
});

export const serveSchema = z.strictObject({
  port: z.int().min(0).max(65535).default(8080),
  path: z.string().startsWith('/', { error: 'must start with "/"' }).default('/webhooks/partner-center'),
  certificateUrlAllowList: z
    .array(httpUrl.refine((value) => value.startsWith('https://'), { error: 'must be an https URL' }))
    .min(1)
    .default([...DEFAULT_CERTIFICATE_URL_ALLOW_LIST]),
  /** Where issuer certificates named by AIA caIssuers may be fetched from (default: Microsoft's PKI repository). */
  issuerUrlAllowList: z
    .array(httpUrl)
    .min(1)
    .default([...DEFAULT_ISSUER_URL_ALLOW_LIST]),
  /** A PEM or DER file of one more signing trust anchor (an emulator's root), besides Node's bundled roots. */
  signingRoot: nonEmpty.optional(),
  reconcileIntervalSeconds: z.int().min(10).max(86_400).default(300),
  outboundPollIntervalSeconds: z.int().min(5).max(86_400).default(30),
});

export const syncSchema = z.strictObject({
  /** Above this many records an inbound write goes through a Bulk API 2.0 job instead of sObject Collections. */
  bulkThreshold: z.int().min(1).default(2000),
  /** The most characters kept in an Opportunity's Audit field (newest first). */
  auditMaxLength: z.int().min(255).max(131_072).default(32_000),
  /** How long the org's sync lease holds without renewal: a process that died frees it after this. */
  leaseSeconds: z.int().min(5).max(3600).default(60),
  /** How far back of its watermark each incremental pass re-reads, for changes committed late or clock skew. */
  overlapSeconds: z.int().min(0).max(86_400).default(60),
});

export const pcsyncConfigSchema = z.strictObject({
  partnerCenter: partnerCenterSchema.prefault({}),
  mapping: z.array(fieldRuleSchema).min(1).optional(),
  stages: stagesSchema.prefault({}),
  accounts: accountsSchema.prefault({}),
  serve: serveSchema.prefault({}),
  sync: syncSchema.prefault({}),
  leads: leadsSchemaWith(fieldRuleSchema).prefault({}),
});

export type Transform = z.infer<typeof transformSchema>;
export type ValueMapEntry = z.infer<typeof valueMapEntrySchema>;
export type FieldRule = z.infer<typeof fieldRuleSchema>;
export type PartnerCenterSettings = z.infer<typeof partnerCenterSchema>;
export type StageSettings = z.infer<typeof stagesSchema>;
export type AccountSettings = z.infer<typeof accountsSchema>;
export type ServeSettings = z.infer<typeof serveSchema>;
export type SyncSettings = z.infer<typeof syncSchema>;

/** The effective configuration: defaults applied, the mapping always present. */
export type PcsyncConfig = Omit<z.infer<typeof pcsyncConfigSchema>, 'mapping'> & { mapping: FieldRule[] };
