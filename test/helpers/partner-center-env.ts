import type { PartnerCenterEmulator } from '../../emulators/partner-center/server.js';
import { TEST_CLIENT_SECRET } from './secrets.js';

/**
 * What the emulator prints at start-up for a child process: its CA, the headless sign-in and the endpoint overrides;
 * and the client secret of a confidential client, so the secrets check has one to look for.
 */
export function partnerCenterEnv(pc: PartnerCenterEmulator): Record<string, string> {
  return {
    NODE_EXTRA_CA_CERTS: pc.caCertPath,
    PCSYNC_TENANT_ID: pc.tenantId,
    PCSYNC_CLIENT_ID: pc.clientId,
    PCSYNC_REFRESH_TOKEN: pc.refreshToken,
    PCSYNC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    PCSYNC_AUTHORITY: pc.authority,
    PCSYNC_REFERRALS_BASE_URL: pc.referralsBaseUrl,
    PCSYNC_WEBHOOKS_BASE_URL: pc.webhooksBaseUrl,
  };
}
