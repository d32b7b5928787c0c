/**
 * The field comparisons the standard matching rules use (Help: "Matching Criteria in Matching Rules", "Matching
 * Algorithms Available for Matching Rules"): Exact, Edit Distance, Jaro-Winkler, Initials, Name Variant and Acronym,
 * each scored 0–100, and the normalisation applied before comparing (case, punctuation, company suffixes,
 * street abbreviations, phone digits). Metaphone 3 and Keyboard Distance are approximated by Jaro-Winkler.
 */

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
