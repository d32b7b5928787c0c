export {
  signInWithDeviceCode,
  type DeviceCodePrompt,
  type DeviceLoginOptions,
  type SignInSummary,
} from './device-login.js';
export { needsNewSignIn, toAuthError } from './errors.js';
export { msalConfiguration, refreshTokenFromCache, type MsalSettings } from './msal-config.js';
export {
  PartnerCenterTokenProvider,
  RENEW_BEFORE_MS,
  resolveCredentials,
  type AuthSettings,
  type CredentialSource,
  type Credentials,
  type TokenProviderOptions,
} from './token-provider.js';
export { AUTH_FILE, TokenStore, type StoredSignIn, type TokenStoreOptions } from './token-store.js';
export { signInStatus, type SignInStatus } from './status.js';
