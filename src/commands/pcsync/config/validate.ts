import path from 'node:path';
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
import { projectDescriber } from '../../../salesforce/project-metadata.js';
import { configFlag } from '../../../shared/flags.js';
import { orgAccessProblems } from '../../../salesforce/field-access.js';
import { checkLeadsAgainstOrg, queryConvertedStatuses } from '../../../sync/leads/org-check.js';
import { connectionRecordExists } from '../../../salesforce/constant-check.js';

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
    const { config, source, project } = await loadConfigWithSource({ configFile: flags.config });
    const where = source.file ?? messages.getMessage('info.defaults');
    this.log(messages.getMessage('info.fileValid', [where, config.mapping.length]));

    const org = flags['target-org'];
    const orgName = org ? (org.getUsername() ?? org.getOrgId()) : undefined;
    let problems: ConfigProblem[];
    if (org) {
      this.spinner.start(messages.getMessage('info.checkingOrg', [orgName]));
      try {
        const connection = org.getConnection(flags['api-version']);
        const describe = connectionDescriber(connection);
        const exists = connectionRecordExists(connection);
        problems = await checkAgainstOrg(config, describe, { exists });
        problems.push(
          ...(await checkLeadsAgainstOrg(
            config.leads,
            describe,
            queryConvertedStatuses(async (soql) => connection.query(soql)),
            { exists }
          ))
        );
        const root = project ? path.dirname(project.file) : process.cwd();
        problems.push(...(await orgAccessProblems(config, describe, problems, root)));
      } finally {
        this.spinner.stop();
      }
    } else {
      const root = project ? path.dirname(project.file) : process.cwd();
      problems = await checkAgainstOrg(config, await projectDescriber(root, project?.packageDirectories ?? []));
    }

    const warnings = problems.filter((problem) => problem.severity === 'warning');
    for (const warning of warnings) this.warn(`${warning.path}: ${warning.message}`);
    const errors = problems.filter((problem) => problem.severity === 'error');
    if (errors.length > 0) {
      const list = errors.map((problem) => `  - ${problem.path}: ${problem.message}`).join('\n');
      const error = org
        ? new ConfigError(
            messages.getMessage('error.orgMismatch', [orgName, list]),
            'PcsyncConfigOrgMismatch',
            messages.getMessages('error.orgMismatch.actions'),
            1
          )
        : new ConfigError(
            messages.getMessage('error.projectMismatch', [list]),
            'PcsyncConfigProjectMismatch',
            messages.getMessages('error.projectMismatch.actions'),
            1
          );
      error.setData({ file: source.file, problems: errors });
      throw error;
    }
    this.log(org ? messages.getMessage('info.orgValid', [orgName]) : messages.getMessage('info.projectValid'));
    return {
      valid: true,
      source,
      rules: config.mapping.length,
      orgChecked: Boolean(org),
      ...(orgName ? { username: orgName } : {}),
      warnings,
    };
  }
}
