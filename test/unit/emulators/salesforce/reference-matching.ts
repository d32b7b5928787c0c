/**
 * The duplicate matching as it was before it was made fast (emulators/salesforce matching.ts and duplicates.ts at
 * 4143abe, unchanged but for imports and exports): the reference the fast version must answer exactly like.
 */

import type { DuplicateResult, DuplicateSearch } from '../../../../emulators/salesforce/duplicates.js';
type SfRecord = Record<string, unknown>;
type NameLookup = (id: unknown) => string | null;
/** Lower case, accents and punctuation removed, runs of spaces collapsed. */
export function normalize(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9@. ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// Words the Account Name criterion ignores ("Special Handling": Inc, Corp, … are removed before comparing).
const COMPANY_NOISE = new Set([
  'the',
  'and',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'llc',
  'llp',
  'ltd',
  'limited',
  'plc',
  'gmbh',
  'ag',
  'sa',
  'kk',
  'bv',
  'nv',
  'pty',
  'group',
  'holdings',
]);

export function normalizeCompany(value: string): string {
  return normalize(value.replace(/&/g, ' and '))
    .replace(/\./g, ' ')
    .split(' ')
    .filter((w) => w !== '' && !COMPANY_NOISE.has(w))
    .join(' ');
}

const STREET_WORDS: Record<string, string> = {
  st: 'street',
  str: 'street',
  ave: 'avenue',
  av: 'avenue',
  rd: 'road',
  dr: 'drive',
  blvd: 'boulevard',
  ln: 'lane',
  ct: 'court',
  pl: 'place',
  sq: 'square',
  hwy: 'highway',
  pkwy: 'parkway',
  ste: 'suite',
  n: 'north',
  s: 'south',
  e: 'east',
  w: 'west',
};

export function normalizeStreet(value: string): string {
  return normalize(value.replace(/\./g, ' '))
    .split(' ')
    .map((w) => STREET_WORDS[w] ?? w)
    .join(' ');
}

/** Digits only, without a leading North American `1` ("Phone: Special Handling"). */
export function normalizePhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
}

export function editSimilarity(a: string, b: string): number {
  if (a === b) return 100;
  const rows = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = rows[0];
    rows[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const kept = rows[j];
      rows[j] = Math.min(rows[j] + 1, rows[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = kept;
    }
  }
  return Math.round((1 - rows[b.length] / Math.max(a.length, b.length, 1)) * 100);
}

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 100;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - window); j < Math.min(b.length, i + window + 1); j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a[i] !== b[k]) transpositions++;
    k++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && a[prefix] === b[prefix]) prefix++;
  return Math.round((jaro + prefix * 0.1 * (1 - jaro)) * 100);
}

/** "Acronym": IBM and International Business Machines score 100. */
export function acronymScore(a: string, b: string): number {
  const acronym = (words: string): string =>
    words
      .split(' ')
      .map((w) => w[0] ?? '')
      .join('');
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return long.includes(' ') && !short.includes(' ') && short === acronym(long) ? 100 : 0;
}

// "Name Variant": common nicknames. A sample of the table Salesforce uses, enough for tests to see the algorithm.
const NAME_VARIANTS = [
  ['robert', 'bob', 'rob', 'bobby'],
  ['william', 'bill', 'will', 'billy'],
  ['james', 'jim', 'jimmy'],
  ['michael', 'mike', 'mick'],
  ['elizabeth', 'liz', 'beth', 'betty'],
  ['katherine', 'kate', 'kathy', 'catherine'],
  ['richard', 'rick', 'dick', 'rich'],
  ['margaret', 'maggie', 'peggy', 'meg'],
  ['thomas', 'tom', 'tommy'],
  ['jennifer', 'jen', 'jenny'],
  ['anthony', 'tony'],
  ['joseph', 'joe'],
  ['daniel', 'dan', 'danny'],
  ['christopher', 'chris'],
  ['alexander', 'alex'],
];

export function firstNameScore(a: string, b: string): number {
  if (a === b) return 100;
  const initials = (x: string, y: string): boolean => x.length === 1 && y.startsWith(x);
  if (initials(a, b) || initials(b, a)) return 100;
  if (NAME_VARIANTS.some((group) => group.includes(a) && group.includes(b))) return 100;
  return jaroWinkler(a, b);
}

