// What a save of the sharing form writes, and what the rep is told before a save that first shares the deal with
// Microsoft sellers. Pure functions of the saved values and the drafts, apart from the form's UI state.
import { DEAL_TYPE, sharesWithMicrosoft } from 'c/pcsyncDealType';

/**
 * @param {Object} saved { sync, dealType (as recorded), effectiveDealType, sharedWithMicrosoft, help, solutions }
 * @param {Object} draft { sync, dealType, help, solutions }, each undefined when unedited; solutions joined
 * @param {boolean} canRecordDealType whether the rep may write Partner_Center_Deal_Type__c
 * @param {boolean} canClearHelp whether the rep may write How_Can_Microsoft_Help__c
 * @return {{ changes: Object|undefined, sharesFirstTime: boolean }} changes as { syncWithPartnerCenter?,
 *     dealType?, microsoftHelp?, solutions? } (blank as null); sharesFirstTime: the save makes the deal visible to
 *     Microsoft sellers for the first time — it records Partner-led or Co-sell, or turns on or keeps the sync of a
 *     record that is one in effect — so the rep confirms first. The deal type in effect is recorded with any save of
 *     a record that shares or syncs (a record from before the field otherwise leaves the sync to guess).
 */
export function changesToSave({ saved, draft, canRecordDealType, canClearHelp }) {
    const changes = {};
    if (draft.sync !== undefined && draft.sync !== saved.sync) {
        changes.syncWithPartnerCenter = draft.sync;
    }
    if (draft.dealType !== undefined && draft.dealType !== saved.effectiveDealType) {
        changes.dealType = draft.dealType;
    }
    if (draft.help !== undefined && draft.help !== saved.help) {
        changes.microsoftHelp = draft.help || null;
    }
    if (draft.solutions !== undefined && draft.solutions !== saved.solutions) {
        changes.solutions = draft.solutions || null;
    }
    if (!Object.keys(changes).length) {
        return { changes: undefined, sharesFirstTime: false };
    }
    const dealType = draft.dealType !== undefined ? draft.dealType : saved.effectiveDealType;
    const syncOn = draft.sync !== undefined ? draft.sync : saved.sync;
    const sharesFirstTime =
        !saved.sharedWithMicrosoft && sharesWithMicrosoft(dealType) && ('dealType' in changes || syncOn);
    // A record that syncs carries the deal type the rep saw, so the sync never has to guess one for it
    if (canRecordDealType && dealType !== saved.dealType && (sharesFirstTime || syncOn)) {
        changes.dealType = dealType;
    }
    // Partner-led and Private are "No help needed" (create-a-referral): help left on the record would still read as a
    // co-sell to anything that predates the deal type
    const help = draft.help !== undefined ? draft.help : saved.help;
    if (changes.dealType && changes.dealType !== DEAL_TYPE.coSell && help && canClearHelp) {
        changes.microsoftHelp = null;
    }
    return { changes, sharesFirstTime };
}

/** What the confirm step says for a deal type, and whether it is a co-sell (which needs the help). */
export function shareConfirmation(dealType) {
    const coSell = dealType === DEAL_TYPE.coSell;
    const what = coSell
        ? 'Co-sell makes this deal visible to Microsoft sellers when it syncs with Partner Center, and invites ' +
          'Microsoft to help.'
        : 'Partner-led makes this deal visible to Microsoft sellers when it syncs with Partner Center.';
    const after = coSell ? "can't be made private again, and it stays a co-sell." : "can't be made private again.";
    return {
        coSell,
        heading: 'Share this deal with Microsoft sellers?',
        text: `${what} Sharing with Microsoft can't be taken back: once you save, the deal ${after}`
    };
}
