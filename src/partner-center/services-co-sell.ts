/**
 * A services co-sell's three fields. create-a-referral lists PartnerRole, SolutionArea and SolutionPlay in the request
 * body, each "required only for service co-sell referrals", and referral-resources says the Solution Areas and Solution
 * Plays taxonomy "is updated for FY26"; the connector swagger does not have them, and the pages as read here give no
 * value lists, so the values an admin may send are configuration (`coSell.services.allowed`), not code.
 * https://learn.microsoft.com/en-us/partner/develop/create-a-referral
 */
export const SERVICES_CO_SELL_FIELDS = ['partnerRole', 'solutionArea', 'solutionPlay'] as const;
export type ServicesCoSellField = (typeof SERVICES_CO_SELL_FIELDS)[number];
export type ServicesCoSell = Partial<Record<ServicesCoSellField, string>>;
