import { AuthError, InteractionRequiredAuthError } from '@azure/msal-node';
import { PartnerCenterAuthError, SignInRequiredError } from '../errors.js';

/** invalid_grant (expired, revoked), interaction required or no refresh token: only a new sign-in helps. */
export function needsNewSignIn(error: unknown): boolean {
  return (
    error instanceof AuthError &&
    (error instanceof InteractionRequiredAuthError ||
      error.errorCode === 'invalid_grant' ||
      error.errorCode === 'no_tokens_found')
  );
}

/** MSAL's errors become pcsync's: one clear instruction for a dead sign-in, the error code otherwise; never a token. */
export function toAuthError(error: unknown): Error {
  if (error instanceof SignInRequiredError || error instanceof PartnerCenterAuthError) return error;
  if (needsNewSignIn(error)) return new SignInRequiredError('expired');
  if (error instanceof AuthError) {
    const code = error.errorCode === 'post_request_failed' ? error.errorMessage : error.errorCode;
    return new PartnerCenterAuthError(code || 'unknown error');
  }
  return new PartnerCenterAuthError(error instanceof Error ? error.message : String(error));
}
