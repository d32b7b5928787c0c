/**
 * Converting one mapped value between its Partner Center and Salesforce forms, through the rule's value map,
 * transform and default. Both directions return `undefined` for "no value", which the caller writes as a blank.
 */
import type { FieldRule } from '../config/schema.js';
import { toCountryCode } from './countries.js';
import type { Json } from './paths.js';

export type SalesforceValue = string | number | boolean | null;

const blank = (value: unknown): boolean =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/** A Partner Center value as the rule's Salesforce field should hold it. */
export function toSalesforceValue(rule: FieldRule, value: Json | undefined): SalesforceValue {
  let out: unknown = value;
  if (rule.valueMap && !blank(out)) {
    const entry = rule.valueMap.find((candidate) => candidate.partnerCenter === out);
    out = entry ? entry.salesforce : undefined;
  }
  if (!blank(out) && rule.transform) {
    const transform = rule.transform;
    switch (transform.type) {
      case 'date':
        out = typeof out === 'string' ? out.slice(0, 10) : out;
        break;
      case 'scale':
        out = typeof out === 'number' ? out / transform.factor : out;
        break;
      case 'list':
        out = (Array.isArray(out) ? out : [out]).map(String).join(transform.separator);
        break;
      case 'countryCode':
        out = typeof out === 'string' ? (toCountryCode(out) ?? out) : out;
        break;
      case 'urlTemplate':
        out = transform.template.replace('{value}', encodeURIComponent(String(out)));
        break;
    }
  }
  if (blank(out)) out = rule.default;
  return blank(out) ? null : (out as SalesforceValue);
}

/** A Salesforce value as Partner Center should receive it at the rule's path. */
export function toPartnerCenterValue(rule: FieldRule, value: SalesforceValue | undefined): Json | undefined {
  let out: unknown = value;
  if (!blank(out) && rule.transform) {
    const transform = rule.transform;
    switch (transform.type) {
      case 'date':
        // A Salesforce Date is a calendar day; Partner Center takes a UTC date-time.
        out = typeof out === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(out) ? `${out}T00:00:00Z` : out;
        break;
      case 'scale':
        out = typeof out === 'number' ? out * transform.factor : out;
        break;
      case 'list':
        out = String(out as string)
          .split(transform.separator)
          .map((item) => item.trim())
          .filter((item) => item.length > 0);
        break;
      case 'countryCode':
        out = typeof out === 'string' ? (toCountryCode(out) ?? out) : out;
        break;
      case 'urlTemplate':
        break;
    }
  }
  if (rule.valueMap && !blank(out)) {
    const matches = rule.valueMap.filter((candidate) => candidate.salesforce === out);
    const entry = matches.length > 1 ? matches.find((candidate) => candidate.outbound === true) : matches[0];
    out = entry ? entry.partnerCenter : undefined;
  }
  if (blank(out)) out = rule.default;
  return blank(out) ? undefined : (out as Json);
}

/** Values compare equal when they are the same after canonical JSON encoding (so 100 and 100.0, [] and null agree). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (blank(a) && blank(b)) return true;
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 1e-9;
  return JSON.stringify(a) === JSON.stringify(b);
}
