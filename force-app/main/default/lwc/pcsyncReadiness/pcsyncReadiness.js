/**
 * Partner Center's rules for sharing an Opportunity, for the record page: the same rules, problem codes and words as
 * the sync's src/sync/readiness.ts, so the panel never blocks a record the sync would send, nor passes one it would
 * refuse. test/fixtures/readiness-cases.json is the table both are tested against.
 */
import { isCoSell } from 'c/pcsyncDealType';
import { toCountryCode } from './countries';
import { readinessMessage } from './messages';
import { SOLUTIONS_SEPARATOR, isSolutionId, parseSolutionsText } from './solutionIds';

export { toCountryCode } from './countries';
export {
    SOLUTIONS_SEPARATOR,
    isSolutionId,
    joinSolutionIds,
    normalizeSolutionId,
    parseSolutionsText,
    parseTypedSolutions,
    solutionIdProblem
} from './solutionIds';

/**
 * @param {Object} input
 * @param {string} [input.accountName] the Account's name; none means no Account
 * @param {string} [input.billingCountry]
 * @param {string} [input.billingCountryCode] in orgs with State and Country Picklists; wins over the name when set
 * @param {string} [input.solutionsText] Partner_Center_Solutions__c as stored
 * @param {boolean} input.helpRequested
 * @param {number} input.contactCount
 * @param {string} [input.dealType] Partner_Center_Deal_Type__c; none: a co-sell when help is requested, as before it
 * @return {{ ready: boolean, problems: Array<{ code: string, message: string }> }}
 */
export function readiness(input) {
    const problems = [];
    const add = (code, ...values) => problems.push({ code, message: readinessMessage(code, ...values) });
    const country = String(input.billingCountryCode || input.billingCountry || '').trim();
    if (!input.accountName) {
        add('noAccount');
    } else if (!country) {
        add('noCountry', input.accountName);
    } else if (!toCountryCode(country)) {
        add('badCountry', country, input.accountName);
    }
    const ids = parseSolutionsText(input.solutionsText);
    if (!ids.length) {
        add('noSolution');
    }
    const bad = ids.filter((id) => !isSolutionId(id));
    if (bad.length) {
        add('badSolution', bad.join(', '), SOLUTIONS_SEPARATOR);
    }
    // A co-sell asks Microsoft for help and needs a customer contact (create-a-referral; Microsoft's connector pages)
    const coSell = isCoSell(input);
    if (coSell && !input.helpRequested) {
        add('noHelp');
    }
    if (coSell && !(input.contactCount > 0)) {
        add('noContact');
    }
    return { ready: problems.length === 0, problems };
}
