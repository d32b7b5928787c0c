/**
 * Checks that a schema-valid configuration also makes sense as a whole: no two rules write one field, no rule
 * writes what its side cannot write, and every two-way value map can be read both ways.
 */
import { formatPath, type ConfigProblem } from '../config/problems.js';
import { isListPath, READ_ONLY_REFERRAL_PATHS, REFERRAL_FIELDS } from './referral-paths.js';
import { accountField, MATCH_PATHS } from './customer.js';
import { systemRuleFor } from './system-rules.js';
import type { FieldRule, PcsyncConfig, StageSettings } from '../config/schema.js';

const writesSalesforce = (rule: FieldRule): boolean => rule.direction !== 'outbound';
const writesPartnerCenter = (rule: FieldRule): boolean => rule.direction !== 'inbound';
const show = (value: unknown): string => JSON.stringify(value);

export function checkRules(
  config: Omit<PcsyncConfig, 'mapping'> & { mapping: FieldRule[] },
  prefix: string
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const error = (segments: PropertyKey[], message: string): void => {
    problems.push({ path: formatPath(prefix, segments), message, severity: 'error' });
  };

  const salesforceTargets = new Map<string, number>();
  const partnerCenterTargets = new Map<string, number>();

  config.mapping.forEach((rule, index) => {
    const at = (...rest: PropertyKey[]): PropertyKey[] => ['mapping', index, ...rest];

    if (writesSalesforce(rule) && rule.salesforce !== undefined) {
      const key = rule.salesforce.toLowerCase();
      const first = salesforceTargets.get(key);
      const system = systemRuleFor(rule.salesforce);
      if (system) {
        error(
          at('salesforce'),
          `${show(rule.salesforce)} is written by the sync itself (from ${show(system.partnerCenter)}); remove this rule`
        );
      } else if (first !== undefined) {
        error(
          at('salesforce'),
          `${show(rule.salesforce)} is already written by mapping[${first}]; each Salesforce field can be the target of one inbound rule only`
        );
      } else {
        salesforceTargets.set(key, index);
      }
      if (rule.salesforce.includes('.')) {
        error(
          at('direction'),
          `${show(rule.direction)} would write through the relationship path ${show(rule.salesforce)}, which can only be read; use "outbound"`
        );
      }
    }

    if (writesPartnerCenter(rule) && rule.partnerCenter !== undefined) {
      const first = partnerCenterTargets.get(rule.partnerCenter);
      if (first !== undefined) {
        error(
          at('partnerCenter'),
          `${show(rule.partnerCenter)} is already written by mapping[${first}]; each Partner Center field can be the target of one outbound rule only`
        );
      } else {
        partnerCenterTargets.set(rule.partnerCenter, index);
      }
      if (READ_ONLY_REFERRAL_PATHS.has(rule.partnerCenter)) {
        error(
          at('direction'),
          `${show(rule.direction)} would write ${show(rule.partnerCenter)}, which Partner Center sets itself; use "inbound"`
        );
      }
    }

    if (rule.value !== undefined) {
      const problem = rule.partnerCenter === undefined ? undefined : constantProblem(rule.partnerCenter, rule.value);
      if (problem) error(at('value'), problem);
      return;
    }
    const list = rule.partnerCenter !== undefined && isListPath(rule.partnerCenter);
    if (list && rule.transform?.type !== 'list') {
      error(
        at('transform'),
        `${show(rule.partnerCenter)} is a list; add "transform": { "type": "list", "separator": ";" } to join it into one Salesforce field`
      );
    }
    if (!list && rule.transform?.type === 'list') {
      error(
        at('transform'),
        `"list" needs a list path such as "details.requirements.solutions[].id", not ${show(rule.partnerCenter)}`
      );
    }

    if (rule.valueMap) problems.push(...checkValueMap(rule, formatPath(prefix, at('valueMap'))));
  });

  problems.push(...checkStages(config.stages, formatPath(prefix, ['stages'])));
  problems.push(...checkAccountMatch(config, prefix));
  return problems;
}

