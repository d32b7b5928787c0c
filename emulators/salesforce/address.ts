/**
 * State and Country/Territory Picklists, on in every new org (Help: "Let Users Select States and Countries from
 * Picklists"). With them on, each address has `…CountryCode` and `…StateCode` picklists beside the `…Country` and
 * `…State` text fields, which only take the integration values (by default the full names). The code and the name
 * are kept in step as "State and Country/Territory Picklist Field-Syncing Logic" (Help) documents. With them off
 * the code fields do not exist (schema.ts leaves them out), and the name fields are free text.
 */
import { COUNTRIES, STATES } from './address-data.js';
import type { SaveError } from './errors.js';
import type { FieldDef, ObjectDef, PicklistValue } from './schema.js';
import type { SfRecord } from './store.js';

type Place = { code: string; name: string };

const countryByCode = new Map<string, Place>(COUNTRIES.map(([code, name]) => [code, { code, name }]));
const countryByName = new Map<string, Place>(COUNTRIES.map(([code, name]) => [name, { code, name }]));

function statesOf(countryCode: string | null): Place[] {
  return (countryCode ? (STATES[countryCode] ?? []) : []).map(([code, name]) => ({ code, name }));
}

/** The `…CountryCode` picklist values: ISO codes, labelled with the country names. */
export function countryCodeValues(): PicklistValue[] {
  return COUNTRIES.map(([value, label]) => ({ value, label, active: true, defaultValue: false }));
}

/**
 * The `…StateCode` picklist values, each valid for its country: `validFor` is the describe bitmap (base64) with one
 * bit per controlling `…CountryCode` value, in that picklist's order (SOAP API, "PicklistEntry").
 */
export function stateCodeValues(): PicklistValue[] {
  const values: PicklistValue[] = [];
  COUNTRIES.forEach(([countryCode], index) => {
    const bits = Buffer.alloc(Math.ceil(COUNTRIES.length / 8));
    bits[index >> 3] |= 0x80 >> (index & 7);
    const validFor = bits.toString('base64');
    for (const [value, label] of STATES[countryCode] ?? [])
      values.push({ value, label, active: true, defaultValue: false, validFor });
  });
  return values;
}

type FieldFactory = (name: string, type: FieldDef['type'], options?: Partial<FieldDef>) => FieldDef;

/** The address fields of one prefix (`Billing`, `Mailing`, … or `''` on Lead), with the labels errors name. */
export function addressFields(prefix: string, label: string, picklists: boolean, field: FieldFactory): FieldDef[] {
  const title = label === '' ? '' : `${label} `;
  const fields = [
    field(`${prefix}Street`, 'textarea', { length: 255, label: `${title}Street` }),
    field(`${prefix}City`, 'string', { length: 40, label: `${title}City` }),
    field(`${prefix}State`, 'string', { length: 80, label: `${title}State/Province` }),
    field(`${prefix}PostalCode`, 'string', { length: 20, label: `${title}Zip/Postal Code` }),
    field(`${prefix}Country`, 'string', { length: 80, label: `${title}Country` }),
  ];
  if (picklists) {
    fields.push(
      field(`${prefix}StateCode`, 'picklist', {
        length: 10,
        label: `${title}State/Province Code`,
        restrictedPicklist: true,
        picklistValues: stateCodeValues(),
        controllerName: `${prefix}CountryCode`,
        addressCode: true,
      }),
      field(`${prefix}CountryCode`, 'picklist', {
        length: 10,
        label: `${title}Country Code`,
        restrictedPicklist: true,
        picklistValues: countryCodeValues(),
        addressCode: true,
      })
    );
  }
  return fields;
}

/** Address prefixes whose code fields the object has (none when the picklists are off). */
function prefixes(object: ObjectDef): string[] {
  return ['Billing', 'Shipping', 'Mailing', 'Other', ''].filter((p) =>
    object.fields.has(`${p}CountryCode`.toLowerCase())
  );
}

