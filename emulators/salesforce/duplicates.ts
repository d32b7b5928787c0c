/**
 * The standard duplicate rules a new org has active (Help: "Standard Duplicate Rules"): Account, Contact and Lead,
 * each "Allow" with an "Alert" on create and only a report on edit, alert text "Use one of these records?". Through
 * the API an alert blocks the save with DUPLICATES_DETECTED unless the request says
 * `Sforce-Duplicate-Rule-Header: allowSave=true` (REST API Developer Guide, "Duplicate Rule Header"); the error
 * carries a DuplicateResult (SOAP API Developer Guide, "DuplicateResult", "MatchResult", "MatchRecord").
 *
 * Matching follows the standard matching rules' equations and criteria (Help: "Standard Account Matching Rule",
 * "Standard Contact Matching Rule and Standard Lead Matching Rule"); the algorithms are in matching.ts.
 */
import {
  companyBound,
  companyScore,
  editSimilarity,
  firstNameBound,
  firstNameScore,
  jaroWinkler,
  normalize,
  normalizeCompany,
  normalizePhone,
  normalizeStreet,
  similarityBounds,
} from './matching.js';
import { DuplicateIndex, type IndexedCriterion } from './duplicate-index.js';
import type { ObjectDef } from './schema.js';
import type { SfRecord } from './store.js';

type Keys = Record<string, string | null>;

type Criterion = IndexedCriterion & {
  score: (a: string, b: string) => number;
  /** An upper bound of `score`, cheaper to compute: a pair whose bound rounds below the threshold is not scored. */
  bound?: (a: string, b: string) => number;
};

type MatchingRule = {
  name: string;
  /** The object whose records the rule searches. */
  entity: string;
  criteria: Record<string, Criterion>;
  /** OR of AND groups of criteria keys. */
  equation: string[][];
  /**
   * Per group, the criterion the candidates are looked up by (duplicate-index.ts): one the row holds itself (not
   * the Account Name a Contact reads through its parent) and compared the same way in both name orders.
   */
  lookupKeys: string[];
  /** Reads a record of `entity` as the rule's keys. */
  keys: (record: SfRecord, nameOf: NameLookup) => Keys;
};

type DuplicateRule = {
  name: string;
  object: string;
  /** The rule's matching rules, with how the record being saved reads as each one's keys. */
  matching: Array<{ rule: MatchingRule; input: (record: SfRecord, nameOf: NameLookup) => Keys }>;
};

/** The Name of the record an Id points at (a Contact's Account). */
export type NameLookup = (id: unknown) => string | null;

export type DuplicateResult = {
  allowSave: boolean;
  duplicateRule: string;
  duplicateRuleEntityType: string;
  errorMessage: string;
  matchResults: Array<{
    entityType: string;
    errors: unknown[];
    matchEngine: string;
    matchRecords: Array<{
      additionalInformation: unknown[];
      fieldDiffs: unknown[];
      matchConfidence: number;
      record: SfRecord;
    }>;
    rule: string;
    size: number;
    success: boolean;
  }>;
};

/** The standard rules' alert text, which the API answers as the error message. */
export const DUPLICATE_ALERT = 'Use one of these records?';

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const exact = (a: string, b: string): number => (a === b ? 100 : 0);
/**
 * A normaliser that remembers its answers: the rules normalise every stored row's fields on each insert, and the
 * normalisers are pure, so a repeated value costs a map lookup. Bounded: past MEMO_LIMIT values it starts afresh.
 */
const MEMO_LIMIT = 200_000;

/** Each fuzzy score's upper bound (matching.ts); exact comparisons are cheap enough without one. */
const BOUNDS = new Map<(a: string, b: string) => number, (a: string, b: string) => number>([
  [companyScore, companyBound],
  [firstNameScore, firstNameBound],
  [jaroWinkler, (a, b) => similarityBounds(a, b).jaroWinkler],
  [editSimilarity, (a, b) => similarityBounds(a, b).edit],
]);
function memoized(normalizer: (value: string) => string): (value: string) => string {
  const memo = new Map<string, string>();
  return (value) => {
    let out = memo.get(value);
    if (out === undefined) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      out = normalizer(value);
      memo.set(value, out);
    }
    return out;
  };
}

const criterion = (
  threshold: number,
  score: (a: string, b: string) => number,
  normalizer: (value: string) => string = normalize,
  blank: Criterion['blank'] = 'no-match'
): Criterion => ({
  threshold,
  score,
  bound: BOUNDS.get(score),
  normalize: memoized(normalizer),
  blank,
  lookup: score === exact ? 'exact' : score === editSimilarity ? 'edit' : 'present',
});

const zip = (value: string): string => normalize(value).replace(/\s/g, '').slice(0, 5);

