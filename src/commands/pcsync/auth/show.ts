import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { loadConfig } from '../../../config/index.js';
import { signInStatus, type SignInStatus } from '../../../partner-center/auth/index.js';
import { configFlag } from '../../../shared/flags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.auth.show');

export type AuthShowResult = SignInStatus;

function age(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

export default class AuthShow extends SfCommand<AuthShowResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    config: configFlag,
    offline: Flags.boolean({ summary: messages.getMessage('flags.offline.summary'), default: false }),
  };

  public async run(): Promise<AuthShowResult> {
    const { flags } = await this.parse(AuthShow);
    const { partnerCenter } = await loadConfig({ configFile: flags.config });
    const status = await signInStatus({ settings: partnerCenter, verify: !flags.offline });
    const unknown = messages.getMessage('info.unknown');
    this.styledHeader(messages.getMessage('info.header'));
    this.table({
      data: [
        {
          key: 'User',
          value: status.name ? `${status.username ?? unknown} (${status.name})` : (status.username ?? unknown),
        },
        { key: 'Tenant', value: status.tenantId },
        { key: 'Client id', value: status.clientId },
        { key: 'Source', value: messages.getMessage(`info.source.${status.source}`) },
        { key: 'Signed in', value: status.signedInAt ?? unknown },
        { key: 'Refresh token renewed', value: status.renewedAt ?? unknown },
        {
          key: 'Refresh token age',
          value: status.refreshTokenAgeSeconds === undefined ? unknown : age(status.refreshTokenAgeSeconds),
        },
        { key: 'Verified', value: messages.getMessage(status.verified ? 'info.verified' : 'info.notVerified') },
      ],
    });
    return status;
  }
}
