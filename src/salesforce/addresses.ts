/**
 * The org's State and Country/Territory Picklists, read from describe: when Account has `BillingCountryCode`, the
 * name fields take only the integration values and codes go to the code fields (Help: "State and Country/Territory
 * Picklists"). This turns Partner Center's ISO codes or names into the values the org takes.
 */
import type { DescribeSObjectResult, Field } from '@jsforce/jsforce-node';
import { toCountryCode } from '../mapping/countries.js';

export type AddressPicklists = {
  /** The org's country code for an ISO code or a country name it knows (its labels, or an English name). */
  countryCode(value: string): string | undefined;
  /** The org's state code for a code or a state name, within the country (`validFor` of the state picklist). */
  stateCode(countryCode: string, value: string): string | undefined;
};

const norm = (value: string): string =>
  value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase();

/** Is bit `index` set in a describe `validFor` bitmap (base64, most significant bit first)? */
function validFor(bitmap: string | null | undefined, index: number): boolean {
  if (!bitmap) return false;
  const bytes = Buffer.from(bitmap, 'base64');
  return (bytes[index >> 3] & (0x80 >> (index & 7))) !== 0;
}

/** A picklist value as describe reports it (SOAP API, "PicklistEntry"). */
type PicklistEntry = { value: string; label?: string | null; active: boolean; validFor?: string | null };

const picklist = (found: Field | undefined): PicklistEntry[] =>
  ((found?.picklistValues ?? []) as PicklistEntry[]).filter((entry) => entry.active);

const field = (describe: Pick<DescribeSObjectResult, 'fields'>, name: string): Field | undefined =>
  describe.fields.find((candidate) => candidate.name === name);

/** The picklists of one address (`Billing` on Account), or undefined when the org has none. */
export function addressPicklists(
  describe: Pick<DescribeSObjectResult, 'fields'>,
  prefix: string
): AddressPicklists | undefined {
  const countries = picklist(field(describe, `${prefix}CountryCode`));
  if (countries.length === 0) return undefined;
  const states = picklist(field(describe, `${prefix}StateCode`));
  const byCountry = new Map(countries.map((entry, index) => [entry.value, index]));
  const countryCode = (value: string): string | undefined => {
    const text = norm(value);
    const own = countries.find((entry) => norm(entry.value) === text || norm(entry.label ?? '') === text);
    if (own) return own.value;
    const iso = toCountryCode(value);
    return iso && byCountry.has(iso) ? iso : undefined;
  };
  const stateCode = (country: string, value: string): string | undefined => {
    const index = byCountry.get(country);
    if (index === undefined) return undefined;
    const text = norm(value);
    const match = (entry: PicklistEntry): boolean => norm(entry.value) === text || norm(entry.label ?? '') === text;
    return states.find((entry) => validFor(entry.validFor, index) && match(entry))?.value;
  };
  return { countryCode, stateCode };
}
