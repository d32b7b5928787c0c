/**
 * What the org can take before a run starts: the sync's objects and fields, readable and writable by the sync's user,
 * the mapping's rules narrowed to the fields the org has, and what each Opportunity field can hold.
 */
import type { PcsyncConfig } from '../config/schema.js';
import { syncRules } from '../mapping/system-rules.js';
import { requireFieldAccess, syncFieldNeeds } from '../salesforce/field-access.js';
import { OPP } from '../salesforce/fields.js';
import type { FieldLimits } from '../salesforce/limits.js';
import { missingObject } from '../salesforce/org-check.js';
import { picklistAwareRules } from '../salesforce/org-rules.js';
import type { OrgSchema } from '../salesforce/org-schema.js';
import type { SyncContext } from './context.js';
import { syncMessages as messages } from './messages.js';

/**
 * The rules this org can take — the system rules, then the mapping without an optional rule whose field the org
 * lacks — and what each Opportunity field can hold. A missing sync field stops the run.
 */
export async function describeOrg(
  config: PcsyncConfig,
  schema: OrgSchema
): Promise<{ rules: SyncContext['rules']; limits: FieldLimits }> {
  // Every describe the run may need, in one request: its own objects, then the customers' Account and Contact.
  await schema.prefetch([...new Set(syncFieldNeeds(config).map((need) => need.object)), 'Account', 'Contact']);
  await requireFieldAccess((name) => schema.describe(name).catch(missingObject), config);
  const limits = await schema.limits('Opportunity');
  const missing = Object.values(OPP).filter((name) => !limits.has(name.toLowerCase()));
  if (missing.length > 0) throw messages.createError('error.notDeployed', [missing.join(', ')]);
  const applicable = config.mapping.filter(
    (rule) =>
      !rule.optional ||
      rule.salesforce === undefined ||
      rule.salesforce.includes('.') ||
      limits.has(rule.salesforce.toLowerCase())
  );
  return { rules: syncRules(await picklistAwareRules(applicable, schema)), limits };
}
