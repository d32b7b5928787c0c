/**
 * A services co-sell's fields, checked before a co-sell referral is created so that a rep reads on the record what to
 * fix instead of Partner Center's refusal, and nothing is sent. create-a-referral: partnerRole, solutionArea and
 * solutionPlay are "required only for service co-sell referrals"; which values they take is the admin's list
 * (`coSell.services.allowed`, see SERVICES_CO_SELL_FIELDS for why it is configuration).
 */
import type { CoSellSettings, FieldRule } from '../../config/schema.js';
import { SERVICES_CO_SELL_FIELDS, type ServicesCoSell } from '../../partner-center/services-co-sell.js';
import { syncMessages as messages } from '../messages.js';

/** The Salesforce field a referral field is sent from, for the rep to know which one to fix. */
const sourceOf = (rules: readonly FieldRule[], field: string): string =>
  rules.find((rule) => rule.partnerCenter === field && rule.direction !== 'inbound')?.salesforce ??
  messages.getMessage('services.unmapped');

/**
 * Why these fields of a new referral cannot go, in a rep's words; undefined when they can. A value outside the
 * admin's list never goes; a co-sell is a services co-sell when the configuration says every one is, or when it sets
 * any of the three, and then it needs all three.
 */
export function servicesCoSellProblem(
  settings: CoSellSettings['services'],
  rules: readonly FieldRule[],
  body: ServicesCoSell,
  coSell: boolean
): string | undefined {
  const valueOf = (field: (typeof SERVICES_CO_SELL_FIELDS)[number]): string | undefined => {
    const value = body[field];
    return typeof value === 'string' && value.trim() ? value : undefined;
  };
  const services = coSell && (settings.always || SERVICES_CO_SELL_FIELDS.some((field) => valueOf(field)));
  const problems = SERVICES_CO_SELL_FIELDS.flatMap((field) => {
    const allowed = settings.allowed[field];
    const listed = allowed.length ? allowed.join(', ') : messages.getMessage('services.anyValue');
    const value = valueOf(field);
    if (value === undefined) {
      return services ? [messages.getMessage('services.missing', [field, sourceOf(rules, field), listed])] : [];
    }
    return allowed.length && !allowed.includes(value)
      ? [messages.getMessage('services.notAllowed', [field, value, sourceOf(rules, field), listed])]
      : [];
  });
  return problems.length ? problems.join(' ') : undefined;
}
