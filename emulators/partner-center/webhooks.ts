/**
 * Partner Center's webhook registration API (one URL per tenant) and its signed deliveries: RSA-SHA256 over the raw
 * body, `Authorization: Signature <base64>`, `x-ms-certificate-url`, `x-ms-signature-algorithm: rsa-sha256`;
 * 10 attempts, then the offline queue. `test-created` validation events keep their delivery status.
 */
import { createSign, randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';
import { HttpError } from './http-util.js';

export const SUPPORTED_EVENTS = [
  'referral-created',
  'referral-updated',
  'related-referral-created',
  'related-referral-updated',
  'test-created',
  'subscription-updated',
  'usagerecords-thresholdExceeded',
  'invoice-ready',
];

export const MAX_ATTEMPTS = 10;

export type Registration = {
  SubscriberId: string;
  WebhookUrl: string;
  WebhookEvents: string[];
  SignatureTokenToMsSignatureHeader?: boolean;
};

export type DeliveryResult = {
  responseCode: string;
  responseMessage: string;
  systemError: boolean;
  dateTimeUtc: string;
};

export type Delivery = {
  id: string;
  eventName: string;
  url: string;
  body: string;
  attempts: number;
  state: 'pending' | 'delivered' | 'offline';
  results: DeliveryResult[];
  correlationId?: string;
};

export type WebhookOptions = {
  /** The signing leaf's private key (issued once the emulator knows its origin). */
  signingKeyPem: () => string;
  certificateUrl: () => string;
  clock: Clock;
  /** First retry delay; doubles per attempt up to 30 s. */
  retryDelayMs?: number;
  /** Validation events allowed per minute per tenant (Partner Center: 2). */
  validationEventsPerMinute?: number;
};

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'NoContent',
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

export class WebhookService {
  public retryDelayMs: number;
  public validationEventsPerMinute: number;
  private readonly registrations = new Map<string, Registration>();
  private readonly deliveries: Delivery[] = [];
  private readonly validationSent = new Map<string, number[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  public constructor(private readonly options: WebhookOptions) {
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.validationEventsPerMinute = options.validationEventsPerMinute ?? 2;
  }

  public reset(): void {
    this.registrations.clear();
    this.deliveries.length = 0;
    this.validationSent.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  public async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  public supportedEventsList(): string[] {
    return [...SUPPORTED_EVENTS];
  }

  public find(tenantId: string): Registration | undefined {
    return this.registrations.get(tenantId);
  }

  public get(tenantId: string): Registration {
    const registration = this.registrations.get(tenantId);
    if (!registration) throw new HttpError(404, 'No webhook registration exists for this tenant.');
    return registration;
  }

  public register(tenantId: string, body: unknown, replace: boolean): Registration {
    const input = validateRegistration(body);
    const existing = this.registrations.get(tenantId);
    if (!replace && existing)
      throw new HttpError(
        409,
        `A webhook URL is already registered for this tenant (${existing.WebhookUrl}); update it with PUT.`
      );
    if (replace && !existing)
      throw new HttpError(404, 'No webhook registration exists for this tenant; register first with POST.');
    const registration: Registration = { SubscriberId: existing?.SubscriberId ?? randomUUID(), ...input };
    this.registrations.set(tenantId, registration);
    return registration;
  }

  public sendValidationEvent(tenantId: string, origin: string): { correlationId: string } {
    const registration = this.get(tenantId);
    if (!registration.WebhookEvents.includes('test-created'))
      throw new HttpError(400, 'Register for the test-created event before sending a validation event.');
    const now = this.options.clock.now();
    const recent = (this.validationSent.get(tenantId) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.validationEventsPerMinute) {
      const retryAfter = Math.ceil((60_000 - (now - recent[0])) / 1000);
      throw new HttpError(429, `Rate limit is exceeded. Try again in ${retryAfter} seconds.`, {
        'Retry-After': String(retryAfter),
      });
    }
    recent.push(now);
    this.validationSent.set(tenantId, recent);
    const correlationId = randomUUID();
    this.enqueue(
      registration,
      'test-created',
      {
        EventName: 'test-created',
        ResourceUri: `${origin}/webhooks/v1/registration/validationEvents/${correlationId}`,
        ResourceName: 'test',
        AuditUri: null,
        ResourceChangeUtcDate: this.options.clock.iso(),
      },
      correlationId
    );
    return { correlationId };
  }

  public validationStatus(tenantId: string, correlationId: string): Record<string, unknown> {
    const registration = this.get(tenantId);
    const delivery = this.deliveries.find((d) => d.correlationId === correlationId);
    if (!delivery) throw new HttpError(404, `No validation event ${correlationId} was found.`);
    return {
      correlationId,
      partnerId: tenantId,
      status: delivery.state === 'delivered' ? 'completed' : delivery.state === 'offline' ? 'failed' : 'pending',
      callbackUrl: registration.WebhookUrl,
      results: delivery.results,
    };
  }

  /** A referral event for every tenant registration that asked for it. */
  public notify(tenantId: string, eventName: string, resourceUri: string): void {
    const registration = this.registrations.get(tenantId);
    if (!registration?.WebhookEvents.includes(eventName)) return;
    this.enqueue(registration, eventName, {
      EventName: eventName,
      ResourceUri: resourceUri,
      ResourceName: 'referral',
      AuditUri: null,
      ResourceChangeUtcDate: this.options.clock.iso(),
    });
  }

  public list(): Delivery[] {
    return this.deliveries.map((d) => ({ ...d, results: [...d.results] }));
  }

  public offlineQueue(): Delivery[] {
    return this.list().filter((d) => d.state === 'offline');
  }

  /** Resolves once no delivery is pending (for tests). */
  public async idle(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.deliveries.some((d) => d.state === 'pending') && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  public sign(body: string): string {
    return createSign('RSA-SHA256').update(Buffer.from(body, 'utf8')).sign(this.options.signingKeyPem(), 'base64');
  }

  private enqueue(
    registration: Registration,
    eventName: string,
    event: Record<string, unknown>,
    correlationId?: string
  ): void {
    const delivery: Delivery = {
      id: randomUUID(),
      eventName,
      url: registration.WebhookUrl,
      body: JSON.stringify(event),
      attempts: 0,
      state: 'pending',
      results: [],
      correlationId,
    };
    this.deliveries.push(delivery);
    this.attempt(delivery, registration.SignatureTokenToMsSignatureHeader === true);
  }

  private attempt(delivery: Delivery, msSignatureHeader: boolean): void {
    if (this.closed) return;
    const run = this.post(delivery, msSignatureHeader).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  private async post(delivery: Delivery, msSignatureHeader: boolean): Promise<void> {
    delivery.attempts++;
    const signature = `Signature ${this.sign(delivery.body)}`;
    let result: DeliveryResult;
    let ok = false;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(msSignatureHeader ? { 'x-ms-signature': signature } : { Authorization: signature }),
          'x-ms-certificate-url': this.options.certificateUrl(),
          'x-ms-signature-algorithm': 'rsa-sha256',
        },
        body: delivery.body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text().catch(() => '');
      ok = response.ok;
      result = {
        responseCode: STATUS_TEXT[response.status] ?? String(response.status),
        responseMessage: text.slice(0, 200),
        systemError: false,
        dateTimeUtc: this.options.clock.iso(),
      };
    } catch (error) {
      result = {
        responseCode: 'None',
        responseMessage: error instanceof Error ? error.message : String(error),
        systemError: true,
        dateTimeUtc: this.options.clock.iso(),
      };
    }
    delivery.results.push(result);
    if (ok) {
      delivery.state = 'delivered';
      return;
    }
    if (delivery.attempts >= MAX_ATTEMPTS) {
      delivery.state = 'offline';
      return;
    }
    if (this.closed) return;
    const delay = Math.min(30_000, this.retryDelayMs * 2 ** (delivery.attempts - 1));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.attempt(delivery, msSignatureHeader);
    }, delay);
    this.timers.add(timer);
  }
}

function validateRegistration(body: unknown): Omit<Registration, 'SubscriberId'> {
  if (!body || typeof body !== 'object')
    throw new HttpError(400, 'The registration body must be an object with WebhookUrl and WebhookEvents.');
  const b = body as Record<string, unknown>;
  if (typeof b.WebhookUrl !== 'string' || !/^https?:\/\//.test(b.WebhookUrl))
    throw new HttpError(400, 'WebhookUrl must be an absolute http(s) URL.');
  if (
    !Array.isArray(b.WebhookEvents) ||
    b.WebhookEvents.length === 0 ||
    !b.WebhookEvents.every((e) => typeof e === 'string')
  ) {
    throw new HttpError(400, 'WebhookEvents must be a non-empty list of event names.');
  }
  const unknown = b.WebhookEvents.filter((e) => !SUPPORTED_EVENTS.includes(e));
  if (unknown.length) throw new HttpError(400, `Unsupported webhook events: ${unknown.join(', ')}.`);
  return {
    WebhookUrl: b.WebhookUrl,
    WebhookEvents: [...new Set(b.WebhookEvents)],
    ...(typeof b.SignatureTokenToMsSignatureHeader === 'boolean'
      ? { SignatureTokenToMsSignatureHeader: b.SignatureTokenToMsSignatureHeader }
      : {}),
  };
}
