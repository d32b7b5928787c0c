import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { loadConfig } from '../../config/index.js';
import { runDoctor, type CheckRow, type DoctorReport } from '../../doctor/index.js';
import { configFlag } from '../../shared/flags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.doctor');

export type DoctorResult = DoctorReport;

export default class Doctor extends SfCommand<DoctorResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    config: configFlag,
    'receiver-url': Flags.url({ summary: messages.getMessage('flags.receiver-url.summary') }),
    'certificate-url': Flags.url({
      summary: messages.getMessage('flags.certificate-url.summary'),
      description: messages.getMessage('flags.certificate-url.description'),
    }),
  };

  public async run(): Promise<DoctorResult> {
    const { flags } = await this.parse(Doctor);
    const config = await loadConfig({ configFile: flags.config });
    const connection = flags['target-org'].getConnection(flags['api-version']);
    const human = !this.jsonEnabled();
    if (human) this.spinner.start(messages.getMessage('info.checking'));
    let report: DoctorReport;
    try {
      report = await runDoctor(
        { connection, config },
        {
          ...(flags['receiver-url'] ? { receiverUrl: flags['receiver-url'].href } : {}),
          ...(flags['certificate-url'] ? { certificateUrl: flags['certificate-url'].href } : {}),
        },
        { onRow: (row) => human && (this.spinner.status = row.check) }
      );
    } finally {
      if (human) this.spinner.stop();
    }
    if (human) this.render(report);
    if (!report.ok) process.exitCode = 1;
    return report;
  }

  private render(report: DoctorReport): void {
    const column = (key: string): string => messages.getMessage(`column.${key}`);
    // Wrapped, not truncated: in a narrow terminal the default would cut off what the admin has to do.
    this.table({
      overflow: 'wrap',
      data: report.checks.map((row: CheckRow) => ({
        [column('check')]: row.check,
        [column('status')]: messages.getMessage(`status.${row.status}`),
        [column('result')]: row.result,
        [column('action')]: row.action ?? '',
      })),
    });
    const { pass, info, warn, fail, skip } = report.counts;
    this.log(messages.getMessage('info.summary', [pass, info, warn, fail, skip]));
  }
}
