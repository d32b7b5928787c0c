import { setTimeout as sleep } from 'node:timers/promises';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { loadConfig } from '../../../config/index.js';
import { VALIDATION_EVENT } from '../../../partner-center/events.js';
import type { ValidationEventResult, ValidationEventStatus } from '../../../partner-center/referral-types.js';
import { configFlag } from '../../../shared/flags.js';
import { partnerCenterClients } from '../../../shared/partner-center.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.webhook.test');

export type WebhookTestResult = {
  correlationId: string;
  /** Where Partner Center delivered the test event. */
  callbackUrl: string;
  /** Partner Center's validation status: pending, completed or failed. */
  status: string;
  /** Partner Center got an HTTP answer from the receiver. */
  delivered: boolean;
  /** The receiver answered 2xx: it verified the delivery. */
  accepted: boolean;
  /** The latest attempt's answer, as Partner Center reports it. */
  responseCode?: string;
  responseMessage?: string;
  /** Why the receiver refused it, when it is "sf pcsync serve" (its JSON answer's `reason`). */
  receiverReason?: string;
  results: ValidationEventResult[];
};

/** Partner Center reports the receiver's answer by status name (OK, Accepted…) or code. */
const ACCEPTED = /^(2\d\d|ok|created|accepted|nocontent)$/i;
const isAccepted = (result: ValidationEventResult): boolean =>
  !result.systemError && ACCEPTED.test(result.responseCode);
const FINAL = new Set(['completed', 'failed']);

function receiverReason(message: string | undefined): string | undefined {
  try {
    const reason = (JSON.parse(message ?? '') as { reason?: unknown }).reason;
    return typeof reason === 'string' ? reason : undefined;
  } catch {
    return undefined;
  }
}

/** Why the receiver refused, in parentheses after the response code (nothing when it gave no reason). */
const detail = (result: WebhookTestResult): string => {
  const reason = result.receiverReason ?? result.responseMessage;
  return reason ? ` (${reason})` : '';
};

function summarise(correlationId: string, callbackUrl: string, status?: ValidationEventStatus): WebhookTestResult {
  const results = status?.results ?? [];
  const answered = results.filter((result) => !result.systemError);
  const latest = results.find(isAccepted) ?? answered[answered.length - 1] ?? results[results.length - 1];
  const reason = latest && !isAccepted(latest) ? receiverReason(latest.responseMessage) : undefined;
  return {
    correlationId,
    callbackUrl: status?.callbackUrl ?? callbackUrl,
    status: status?.status ?? 'unknown',
    delivered: answered.length > 0,
    accepted: results.some(isAccepted),
    ...(latest ? { responseCode: latest.responseCode, responseMessage: latest.responseMessage } : {}),
    ...(reason ? { receiverReason: reason } : {}),
    results,
  };
}

export default class WebhookTest extends SfCommand<WebhookTestResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    wait: Flags.duration({
      unit: 'seconds',
      defaultValue: 60,
      min: 1,
      max: 600,
      summary: messages.getMessage('flags.wait.summary'),
    }),
    config: configFlag,
  };

  public async run(): Promise<WebhookTestResult> {
    const { flags } = await this.parse(WebhookTest);
    const { webhooks } = partnerCenterClients(await loadConfig({ configFile: flags.config }));
    // Partner Center sends a validation event only to a registration that includes test-created.
    const registration = await webhooks.show();
    if (!registration) throw messages.createError('error.notRegistered');
    if (!registration.WebhookEvents.includes(VALIDATION_EVENT)) {
      throw messages.createError('error.noTestEvent', [registration.WebhookUrl], [registration.WebhookUrl]);
    }
    const correlationId = await webhooks.sendValidationEvent();
    const deadline = Date.now() + flags.wait.milliseconds;
    if (!this.jsonEnabled()) this.spinner.start(messages.getMessage('info.waiting', [correlationId]));
    let status: ValidationEventStatus | undefined;
    try {
      for (;;) {
        status = (await webhooks.validationStatus(correlationId).catch(() => undefined)) ?? status;
        if (status && (FINAL.has(status.status) || status.results.some(isAccepted))) break;
        if (Date.now() >= deadline) break;

        await sleep(1000);
      }
    } finally {
      if (!this.jsonEnabled()) this.spinner.stop();
    }
    const result = summarise(correlationId, registration.WebhookUrl, status);
    if (result.results.length > 0) {
      this.table({
        data: result.results.map((r) => ({
          When: r.dateTimeUtc,
          Response: r.responseCode,
          Message: r.responseMessage,
        })),
      });
    }
    if (result.accepted) {
      this.log(messages.getMessage('info.delivered', [result.callbackUrl, result.responseCode ?? '']));
      return result;
    }
    const error = result.delivered
      ? messages.createError('error.rejected', [result.callbackUrl, result.responseCode ?? '', detail(result)])
      : messages.createError('error.noDelivery', [result.callbackUrl, flags.wait.seconds]);
    throw error.setData(result);
  }
}
