/**
 * What `sf pcsync doctor` reports: one row per check (check, result, what to do), each with a status, in the order
 * they ran. A check only reads (GET requests and queries), and the end-to-end tests hold it to that with both
 * emulators' request logs.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { PcsyncConfig } from '../config/schema.js';
import type { PartnerCenterClient } from '../partner-center/client.js';
import type { PartnerCenterTokenProvider } from '../partner-center/auth/token-provider.js';
import type { WebhookRegistrationClient } from '../partner-center/webhooks.js';
import type { Describer } from '../salesforce/org-check.js';
import type { Traffic } from '../shared/traffic.js';
import type { CertificateFetcher } from '../webhook/certificate-fetch.js';

/** `fail` makes the command exit non-zero; `skip` means a check it depends on failed first. */
export const CHECK_STATUSES = ['pass', 'info', 'warn', 'fail', 'skip'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export const CHECK_IDS = [
  'pc-sign-in',
  'pc-token-referrals',
  'pc-token-webhooks',
  'pc-incremental-list',
  'pc-reference-lookup',
  'pc-webhook-registration',
  'pc-signing-certificate',
  'sf-api-version',
  'sf-sync-schema',
  'sf-mapped-fields',
  'sf-permissions',
  'sf-address-picklists',
  'sf-duplicate-rules',
  'sf-change-data-capture',
  'sf-lease',
  'sf-last-run',
  'clock-salesforce',
  'clock-partner-center-referrals',
  'clock-partner-center-webhooks',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** What a check found, in words an admin can act on. */
export type CheckOutcome = { status: CheckStatus; result: string; action?: string };

export type CheckRow = CheckOutcome & {
  id: CheckId;
  /** The check's name, as the table's first column shows it. */
  check: string;
};

export type DoctorReport = {
  /** No check failed. */
  ok: boolean;
  counts: Record<CheckStatus, number>;
  checks: CheckRow[];
};

export type DoctorOptions = {
  /** The public URL of this receiver, to compare with the webhook registration. */
  receiverUrl?: string;
  /** Where the signing certificate is read (default: Microsoft's documented URL). */
  certificateUrl?: string;
};

/** The servers whose clocks the doctor compares with this machine's, each measured on its own. */
export type Clocks = { salesforce: Traffic; referrals: Traffic; webhooks: Traffic };

/** Everything a check may use: read-only clients, the configuration and this machine's clock. */
export type DoctorContext = {
  connection: Connection;
  config: PcsyncConfig;
  tokens: PartnerCenterTokenProvider;
  referrals: PartnerCenterClient;
  webhooks: WebhookRegistrationClient;
  clocks: Clocks;
  /** The org's describes, each read once. */
  describe: Describer;
  fetchCertificate: CertificateFetcher;
  options: DoctorOptions;
  now: () => Date;
  /** Rows already reported, so that a check can stand down when one it depends on failed. */
  reported: ReadonlyMap<CheckId, CheckOutcome>;
};

export type Check = { id: CheckId; run: (ctx: DoctorContext) => Promise<CheckOutcome> };
