import { LightningElement, api } from 'lwc';
import { DEAL_TYPE, DEAL_TYPE_MEANINGS } from 'c/pcsyncDealType';

/**
 * Partner Center's "Help needed from Microsoft" choice: the deal type, each with Microsoft's meaning, and for a co-sell
 * how Microsoft can help. Shows what the sharing form hands down and raises `dealtypechange` and `helpchange`
 * (detail: { value }); the form keeps the drafts.
 */
export default class PartnerCenterDealType extends LightningElement {
    /** The deal type shown (the rep's draft, else the record's). */
    @api value;
    /** The deal types the rep may still choose (c/pcsyncDealType dealTypeChoices). */
    @api choices = [];
    /** The record as saved is shared with Microsoft sellers: says why some types are no longer offered. */
    @api shared = false;
    @api canEdit = false;
    /** How_Can_Microsoft_Help__c shown (draft or saved), and its picklist values ({ label, value }). */
    @api helpValue = '';
    @api helpValues = [];
    @api helpValuesUnavailable = false;
    @api canEditHelp = false;
    /** A save is under way. */
    @api saving = false;

    @api
    focusHelp() {
        const help = this.template.querySelector('[data-id="help"]');
        if (help) {
            help.focus();
        }
    }

    get options() {
        return (this.choices || []).map((value, index) => ({
            value,
            label: value,
            meaning: DEAL_TYPE_MEANINGS[value],
            checked: value === this.value,
            inputId: `deal-type-${index}`,
            meaningId: `deal-type-meaning-${index}`
        }));
    }

    get disabled() {
        return !this.canEdit || this.saving;
    }

    get sharedNote() {
        if (!this.shared) {
            return undefined;
        }
        const stays = this.value === DEAL_TYPE.coSell ? ', and a co-sell stays a co-sell' : '';
        const cannot = "That can't be taken back, so it can't be made private again";
        return `This deal is shared with Microsoft sellers. ${cannot}${stays}.`;
    }

    get isCoSell() {
        return this.value === DEAL_TYPE.coSell;
    }

    get helpOptions() {
        return [
            { label: '--None--', value: '' },
            ...(this.helpValues || []).map(({ label, value }) => ({ label, value }))
        ];
    }

    get helpPlaceholder() {
        return this.helpValuesUnavailable ? 'Values could not be loaded' : 'Select how Microsoft can help';
    }

    get helpDisabled() {
        return !this.canEditHelp || this.saving;
    }

    get helpMissing() {
        return this.isCoSell && !this.helpValue;
    }

    handleDealTypeChange(event) {
        this.dispatchEvent(new CustomEvent('dealtypechange', { detail: { value: event.target.value } }));
    }

    handleHelpChange(event) {
        this.dispatchEvent(new CustomEvent('helpchange', { detail: { value: event.detail.value } }));
    }
}
