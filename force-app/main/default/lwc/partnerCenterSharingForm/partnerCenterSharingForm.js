import { LightningElement, api } from 'lwc';
import { dealTypeChoices, effectiveDealType, isSharedWithMicrosoft } from 'c/pcsyncDealType';
import { isSolutionId, joinSolutionIds, parseSolutionsText } from 'c/pcsyncReadiness';
import { changesToSave, shareConfirmation } from './sharingChanges';

/**
 * The rep's side of sharing with Microsoft: the Sync with Partner Center toggle, the deal type with "How can Microsoft
 * help?" (c-partner-center-deal-type) and the solution ids (c-partner-center-solutions). Keeps the unsaved edits;
 * raises `draftchange` (detail: { microsoftHelp, solutions, dealType }, help and solutions undefined when unedited)
 * so the readiness checklist follows them, and `save` (detail: { changes }) for the container to write — after the
 * rep confirmed, when the save shares the deal with Microsoft sellers for the first time. The container calls reset()
 * once the save succeeded. Slot "readiness" sits above Save.
 */
export default class PartnerCenterSharingForm extends LightningElement {
    /** Sync_With_Partner_Center__c, How_Can_Microsoft_Help__c and Partner_Center_Solutions__c as saved. */
    @api syncWithPartnerCenter = false;
    @api microsoftHelp;
    @api solutions;
    /** Partner_Center_Deal_Type__c as saved (none on a record from before it), and whether a referral exists. */
    @api dealType;
    @api hasReferral = false;
    /** The picklist values of How_Can_Microsoft_Help__c ({ label, value }), and whether they failed to load. */
    @api helpValues = [];
    @api helpValuesUnavailable = false;
    @api canEditSync = false;
    @api canEditDealType = false;
    @api canEditHelp = false;
    @api canEditSolutions = false;
    /** The rep's permissions are known and allow none of it: says so. */
    @api readOnly = false;
    /** Length of Partner_Center_Solutions__c. */
    @api solutionsMaxLength;
    /** A save is under way. */
    @api saving = false;

    draftSync;
    draftDealType;
    draftHelp;
    draftSolutions;
    /** The save shares with Microsoft for the first time and waits for the rep's confirmation. */
    confirming = false;
    focusAfterRender;

    /** Drops the unsaved edits. */
    @api
    reset() {
        this.draftSync = undefined;
        this.draftDealType = undefined;
        this.draftHelp = undefined;
        this.draftSolutions = undefined;
        this.confirming = false;
        this.template.querySelector('c-partner-center-solutions').reset();
        this.notifyDraft();
    }

    @api
    focusSolutionInput() {
        this.template.querySelector('c-partner-center-solutions').focusInput();
    }

    @api
    focusHelpInput() {
        this.template.querySelector('c-partner-center-deal-type').focusHelp();
    }

    renderedCallback() {
        const target = this.focusAfterRender && this.template.querySelector(`[data-id="${this.focusAfterRender}"]`);
        if (target) {
            this.focusAfterRender = undefined;
            target.focus();
        }
    }

    get syncChecked() {
        return this.draftSync !== undefined ? this.draftSync : this.syncWithPartnerCenter === true;
    }

    get savedRecord() {
        return { dealType: this.dealType, helpRequested: !!this.microsoftHelp, hasReferral: this.hasReferral === true };
    }

    get sharedWithMicrosoft() {
        return isSharedWithMicrosoft(this.savedRecord);
    }

    get dealTypeChoices() {
        return dealTypeChoices(this.savedRecord);
    }

    get dealTypeValue() {
        return this.draftDealType !== undefined ? this.draftDealType : effectiveDealType(this.savedRecord);
    }

    get savedHelp() {
        return this.microsoftHelp || '';
    }

    get helpValue() {
        return this.draftHelp !== undefined ? this.draftHelp : this.savedHelp;
    }

    get syncDisabled() {
        return !this.canEditSync || this.saving;
    }

    get canEditAny() {
        return this.canEditSync || this.canEditDealType || this.canEditHelp || this.canEditSolutions;
    }

    get savedSolutions() {
        return parseSolutionsText(this.solutions);
    }

    get currentSolutions() {
        return this.draftSolutions !== undefined ? this.draftSolutions : this.savedSolutions;
    }

    get invalidSolutions() {
        return this.currentSolutions.filter((id) => !isSolutionId(id));
    }

    /** What the save writes, and whether it first shares the deal with Microsoft sellers (./sharingChanges). */
    get plan() {
        return changesToSave({
            saved: {
                sync: this.syncWithPartnerCenter === true,
                dealType: this.dealType,
                effectiveDealType: effectiveDealType(this.savedRecord),
                sharedWithMicrosoft: this.sharedWithMicrosoft,
                help: this.savedHelp,
                solutions: joinSolutionIds(this.savedSolutions)
            },
            draft: {
                sync: this.draftSync,
                dealType: this.draftDealType,
                help: this.draftHelp,
                solutions: this.draftSolutions !== undefined ? joinSolutionIds(this.draftSolutions) : undefined
            },
            canRecordDealType: this.canEditDealType,
            canClearHelp: this.canEditHelp
        });
    }

    get confirmation() {
        return shareConfirmation(this.dealTypeValue);
    }

    get saveDisabled() {
        const coSellWithoutHelp = this.confirmation.coSell && !this.helpValue;
        return !this.plan.changes || this.saving || this.invalidSolutions.length > 0 || coSellWithoutHelp;
    }

    get cancelDisabled() {
        return !this.plan.changes || this.saving;
    }

    notifyDraft() {
        const solutions = this.draftSolutions !== undefined ? joinSolutionIds(this.draftSolutions) : undefined;
        const detail = { microsoftHelp: this.draftHelp, solutions, dealType: this.dealTypeValue };
        this.dispatchEvent(new CustomEvent('draftchange', { detail }));
    }

    /** An edit after Save was asked: the confirmation no longer describes what would be saved. */
    edited() {
        this.confirming = false;
    }

    handleSyncToggle(event) {
        this.draftSync = event.detail.checked;
        this.edited();
    }

    handleDealTypeChange(event) {
        this.draftDealType = event.detail.value;
        this.edited();
        this.notifyDraft();
    }

    handleHelpChange(event) {
        this.draftHelp = event.detail.value;
        this.edited();
        this.notifyDraft();
    }

    handleSolutionsChange(event) {
        this.draftSolutions = event.detail.solutions;
        this.edited();
        this.notifyDraft();
    }

    handleCancel() {
        this.reset();
    }

    handleSave() {
        const { changes, sharesFirstTime } = this.plan;
        if (!changes) {
            return;
        }
        if (sharesFirstTime) {
            this.confirming = true;
            this.focusAfterRender = 'share-confirm-heading';
            return;
        }
        this.dispatchEvent(new CustomEvent('save', { detail: { changes } }));
    }

    handleConfirmShare() {
        const { changes } = this.plan;
        this.confirming = false;
        if (changes) {
            this.dispatchEvent(new CustomEvent('save', { detail: { changes } }));
        }
    }

    handleConfirmBack() {
        this.confirming = false;
        this.focusAfterRender = 'save';
    }
}
