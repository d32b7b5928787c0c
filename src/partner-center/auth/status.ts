import { REFERRALS_AUDIENCE } from '../settings.js';
import {
  PartnerCenterTokenProvider,
  resolveCredentials,
  type AuthSettings,
  type CredentialSource,
} from './token-provider.js';
import { TokenStore } from './token-store.js';

export type SignInStatus = {
  source: CredentialSource;
  username?: string;
  name?: string;
  tenantId: string;
  clientId: string;
  signedInAt?: string;
  /** When the refresh token was last issued (stored sign-ins). */
  renewedAt?: string;
  refreshTokenAgeSeconds?: number;
  /** True when the refresh token was just redeemed successfully. */
  verified: boolean;
};

/** Who is signed in (never the token). With `verify`, redeems the refresh token once, which also renews it. */
export async function signInStatus(options: {
  settings: AuthSettings;
  env?: NodeJS.ProcessEnv;
  store?: TokenStore;
  verify: boolean;
  now?: () => number;
}): Promise<SignInStatus> {
  const store = options.store ?? new TokenStore();
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  let account: { username: string; name?: string } | undefined;
  if (options.verify) {
    const provider = new PartnerCenterTokenProvider({ settings: options.settings, env, store, now });
    await provider.getAccessToken(REFERRALS_AUDIENCE);
    account = provider.signedInAccount();
  }
  const credentials = await resolveCredentials(options.settings, env, store);
  const signIn = credentials.signIn;
  const renewedAt = signIn?.renewedAt;
  return {
    source: credentials.source,
    ...((signIn?.username ?? account?.username) ? { username: signIn?.username ?? account?.username } : {}),
    ...((signIn?.name ?? account?.name) ? { name: signIn?.name ?? account?.name } : {}),
    tenantId: credentials.tenantId,
    clientId: credentials.clientId,
    ...(signIn ? { signedInAt: signIn.signedInAt } : {}),
    ...(renewedAt
      ? { renewedAt, refreshTokenAgeSeconds: Math.max(0, Math.round((now() - Date.parse(renewedAt)) / 1000)) }
      : {}),
    verified: options.verify,
  };
}
