import type { PartnerCenterEmulator } from '../../emulators/partner-center/server.js';

/** What the emulator prints at start-up for a child process: its CA, the headless sign-in and the endpoint overrides. */
export function partnerCenterEnv(pc: PartnerCenterEmulator): Record<string, string> {
  return {
    NODE_EXTRA_CA_CERTS: pc.caCertPath,
    PCSYNC_TENANT_ID: pc.tenantId,
    PCSYNC_CLIENT_ID: pc.clientId,
    PCSYNC_REFRESH_TOKEN: pc.refreshToken,
    PCSYNC_AUTHORITY: pc.authority,
    PCSYNC_REFERRALS_BASE_URL: pc.referralsBaseUrl,
    PCSYNC_WEBHOOKS_BASE_URL: pc.webhooksBaseUrl,
  };
}
