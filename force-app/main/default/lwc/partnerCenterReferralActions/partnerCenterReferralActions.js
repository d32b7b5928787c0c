import { LightningElement, api } from 'lwc';

/**
 * Accept or Decline (with a reason) for a referral Microsoft shared that waits for the rep. Raises `accept` and
 * `decline` (detail: { reason }); the container saves the stage, and calls reset() once it is saved.
 */
export default class PartnerCenterReferralActions extends LightningElement {
    /** Whether the rep may set the stage and the decline reason. */
    @api canAnswer = false;
    /** A save is under way. */
    @api saving = false;
    /** Length of Partner_Center_Decline_Reason__c. */
    @api reasonMaxLength;

    declining = false;
    reason = '';
    reasonError;

    /** Closes the decline form, after the decline was saved. */
    @api
    reset() {
        this.declining = false;
        this.reason = '';
        this.reasonError = undefined;
    }

    handleAccept() {
        this.dispatchEvent(new CustomEvent('accept'));
    }

    handleDecline() {
        this.declining = true;
        this.reasonError = undefined;
    }

    handleReasonChange(event) {
        this.reason = event.detail.value;
        this.reasonError = undefined;
    }

    handleCancel() {
        this.reset();
    }

    handleConfirm() {
        const reason = (this.reason || '').trim();
        if (!reason) {
            this.reasonError = 'Tell Microsoft why you decline this referral.';
            return;
        }
        this.dispatchEvent(new CustomEvent('decline', { detail: { reason: reason.slice(0, this.reasonMaxLength) } }));
    }
}
