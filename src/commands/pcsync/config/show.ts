import { Messages } from '@salesforce/core';
import { SfCommand } from '@salesforce/sf-plugins-core';
import { loadConfigWithSource, type ConfigSource, type PcsyncConfig } from '../../../config/index.js';
import { describeRuleExtras, directionWords, eventWords, sideWords } from '../../../mapping/describe.js';
import { SYSTEM_RULES } from '../../../mapping/system-rules.js';
import { configFlag } from '../../../shared/flags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.config.show');

export type ConfigShowResult = {
  source: ConfigSource;
  config: PcsyncConfig;
};

export default class ConfigShow extends SfCommand<ConfigShowResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    config: configFlag,
  };

  public async run(): Promise<ConfigShowResult> {
    const { flags } = await this.parse(ConfigShow);
    const { config, source } = await loadConfigWithSource({ configFile: flags.config });

    this.styledHeader(messages.getMessage('info.mappingHeader', [source.file ?? messages.getMessage('info.defaults')]));
    this.table({
      data: [
        ...SYSTEM_RULES.map((rule) => ({ rule, index: messages.getMessage('info.system') })),
        ...config.mapping.map((rule, index) => ({ rule, index: String(index) })),
      ].map(({ rule, index }) => ({
        '#': index,
        'Partner Center': sideWords(rule.partnerCenter, rule),
        Direction: directionWords(rule),
        Salesforce: sideWords(rule.salesforce, rule),
        On: eventWords(rule),
        Owner: rule.owner,
        Notes: describeRuleExtras(rule),
      })),
    });

    this.styledHeader(messages.getMessage('info.stagesHeader'));
    const { stages } = config;
    this.table({
      data: [
        { 'Partner Center': 'New / Pending, Received', StageName: stages.onHold },
        { 'Partner Center': 'Active / Accepted', StageName: stages.active.join(', ') },
        { 'Partner Center': 'Closed / Won', StageName: stages.won },
        { 'Partner Center': 'Closed / Lost', StageName: stages.lost },
        { 'Partner Center': 'Closed / Declined', StageName: stages.declined },
        { 'Partner Center': 'Closed / Expired', StageName: stages.expired },
      ],
    });

    this.styledHeader(messages.getMessage('info.settingsHeader'));
    const pc = config.partnerCenter;
    this.table({
      data: [
        { Setting: 'partnerCenter.referralsBaseUrl', Value: pc.referralsBaseUrl },
        { Setting: 'partnerCenter.webhooksBaseUrl', Value: pc.webhooksBaseUrl },
        { Setting: 'partnerCenter.authority', Value: pc.authority },
        { Setting: 'partnerCenter.tenantId', Value: pc.tenantId ?? messages.getMessage('info.unset') },
        { Setting: 'partnerCenter.concurrency', Value: String(pc.concurrency) },
        { Setting: 'accounts.match', Value: config.accounts.match.join(' + ') },
        { Setting: 'accounts.createMissing', Value: String(config.accounts.createMissing) },
        { Setting: 'sync.bulkThreshold', Value: String(config.sync.bulkThreshold) },
        { Setting: 'serve.port / path', Value: `${config.serve.port} ${config.serve.path}` },
        {
          Setting: 'serve.reconcile / outbound poll',
          Value: `${config.serve.reconcileIntervalSeconds}s / ${config.serve.outboundPollIntervalSeconds}s`,
        },
      ],
    });
    return { source, config };
  }
}