export function companyScore(a: string, b: string): number {
  return Math.max(jaroWinkler(a, b), editSimilarity(a, b), acronymScore(a, b));
}
type Keys = Record<string, string | null>;

type Criterion = {
  normalize: (value: string) => string;
  score: (a: string, b: string) => number;
  threshold: number;
  /** "Blank Fields": `match` treats two blanks as a match; `no-match` never matches a blank. */
  blank: 'match' | 'no-match';
};

type MatchingRule = {
  name: string;
  /** The object whose records the rule searches. */
  entity: string;
  criteria: Record<string, Criterion>;
  /** OR of AND groups of criteria keys. */
  equation: string[][];
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

/** The standard rules' alert text, which the API answers as the error message. */

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const exact = (a: string, b: string): number => (a === b ? 100 : 0);
const criterion = (
  threshold: number,
  score: (a: string, b: string) => number,
  normalizer: (value: string) => string = normalize,
  blank: Criterion['blank'] = 'no-match'
): Criterion => ({ threshold, score, normalize: normalizer, blank });

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
  keys: contactKeys,
};

const LEAD_RULE: MatchingRule = {
  name: 'Standard_Lead_Match_Rule_v1_0',
  entity: 'Lead',
  criteria: PERSON_CRITERIA,
  equation: PERSON_EQUATION,
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

/** The field's score, or undefined when it does not match (blanks as the criterion says). */
function fieldScore(c: Criterion, a: string | null, b: string | null): number | undefined {
  const x = a === null ? '' : c.normalize(a);
  const y = b === null ? '' : c.normalize(b);
  if (x === '' || y === '') return x === '' && y === '' && c.blank === 'match' ? 100 : undefined;
  const score = c.score(x, y);
  return score >= c.threshold ? score : undefined;
}

/** The confidence (0–100) with which `mine` matches `theirs`, or undefined when no group of the equation holds. */
function confidence(rule: MatchingRule, mine: Keys, theirs: Keys): number | undefined {
  // "Special Handling": first and last names are also compared transposed, for data-entry mistakes.
  const candidates = 'first' in theirs ? [theirs, { ...theirs, first: theirs.last, last: theirs.first }] : [theirs];
  let best: number | undefined;
  for (const other of candidates) {
    for (const group of rule.equation) {
      const scores: number[] = [];
      const holds = group.every((key) => {
        // First Name: "ignores blank fields when Email is included in field grouping".
        if (key === 'first' && group.includes('email') && (mine.first === null || other.first === null)) return true;
        const score = fieldScore(rule.criteria[key], mine[key], other[key]);
        if (score !== undefined) scores.push(score);
        return score !== undefined;
      });
      if (holds) {
        const mean = scores.reduce((sum, s) => sum + s, 0) / Math.max(scores.length, 1);
        best = Math.max(best ?? 0, Math.round(mean * 10) / 10);
      }
    }
  }
  return best;
}

/** The DuplicateResult of the object's standard rule for a record about to be created, when it has matches. */
/** The search as the plain scan takes it: every stored row of an object, in the store's order. */
export type ScanSearch = Omit<DuplicateSearch, 'index'> & { rows: (objectName: string) => SfRecordLike[] };
type SfRecordLike = Record<string, unknown>;

export function findDuplicates(search: ScanSearch): DuplicateResult | undefined {
  const rule = DUPLICATE_RULES.find((r) => r.object === search.object.name);
  if (!rule) return undefined;
  const matchResults: DuplicateResult['matchResults'] = [];
  for (const { rule: matching, input } of rule.matching) {
    const mine = input(search.record, search.nameOf);
    const matchRecords: DuplicateResult['matchResults'][number]['matchRecords'] = [];
    for (const row of search.rows(matching.entity)) {
      if (row.Id === search.record.Id || search.skip.has(row.Id as string)) continue;
      const score = confidence(matching, mine, matching.keys(row, search.nameOf));
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
    errorMessage: 'Use one of these records?',
    matchResults,
  };
}
