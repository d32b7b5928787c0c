import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import {
  checkAgainstOrg,
  ConfigError,
  connectionDescriber,
  loadConfigWithSource,
  type ConfigProblem,
  type ConfigSource,
} from '../../../config/index.js';
import { configFlag } from '../../../shared/flags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.config.validate');

export type ConfigValidateResult = {
  valid: boolean;
  source: ConfigSource;
  rules: number;
  orgChecked: boolean;
  username?: string;
  warnings: ConfigProblem[];
};

export default class ConfigValidate extends SfCommand<ConfigValidateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    config: configFlag,
    'target-org': Flags.optionalOrg({ summary: messages.getMessage('flags.target-org.summary') }),
    'api-version': Flags.orgApiVersion(),
  };

  public async run(): Promise<ConfigValidateResult> {
    const { flags } = await this.parse(ConfigValidate);
    const { config, source } = await loadConfigWithSource({ configFile: flags.config });
    const where = source.file ?? messages.getMessage('info.defaults');
    this.log(messages.getMessage('info.fileValid', [where, config.mapping.length]));

    const org = flags['target-org'];
    if (!org) {
      return { valid: true, source, rules: config.mapping.length, orgChecked: false, warnings: [] };
    }

    const username = org.getUsername();
    this.spinner.start(messages.getMessage('info.checkingOrg', [username ?? org.getOrgId()]));
    let problems: ConfigProblem[];
    try {
      problems = await checkAgainstOrg(config, connectionDescriber(org.getConnection(flags['api-version'])));
    } finally {
      this.spinner.stop();
    }

    const warnings = problems.filter((problem) => problem.severity === 'warning');
    for (const warning of warnings) this.warn(`${warning.path}: ${warning.message}`);
    const errors = problems.filter((problem) => problem.severity === 'error');
    if (errors.length > 0) {
      const list = errors.map((problem) => `  - ${problem.path}: ${problem.message}`).join('\n');
      const error = new ConfigError(
        messages.getMessage('error.orgMismatch', [username ?? org.getOrgId(), list]),
        'PcsyncConfigOrgMismatch',
        messages.getMessages('error.orgMismatch.actions'),
        1
      );
      error.setData({ file: source.file, problems: errors });
      throw error;
    }
    this.log(messages.getMessage('info.orgValid', [username ?? org.getOrgId()]));
    return { valid: true, source, rules: config.mapping.length, orgChecked: true, username, warnings };
  }
}