const ACCOUNT_RULE: MatchingRule = {
  name: 'Standard_Account_Match_Rule_v1_0',
  entity: 'Account',
  criteria: {
    name: criterion(70, companyScore, normalizeCompany),
    street: criterion(80, editSimilarity, normalizeStreet),
    city: criterion(85, editSimilarity, normalize, 'match'),
    zip: criterion(80, exact, zip, 'match'),
    phone: criterion(80, exact, normalizePhone),
  },
  equation: [
    ['name', 'street'],
    ['name', 'city', 'zip'],
    ['name', 'phone'],
  ],
  lookupKeys: ['street', 'zip', 'phone'],
  keys: (r) => ({
    name: text(r.Name),
    street: text(r.BillingStreet),
    city: text(r.BillingCity),
    zip: text(r.BillingPostalCode),
    phone: text(r.Phone),
  }),
};

const PERSON_CRITERIA: Record<string, Criterion> = {
  first: criterion(85, firstNameScore),
  last: criterion(90, jaroWinkler),
  email: criterion(100, exact),
  title: criterion(50, jaroWinkler),
  company: criterion(70, companyScore, normalizeCompany),
  phone: criterion(80, exact, normalizePhone),
  street: criterion(80, editSimilarity, normalizeStreet),
  city: criterion(85, editSimilarity),
  zip: criterion(80, exact, zip),
};

const PERSON_EQUATION = [
  ['first', 'last', 'title', 'company'],
  ['first', 'last', 'email'],
  ['first', 'last', 'phone', 'company'],
  ['first', 'last', 'street', 'city'],
  ['first', 'last', 'street', 'zip'],
  ['first', 'last', 'street', 'phone'],
  ['first', 'last', 'street', 'title'],
  ['first', 'last', 'title', 'email'],
  ['first', 'last', 'phone'],
];

// Title has no match key in Salesforce either ("No match key is generated for the Title field"): its group is looked
// up among the rows that have one.
const PERSON_LOOKUP_KEYS = ['title', 'email', 'phone', 'street', 'zip', 'phone', 'street', 'email', 'phone'];

const contactKeys = (r: SfRecord, nameOf: NameLookup): Keys => ({
  first: text(r.FirstName),
  last: text(r.LastName),
  email: text(r.Email),
  title: text(r.Title),
  company: nameOf(r.AccountId),
  phone: text(r.Phone),
  street: text(r.MailingStreet),
  city: text(r.MailingCity),
  zip: text(r.MailingPostalCode),
});

const leadKeys = (r: SfRecord): Keys => ({
  first: text(r.FirstName),
  last: text(r.LastName),
  email: text(r.Email),
  title: text(r.Title),
  company: text(r.Company),
  phone: text(r.Phone),
  street: text(r.Street),
  city: text(r.City),
  zip: text(r.PostalCode),
});

const CONTACT_RULE: MatchingRule = {
  name: 'Standard_Contact_Match_Rule_v1_1',
  entity: 'Contact',
  criteria: PERSON_CRITERIA,
  equation: PERSON_EQUATION,
  lookupKeys: PERSON_LOOKUP_KEYS,
  keys: contactKeys,
};

const LEAD_RULE: MatchingRule = {
  name: 'Standard_Lead_Match_Rule_v1_0',
  entity: 'Lead',
  criteria: PERSON_CRITERIA,
  equation: PERSON_EQUATION,
  lookupKeys: PERSON_LOOKUP_KEYS,
  keys: leadKeys,
};

// Orgs created since Summer '17 match contacts against leads and leads against contacts too.
const DUPLICATE_RULES: DuplicateRule[] = [
  {
    name: 'Standard_Account_Duplicate_Rule',
    object: 'Account',
    matching: [{ rule: ACCOUNT_RULE, input: ACCOUNT_RULE.keys }],
  },
  {
    name: 'Standard_Contact_Duplicate_Rule',
    object: 'Contact',
    matching: [
      { rule: CONTACT_RULE, input: contactKeys },
      { rule: LEAD_RULE, input: contactKeys },
    ],
  },
  {
    name: 'Standard_Lead_Duplicate_Rule',
    object: 'Lead',
    matching: [
      { rule: LEAD_RULE, input: leadKeys },
      { rule: CONTACT_RULE, input: leadKeys },
    ],
  },
];

/** An empty index of the rows the standard matching rules search (kept by the store on every write). */
export function duplicateIndex(): DuplicateIndex {
  const noParent: NameLookup = () => null;
  return new DuplicateIndex(
    [ACCOUNT_RULE, CONTACT_RULE, LEAD_RULE].map((rule) => ({ ...rule, rowKeys: (row) => rule.keys(row, noParent) }))
  );
}

/** The field's score, or undefined when it does not match (blanks as the criterion says). */
function fieldScore(c: Criterion, a: string | null, b: string | null): number | undefined {
  const x = a === null ? '' : c.normalize(a);
  const y = b === null ? '' : c.normalize(b);
  if (x === '' || y === '') return x === '' && y === '' && c.blank === 'match' ? 100 : undefined;
  if (c.bound && Math.round(c.bound(x, y)) < c.threshold) return undefined;
  const score = c.score(x, y);
  return score >= c.threshold ? score : undefined;
}

const LOOKUP_COST = { exact: 0, edit: 1, present: 2 };
const cheapFirst = new WeakMap<MatchingRule, string[][]>();

