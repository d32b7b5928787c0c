/** The sync's words (messages/sync.md), loaded once for every part of the sync. */
import { Messages } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
export const syncMessages = Messages.loadMessages('@pcsync/plugin-pcsync', 'sync');
