import { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';
import { readEnvironment } from '../../config/env.js';
import { SignInRequiredError, missingSettingError } from '../errors.js';
import type { TokenSource } from '../http.js';
import { resolveAuthority, type Audience, type PartnerCenterSettings } from '../settings.js';
import { toAuthError } from './errors.js';
import { msalConfiguration, refreshTokenFromCache } from './msal-config.js';
import { TokenStore, type StoredSignIn } from './token-store.js';

/** Tokens closer than this to expiry are renewed before use (MSAL's own renewal offset). */
export const RENEW_BEFORE_MS = 5 * 60 * 1000;

export type CredentialSource = 'stored' | 'environment';

export type Credentials = {
  source: CredentialSource;
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  refreshToken: string;
  /** Present for a stored sign-in. */
  signIn?: StoredSignIn;
};

export type AuthSettings = Pick<PartnerCenterSettings, 'authority' | 'tenantId' | 'clientId'>;

export type TokenProviderOptions = {
  settings: AuthSettings;
  env?: NodeJS.ProcessEnv;
  store?: TokenStore;
  now?: () => number;
};

/**
 * The credentials to use: headless `PCSYNC_REFRESH_TOKEN` (+ `PCSYNC_TENANT_ID`, `PCSYNC_CLIENT_ID`, optional
 * `PCSYNC_CLIENT_SECRET`) when set, else the sign-in stored by `sf pcsync auth login`.
 */
export async function resolveCredentials(
  settings: AuthSettings,
  env: NodeJS.ProcessEnv = process.env,
  store = new TokenStore()
): Promise<Credentials> {
  const { partnerCenter, refreshToken, clientSecret } = readEnvironment(env);
  if (refreshToken) {
    const clientId = partnerCenter.clientId ?? settings.clientId;
    const tenantId = partnerCenter.tenantId ?? settings.tenantId;
    if (!clientId) throw missingSettingError('clientId');
    if (!tenantId) throw missingSettingError('tenantId');
    return {
      source: 'environment',
      tenantId,
      clientId,
      clientSecret,
      refreshToken,
    };
  }
  const signIn = await store.read();
  if (!signIn) throw new SignInRequiredError('missing');
  return {
    source: 'stored',
    tenantId: signIn.tenantId,
    clientId: signIn.clientId,
    clientSecret,
    refreshToken: signIn.refreshToken,
    signIn,
  };
}

type CachedToken = { accessToken: string; expiresAt: number };

/**
 * One access token per audience, redeemed from the refresh token through msal-node and renewed before expiry.
 * A rotated refresh token is written back to the store (stored sign-ins) or kept in memory (headless).
 */
export class PartnerCenterTokenProvider implements TokenSource {
  private readonly tokens = new Map<Audience, CachedToken>();
  private readonly pending = new Map<Audience, Promise<CachedToken>>();
  private credentials?: Promise<Credentials>;
  private account?: { username: string; name?: string };
  private readonly store: TokenStore;
  private readonly now: () => number;

  public constructor(private readonly options: TokenProviderOptions) {
    this.store = options.store ?? new TokenStore();
    this.now = options.now ?? Date.now;
  }

  public async getAccessToken(audience: Audience): Promise<string> {
    const cached = this.tokens.get(audience);
    if (cached && cached.expiresAt - this.now() > RENEW_BEFORE_MS) return cached.accessToken;
    let pending = this.pending.get(audience);
    if (!pending) {
      pending = this.redeem(audience).finally(() => this.pending.delete(audience));
      this.pending.set(audience, pending);
    }
    return (await pending).accessToken;
  }

  public invalidate(audience: Audience): void {
    this.tokens.delete(audience);
  }

  /** Who the tokens are for (after resolving the credentials). */
  public async describe(): Promise<Omit<Credentials, 'refreshToken' | 'clientSecret'>> {
    const { refreshToken: _rt, clientSecret: _secret, ...rest } = await this.resolve();
    return rest;
  }

  /** The signed-in user as the last redemption reported it. */
  public signedInAccount(): { username: string; name?: string } | undefined {
    return this.account;
  }

  private resolve(): Promise<Credentials> {
    this.credentials ??= resolveCredentials(this.options.settings, this.options.env ?? process.env, this.store);
    return this.credentials;
  }

  private async redeem(audience: Audience): Promise<CachedToken> {
    const credentials = await this.resolve();
    const config = msalConfiguration({
      authority: resolveAuthority({ authority: this.options.settings.authority, tenantId: credentials.tenantId }),
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
    });
    const app = credentials.clientSecret
      ? new ConfidentialClientApplication(config)
      : new PublicClientApplication(config);
    let result;
    try {
      result = await app.acquireTokenByRefreshToken({
        refreshToken: credentials.refreshToken,
        scopes: [`${audience}/.default`],
        forceCache: true,
      });
    } catch (error) {
      throw toAuthError(error);
    }
    if (!result?.accessToken) throw new SignInRequiredError('expired');
    if (result.account)
      this.account = {
        username: result.account.username,
        ...(result.account.name ? { name: result.account.name } : {}),
      };
    const rotated = refreshTokenFromCache(app.getTokenCache().serialize());
    if (rotated && rotated !== credentials.refreshToken) {
      credentials.refreshToken = rotated;
      if (credentials.source === 'stored') await this.store.renew(rotated, new Date(this.now()));
    }
    const token = { accessToken: result.accessToken, expiresAt: result.expiresOn?.getTime() ?? this.now() };
    this.tokens.set(audience, token);
    return token;
  }
}
