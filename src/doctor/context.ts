/**
 * The doctor's clients: the sync's own Partner Center clients and org connection, each server's clock kept apart
 * (so a skew is measured per server), and retries bounded so that a service that does not answer costs the admin
 * seconds, not the sync's patient minutes.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { PcsyncConfig } from '../config/schema.js';
import { PartnerCenterTokenProvider } from '../partner-center/auth/token-provider.js';
import { PartnerCenterClient } from '../partner-center/client.js';
import type { RetryPolicy } from '../partner-center/http.js';
import { WebhookRegistrationClient } from '../partner-center/webhooks.js';
import { connectionDescriber } from '../salesforce/org-check.js';
import { instrumentConnection } from '../salesforce/instrument.js';
import { Traffic } from '../shared/traffic.js';
import { httpCertificateFetcher, type CertificateFetcher } from '../webhook/certificate-fetch.js';
import type { CheckId, CheckOutcome, DoctorContext, DoctorOptions } from './types.js';

/** One retry of a 429, 5xx or timeout, within 20 s an attempt: enough to ride out a blip, not an outage. */
export const DOCTOR_RETRY: RetryPolicy = { maxRetries: 1, baseDelayMs: 500, maxDelayMs: 5000, timeoutMs: 20_000 };

export type DoctorDependencies = {
  /** The org connection of `--target-org`. */
  connection: Connection;
  config: PcsyncConfig;
  /** Where the Partner Center sign-in comes from (PCSYNC_* or the stored sign-in); default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Injected for tests; default: the provider over `env` and the stored sign-in. */
  tokens?: PartnerCenterTokenProvider;
  /** Injected for tests; default: the receiver's own bounded fetcher. */
  fetchCertificate?: CertificateFetcher;
  now?: () => Date;
};

export function doctorContext(
  deps: DoctorDependencies,
  options: DoctorOptions,
  reported: ReadonlyMap<CheckId, CheckOutcome>
): DoctorContext {
  const settings = deps.config.partnerCenter;
  const tokens = deps.tokens ?? new PartnerCenterTokenProvider({ settings, env: deps.env ?? process.env });
  const clocks = { salesforce: new Traffic(), referrals: new Traffic(), webhooks: new Traffic() };
  instrumentConnection(deps.connection, clocks.salesforce);
  return {
    connection: deps.connection,
    config: deps.config,
    tokens,
    referrals: new PartnerCenterClient(settings, { tokens, traffic: clocks.referrals, retry: DOCTOR_RETRY }),
    webhooks: new WebhookRegistrationClient(settings, { tokens, traffic: clocks.webhooks, retry: DOCTOR_RETRY }),
    clocks,
    // Typed for sf's Connection (a jsforce Connection with auth refresh), it only calls describe.
    describe: connectionDescriber(deps.connection as Parameters<typeof connectionDescriber>[0]),
    fetchCertificate: deps.fetchCertificate ?? httpCertificateFetcher(),
    options,
    now: deps.now ?? ((): Date => new Date()),
    reported,
  };
}
