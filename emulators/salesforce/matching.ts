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

// Scratch rows reused across calls: the duplicate rules compare every stored row on each insert, and allocating per
// comparison dominated the emulator's time (the results are the same as with fresh arrays).
let editRow = new Int32Array(64);
let aMatched = new Uint8Array(64);
let bMatched = new Uint8Array(64);

export function editSimilarity(a: string, b: string): number {
  if (a === b) return 100;
  if (editRow.length <= b.length) editRow = new Int32Array(b.length * 2 + 1);
  const rows = editRow;
  for (let j = 0; j <= b.length; j++) rows[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let previous = rows[0];
    rows[0] = i;
    const c = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const kept = rows[j];
      rows[j] = Math.min(rows[j] + 1, rows[j - 1] + 1, previous + (c === b.charCodeAt(j - 1) ? 0 : 1));
      previous = kept;
    }
  }
  return Math.round((1 - rows[b.length] / Math.max(a.length, b.length, 1)) * 100);
}

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 100;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  if (aMatched.length < a.length) aMatched = new Uint8Array(a.length * 2);
  if (bMatched.length < b.length) bMatched = new Uint8Array(b.length * 2);
  aMatched.fill(0, 0, a.length);
  bMatched.fill(0, 0, b.length);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    const end = Math.min(b.length, i + window + 1);
    for (let j = Math.max(0, i - window); j < end; j++) {
      if (bMatched[j] === 1 || c !== b.charCodeAt(j)) continue;
      aMatched[i] = bMatched[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (aMatched[i] === 0) continue;
    while (bMatched[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return Math.round((jaro + prefix * 0.1 * (1 - jaro)) * 100);
}

/** The first letters of the words ("international business machines" → "ibm"). */
function acronym(words: string): string {
  let out = '';
  for (const w of words.split(' ')) out += w[0] ?? '';
  return out;
}

/** "Acronym": IBM and International Business Machines score 100. */
export function acronymScore(a: string, b: string): number {
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

/** Each nickname's groups (by index in NAME_VARIANTS), so a comparison looks up two names, not every group. */
const VARIANT_GROUPS = new Map<string, number[]>();
NAME_VARIANTS.forEach((group, index) => {
  for (const name of group) VARIANT_GROUPS.set(name, [...(VARIANT_GROUPS.get(name) ?? []), index]);
});

/** "Initials": a one-letter name matches a name that starts with it. */
const isInitialOf = (x: string, y: string): boolean => x.length === 1 && y.startsWith(x);

/** Same name, an initial, or nicknames of one name: scored 100 before any fuzzy comparison. */
function sameFirstName(a: string, b: string): boolean {
  if (a === b || isInitialOf(a, b) || isInitialOf(b, a)) return true;
  const groupsOfB = VARIANT_GROUPS.get(b);
  return groupsOfB !== undefined && VARIANT_GROUPS.get(a)?.some((g) => groupsOfB.includes(g)) === true;
}

export function firstNameScore(a: string, b: string): number {
  return sameFirstName(a, b) ? 100 : jaroWinkler(a, b);
}

/** An upper bound of firstNameScore (see similarityBounds). */
export function firstNameBound(a: string, b: string): number {
  return sameFirstName(a, b) ? 100 : similarityBounds(a, b).jaroWinkler;
}

let charCounts = new Int32Array(128);

/**
 * How many characters the two strings have in common (as multisets), or the shorter length when a character is
 * outside ASCII. No alignment can match more characters than this, which bounds every similarity below from above.
 */
function commonChars(a: string, b: string): number {
  if (charCounts.length < 128) charCounts = new Int32Array(128);
  let ascii = true;
  for (let i = 0; i < a.length && ascii; i++) ascii = a.charCodeAt(i) < 128;
  for (let i = 0; i < b.length && ascii; i++) ascii = b.charCodeAt(i) < 128;
  if (!ascii) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) charCounts[a.charCodeAt(i)]++;
  let common = 0;
  for (let i = 0; i < b.length; i++) {
    const code = b.charCodeAt(i);
    if (charCounts[code] > 0) {
      charCounts[code]--;
      common++;
    }
  }
  for (let i = 0; i < a.length; i++) charCounts[a.charCodeAt(i)] = 0;
  return common;
}

/**
 * Upper bounds (unrounded, 0–100) of jaroWinkler and editSimilarity from the characters in common: Jaro's matches
 * are common characters, and an edit script keeps at most that many, so the distance is at least the longer length
 * minus them. A pair whose bound rounds below a threshold cannot reach it, and its full score need not be computed.
 */
export function similarityBounds(a: string, b: string): { jaroWinkler: number; edit: number } {
  if (a === b) return { jaroWinkler: 100, edit: 100 };
  const common = commonChars(a, b);
  const jaro = a.length === 0 || b.length === 0 || common === 0 ? 0 : (common / a.length + common / b.length + 1) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return {
    jaroWinkler: Math.min(1, jaro + prefix * 0.1 * (1 - jaro)) * 100,
    edit: (common / Math.max(a.length, b.length, 1)) * 100,
  };
}

export function companyScore(a: string, b: string): number {
  return Math.max(jaroWinkler(a, b), editSimilarity(a, b), acronymScore(a, b));
}

/** An upper bound of companyScore (see similarityBounds). */
export function companyBound(a: string, b: string): number {
  const bounds = similarityBounds(a, b);
  return Math.max(bounds.jaroWinkler, bounds.edit, acronymScore(a, b));
}
