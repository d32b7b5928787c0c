import { Messages } from '@salesforce/core';
import { SfCommand } from '@salesforce/sf-plugins-core';
import { readEnvironment } from '../../../config/env.js';
import { TokenStore } from '../../../partner-center/auth/index.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.auth.logout');

export type AuthLogoutResult = {
  removed: boolean;
  username?: string;
};

export default class AuthLogout extends SfCommand<AuthLogoutResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public async run(): Promise<AuthLogoutResult> {
    await this.parse(AuthLogout);
    const store = new TokenStore();
    const signIn = await store.read().catch(() => undefined);
    const removed = await store.remove();
    this.log(
      removed ? messages.getMessage('info.removed', [signIn?.username ?? '?']) : messages.getMessage('info.nothing')
    );
    if (readEnvironment().refreshToken) this.warn(messages.getMessage('warning.environment'));
    return { removed, ...(signIn?.username ? { username: signIn.username } : {}) };
  }
}
