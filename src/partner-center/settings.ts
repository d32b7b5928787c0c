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
};

export const REFERRALS_AUDIENCE = 'https://api.partner.microsoft.com';
export const WEBHOOKS_AUDIENCE = 'https://api.partnercenter.microsoft.com';
export type Audience = typeof REFERRALS_AUDIENCE | typeof WEBHOOKS_AUDIENCE;

/** The authority with `{tenant}` filled in (`organizations` when no tenant is known yet). */
export function resolveAuthority(settings: Pick<PartnerCenterSettings, 'authority' | 'tenantId'>): string {
  return settings.authority.replace('{tenant}', settings.tenantId ?? 'organizations').replace(/\/+$/, '');
}
