/**
 * The one reader of pcsync's environment variables, and the home of Partner Center's documented defaults
 * (SPEC.md, "Configuration" and "Partner Center access"). Everything else asks this module.
 */

/** Microsoft's production endpoints and the client's own defaults. */
export const PARTNER_CENTER_DEFAULTS = {
  referralsBaseUrl: 'https://api.partner.microsoft.com/v1.0/engagements',
  webhooksBaseUrl: 'https://api.partnercenter.microsoft.com/webhooks/v1',
  authority: 'https://login.microsoftonline.com/{tenant}',
  concurrency: 4,
} as const;

/** The variables, by what they set. */
export const ENVIRONMENT_VARIABLES = {
  authority: 'PCSYNC_AUTHORITY',
  referralsBaseUrl: 'PCSYNC_REFERRALS_BASE_URL',
  webhooksBaseUrl: 'PCSYNC_WEBHOOKS_BASE_URL',
  tenantId: 'PCSYNC_TENANT_ID',
  clientId: 'PCSYNC_CLIENT_ID',
  clientSecret: 'PCSYNC_CLIENT_SECRET',
  refreshToken: 'PCSYNC_REFRESH_TOKEN',
} as const;

export type PartnerCenterOverrides = Partial<
  Record<'authority' | 'referralsBaseUrl' | 'webhooksBaseUrl' | 'tenantId' | 'clientId', string>
>;

export type PcsyncEnvironment = {
  /** Settings that win over the configuration file (endpoints for CI and the emulator, tenant and client ids). */
  partnerCenter: PartnerCenterOverrides;
  /** Headless sign-in (cron, CI, servers): present when PCSYNC_REFRESH_TOKEN is set. */
  refreshToken?: string;
  /** A confidential client's secret, for stored and headless sign-ins alike. */
  clientSecret?: string;
};

/** A variable's value, or undefined when it is unset or blank. */
const read = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): PcsyncEnvironment {
  const partnerCenter: PartnerCenterOverrides = {};
  for (const key of ['authority', 'referralsBaseUrl', 'webhooksBaseUrl', 'tenantId', 'clientId'] as const) {
    const value = read(env, ENVIRONMENT_VARIABLES[key]);
    if (value) partnerCenter[key] = value;
  }
  const refreshToken = read(env, ENVIRONMENT_VARIABLES.refreshToken);
  const clientSecret = read(env, ENVIRONMENT_VARIABLES.clientSecret);
  return { partnerCenter, ...(refreshToken ? { refreshToken } : {}), ...(clientSecret ? { clientSecret } : {}) };
}
