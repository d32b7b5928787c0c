/** The Partner Center clients a command needs, built from the effective configuration and the stored or headless sign-in. */
import type { PcsyncConfig } from '../config/schema.js';
import { PartnerCenterClient } from '../partner-center/client.js';
import { PartnerCenterTokenProvider } from '../partner-center/auth/token-provider.js';
import { WebhookRegistrationClient } from '../partner-center/webhooks.js';

export function partnerCenterClients(
  config: PcsyncConfig,
  env: NodeJS.ProcessEnv = process.env
): {
  referrals: PartnerCenterClient;
  webhooks: WebhookRegistrationClient;
  tokens: PartnerCenterTokenProvider;
} {
  const settings = config.partnerCenter;
  const tokens = new PartnerCenterTokenProvider({ settings, env });
  return {
    tokens,
    referrals: new PartnerCenterClient(settings, { tokens }),
    webhooks: new WebhookRegistrationClient(settings, { tokens }),
  };
}
