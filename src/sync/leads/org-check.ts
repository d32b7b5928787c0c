/**
 * Checks the `leads` section against an org (through describe): every lead mapping rule names a Lead field the
 * running user can create and update, the sync's own Lead fields are deployed, and the accepted, declined and
 * converted statuses are values of the org's Lead Status picklist (the converted one marked Converted). Each problem
 * names its key and what is allowed.
 */
import type { DescribeSObjectResult } from '@jsforce/jsforce-node';
import { formatPath, type ConfigProblem } from '../../config/problems.js';
import type { LeadSettings, LeadStatuses } from '../../config/leads.js';
import { constantProblems, type RecordExists } from '../../salesforce/constant-check.js';
import { canWrite, type Describer } from '../../salesforce/org-check.js';
import { LEAD, LEAD_SYNC_FIELDS } from './fields.js';

const show = (value: unknown): string => JSON.stringify(value);

/** The org's Lead statuses marked Converted (LeadStatus.IsConverted): the only ones convertLead() accepts. */
export type ConvertedStatuses = () => Promise<string[]>;

export async function checkLeadsAgainstOrg(
  leads: LeadSettings,
  describe: Describer,
  convertedStatuses: ConvertedStatuses,
  options: { prefix?: string; exists?: RecordExists } = {}
): Promise<ConfigProblem[]> {
  const prefix = options.prefix ?? 'plugins.pcsync';
  if (leads.sync !== 'lead') return [];
  const at = (...segments: PropertyKey[]): string => formatPath(prefix, ['leads', ...segments]);
  const lead = await describe(LEAD.object);
  if (!lead)
    return [{ path: at('sync'), message: 'the org has no Lead object the running user can see', severity: 'error' }];
  const problems: ConfigProblem[] = [];
  const byName = new Map(lead.fields.map((f) => [f.name.toLowerCase(), f]));
  const writable = lead.fields
    .filter((f) => f.createable && f.updateable)
    .map((f) => f.name)
    .sort();
  for (const [index, rule] of leads.mapping.entries()) {
    // checkLeadRules refuses a lead rule without a Lead field.
    if (rule.salesforce === undefined) continue;
    const field = byName.get(rule.salesforce.toLowerCase());
    if (!field)
      problems.push({
        path: at('mapping', index, 'salesforce'),
        message: `Lead has no field ${show(rule.salesforce)}; use one of: ${writable.join(', ')}`,
        severity: rule.optional ? 'warning' : 'error',
      });
    else if (!canWrite(field, rule.on))
      problems.push({
        path: at('mapping', index, 'salesforce'),
        message: `Lead.${field.name} cannot be written by the running user when the rule writes it; use one of: ${writable.join(', ')}`,
        severity: 'error',
      });
    else if (rule.value !== undefined) {
      const found = await constantProblems(rule.value, field, `Lead.${field.name}`, options.exists);
      problems.push(...found.map((p) => ({ ...p, path: at('mapping', index, 'value') })));
    }
  }
  const missing = LEAD_SYNC_FIELDS.filter((name) => !byName.has(name.toLowerCase()));
  if (missing.length > 0)
    problems.push({
      path: at('sync'),
      message: `the org's Lead lacks the sync's fields ${missing.join(', ')}: deploy force-app and assign the Partner_Center_Integration permission set`,
      severity: 'error',
    });
  problems.push(...statusProblems(lead, leads.statuses, at));
  const converted = await convertedStatuses();
  if (!problems.some((p) => p.path === at('statuses', 'converted')) && !converted.includes(leads.statuses.converted))
    problems.push({
      path: at('statuses', 'converted'),
      message: `${show(leads.statuses.converted)} is not a converted Lead Status in this org; use one of: ${converted.join(', ')}`,
      severity: 'error',
    });
  return problems;
}

function statusProblems(
  lead: DescribeSObjectResult,
  statuses: LeadStatuses,
  at: (...segments: PropertyKey[]) => string
): ConfigProblem[] {
  const picklist = lead.fields.find((f) => f.name === 'Status');
  const entries = (picklist?.picklistValues ?? []) as Array<{ active: boolean; value: string }>;
  const values = entries.filter((v) => v.active).map((v) => v.value);
  return (Object.keys(statuses) as Array<keyof LeadStatuses>)
    .filter((key) => !values.includes(statuses[key]))
    .map((key) => ({
      path: at('statuses', key),
      message: `${show(statuses[key])} is not a Lead Status in this org; use one of: ${values.join(', ')}`,
      severity: 'error' as const,
    }));
}

/** The converted statuses through SOQL (LeadStatus is readable by any API user). */
export function queryConvertedStatuses(
  query: (soql: string) => Promise<{ records: Array<{ MasterLabel?: unknown }> }>
) {
  return async (): Promise<string[]> =>
    (await query('SELECT MasterLabel FROM LeadStatus WHERE IsConverted = true ORDER BY SortOrder')).records.map((r) =>
      String(r.MasterLabel)
    );
}
