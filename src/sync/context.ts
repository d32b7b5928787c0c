/** What one sync pass works with. */
import type { Connection } from '@jsforce/jsforce-node';
import type { FieldRule, PcsyncConfig } from '../config/schema.js';
import type { PartnerCenterClient } from '../partner-center/client.js';
import { OPP } from '../salesforce/fields.js';
import type { Progress } from './types.js';

export type SyncContext = {
  connection: Connection;
  client: PartnerCenterClient;
  config: PcsyncConfig;
  /** The system rules and the mapping rules that apply in this org (optional rules whose field the org lacks are left out). */
  rules: FieldRule[];
  dryRun: boolean;
  now: () => Date;
  progress: Progress;
};

/** The Opportunity fields every pass selects, plus the mapped ones. */
export function opportunitySelect(rules: readonly FieldRule[]): string {
  const fields = new Set<string>(['Id', 'Name', 'StageName', 'AccountId', ...Object.values(OPP)]);
  for (const rule of rules) fields.add(rule.salesforce);
  return [...fields].join(', ');
}
