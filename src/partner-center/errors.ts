import { Messages, SfError } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'partner-center');

/** Anything that looks like a credential is cut out of text that may reach a log or an error. */
export function redact(text: string): string {
  return text
    .replace(/(bearer|signature)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]')
    .replace(
      /((?:access|refresh|id)_?token|device_code|client_secret|code)(["'=:\s]+)[A-Za-z0-9._~+/-]{8,}/gi,
      '$1$2[redacted]'
    )
    .replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g, '[redacted-jwt]');
}

export type PartnerCenterErrorDetails = {
  /** HTTP status, or 0 when no answer came (network error, timeout). */
  status: number;
  method: string;
  /** The URL without its query string. */
  url: string;
  /** Partner Center's own message from the error body, if any. */
  partnerCenterMessage: string;
  correlationId: string;
  requestId: string;
  attempts: number;
  /** A create sent without a clear answer (no response, or 5xx): Partner Center may have made it. */
  outcomeUnknown?: boolean;
};

/** Every failed Partner Center call ends as one of these; it never carries a token. */
export class PartnerCenterError extends SfError {
  public readonly status: number;
  public readonly method: string;
  public readonly url: string;
  public readonly partnerCenterMessage: string;
  public readonly correlationId: string;
  public readonly requestId: string;
  public readonly attempts: number;
  public readonly outcomeUnknown: boolean;

  public constructor(details: PartnerCenterErrorDetails, message?: string, name = 'PartnerCenterError') {
    const pcMessage = redact(details.partnerCenterMessage);
    super(
      message ??
        (details.status === 0
          ? messages.getMessage('error.network', [
              details.method,
              details.url,
              details.attempts,
              pcMessage,
              details.correlationId,
            ])
          : messages.getMessage('error.request', [
              details.status,
              details.method,
              details.url,
              pcMessage,
              details.correlationId,
            ])),
      name,
      undefined,
      1
    );
    this.status = details.status;
    this.method = details.method;
    this.url = details.url;
    this.partnerCenterMessage = pcMessage;
    this.correlationId = details.correlationId;
    this.requestId = details.requestId;
    this.attempts = details.attempts;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
    this.setData({ status: this.status, correlationId: this.correlationId, partnerCenterMessage: pcMessage });
  }
}

/** 412 on an update: the eTag sent in If-Match is stale. The caller re-reads and merges. */
export class ReferralConflictError extends PartnerCenterError {
  public readonly referralId: string;

  public constructor(referralId: string, details: PartnerCenterErrorDetails) {
    super(details, messages.getMessage('error.conflict', [referralId, details.correlationId]), 'ReferralConflictError');
    this.referralId = referralId;
  }
}

/** The refresh token is expired, revoked or missing: the one clear instruction, no stack, no token. */
export class SignInRequiredError extends SfError {
  public constructor(reason: 'expired' | 'missing' = 'expired') {
    super(
      messages.getMessage(reason === 'missing' ? 'error.notSignedIn' : 'error.signInRequired'),
      'PcsyncSignInRequired',
      reason === 'missing' ? undefined : messages.getMessages('error.signInRequired.actions'),
      1
    );
    // The stack would only point into MSAL; the message says everything the admin needs.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** Any other sign-in failure (network, TLS, misconfiguration), with MSAL's error code only. */
export class PartnerCenterAuthError extends SfError {
  public constructor(detail: string) {
    super(messages.getMessage('error.authFailed', [redact(detail)]), 'PartnerCenterAuthError', undefined, 1);
    this.stack = `${this.name}: ${this.message}`;
  }
}

export class InvalidPatchError extends SfError {
  public constructor(op: string, path: string) {
    super(messages.getMessage('error.invalidPatch', [op, path]), 'InvalidPatchError');
  }
}

export function missingSettingError(which: 'clientId' | 'tenantId'): SfError {
  return new SfError(
    messages.getMessage(which === 'clientId' ? 'error.missingClientId' : 'error.missingTenantId'),
    'PcsyncMissingSetting'
  );
}
