import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { loadConfig } from '../../../config/index.js';
import { signInWithDeviceCode, type SignInSummary } from '../../../partner-center/auth/index.js';
import { configFlag } from '../../../shared/flags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.auth.login');

export type AuthLoginResult = SignInSummary;

export default class AuthLogin extends SfCommand<AuthLoginResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    config: configFlag,
    'client-id': Flags.string({ summary: messages.getMessage('flags.client-id.summary') }),
    'tenant-id': Flags.string({ summary: messages.getMessage('flags.tenant-id.summary') }),
    timeout: Flags.integer({ summary: messages.getMessage('flags.timeout.summary'), min: 1, default: 900 }),
  };

  public async run(): Promise<AuthLoginResult> {
    const { flags } = await this.parse(AuthLogin);
    const { partnerCenter } = await loadConfig({ configFile: flags.config });
    const settings = {
      ...partnerCenter,
      clientId: flags['client-id'] ?? partnerCenter.clientId,
      tenantId: flags['tenant-id'] ?? partnerCenter.tenantId,
    };
    try {
      const summary = await signInWithDeviceCode({
        settings,
        timeoutSeconds: flags.timeout,
        onPrompt: (prompt) => {
          // The user must see this even under --json (stdout then holds only the JSON result).
          const text = messages.getMessage('info.prompt', [prompt.verificationUri, prompt.userCode]);
          // oclif silences its own log methods under --json, so the prompt goes straight to stderr.
          if (this.jsonEnabled()) process.stderr.write(`${text}\n`);
          else {
            this.log(text);
            this.spinner.start(messages.getMessage('info.waiting'));
          }
        },
      });
      this.log(messages.getMessage('info.signedIn', [summary.username, summary.tenantId]));
      return summary;
    } finally {
      this.spinner.stop();
    }
  }
}
