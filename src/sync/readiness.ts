/**
 * Partner Center's rules for sharing an Opportunity, checked before any call, so a rep reads what to fix on the
 * record instead of an API error: a country Partner Center knows on the Account, at least one well-formed solution
 * id, and for a co-sell the help requested and a customer contact. The record page's panel applies the same rules,
 * codes and words (force-app/main/default/lwc/pcsyncReadiness); test/fixtures/readiness-cases.json holds both to them.
 */
import type { FieldRule } from '../config/schema.js';
import { toCountryCode } from '../mapping/countries.js';
import { DEFAULT_MAPPING } from '../mapping/defaults.js';
import { DEAL_TYPE, OPP } from '../salesforce/fields.js';
import { syncMessages as messages } from './messages.js';

/**
 * A solution id as Microsoft documents it (ReferralRequirements.solutions is a list of SolutionTag { id, name, type },
 * https://learn.microsoft.com/en-us/partner-center/developer/referral-resources): a co-sell solution's id, "SOL-" and
 * dash-separated letters and digits (SOL-34104-EBB, SOL-Microsoft365 in the create-a-referral samples), or a
 * Microsoft catalog id, letters and digits (SolutionType Category/Name, e.g. Dynamics365forFieldService).
 */
const SOLUTION_ID = /^(SOL(-[A-Za-z0-9]+)+|[A-Za-z][A-Za-z0-9]+)$/;
const SOLUTION_ID_MAX_LENGTH = 100;

export type ReadinessCode =
  'noAccount' | 'noCountry' | 'badCountry' | 'noSolution' | 'badSolution' | 'noHelp' | 'noContact';
export type ReadinessProblem = { code: ReadinessCode; message: string };

export type ReadinessInput = {
  accountName?: string;
  billingCountry?: string;
  /** Account.BillingCountryCode in orgs with State and Country Picklists; wins over the name when set. */
  billingCountryCode?: string;
  /** Partner_Center_Solutions__c as stored. */
  solutionsText?: string | null;
  helpRequested: boolean;
  contactCount: number;
  /** Partner_Center_Deal_Type__c; without one (a record from before it), help requested means a co-sell. */
  dealType?: string | null;
};

/** The list separator of the mapping rule for Partner_Center_Solutions__c: the configured rule, else the default. */
function solutionsSeparator(rules: readonly FieldRule[]): string {
  for (const rule of [...rules, ...DEFAULT_MAPPING]) {
    if (rule.salesforce === OPP.solutions && rule.transform?.type === 'list') return rule.transform.separator;
  }
  throw new Error(`The default mapping has no list rule for ${OPP.solutions}.`);
}

/** The ids in Partner_Center_Solutions__c, split as the mapping splits them for Partner Center, without repeats. */
function parseSolutionsText(text: string | null | undefined, separator: string): string[] {
  const ids = (text ?? '')
    .split(separator)
    .map((id) => id.trim())
    .filter(Boolean);
  return [...new Set(ids)];
}

/** The problems, in words a rep can act on; empty when the Opportunity can be shared. */
export function readinessProblems(
  input: ReadinessInput,
  rules: readonly FieldRule[] = DEFAULT_MAPPING
): ReadinessProblem[] {
  const problems: ReadinessProblem[] = [];
  const add = (code: ReadinessCode, ...values: string[]): void => {
    problems.push({ code, message: messages.getMessage(`readiness.${code}`, values) });
  };
  const country = (input.billingCountryCode || input.billingCountry || '').trim();
  if (!input.accountName) add('noAccount');
  else if (!country) add('noCountry', input.accountName);
  else if (!toCountryCode(country)) add('badCountry', country, input.accountName);
  const separator = solutionsSeparator(rules);
  const ids = parseSolutionsText(input.solutionsText, separator);
  if (ids.length === 0) add('noSolution');
  const bad = ids.filter((id) => id.length > SOLUTION_ID_MAX_LENGTH || !SOLUTION_ID.test(id));
  if (bad.length > 0) add('badSolution', bad.join(', '), separator);
  const coSell = input.dealType ? input.dealType === DEAL_TYPE.coSell : input.helpRequested;
  if (coSell && !input.helpRequested) add('noHelp');
  if (coSell && input.contactCount === 0) add('noContact');
  return problems;
}
