/**
 * The shape of pcsync's configuration (`sfdx-project.json` → `plugins.pcsync`, or `--config FILE`).
 * Every object is strict, so a misspelt key is an error that names it rather than a setting silently ignored.
 */
import { z } from 'zod';
import { isPartnerCenterPath } from '../mapping/referral-paths.js';
import { SERVICES_CO_SELL_FIELDS, type ServicesCoSellField } from '../partner-center/services-co-sell.js';
import { DEFAULT_CERTIFICATE_URL_ALLOW_LIST, DEFAULT_ISSUER_URL_ALLOW_LIST } from '../webhook/certificate-urls.js';
import { PARTNER_CENTER_DEFAULTS } from './env.js';
import { leadsSchemaWith } from './leads.js';

export const DIRECTIONS = ['inbound', 'outbound', 'both'] as const;
export const OWNERS = ['salesforce', 'partnerCenter', 'manual'] as const;
export const TRANSFORMS = ['date', 'scale', 'list', 'countryCode', 'urlTemplate'] as const;
export const ACCOUNT_MATCH_KEYS = ['name', 'country', 'postalCode'] as const;
/** What the sync tells an Opportunity's owner about: its sync went to Error or Conflict, Microsoft answered. */
export const NOTIFY_EVENTS = ['error', 'conflict', 'accepted', 'declined'] as const;
/** When a rule applies: when its target record is created, when it is updated, or both. */
export const RULE_EVENTS = ['create', 'update', 'always'] as const;

export type Direction = (typeof DIRECTIONS)[number];
export type Owner = (typeof OWNERS)[number];
export type RuleEvent = (typeof RULE_EVENTS)[number];

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

const fieldRuleShape = z.strictObject({
  /** The referral path; absent only in a constant rule that sets a Salesforce field. */
  partnerCenter: z
    .string()
    .refine(isPartnerCenterPath, {
      error: (issue) => `${JSON.stringify(issue.input)} is not a field of a Partner Center referral`,
    })
    .optional(),
  /** The Opportunity field; absent only in a constant rule that sends a value to Partner Center. */
  salesforce: z
    .string()
    .regex(SALESFORCE_FIELD, { error: (issue) => `${JSON.stringify(issue.input)} is not a Salesforce field API name` })
    .optional(),
  /**
   * A constant instead of a source field: with only `salesforce` it is set on Opportunities (inbound), with only
   * `partnerCenter` it is sent to Partner Center (outbound).
   */
  value: scalar.optional(),
  /** Default: `both`, or for a constant the one direction its target implies. */
  direction: z.enum(DIRECTIONS, { error: enumError(DIRECTIONS) }).optional(),
  /**
   * `create`: only when the target record is created (an Opportunity from a referral, a referral from an
   * Opportunity), so a seller's later change stays; `update`: only on later changes; `always`: both.
   */
  on: z.enum(RULE_EVENTS, { error: enumError(RULE_EVENTS) }).default('always'),
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

type FieldRuleInput = z.infer<typeof fieldRuleShape>;

/** The direction a constant's one target implies. */
const constantDirection = (rule: Pick<FieldRuleInput, 'salesforce'>): Direction =>
  rule.salesforce === undefined ? 'outbound' : 'inbound';

/** A rule's source is a field or a constant, never both; a constant names one target and goes that one way. */
function checkSource(rule: FieldRuleInput, ctx: z.core.$RefinementCtx<FieldRuleInput>): void {
  const issue = (key: keyof FieldRuleInput, message: string): void => {
    ctx.addIssue({ code: 'custom', path: [key], message, input: rule[key] });
  };
  if (rule.value === undefined) {
    if (rule.partnerCenter === undefined)
      issue('partnerCenter', 'is required (or, for a constant, give "value" and only "salesforce")');
    if (rule.salesforce === undefined)
      issue('salesforce', 'is required (or, for a constant, give "value" and only "partnerCenter")');
    return;
  }
  if (rule.partnerCenter !== undefined && rule.salesforce !== undefined) {
    issue(
      'value',
      'a rule takes its value from a field or from a constant "value", not both: for a constant, name only its target ("salesforce" to set it on Opportunities, "partnerCenter" to send it to Partner Center)'
    );
    return;
  }
  if (rule.partnerCenter === undefined && rule.salesforce === undefined) {
    issue('value', 'a constant needs a target: "salesforce" to set it on Opportunities, or "partnerCenter" to send it');
    return;
  }
  const implied = constantDirection(rule);
  if (rule.direction !== undefined && rule.direction !== implied)
    issue('direction', `${JSON.stringify(rule.direction)} is not allowed for this constant; it goes "${implied}" only`);
  for (const key of ['valueMap', 'transform', 'default'] as const) {
    if (rule[key] !== undefined) issue(key, 'does not apply to a constant "value"; write the value as it should be');
  }
}

export const fieldRuleSchema = fieldRuleShape.superRefine(checkSource).transform((rule) => ({
  ...rule,
  direction: rule.direction ?? (rule.value === undefined ? 'both' : constantDirection(rule)),
}));

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
  /**
   * Above this many records an inbound write goes through a Bulk API 2.0 job instead of sObject Collections, and the
   * outbound read of the Opportunities the run wrote through a Bulk API 2.0 query job instead of REST pages.
   */
  bulkThreshold: z.int().min(1).default(2000),
  /**
   * How many referrals an inbound pass reads, plans and writes at a time: a backfill's memory is bounded by this, not
   * by the listing. The default keeps a 10,000-referral backfill in one window (one Bulk API job per object).
   */
  windowSize: z.int().min(1).default(10_000),
  /** The most characters kept in an Opportunity's Audit field (newest first). */
  auditMaxLength: z.int().min(255).max(131_072).default(32_000),
  /**
   * How long the org's sync lease holds without renewal: a process that died on another machine frees it after this
   * (one of this machine is taken over at once). Renewals cost a request each, one per two thirds of this period.
   */
  leaseSeconds: z.int().min(5).max(3600).default(300),
  /** How far back of its watermark each incremental pass re-reads, for changes committed late or clock skew. */
  overlapSeconds: z.int().min(0).max(86_400).default(60),
});

