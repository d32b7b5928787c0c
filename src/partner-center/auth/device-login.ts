import { PublicClientApplication } from '@azure/msal-node';
import { PartnerCenterAuthError, missingSettingError } from '../errors.js';
import { REFERRALS_AUDIENCE, resolveAuthority } from '../settings.js';
import { toAuthError } from './errors.js';
import { msalConfiguration, refreshTokenFromCache } from './msal-config.js';
import type { AuthSettings } from './token-provider.js';
import { TokenStore, type StoredSignIn } from './token-store.js';

/** What the user must do in a browser; neither value is a secret. */
export type DeviceCodePrompt = {
  verificationUri: string;
  userCode: string;
  message: string;
  expiresInSeconds: number;
};

export type DeviceLoginOptions = {
  settings: AuthSettings;
  onPrompt: (prompt: DeviceCodePrompt) => void;
  store?: TokenStore;
  /** Give up after this many seconds (default: the device code's own lifetime). */
  timeoutSeconds?: number;
  now?: () => Date;
};

export type SignInSummary = Omit<StoredSignIn, 'refreshToken'>;

/**
 * The Secure Application Model's one interactive step: a device-code sign-in through msal-node (MFA happens in the
 * browser), whose refresh token is stored encrypted for later redemption per audience.
 */
export async function signInWithDeviceCode(options: DeviceLoginOptions): Promise<SignInSummary> {
  const { settings } = options;
  if (!settings.clientId) throw missingSettingError('clientId');
  const authority = resolveAuthority(settings);
  const app = new PublicClientApplication(msalConfiguration({ authority, clientId: settings.clientId }));
  let result;
  try {
    result = await app.acquireTokenByDeviceCode({
      scopes: [`${REFERRALS_AUDIENCE}/.default`],
      timeout: options.timeoutSeconds,
      deviceCodeCallback: (response) =>
        options.onPrompt({
          verificationUri: response.verificationUri,
          userCode: response.userCode,
          message: response.message,
          expiresInSeconds: response.expiresIn,
        }),
    });
  } catch (error) {
    throw toAuthError(error);
  }
  const refreshToken = refreshTokenFromCache(app.getTokenCache().serialize());
  if (!result?.account || !refreshToken)
    throw new PartnerCenterAuthError('the sign-in returned no account or refresh token');
  const now = (options.now?.() ?? new Date()).toISOString();
  const signIn: StoredSignIn = {
    refreshToken,
    tenantId: result.account.tenantId || settings.tenantId || '',
    clientId: settings.clientId,
    authority,
    username: result.account.username,
    ...(result.account.name ? { name: result.account.name } : {}),
    homeAccountId: result.account.homeAccountId,
    signedInAt: now,
    renewedAt: now,
  };
  await (options.store ?? new TokenStore()).write(signIn);
  const { refreshToken: _rt, ...summary } = signIn;
  return summary;
}
