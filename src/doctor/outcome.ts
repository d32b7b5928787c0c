/** The doctor's words (messages/pcsync.doctor.md) and the one way a check turns them into an outcome. */
import { Messages } from '@salesforce/core';
import { redact } from '../partner-center/errors.js';
import type { CheckId, CheckOutcome, CheckStatus, DoctorContext } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
export const doctorMessages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.doctor');

type Tokens = Array<string | number>;

/** An outcome from message keys: `result.<key>` and, when the admin has something to do, `action.<action>`. */
export function outcome(
  status: CheckStatus,
  key: string,
  tokens: Tokens = [],
  action?: { key: string; tokens?: Tokens }
): CheckOutcome {
  return {
    status,
    result: doctorMessages.getMessage(`result.${key}`, tokens),
    ...(action ? { action: doctorMessages.getMessage(`action.${action.key}`, action.tokens ?? []) } : {}),
  };
}

/** The check's name, for the table's first column. */
export const checkName = (id: CheckId): string => doctorMessages.getMessage(`check.${id}`);

/** An error in words, with nothing in it that looks like a credential. */
export function describeError(error: unknown): string {
  const { errorCode, message } = error as { errorCode?: string; message?: string };
  const text = (message ?? String(error)).split('\n').filter(Boolean).pop() ?? '';
  return redact(errorCode && !text.startsWith(errorCode) ? `${errorCode}: ${text}` : text);
}

/** The error code Salesforce (jsforce) or Partner Center gave, if any. */
export const errorCodeOf = (error: unknown): string | undefined =>
  (error as { errorCode?: string }).errorCode ?? (error as { name?: string }).name;

/** A skip when a check this one needs did not pass, else undefined. */
export function needs(ctx: DoctorContext, id: CheckId): CheckOutcome | undefined {
  const status = ctx.reported.get(id)?.status;
  return status === 'fail' || status === 'skip' ? outcome('skip', 'skipped', [checkName(id)]) : undefined;
}
