import { expect } from 'chai';
import { duplicateIndex, findDuplicates, type DuplicateSearch } from '../../../../emulators/salesforce/duplicates.js';
import {
  acronymScore,
  companyBound,
  companyScore,
  editSimilarity,
  firstNameBound,
  firstNameScore,
  jaroWinkler,
  similarityBounds,
} from '../../../../emulators/salesforce/matching.js';
import type { ObjectDef } from '../../../../emulators/salesforce/schema.js';
import { seededRandom } from '../../../../emulators/shared/random.js';
import * as reference from './reference-matching.js';
import type { ScanSearch } from './reference-matching.js';

type Row = Record<string, unknown>;

// The fast matching skips a pair when an upper bound of its score rounds below the threshold, and caches
// normalised values: it must answer exactly as the plain scan did (reference-matching.ts), at and around every
// threshold. Small alphabets and one-letter edits make near misses and exact-threshold scores common.
const random = seededRandom(20261130);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

function mutate(value: string): string {
  if (value === '' || random() < 0.4) return value;
  const i = Math.floor(random() * value.length);
  const letter = pick('abcdeimnorstu'.split(''));
  switch (pick(['drop', 'swap', 'replace', 'insert', 'case'])) {
    case 'drop':
      return value.slice(0, i) + value.slice(i + 1);
    case 'swap':
      return value.slice(0, i) + value.slice(i + 1, i + 2) + value.slice(i, i + 1) + value.slice(i + 2);
    case 'replace':
      return value.slice(0, i) + letter + value.slice(i + 1);
    case 'insert':
      return value.slice(0, i) + letter + value.slice(i);
    default:
      return value.toUpperCase();
  }
}

const COMPANIES = [
  'Fabrikam 1',
  'Fabrikam 12',
  'Contoso, Inc.',
  'Contoso Ltd',
  'Northwind & Co',
  'IBM',
  'International Business Machines',
  'A',
  'Abcdefgh',
  'Tailspin Toys GmbH',
  'Wingtip',
  'Café Résumé',
  '',
];
const STREETS = ['1 Main St', '1 Main Street', '12 Main St.', '100 Elm Ave', '1 Mian St', ''];
const CITIES = ['Redmond', 'Redmnd', 'Seattle', ''];
const ZIPS = ['98052', '98052-1234', '98053', ''];
const PHONES = ['(425) 555-0100', '1 425 555 0100', '4255550100', '5550100', ''];
const FIRSTS = ['Ada', 'A', 'Bob', 'Robert', 'Rob', 'Bill', 'William', 'Jon', 'John', ''];
const LASTS = ['Customer1', 'Customer12', 'Lovelace', 'Lovelce', 'Smith', 'Smyth', 'Ada'];
const TITLES = ['CTO', 'Chief Technology Officer', 'Buyer', ''];

const blankable = (value: string): string | null => (value === '' ? null : mutate(value));
let sequence = 0;
const id = (prefix: string): string => `${prefix}${String(++sequence).padStart(15, '0')}`;

function account(): Row {
  return {
    Id: id('001'),
    Name: mutate(pick(COMPANIES)) || 'X',
    BillingStreet: blankable(pick(STREETS)),
    BillingCity: blankable(pick(CITIES)),
    BillingPostalCode: blankable(pick(ZIPS)),
    Phone: blankable(pick(PHONES)),
  };
}

function person(prefix: string, accounts: Row[]): Row {
  const email = random() < 0.5 ? `${pick(FIRSTS).toLowerCase() || 'x'}@example.com` : null;
  // Some names entered the wrong way round (the rules also compare them transposed).
  const [first, last] = random() < 0.3 ? [pick(LASTS), pick(FIRSTS) || 'Ada'] : [pick(FIRSTS), pick(LASTS)];
  return {
    Id: id(prefix),
    FirstName: blankable(first),
    LastName: mutate(last),
    Email: email,
    Title: blankable(pick(TITLES)),
    Phone: blankable(pick(PHONES)),
    ...(prefix === '003'
      ? {
          AccountId: pick(accounts).Id,
          MailingStreet: blankable(pick(STREETS)),
          MailingCity: blankable(pick(CITIES)),
          MailingPostalCode: blankable(pick(ZIPS)),
        }
      : {
          Company: mutate(pick(COMPANIES)) || 'X',
          Street: blankable(pick(STREETS)),
          City: blankable(pick(CITIES)),
          PostalCode: blankable(pick(ZIPS)),
        }),
  };
}

function strings(n: number): string[] {
  const pool = [...COMPANIES, ...STREETS, ...FIRSTS, ...LASTS, ...TITLES].map((s) => s.toLowerCase());
  return Array.from({ length: n }, () => mutate(mutate(pick(pool))));
}

