/**
 * State and country picklists, as most orgs have them on: `…CountryCode` must be an ISO 3166-1 alpha-2 code, and
 * the country name follows the code (names from the runtime's ICU data, e.g. US → United States).
 */
import type { SaveError } from './errors.js';
import type { ObjectDef } from './schema.js';
import type { SfRecord } from './store.js';

// Groupings, pseudo-regions, and reserved or withdrawn codes ICU still names.
const NOT_COUNTRIES = new Set([
  'EU',
  'EZ',
  'UN',
  'QO',
  'ZZ',
  'XA',
  'XB',
  'FX',
  'DD',
  'SU',
  'YU',
  'CS',
  'TP',
  'ZR',
  'BU',
  'NT',
  'QU',
  'AC',
  'CP',
  'DG',
  'EA',
  'IC',
  'TA',
  'CQ',
]);
const regionNames = new Intl.DisplayNames('en', { type: 'region' });
const byCode = new Map<string, string>();
const byName = new Map<string, string>();
for (let a = 65; a <= 90; a++) {
  for (let b = 65; b <= 90; b++) {
    const code = String.fromCharCode(a, b);
    if (NOT_COUNTRIES.has(code)) continue;
    const name = regionNames.of(code);
    if (!name || name === code || name === 'Unknown Region') continue;
    byCode.set(code, name);
    if (!byName.has(name.toLowerCase())) byName.set(name.toLowerCase(), code);
  }
}

export function countryName(code: string): string | undefined {
  return byCode.get(code.toUpperCase());
}

/** Address prefixes (`Billing`, `Shipping`, `Mailing`, `''` for Lead) whose country pair the object has. */
function prefixes(object: ObjectDef): string[] {
  return ['Billing', 'Shipping', 'Mailing', 'Other', ''].filter(
    (p) => object.fields.has(`${p}countrycode`.toLowerCase()) && object.fields.has(`${p}country`.toLowerCase())
  );
}

/**
 * Validates written country codes and keeps code and name in step: a code fills in the name; a known name fills in
 * the code. `values` are the fields this write sets; `record` is the merged row it changes in place.
 */
export function syncCountries(object: ObjectDef, values: SfRecord, record: SfRecord, errors: SaveError[]): void {
  for (const prefix of prefixes(object)) {
    const codeField = `${prefix}CountryCode`;
    const nameField = `${prefix}Country`;
    const code = values[codeField];
    if (typeof code === 'string' && code !== '') {
      const name = countryName(code);
      if (!name || code !== code.toUpperCase()) {
        errors.push({
          statusCode: 'FIELD_INTEGRITY_EXCEPTION',
          message: `There's a problem with this country, even though it may appear correct. Please select a country/territory from the list of valid countries.: ${prefix ? `${prefix} ` : ''}Country Code`,
          fields: [codeField],
        });
        continue;
      }
      if (!(nameField in values) || values[nameField] === null) record[nameField] = name;
    } else if (codeField in values && values[codeField] === null && !(nameField in values)) {
      record[nameField] = null;
    } else if (typeof values[nameField] === 'string' && !(codeField in values)) {
      record[codeField] = byName.get(values[nameField].toLowerCase()) ?? null;
    }
  }
}
