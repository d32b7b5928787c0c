/**
 * Why a delivery was refused. Every refusal is a `WebhookRejection` with the HTTP status the receiver answers and a
 * stable `reason` (the `/metrics` label and the log field); its message never repeats a header value or the body.
 */

/** 400: the request is malformed; 401: it is not provably from Partner Center; 413: too big; 503: try again. */
export const REJECTION_STATUS = {
  'body-too-large': 413,
  'missing-header': 400,
  'unsupported-algorithm': 400,
  'certificate-url-not-allowed': 401,
  'certificate-unavailable': 503,
  'shutting-down': 503,
  'certificate-invalid': 401,
  'certificate-untrusted': 401,
  'certificate-expired': 401,
  'certificate-organization': 401,
  'certificate-unfit': 401,
  'signature-scheme': 401,
  'bad-signature': 401,
  'invalid-json': 400,
  'invalid-event': 400,
  'stale-event': 400,
  'future-event': 400,
  'unsupported-media-type': 415,
  'not-found': 404,
  'method-not-allowed': 405,
} as const;

export type RejectionReason = keyof typeof REJECTION_STATUS;

export class WebhookRejection extends Error {
  public readonly status: number;
  /** For a 503: seconds after which Partner Center (or a proxy) may retry. */
  public readonly retryAfterSeconds?: number;

  public constructor(
    public readonly reason: RejectionReason,
    message: string,
    options: { retryAfterSeconds?: number; cause?: unknown } = {}
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WebhookRejection';
    this.status = REJECTION_STATUS[reason];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  public toJSON(): { error: string; reason: RejectionReason } {
    return { error: this.message, reason: this.reason };
  }
}

export const isWebhookRejection = (error: unknown): error is WebhookRejection => error instanceof WebhookRejection;
