/**
 * Partner Center's rules for sharing an Opportunity, checked before any call, so a rep reads what to fix on the
 * record instead of an API error: a two-letter country on the Account, at least one solution id, and a customer
 * contact when Microsoft's help is requested.
 */
import { Messages } from '@salesforce/core';
import { toCountryCode } from '../mapping/countries.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'sync');

/** The Partner Center solution id format (e.g. SOL-34104-EBB), or a Microsoft catalog id. */
const SOLUTION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$/;

export type ReadinessInput = {
  accountName?: string;
  billingCountry?: string;
  solutionIds: string[];
  helpRequested: boolean;
  contactCount: number;
};

/** The problems, in words a rep can act on; empty when the Opportunity can be shared. */
export function readinessProblems(input: ReadinessInput): string[] {
  const problems: string[] = [];
  if (!input.accountName) problems.push(messages.getMessage('readiness.noAccount'));
  else if (!input.billingCountry) problems.push(messages.getMessage('readiness.noCountry', [input.accountName]));
  else if (!toCountryCode(input.billingCountry))
    problems.push(messages.getMessage('readiness.badCountry', [input.billingCountry, input.accountName]));
  if (input.solutionIds.length === 0) problems.push(messages.getMessage('readiness.noSolution'));
  const bad = input.solutionIds.filter((id) => !SOLUTION_ID.test(id));
  if (bad.length > 0) problems.push(messages.getMessage('readiness.badSolution', [bad.join(', ')]));
  if (input.helpRequested && input.contactCount === 0) problems.push(messages.getMessage('readiness.noContact'));
  return problems;
}