describe('Salesforce emulator: the fast duplicate matching answers as the plain scan did', function () {
  this.timeout(60_000);

  it('scores every pair of fields exactly as before (edit distance, Jaro-Winkler, acronym, names, companies)', () => {
    const values = strings(160);
    const scores = { editSimilarity, jaroWinkler, acronymScore, firstNameScore, companyScore };
    for (const a of values) {
      for (const b of values) {
        for (const [name, score] of Object.entries(scores)) {
          const expected = reference[name as keyof typeof scores](a, b);
          if (score(a, b) !== expected) expect.fail(`${name}(${JSON.stringify(a)}, ${JSON.stringify(b)})`);
        }
      }
    }
  });

  it('bounds every score from above, so a pair skipped below a threshold could not have reached it', () => {
    const values = strings(160);
    const atThreshold = { jaroWinkler: 0, edit: 0 };
    for (const a of values) {
      for (const b of values) {
        const bounds = similarityBounds(a, b);
        const checks: Array<[string, number, number]> = [
          ['jaroWinkler', bounds.jaroWinkler, reference.jaroWinkler(a, b)],
          ['edit', bounds.edit, reference.editSimilarity(a, b)],
          ['company', companyBound(a, b), reference.companyScore(a, b)],
          ['firstName', firstNameBound(a, b), reference.firstNameScore(a, b)],
        ];
        for (const [name, bound, score] of checks) {
          if (Math.round(bound) < score) expect.fail(`${name} bound ${bound} < ${score} for ${a} / ${b}`);
        }
        // The bound is tight enough to matter: pairs exactly at a threshold are in the sample.
        if (reference.jaroWinkler(a, b) === 90) atThreshold.jaroWinkler++;
        if (reference.editSimilarity(a, b) === 80) atThreshold.edit++;
      }
    }
    expect(atThreshold.jaroWinkler).to.be.greaterThan(0);
    expect(atThreshold.edit).to.be.greaterThan(0);
  });

  it('finds the same duplicates with the same confidences for Accounts, Contacts and Leads', () => {
    const rows: Record<string, Row[]> = { Account: [], Contact: [], Lead: [] };
    rows.Account = Array.from({ length: 120 }, account);
    rows.Contact = Array.from({ length: 120 }, () => person('003', rows.Account));
    rows.Lead = Array.from({ length: 120 }, () => person('00Q', rows.Account));
    const names = new Map(rows.Account.map((r) => [r.Id, r.Name as string]));
    const index = duplicateIndex();
    for (const [name, list] of Object.entries(rows)) for (const row of list) index.add(name, row);
    let matched = 0;
    for (let i = 0; i < 240; i++) {
      const objectName = pick(['Account', 'Contact', 'Lead']);
      const record =
        objectName === 'Account' ? account() : person(objectName === 'Contact' ? '003' : '00Q', rows.Account);
      const search: ScanSearch & DuplicateSearch = {
        object: { name: objectName } as ObjectDef,
        record,
        rows: (name) => rows[name] ?? [],
        index,
        nameOf: (ref) => names.get(ref) ?? null,
        skip: new Set([rows[objectName][i % 120].Id as string]),
        view: (name, row) => ({ attributes: { type: name }, Id: row.Id }),
      };
      const fast = findDuplicates(search);
      expect(fast, JSON.stringify(record)).to.deep.equal(reference.findDuplicates(search));
      if (fast) matched++;
    }
    // Both outcomes are exercised.
    expect(matched).to.be.within(24, 216);
  });

  it('finds every street within the Edit Distance threshold through the index, from shorter and longer ones', () => {
    // Only the street group can hold: each Account has a ZIP and a phone of its own. Streets a few edits apart,
    // mostly insertions, so a longer street may be as many edits away as its own length allows (4 at 20 characters)
    // while the shorter one's length alone allows fewer (3 at 19).
    const letters = 'abcdeilmnorst'.split('');
    const street = (): string => Array.from({ length: 8 + Math.floor(random() * 24) }, () => pick(letters)).join('');
    let zip = 10000;
    const stored = (value: string): Row => ({
      Id: id('001'),
      Name: 'Contoso',
      BillingStreet: value,
      BillingPostalCode: String(zip++),
      Phone: String(4255550000 + zip),
    });
    const accounts = Array.from({ length: 150 }, () => stored(street()));
    const index = duplicateIndex();
    for (const row of accounts) index.add('Account', row);
    let matched = 0;
    for (let i = 0; i < 300; i++) {
      let value = pick(accounts).BillingStreet as string;
      for (let edits = Math.floor(random() * 7); edits > 0; edits--) {
        const at = Math.floor(random() * (value.length + 1));
        value =
          random() < 0.6
            ? value.slice(0, at) + pick(letters) + value.slice(at)
            : value.slice(0, at) + value.slice(at + 1);
      }
      const search: ScanSearch & DuplicateSearch = {
        object: { name: 'Account' } as ObjectDef,
        record: stored(value),
        rows: () => accounts,
        index,
        nameOf: () => null,
        skip: new Set(),
        view: (name, row) => ({ attributes: { type: name }, Id: row.Id }),
      };
      const fast = findDuplicates(search);
      expect(fast, value).to.deep.equal(reference.findDuplicates(search));
      if (fast) matched++;
    }
    expect(matched).to.be.within(30, 270);
  });

  it('still matches a one-letter Account name with a longer one that starts with it (Jaro-Winkler 74 ≥ 70)', () => {
    const existing = { Id: id('001'), Name: 'Abcdefgh Ltd', BillingStreet: '1 Main St' };
    const index = duplicateIndex();
    index.add('Account', existing);
    const search: DuplicateSearch = {
      object: { name: 'Account' } as ObjectDef,
      record: { Id: id('001'), Name: 'A', BillingStreet: '1 Main Street' },
      index,
      nameOf: () => null,
      skip: new Set(),
      view: (name, row) => ({ attributes: { type: name }, Id: row.Id }),
    };
    // Name 74 with the blank City and ZIP (both blank: a match, 100 each) gives (74 + 100 + 100) / 3.
    expect(findDuplicates(search)?.matchResults[0].matchRecords.map((m) => m.matchConfidence)).to.deep.equal([91.3]);
  });
});
