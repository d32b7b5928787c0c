/** Words for a configuration, as `config show` prints it. */
import type { FieldRule, Transform } from '../config/schema.js';

/** A rule's side as the table shows it: the field or path, or the constant it takes instead. */
export const sideWords = (side: string | undefined, rule: FieldRule): string =>
  side ?? `constant ${JSON.stringify(rule.value)}`;

/** When the rule applies. */
export const eventWords = (rule: FieldRule): string =>
  rule.on === 'always' ? 'create and update' : rule.on === 'create' ? 'create only' : 'update only';

export const directionWords = (rule: FieldRule): string =>
  rule.direction === 'both' ? 'both ways' : rule.direction === 'inbound' ? 'to Salesforce' : 'to Partner Center';

export function describeTransform(transform: Transform | undefined): string {
  if (!transform) return '';
  switch (transform.type) {
    case 'date':
      return 'date-time as date';
    case 'scale':
      return `× ${transform.factor}`;
    case 'list':
      return `list joined by "${transform.separator}"`;
    case 'countryCode':
      return 'ISO country code';
    case 'urlTemplate':
      return `URL ${transform.template}`;
  }
}

export function describeRuleExtras(rule: FieldRule): string {
  const parts = [describeTransform(rule.transform)];
  if (rule.valueMap) parts.push(`${rule.valueMap.length} mapped values`);
  if (rule.default !== undefined) parts.push(`default ${JSON.stringify(rule.default)}`);
  if (rule.optional) parts.push('optional');
  return parts.filter((part) => part.length > 0).join('; ');
}
