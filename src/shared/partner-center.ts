/**
 * The Partner Center clients a command needs, built from the effective configuration and the stored or headless
 * sign-in.
 */
import type { PcsyncConfig } from '../config/schema.js';
import { PartnerCenterClient } from '../partner-center/client.js';
import { PartnerCenterTokenProvider } from '../partner-center/auth/token-provider.js';
import { WebhookRegistrationClient } from '../partner-center/webhooks.js';
import { Traffic } from './traffic.js';

export function partnerCenterClients(
  config: PcsyncConfig,
  env: NodeJS.ProcessEnv = process.env,
  /** Counts every request and keeps Partner Center's clock (the sync's watermarks and run records read it). */
  traffic: Traffic = new Traffic()
): {
  referrals: PartnerCenterClient;
  webhooks: WebhookRegistrationClient;
  tokens: PartnerCenterTokenProvider;
  traffic: Traffic;
} {
  const settings = config.partnerCenter;
  const tokens = new PartnerCenterTokenProvider({ settings, env });
  return {
    tokens,
    traffic,
    referrals: new PartnerCenterClient(settings, { tokens, traffic }),
    webhooks: new WebhookRegistrationClient(settings, { tokens, traffic }),
  };
}
