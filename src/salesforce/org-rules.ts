/**
 * The mapping as this org can take it. In an org with State and Country/Territory Picklists the Account's country
 * and state are exact in their code fields, while the name fields hold whatever integration values the admin set
 * (Help: "State and Country/Territory Picklists"): a rule on `Account.BillingCountry` reads and matches through
 * `Account.BillingCountryCode` there.
 */
import type { FieldRule } from '../config/schema.js';
import type { OrgSchema } from './org-schema.js';

const ACCOUNT_ADDRESS = /^Account\.(\w*?)(Country|State)$/;

export async function picklistAwareRules(rules: readonly FieldRule[], schema: OrgSchema): Promise<FieldRule[]> {
  const out: FieldRule[] = [];
  for (const rule of rules) {
    const address = rule.salesforce === undefined ? null : ACCOUNT_ADDRESS.exec(rule.salesforce);
    const picklists = address ? await schema.addresses('Account', address[1]) : undefined;
    out.push(picklists ? { ...rule, salesforce: `${rule.salesforce}Code` } : rule);
  }
  return out;
}
