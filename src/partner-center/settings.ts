/**
 * The Partner Center part of pcsync's configuration, typed structurally so this library does not depend on
 * `src/config` (which produces exactly this shape as `PcsyncConfig['partnerCenter']`).
 */
export type PartnerCenterSettings = {
  referralsBaseUrl: string;
  webhooksBaseUrl: string;
  /** May contain `{tenant}`. */
  authority: string;
  tenantId?: string;
  clientId?: string;
  concurrency: number;
  pageSize: number;
};

export const REFERRALS_AUDIENCE = 'https://api.partner.microsoft.com';
export const WEBHOOKS_AUDIENCE = 'https://api.partnercenter.microsoft.com';
export type Audience = typeof REFERRALS_AUDIENCE | typeof WEBHOOKS_AUDIENCE;

export const DEFAULT_SETTINGS: PartnerCenterSettings = {
  referralsBaseUrl: 'https://api.partner.microsoft.com/v1.0/engagements',
  webhooksBaseUrl: 'https://api.partnercenter.microsoft.com/webhooks/v1',
  authority: 'https://login.microsoftonline.com/{tenant}',
  concurrency: 4,
  pageSize: 100,
};

/** SPEC.md's defaults with the PCSYNC_* overrides applied (used where no pcsync config is loaded). */
export function settingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  base: Partial<PartnerCenterSettings> = {}
): PartnerCenterSettings {
  const merged = { ...DEFAULT_SETTINGS, ...base };
  return {
    ...merged,
    referralsBaseUrl: env.PCSYNC_REFERRALS_BASE_URL ?? merged.referralsBaseUrl,
    webhooksBaseUrl: env.PCSYNC_WEBHOOKS_BASE_URL ?? merged.webhooksBaseUrl,
    authority: env.PCSYNC_AUTHORITY ?? merged.authority,
    tenantId: env.PCSYNC_TENANT_ID ?? merged.tenantId,
    clientId: env.PCSYNC_CLIENT_ID ?? merged.clientId,
  };
}

/** The authority with `{tenant}` filled in (`organizations` when no tenant is known yet). */
export function resolveAuthority(settings: Pick<PartnerCenterSettings, 'authority' | 'tenantId'>): string {
  return settings.authority.replace('{tenant}', settings.tenantId ?? 'organizations').replace(/\/+$/, '');
}