const given = (values: SfRecord, name: string): boolean => name in values;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Checks a write's address values and keeps codes and integration values in step. `values` are the fields this write
 * sets (null: cleared), `record` the merged row, changed in place; `inserting` matters for mismatched pairs, which
 * a create settles by the code and an update refuses.
 */
export function syncAddresses(
  object: ObjectDef,
  values: SfRecord,
  record: SfRecord,
  inserting: boolean,
  errors: SaveError[]
): void {
  for (const prefix of prefixes(object)) {
    const label = (name: string): string => object.fields.get(name.toLowerCase())?.label ?? name;
    const f = {
      country: `${prefix}Country`,
      countryCode: `${prefix}CountryCode`,
      state: `${prefix}State`,
      stateCode: `${prefix}StateCode`,
    };
    const fail = (statusCode: string, message: string, field: string): void => {
      errors.push({ statusCode, message, fields: [field] });
    };
    const countryProblem = (): void =>
      fail(
        'FIELD_INTEGRITY_EXCEPTION',
        "There's a problem with this country, even though it may appear correct. " +
          `Please select a country/territory from the list of valid countries.: ${label(f.country)}`,
        f.country
      );
    const stateProblem = (field: string): void =>
      fail(
        'FIELD_INTEGRITY_EXCEPTION',
        "There's a problem with this state, even though it may appear correct. " +
          `Please select a state from the list of valid states.: ${label(field)}`,
        field
      );

    // The country: by code (a code wins over a name on create), else by integration value.
    let country: Place | null | undefined; // undefined: unchanged
    if (given(values, f.countryCode)) {
      const code = text(values[f.countryCode])?.toUpperCase();
      if (code === undefined) country = null;
      else {
        country = countryByCode.get(code);
        if (!country) {
          // Help, "Resolving 'Bad Value for Restricted Picklist' Error When Importing … Country Code".
          fail(
            'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
            `${label(f.countryCode)}: bad value for restricted picklist field: ${String(values[f.countryCode])}`,
            f.countryCode
          );
          continue;
        }
        const named = text(values[f.country]);
        if (!inserting && named !== null && named !== country.name) {
          countryProblem();
          continue;
        }
      }
    } else if (given(values, f.country)) {
      const named = text(values[f.country]);
      if (named === null) country = null;
      else {
        country = countryByName.get(named);
        if (!country) {
          countryProblem();
          continue;
        }
      }
    }
    if (country !== undefined) {
      record[f.countryCode] = country?.code ?? null;
      record[f.country] = country?.name ?? null;
    }
    const countryCode = text(record[f.countryCode]);

    // The state, within that country.
    let state: Place | null | undefined;
    if (given(values, f.stateCode) && text(values[f.stateCode]) !== null) {
      const code = (text(values[f.stateCode]) as string).toUpperCase();
      state = statesOf(countryCode).find((s) => s.code === code);
      if (!state) {
        // The wording a real org answers for a state code its country does not have.
        fail(
          'FIELD_INTEGRITY_EXCEPTION',
          `The ${f.stateCode} field contains ${String(values[f.stateCode])}, which isn't an available state. ` +
            'Your administrator can add it for you.',
          f.stateCode
        );
        continue;
      }
      const named = text(values[f.state]);
      if (!inserting && named !== null && named !== state.name) {
        stateProblem(f.state);
        continue;
      }
    } else if (given(values, f.state) && text(values[f.state]) !== null) {
      state = statesOf(countryCode).find((s) => s.name === values[f.state]);
      if (!state) {
        stateProblem(f.state);
        continue;
      }
    } else if (given(values, f.stateCode) || given(values, f.state)) {
      state = null;
    } else if (country !== undefined) {
      // The country changed and the state was not given: it goes with a removed country, and must belong to a new one.
      const kept = text(record[f.stateCode]);
      if (country === null || kept === null) state = null;
      else if (!statesOf(countryCode).some((s) => s.code === kept)) {
        stateProblem(f.stateCode);
        continue;
      }
    }
    if (state !== undefined) {
      record[f.stateCode] = state?.code ?? null;
      record[f.state] = state?.name ?? null;
    }
  }
}
