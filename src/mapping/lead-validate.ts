/**
 * Checks that a schema-valid `leads` section makes sense as a whole: lead rules only write Leads (Lead fields are not
 * sent to Partner Center; the seller's accept or decline is, through `statuses`), so a constant names a Lead field;
 * no two rules write one field, a list path joins its items, and accepting differs from declining.
 */
import { formatPath, type ConfigProblem } from '../config/problems.js';
import type { LeadSettings } from '../config/leads.js';
import { isListPath } from './referral-paths.js';

const show = (value: unknown): string => JSON.stringify(value);

export function checkLeadRules(leads: LeadSettings, prefix: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const error = (segments: PropertyKey[], message: string): void => {
    problems.push({ path: formatPath(prefix, ['leads', ...segments]), message, severity: 'error' });
  };
  const targets = new Map<string, number>();
  leads.mapping.forEach((rule, index) => {
    const at = (...rest: PropertyKey[]): PropertyKey[] => ['mapping', index, ...rest];
    if (rule.salesforce === undefined) {
      error(at('salesforce'), 'is required in the lead mapping: a constant there sets a Lead field');
      return;
    }
    if (rule.direction !== 'inbound')
      error(at('direction'), `${show(rule.direction)} is not allowed in the lead mapping; use "inbound"`);
    if (rule.salesforce.includes('.'))
      error(at('salesforce'), `${show(rule.salesforce)} is not a Lead field; name a field of the Lead itself`);
    const key = rule.salesforce.toLowerCase();
    const first = targets.get(key);
    if (first !== undefined)
      error(at('salesforce'), `${show(rule.salesforce)} is already written by leads.mapping[${first}]`);
    else targets.set(key, index);
    if (rule.partnerCenter !== undefined && isListPath(rule.partnerCenter) && rule.transform?.type !== 'list')
      error(at('transform'), `${show(rule.partnerCenter)} is a list; add "transform": { "type": "list" }`);
  });
  if (leads.statuses.accepted === leads.statuses.declined)
    error(['statuses', 'declined'], `${show(leads.statuses.declined)} is also the accepted status; they must differ`);
  return problems;
}
