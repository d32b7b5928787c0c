import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'shared');

/** `--config FILE`: a JSON file holding the pcsync section, used instead of sfdx-project.json's plugins.pcsync. */
export const configFlag = Flags.file({
  char: 'c',
  exists: true,
  summary: messages.getMessage('flags.config.summary'),
  description: messages.getMessage('flags.config.description'),
});
