import { PartnerCenterHttp, type HttpOptions, type HttpResponse } from './http.js';
import type { ValidationEventStatus, WebhookRegistration } from './referral-types.js';
import { WEBHOOKS_AUDIENCE, type PartnerCenterSettings } from './settings.js';

export type WebhookRegistrationInput = {
  url: string;
  events: string[];
  signatureInMsSignatureHeader?: boolean;
};

/**
 * Partner Center's webhook registration API, on its own host (`api.partnercenter.microsoft.com/webhooks/v1`) and
 * with its own token audience. One registration (one URL) per tenant.
 */
export class WebhookRegistrationClient {
  public readonly http: PartnerCenterHttp;
  private readonly base: string;

  public constructor(settings: Pick<PartnerCenterSettings, 'webhooksBaseUrl' | 'concurrency'>, options: HttpOptions) {
    this.base = `${settings.webhooksBaseUrl.replace(/\/+$/, '')}/registration`;
    this.http = new PartnerCenterHttp({ concurrency: settings.concurrency, ...options });
  }

  public async supportedEvents(): Promise<string[]> {
    return (await this.call<string[]>('GET', '/events')).body;
  }

  public async register(input: WebhookRegistrationInput): Promise<WebhookRegistration> {
    return (await this.call<WebhookRegistration>('POST', '', toBody(input))).body;
  }

  /** The current registration, or undefined when the tenant has none (404). */
  public async show(): Promise<WebhookRegistration | undefined> {
    try {
      return (await this.call<WebhookRegistration>('GET', '')).body;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  public async update(input: WebhookRegistrationInput): Promise<WebhookRegistration> {
    return (await this.call<WebhookRegistration>('PUT', '', toBody(input))).body;
  }

  /** Sends a `test-created` event; returns its correlation id for {@link validationStatus}. */
  public async sendValidationEvent(): Promise<string> {
    return (await this.call<{ correlationId: string }>('POST', '/validationEvents')).body.correlationId;
  }

  public async validationStatus(correlationId: string): Promise<ValidationEventStatus> {
    return (await this.call<ValidationEventStatus>('GET', `/validationEvents/${encodeURIComponent(correlationId)}`))
      .body;
  }

  private call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<HttpResponse<T>> {
    return this.http.request<T>({ method, url: `${this.base}${path}`, audience: WEBHOOKS_AUDIENCE, body });
  }
}

function toBody(input: WebhookRegistrationInput): WebhookRegistration {
  return {
    WebhookUrl: input.url,
    WebhookEvents: input.events,
    ...(input.signatureInMsSignatureHeader === undefined
      ? {}
      : { SignatureTokenToMsSignatureHeader: input.signatureInMsSignatureHeader }),
  };
}