/**
 * The equation's groups with each group's cheapest criteria first: a group is an AND, so the order changes what a
 * miss costs, never the result (each score is computed once and does not depend on the others).
 */
function evaluationOrder(rule: MatchingRule): string[][] {
  let groups = cheapFirst.get(rule);
  if (!groups) {
    const cost = (key: string): number => LOOKUP_COST[rule.criteria[key].lookup];
    groups = rule.equation.map((group) => [...group].sort((a, b) => cost(a) - cost(b)));
    cheapFirst.set(rule, groups);
  }
  return groups;
}

/** The confidence (0–100) with which `mine` matches `theirs`, or undefined when no group of the equation holds. */
function confidence(rule: MatchingRule, mine: Keys, theirs: Keys): number | undefined {
  let best: number | undefined;
  // "Special Handling": first and last names are also compared transposed, for data-entry mistakes.
  const orientations = 'first' in theirs ? 2 : 1;
  for (let turn = 0; turn < orientations; turn++) {
    const other = turn === 0 ? theirs : { ...theirs, first: theirs.last, last: theirs.first };
    // A criterion recurs in several groups (First and Last Name in all nine of a person's): score it once.
    const scored: Record<string, number | undefined> = {};
    for (const group of evaluationOrder(rule)) {
      let sum = 0;
      let count = 0;
      let holds = true;
      for (const key of group) {
        // First Name: "ignores blank fields when Email is included in field grouping".
        if (key === 'first' && group.includes('email') && (mine.first === null || other.first === null)) continue;
        if (!(key in scored)) scored[key] = fieldScore(rule.criteria[key], mine[key], other[key]);
        const score = scored[key];
        if (score === undefined) {
          holds = false;
          break;
        }
        sum += score;
        count++;
      }
      if (holds) best = Math.max(best ?? 0, Math.round((sum / Math.max(count, 1)) * 10) / 10);
    }
  }
  return best;
}

export type DuplicateSearch = {
  object: ObjectDef;
  record: SfRecord;
  /** The store's rows the matching rules search, kept current on every write. */
  index: DuplicateIndex;
  nameOf: NameLookup;
  /**
   * Rows saved by the same API call. "Records within the same save aren't compared to each other; they are only
   * compared with records already in Salesforce" (Help: "Duplicate Rule Considerations").
   */
  skip: Set<string>;
  /** How a matched row is shown: its Id only, or every field (`includeRecordDetails=true`). */
  view: (objectName: string, row: SfRecord) => SfRecord;
};

/** The DuplicateResult of the object's standard rule for a record about to be created, when it has matches. */
export function findDuplicates(search: DuplicateSearch): DuplicateResult | undefined {
  const rule = DUPLICATE_RULES.find((r) => r.object === search.object.name);
  if (!rule) return undefined;
  const matchResults: DuplicateResult['matchResults'] = [];
  // Names do not change while one record is checked: look each parent up once (every Contact names its Account).
  const names = new Map<unknown, string | null>();
  const nameOf: NameLookup = (id) => {
    let name = names.get(id);
    if (name === undefined) {
      name = search.nameOf(id);
      names.set(id, name);
    }
    return name;
  };
  for (const { rule: matching, input } of rule.matching) {
    const mine = input(search.record, nameOf);
    const matchRecords: DuplicateResult['matchResults'][number]['matchRecords'] = [];
    for (const row of search.index.candidates(matching, mine)) {
      if (row.Id === search.record.Id || search.skip.has(row.Id as string)) continue;
      const score = confidence(matching, mine, matching.keys(row, nameOf));
      if (score === undefined) continue;
      matchRecords.push({
        additionalInformation: [],
        fieldDiffs: [],
        matchConfidence: score,
        record: search.view(matching.entity, row),
      });
    }
    if (matchRecords.length === 0) continue;
    matchRecords.sort((a, b) => b.matchConfidence - a.matchConfidence);
    matchResults.push({
      entityType: matching.entity,
      errors: [],
      matchEngine: 'FuzzyMatchEngine',
      matchRecords,
      rule: matching.name,
      size: matchRecords.length,
      success: true,
    });
  }
  if (matchResults.length === 0) return undefined;
  return {
    allowSave: true,
    duplicateRule: rule.name,
    duplicateRuleEntityType: search.object.name,
    errorMessage: DUPLICATE_ALERT,
    matchResults,
  };
}

/** `Sforce-Duplicate-Rule-Header: allowSave=true; includeRecordDetails=true` (each false unless given). */
export function parseDuplicateRuleHeader(value: string | undefined): {
  allowSave: boolean;
  includeRecordDetails: boolean;
} {
  const flags = new Map(
    (value ?? '')
      .split(/[;,]/)
      .map((part) => part.split('=').map((s) => s.trim().toLowerCase()))
      .filter((pair) => pair.length === 2)
      .map(([k, v]) => [k, v === 'true'])
  );
  return {
    allowSave: flags.get('allowsave') ?? false,
    includeRecordDetails: flags.get('includerecorddetails') ?? false,
  };
}
