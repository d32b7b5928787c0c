import type { Configuration } from '@azure/msal-node';

/** Hosts MSAL knows by itself (it carries their metadata, so no discovery call is made). */
const MICROSOFT_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
]);

export type MsalSettings = {
  /** The authority with the tenant filled in, e.g. `https://login.microsoftonline.com/<tenant>`. */
  authority: string;
  clientId: string;
  clientSecret?: string;
};

/**
 * The msal-node configuration for an authority. For a non-Microsoft authority (the emulator, or a sovereign test
 * authority) the host:port goes into knownAuthorities and the endpoints into authorityMetadata, so MSAL never calls
 * login.microsoftonline.com for instance discovery (reference/msal-against-a-local-authority.md, Q1).
 */
export function msalConfiguration(settings: MsalSettings): Configuration {
  const authority = settings.authority.replace(/\/+$/, '');
  const url = new URL(authority);
  const local = !MICROSOFT_HOSTS.has(url.hostname.toLowerCase());
  return {
    auth: {
      clientId: settings.clientId,
      authority,
      ...(settings.clientSecret ? { clientSecret: settings.clientSecret } : {}),
      ...(local
        ? {
            knownAuthorities: [url.host],
            authorityMetadata: JSON.stringify({
              authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
              token_endpoint: `${authority}/oauth2/v2.0/token`,
              issuer: `${authority}/v2.0`,
              jwks_uri: `${authority}/discovery/v2.0/keys`,
              end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
            }),
          }
        : {}),
    },
    system: { loggerOptions: { piiLoggingEnabled: false, loggerCallback: (): void => undefined } },
  };
}

/** The refresh token MSAL holds after a sign-in or a redemption (AuthenticationResult never carries it). */
export function refreshTokenFromCache(serializedCache: string): string | undefined {
  const cache = JSON.parse(serializedCache) as { RefreshToken?: Record<string, { secret?: string }> };
  const entries = Object.values(cache.RefreshToken ?? {});
  return entries[entries.length - 1]?.secret;
}
