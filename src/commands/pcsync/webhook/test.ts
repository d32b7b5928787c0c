import { setTimeout as sleep } from 'node:timers/promises';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { loadConfig } from '../../../config/index.js';
import type { ValidationEventStatus } from '../../../partner-center/referral-types.js';
import { configFlag } from '../../../shared/flags.js';
import { partnerCenterClients } from '../../../shared/partner-center.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.webhook.test');

export type WebhookTestResult = {
  correlationId: string;
  delivered: boolean;
  status: string;
  results: ValidationEventStatus['results'];
};

/** Partner Center reports the receiver's answer by status name (OK, Accepted…) or code. */
const DELIVERED = /^(2\d\d|ok|created|accepted|nocontent)$/i;
const isDelivered = (status: ValidationEventStatus | undefined): boolean =>
  Boolean(status?.results.some((result) => DELIVERED.test(result.responseCode) && !result.systemError));

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
    const correlationId = await webhooks.sendValidationEvent();
    const deadline = Date.now() + flags.wait.milliseconds;
    if (!this.jsonEnabled()) this.spinner.start(messages.getMessage('info.waiting', [correlationId]));
    let status: ValidationEventStatus | undefined;
    try {
      for (;;) {
        status = await webhooks.validationStatus(correlationId).catch(() => undefined);
        if (isDelivered(status) || (status && status.status !== 'pending' && status.results.length > 0)) break;
        if (Date.now() >= deadline) break;

        await sleep(1000);
      }
    } finally {
      if (!this.jsonEnabled()) this.spinner.stop();
    }
    const results = status?.results ?? [];
    const delivered = isDelivered(status);
    if (results.length > 0) {
      this.table({
        data: results.map((r) => ({ When: r.dateTimeUtc, Response: r.responseCode, Message: r.responseMessage })),
      });
    }
    if (!delivered) {
      throw messages.createError(results.length > 0 ? 'error.rejected' : 'error.noDelivery', [
        status?.callbackUrl ?? '',
        flags.wait.seconds,
      ]);
    }
    this.log(messages.getMessage('info.delivered', [status?.callbackUrl ?? '']));
    return { correlationId, delivered, status: status?.status ?? 'unknown', results };
  }
}
