/** What one sync pass works with. */
import type { Connection } from '@jsforce/jsforce-node';
import type { FieldRule, PcsyncConfig } from '../config/schema.js';
import type { PartnerCenterClient } from '../partner-center/client.js';
import { OPP } from '../salesforce/fields.js';
import type { FieldLimits } from '../salesforce/limits.js';
import type { OrgSchema } from '../salesforce/org-schema.js';
import type { Traffic } from '../shared/traffic.js';
import type { Progress } from './types.js';

export type SyncContext = {
  connection: Connection;
  client: PartnerCenterClient;
  config: PcsyncConfig;
  /**
   * The system rules and the mapping rules that apply in this org (optional rules whose field the org lacks are out).
   */
  rules: FieldRule[];
  /** What each Opportunity field can hold (from the org's describe). */
  limits: FieldLimits;
  /** The org's describes of the other objects a pass writes (Account, Contact), read once per run when needed. */
  schema: OrgSchema;
  dryRun: boolean;
  /** This machine's clock (Audit lines); watermarks come from the servers' clocks through `traffic`. */
  now: () => Date;
  traffic: Traffic;
  progress: Progress;
  /** Called before each batch of writes: throws when this run no longer holds the org's sync lease. */
  checkpoint: () => void;
  /** What the run had to work around (e.g. a query option Partner Center refused), said once in its run record. */
  notices: Set<string>;
  /** Each Opportunity's sync state as the run first read it (by 15-character Id): notifications go on a change. */
  priorStates: Map<string, string | null>;
};

/** The Opportunity fields every pass selects, plus the mapped ones. */
export function opportunitySelect(rules: readonly FieldRule[]): string {
  const fields = new Set<string>([
    'Id',
    'Name',
    'StageName',
    'AccountId',
    'CreatedDate',
    'SystemModstamp',
    ...Object.values(OPP),
  ]);
  for (const rule of rules) if (rule.salesforce !== undefined) fields.add(rule.salesforce);
  return [...fields].join(', ');
}
