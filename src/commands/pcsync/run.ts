import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { loadConfig } from '../../config/index.js';
import { configFlag } from '../../shared/flags.js';
import { partnerCenterClients } from '../../shared/partner-center.js';
import { holdYoungGeneration } from '../../shared/young-generation.js';
import { runSync } from '../../sync/engine.js';
import { planLines, summaryRows, topErrors } from '../../sync/report.js';
import { failures, type SyncResult } from '../../sync/types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.run');

export type RunResult = SyncResult;

export default class Run extends SfCommand<RunResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    config: configFlag,
    direction: Flags.option({
      summary: messages.getMessage('flags.direction.summary'),
      options: ['both', 'inbound', 'outbound'] as const,
      default: 'both',
    })(),
    full: Flags.boolean({ summary: messages.getMessage('flags.full.summary'), exclusive: ['since'] }),
    since: Flags.string({ summary: messages.getMessage('flags.since.summary'), exclusive: ['full'] }),
    'referral-id': Flags.string({ summary: messages.getMessage('flags.referral-id.summary'), multiple: true }),
    'record-id': Flags.salesforceId({
      summary: messages.getMessage('flags.record-id.summary'),
      multiple: true,
      length: 'both',
      startsWith: '006',
    }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
    trigger: Flags.option({
      summary: messages.getMessage('flags.trigger.summary'),
      options: ['Manual', 'Schedule'] as const,
      default: 'Manual',
    })(),
    wait: Flags.duration({
      unit: 'seconds',
      summary: messages.getMessage('flags.wait.summary'),
      description: messages.getMessage('flags.wait.description'),
      defaultValue: 120,
      min: 0,
    }),
  };

  public async run(): Promise<RunResult> {
    const { flags } = await this.parse(Run);
    if (flags.since && Number.isNaN(Date.parse(flags.since)))
      throw messages.createError('error.badSince', [flags.since]);
    const config = await loadConfig({ configFile: flags.config });
    holdYoungGeneration(); // a backfill's windows would grow V8's young generation to its maximum
    const connection = flags['target-org'].getConnection(flags['api-version']);
    const clients = partnerCenterClients(config);

    const human = !this.jsonEnabled();
    if (human) this.spinner.start(messages.getMessage(flags['dry-run'] ? 'info.planning' : 'info.syncing'));
    let result: SyncResult;
    try {
      result = await runSync(
        { connection, client: clients.referrals, config, traffic: clients.traffic },
        {
          holder: 'sf pcsync run',
          leaseWaitMs: flags.wait.seconds * 1000,
          onLeaseWait: (holder, since) => {
            const text = messages.getMessage('info.leaseWait', [holder, since, flags.wait.seconds]);
            if (human) this.spinner.status = text;
            else this.warn(text);
          },
          direction: flags.direction,
          full: flags.full,
          ...(flags.since ? { since: flags.since } : {}),
          ...(flags['referral-id'] ? { referralIds: flags['referral-id'] } : {}),
          ...(flags['record-id'] ? { recordIds: flags['record-id'] } : {}),
          dryRun: flags['dry-run'],
          trigger: flags.trigger,
          progress: ({ phase, done, total }) => {
            if (human) this.spinner.status = total === undefined ? `${phase} (${done})` : `${phase} (${done}/${total})`;
          },
        }
      );
    } finally {
      if (human) this.spinner.stop();
    }

    if (human) this.render(result);
    if (failures(result.summary) > 0) process.exitCode = 1;
    return result;
  }

  private render(result: SyncResult): void {
    if (result.dryRun) {
      const lines = planLines(result.records);
      this.styledHeader(
        messages.getMessage('info.planHeader', [
          lines.length === 0 ? 0 : result.records.filter((r) => r.outcome !== 'unchanged').length,
        ])
      );
      if (lines.length === 0) this.log(messages.getMessage('info.nothingToDo'));
      for (const line of lines) this.log(line);
    }
    this.styledHeader(messages.getMessage(result.dryRun ? 'info.summaryDryRun' : 'info.summary'));
    this.table({ data: summaryRows(result) });
    const errors = topErrors(result.records);
    if (errors.length > 0) {
      this.styledHeader(messages.getMessage('info.errorsHeader'));
      this.table({
        data: errors.map((error) => ({ Records: error.count, Message: error.message, Example: error.example ?? '' })),
      });
    }
    if (result.runId) this.log(messages.getMessage('info.runRecord', [result.runId]));
  }
}
