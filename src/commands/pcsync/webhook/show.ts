import { Messages } from '@salesforce/core';
import { SfCommand } from '@salesforce/sf-plugins-core';
import { loadConfig } from '../../../config/index.js';
import { configFlag } from '../../../shared/flags.js';
import { partnerCenterClients } from '../../../shared/partner-center.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.webhook.show');

export type WebhookShowResult = { registered: boolean; url?: string; events: string[] };

export default class WebhookShow extends SfCommand<WebhookShowResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = { config: configFlag };

  public async run(): Promise<WebhookShowResult> {
    const { flags } = await this.parse(WebhookShow);
    const { webhooks } = partnerCenterClients(await loadConfig({ configFile: flags.config }));
    const current = await webhooks.show();
    if (!current) {
      this.log(messages.getMessage('info.none'));
      return { registered: false, events: [] };
    }
    this.table({ data: [{ URL: current.WebhookUrl, Events: current.WebhookEvents.join(', ') }] });
    return { registered: true, url: current.WebhookUrl, events: current.WebhookEvents };
  }
}