/** What is wrong with sending this constant to a referral path, if anything (its type, from the swagger). */
function constantProblem(path: string, value: string | number | boolean): string | undefined {
  if (isListPath(path)) return `${show(path)} is a list; a constant can only fill a single value`;
  const expected = REFERRAL_FIELDS[path] === 'datetime' ? 'string' : REFERRAL_FIELDS[path];
  if (expected && typeof value !== expected)
    return `${show(value)} is a ${typeof value}, but Partner Center's ${show(path)} takes a ${REFERRAL_FIELDS[path]}`;
  return undefined;
}

/** An `accounts.match` key the mapping does not name an Account field for is not compared (a warning). */
function checkAccountMatch(config: Pick<PcsyncConfig, 'accounts' | 'mapping'>, prefix: string): ConfigProblem[] {
  return config.accounts.match.flatMap((key, index) => {
    if (accountField(config.mapping, MATCH_PATHS[key])) return [];
    const effect =
      key === 'name' ? 'incoming customers are not matched to Accounts, nor created' : 'it is not compared';
    return [
      {
        path: formatPath(prefix, ['accounts', 'match', index]),
        message: `${effect}: no mapping rule maps ${show(MATCH_PATHS[key])} to an Account field (add one such as "Account.${ACCOUNT_FIELD_EXAMPLE[key]}")`,
        severity: 'warning' as const,
      },
    ];
  });
}
const ACCOUNT_FIELD_EXAMPLE = { name: 'Name', country: 'BillingCountry', postalCode: 'BillingPostalCode' } as const;

function checkValueMap(rule: FieldRule, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const entries = rule.valueMap ?? [];

  if (writesSalesforce(rule)) {
    const seen = new Map<string, number>();
    entries.forEach((entry, index) => {
      const key = show(entry.partnerCenter);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else
        problems.push({
          path: `${path}[${index}].partnerCenter`,
          message: `${key} is already mapped by ${path}[${first}]; an inbound value map sends each Partner Center value to one Salesforce value`,
          severity: 'error',
        });
    });
  }

  if (writesPartnerCenter(rule)) {
    const bySalesforce = new Map<string, number[]>();
    entries.forEach((entry, index) => {
      const key = show(entry.salesforce);
      bySalesforce.set(key, [...(bySalesforce.get(key) ?? []), index]);
    });
    for (const [value, indexes] of bySalesforce) {
      if (indexes.length < 2) continue;
      const chosen = indexes.filter((index) => entries[index].outbound === true);
      if (chosen.length !== 1) {
        const sources = indexes.map((index) => show(entries[index].partnerCenter)).join(' and ');
        problems.push({
          path: `${path}[${indexes[0]}]`,
          message:
            chosen.length === 0
              ? `${sources} both map to the Salesforce value ${value}; mark the one to send back to Partner Center with "outbound": true`
              : `${sources} map to ${value} and ${chosen.length} of them say "outbound": true; exactly one may`,
          severity: 'error',
        });
      }
    }
  }
  return problems;
}

function checkStages(stages: StageSettings, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const closed: Array<[keyof StageSettings, string]> = [
    ['won', stages.won],
    ['lost', stages.lost],
    ['declined', stages.declined],
    ['expired', stages.expired],
  ];
  if (stages.active.includes(stages.onHold)) {
    problems.push({
      path: `${path}.onHold`,
      message: `${show(stages.onHold)} is also an active stage; the on-hold stage must differ, since moving out of it accepts the referral`,
      severity: 'error',
    });
  }
  for (const [key, stage] of closed) {
    if (stage === stages.onHold || stages.active.includes(stage)) {
      problems.push({
        path: `${path}.${key}`,
        message: `${show(stage)} is also the on-hold or an active stage; a closed stage must be a different StageName`,
        severity: 'error',
      });
    }
  }
  if (stages.won === stages.lost) {
    problems.push({
      path: `${path}.won`,
      message: `${show(stages.won)} is also the lost stage; won and lost must differ`,
      severity: 'error',
    });
  }
  return problems;
}
