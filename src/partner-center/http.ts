import { randomUUID } from 'node:crypto';
import { PartnerCenterError, ReferralConflictError, redact, type PartnerCenterErrorDetails } from './errors.js';
import type { Traffic } from '../shared/traffic.js';
import type { Audience } from './settings.js';
import {
  describeNetworkError,
  endpointOf,
  errorMessageOf,
  NOT_SENT,
  parseRetryAfter,
  Semaphore,
  stripQuery,
} from './wire.js';

export { endpointOf, parseRetryAfter, Semaphore } from './wire.js';

/** Where the client gets bearer tokens; one token per audience. */
export type TokenSource = {
  getAccessToken(audience: Audience): Promise<string>;
  /** Called after a 401 so the next call fetches a fresh token. */
  invalidate?(audience: Audience): void;
};

export type RetryPolicy = {
  /** Retries after the first attempt (429, 5xx, resets, timeouts). */
  maxRetries: number;
  /** First backoff step in ms; doubles per retry. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-attempt timeout in ms. */
  timeoutMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 8, baseDelayMs: 500, maxDelayMs: 60_000, timeoutMs: 60_000 };

export type HttpOptions = {
  tokens: TokenSource;
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** Injected for tests. */
  fetch?: typeof globalThis.fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Sent as MS-PartnerCenter-Application. */
  applicationName?: string;
  /** Sees each attempt (for logging and tests); never given the token. */
  onAttempt?: (attempt: AttemptInfo) => void;
  /** Counts every attempt by endpoint and keeps Partner Center's clock. */
  traffic?: Traffic;
};

export type AttemptInfo = {
  method: string;
  url: string;
  attempt: number;
  requestId: string;
  correlationId: string;
  status: number;
  delayMs?: number;
};

export type RequestOptions = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  audience: Audience;
  body?: unknown;
  headers?: Record<string, string>;
  /** When set, 412 becomes a ReferralConflictError for this referral id. */
  conflictReferralId?: string;
  /**
   * May the call be repeated after an unclear failure (no answer, 5xx)? Default: every method but POST. A create is
   * repeated only when Partner Center surely did not take it (429, a refused connection); otherwise the caller
   * looks for what it may have made.
   */
  idempotent?: boolean;
};

export type HttpResponse<T> = { status: number; headers: Headers; body: T; correlationId: string; requestId: string };

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** The wire layer shared by the referrals and webhook clients. */
export class PartnerCenterHttp {
  private readonly semaphore: Semaphore;
  private readonly retry: RetryPolicy;
  private readonly fetchFn: typeof globalThis.fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  public constructor(private readonly options: HttpOptions) {
    this.semaphore = new Semaphore(Math.max(1, options.concurrency ?? 4));
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** Backoff before retry number `retry` (1-based): exponential with full jitter, at least Retry-After. */
  public backoff(retry: number, retryAfterMs?: number, previous429 = false): number {
    const exp = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (retry - 1));
    const jittered = exp / 2 + this.random() * (exp / 2);
    if (retryAfterMs === undefined) return Math.round(jittered);
    // First 429: wait exactly Retry-After. Repeated 429: Retry-After plus exponential backoff with jitter.
    return Math.round(previous429 ? retryAfterMs + jittered : retryAfterMs);
  }

  public async request<T>(req: RequestOptions): Promise<HttpResponse<T>> {
    // One MS-RequestId for every retry of this call (idempotency); a new MS-CorrelationId per call.
    const requestId = randomUUID();
    const correlationId = randomUUID();
    return this.semaphore.use(() => this.attempt<T>(req, requestId, correlationId));
  }

  private async attempt<T>(req: RequestOptions, requestId: string, correlationId: string): Promise<HttpResponse<T>> {
    let attempt = 0;
    let saw429 = false;
    let reauthorized = false;
    const idempotent = req.idempotent ?? req.method !== 'POST';
    const endpoint = endpointOf(req.method, req.url);
    for (;;) {
      attempt++;
      const token = await this.options.tokens.getAccessToken(req.audience);
      const headers: Record<string, string> = {
        Accept: 'application/json',
        Authorization: `Bearer ${token}`,
        'MS-RequestId': requestId,
        'MS-CorrelationId': correlationId,
        ...(this.options.applicationName ? { 'MS-PartnerCenter-Application': this.options.applicationName } : {}),
        ...req.headers,
      };
      let payload: string | undefined;
      if (req.body !== undefined) {
        payload = JSON.stringify(req.body);
        headers['Content-Type'] = 'application/json';
      }
      const details = (status: number, pcMessage: string): PartnerCenterErrorDetails => ({
        status,
        method: req.method,
        url: stripQuery(req.url),
        partnerCenterMessage: pcMessage,
        correlationId,
        requestId,
        attempts: attempt,
      });

      let response: Response;
      try {
        response = await this.fetchFn(req.url, {
          method: req.method,
          headers,
          body: payload,
          signal: AbortSignal.timeout(this.retry.timeoutMs),
        });
      } catch (error) {
        const reason = redact(describeNetworkError(error));
        this.options.traffic?.record('partner-center', endpoint);
        this.options.onAttempt?.({ method: req.method, url: req.url, attempt, requestId, correlationId, status: 0 });
        if (!idempotent && !NOT_SENT.has(reason)) {
          throw new PartnerCenterError({ ...details(0, reason), outcomeUnknown: true });
        }
        if (attempt > this.retry.maxRetries) throw new PartnerCenterError(details(0, reason));
        await this.sleep(this.backoff(attempt));
        continue;
      }

      this.options.traffic?.record('partner-center', endpoint, response.headers.get('date'));
      const text = await response.text().catch(() => '');
      let body: unknown = text;
      if (text && (response.headers.get('content-type') ?? '').includes('json')) {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          body = text;
        }
      }
      const info: AttemptInfo = {
        method: req.method,
        url: req.url,
        attempt,
        requestId,
        correlationId,
        status: response.status,
      };

      if (response.ok) {
        this.options.onAttempt?.(info);
        return {
          status: response.status,
          headers: response.headers,
          body: (text ? body : undefined) as T,
          correlationId,
          requestId,
        };
      }
      if (response.status === 401 && !reauthorized && this.options.tokens.invalidate) {
        // A token the server no longer honours: fetch a new one once, then give up.
        reauthorized = true;
        this.options.tokens.invalidate(req.audience);
        this.options.onAttempt?.(info);
        attempt--;
        continue;
      }
      const unclear = !idempotent && response.status !== 429 && RETRYABLE_STATUS.has(response.status);
      if (RETRYABLE_STATUS.has(response.status) && !unclear && attempt <= this.retry.maxRetries) {
        const retryAfter =
          response.status === 429 ? parseRetryAfter(response.headers.get('retry-after'), this.now()) : undefined;
        const delayMs = retryAfter !== undefined ? this.backoff(attempt, retryAfter, saw429) : this.backoff(attempt);
        if (response.status === 429) saw429 = true;
        this.options.onAttempt?.({ ...info, delayMs });
        await this.sleep(delayMs);
        continue;
      }
      this.options.onAttempt?.(info);
      const pcMessage = errorMessageOf(body, response.statusText || `HTTP ${response.status}`);
      if (response.status === 412 && req.conflictReferralId) {
        throw new ReferralConflictError(req.conflictReferralId, details(412, pcMessage));
      }
      throw new PartnerCenterError({
        ...details(response.status, pcMessage),
        ...(unclear ? { outcomeUnknown: true } : {}),
      });
    }
  }
}
