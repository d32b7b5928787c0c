// What the sharing form's save writes on the Opportunity, and what the rep is told once it is saved.
import { effectiveDealType, sharesWithMicrosoft } from 'c/pcsyncDealType';
import { FIELDS } from './opportunityFields';

/** The field each change of the sharing form writes. */
const FIELD_OF_CHANGE = {
    syncWithPartnerCenter: FIELDS.syncWith,
    dealType: FIELDS.dealType,
    microsoftHelp: FIELDS.help,
    solutions: FIELDS.solutions
};

/** updateRecord's `fields` for the changes the form raises ({ syncWithPartnerCenter?, dealType?, … }). */
export function fieldsOfChanges(changes) {
    return Object.fromEntries(
        Object.entries(changes).map(([change, value]) => [FIELD_OF_CHANGE[change].fieldApiName, value])
    );
}

/**
 * The success toast's message.
 * @param {Object} changes as saved
 * @param {{ sync: boolean, dealType?: string, helpRequested: boolean, hasReferral: boolean }} saved the record before
 */
export function sharingSavedMessage(changes, saved) {
    const sync = changes.syncWithPartnerCenter !== undefined ? changes.syncWithPartnerCenter : saved.sync;
    if (changes.syncWithPartnerCenter === false) {
        // Partner Center keeps what it was sent: turning the sync off stops the updates, it does not unshare
        return 'This opportunity no longer syncs with Partner Center.';
    }
    if (!sync) {
        return undefined;
    }
    const dealType = effectiveDealType({
        dealType: changes.dealType || saved.dealType,
        helpRequested: changes.microsoftHelp !== undefined ? !!changes.microsoftHelp : saved.helpRequested,
        hasReferral: saved.hasReferral
    });
    const withMicrosoft = sharesWithMicrosoft(dealType) ? 'shared with Microsoft sellers' : 'private to your company';
    return changes.syncWithPartnerCenter
        ? `The next sync sends this opportunity to Partner Center, ${withMicrosoft}.`
        : 'The next sync sends the changes to Partner Center.';
}
