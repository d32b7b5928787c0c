/**
 * Customers for seeded referrals. `numbered` (the default, and what older tests count on) gives every referral
 * "Fabrikam N" at 1 Main St, Redmond, with one contact "Ada CustomerN": thousands of near-identical companies at one
 * address, which a CRM's duplicate rules rightly take for one customer. `distinct` gives each referral a customer of
 * its own, as a real partner's referrals come from different companies: a made-up company name, street, city, postal
 * code and contact, drawn from the referral's number so a seed is the same every time. Names, streets and contacts
 * differ in more than a digit, so matching rules that compare names fuzzily (Salesforce's standard Account and
 * Contact matching rules, Help: "Standard Account Matching Rule") see different customers, as they would in a real
 * org; each contact has an email and a phone number of its own.
 */
import type { Referral } from './contract.js';
import { seededRandom } from '../shared/random.js';

export const CUSTOMER_STYLES = ['numbered', 'distinct'] as const;
export type CustomerStyle = (typeof CUSTOMER_STYLES)[number];

const SYLLABLES = [
  'ar', 'bel', 'cor', 'dan', 'el', 'fin', 'gor', 'hal', 'ist', 'jun', 'kel', 'lom', 'mar', 'nov', 'or', 'pel',
  'quin', 'ros', 'sal', 'tor', 'ul', 'ven', 'wes', 'xan', 'yor', 'zel', 'bra', 'cla', 'dro', 'fre', 'gla', 'pri',
]; // prettier-ignore
const INDUSTRIES = ['Labs', 'Foods', 'Logistics', 'Health', 'Energy', 'Media', 'Retail', 'Systems', 'Capital', 'Works'];
const STREET_TYPES = ['Street', 'Avenue', 'Road', 'Drive', 'Lane', 'Boulevard', 'Way', 'Court', 'Place', 'Parkway'];
const CITIES = [
  ['Seattle', 'WA'], ['Portland', 'OR'], ['Austin', 'TX'], ['Denver', 'CO'], ['Boston', 'MA'], ['Chicago', 'IL'],
  ['Atlanta', 'GA'], ['Phoenix', 'AZ'], ['Columbus', 'OH'], ['Nashville', 'TN'], ['Raleigh', 'NC'], ['Madison', 'WI'],
] as const; // prettier-ignore
const FIRST_NAMES = ['Ada', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kira', 'Liam'];

/** The same number always gives the same customer (the golden-ratio step spreads neighbouring numbers apart). */
const random = (seed: number): (() => number) => seededRandom(seed * 0x9e3779b1);

function word(next: () => number, syllables: number): string {
  let text = '';
  for (let i = 0; i < syllables; i++) text += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)];

/** The customer of the `n`th seeded referral, in the style asked for. */
export function seededCustomer(n: number, style: CustomerStyle): NonNullable<Referral['customerProfile']> {
  if (style === 'numbered') {
    return {
      name: `Fabrikam ${n}`,
      address: { addressLine1: '1 Main St', city: 'Redmond', state: 'WA', postalCode: '98052', country: 'US' },
      size: '51to500employees',
      team: [{ firstName: 'Ada', lastName: `Customer${n}`, email: `ada${n}@fabrikam.example`, phoneNumber: '5550100' }],
      ids: [],
    };
  }
  const next = random(n);
  const company = `${word(next, 3)} ${pick(next, INDUSTRIES)}`;
  const [city, state] = pick(next, CITIES);
  const first = pick(next, FIRST_NAMES);
  const last = word(next, 2 + Math.floor(next() * 2));
  const domain = `${company.toLowerCase().replace(/[^a-z]+/g, '')}${n}.example`;
  // A street name of four syllables (a million of them): two streets reach the matching rule's 80% only when they
  // share most of theirs, so hardly any pair of customers is alike in both name and street.
  const street = `${100 + Math.floor(next() * 9900)} ${word(next, 4)} ${pick(next, STREET_TYPES)}`;
  return {
    name: company,
    address: {
      addressLine1: street,
      city,
      state,
      // One postal code per customer (up to 90,000 of them), as different companies rarely share one.
      postalCode: String(10_000 + (n % 90_000)),
      country: 'US',
    },
    size: '51to500employees',
    team: [
      {
        firstName: first,
        lastName: last,
        email: `${first.toLowerCase()}.${last.toLowerCase()}@${domain}`,
        phoneNumber: `+1${String(2_000_000_000 + n).slice(0, 10)}`,
      },
    ],
    ids: [],
  };
}