const allowedValues = z.array(nonEmpty).default([]);

/**
 * Co-sell settings. `services`: a services co-sell carries partnerRole, solutionArea and solutionPlay (mapped like any
 * referral field). Microsoft requires them "only for service co-sell referrals" and publishes their values (FY26
 * taxonomy) on its pages, which change them each fiscal year: the admin lists the values here, and an empty list is
 * not checked before sending.
 */
export const coSellSchema = z.strictObject({
  services: z
    .strictObject({
      /** Every co-sell is a services co-sell; otherwise a co-sell is one when it sets any of the three fields. */
      always: z.boolean().default(false),
      /** The values Partner Center takes, per field (Microsoft's lists); a field without any is not checked. */
      allowed: z
        .strictObject(
          Object.fromEntries(SERVICES_CO_SELL_FIELDS.map((field) => [field, allowedValues])) as Record<
            ServicesCoSellField,
            typeof allowedValues
          >
        )
        .prefault({}),
    })
    .prefault({}),
});

export const notificationsSchema = z.strictObject({
  /**
   * Notify each Opportunity's owner (the bell and the Salesforce mobile app) through the org's custom notification
   * type Partner_Center_Sync_Alert. Never in a run above sync.bulkThreshold records (a backfill).
   */
  enabled: z.boolean().default(true),
  /** Which transitions notify; each notifies once, when the record enters it. */
  events: z
    .array(z.enum(NOTIFY_EVENTS, { error: enumError(NOTIFY_EVENTS) }))
    .min(1)
    .default([...NOTIFY_EVENTS]),
});

export const pcsyncConfigSchema = z.strictObject({
  partnerCenter: partnerCenterSchema.prefault({}),
  mapping: z.array(fieldRuleSchema).min(1).optional(),
  stages: stagesSchema.prefault({}),
  accounts: accountsSchema.prefault({}),
  serve: serveSchema.prefault({}),
  sync: syncSchema.prefault({}),
  leads: leadsSchemaWith(fieldRuleSchema).prefault({}),
  coSell: coSellSchema.prefault({}),
  notifications: notificationsSchema.prefault({}),
});

export type Transform = z.infer<typeof transformSchema>;
export type ValueMapEntry = z.infer<typeof valueMapEntrySchema>;
export type FieldRule = z.infer<typeof fieldRuleSchema>;
export type PartnerCenterSettings = z.infer<typeof partnerCenterSchema>;
export type StageSettings = z.infer<typeof stagesSchema>;
export type AccountSettings = z.infer<typeof accountsSchema>;
export type ServeSettings = z.infer<typeof serveSchema>;
export type SyncSettings = z.infer<typeof syncSchema>;
export type CoSellSettings = z.infer<typeof coSellSchema>;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** The effective configuration: defaults applied, the mapping always present. */
export type PcsyncConfig = Omit<z.infer<typeof pcsyncConfigSchema>, 'mapping'> & { mapping: FieldRule[] };
