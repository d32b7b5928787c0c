import { LightningElement, api } from 'lwc';

// One entry per value of Partner_Center_Sync_State__c, and Converted for a Lead converted into an Opportunity.
const STATES = {
    'Not Synced': {
        key: 'not-synced',
        words: 'Not synced',
        icon: 'utility:routing_offline',
        tone: 'status-not-synced'
    },
    Pending: { key: 'pending', words: 'Pending', icon: 'utility:clock', tone: 'status-pending' },
    Synced: { key: 'synced', words: 'Synced ✔', icon: 'utility:success', variant: 'success', tone: 'status-synced' },
    Error: { key: 'error', words: 'Error ✖', icon: 'utility:error', variant: 'error', tone: 'status-error' },
    Conflict: {
        key: 'conflict',
        words: 'Conflict ⚠',
        icon: 'utility:warning',
        variant: 'warning',
        tone: 'status-conflict'
    },
    Converted: {
        key: 'converted',
        words: 'Converted',
        icon: 'utility:change_record_type',
        variant: 'success',
        tone: 'status-synced'
    }
};

// Microsoft's side of a co-sell (Partner_Center_Microsoft_Status__c, "status/substatus" of the connected referral
// Microsoft received), by substatus: the referral status table of referral-resources
// (https://learn.microsoft.com/en-us/partner-center/developer/referral-resources): New is Pending or Received, Active
// is Accepted, Closed is Won, Lost, Declined or Expired (a referral not answered within 14 days expires).
const MICROSOFT_ANSWERS = {
    Pending: { key: 'waiting', words: 'Invited: waiting for Microsoft to accept or decline.', icon: 'utility:clock' },
    Received: { key: 'waiting', words: 'Received by Microsoft, not answered yet.', icon: 'utility:clock' },
    Accepted: {
        key: 'accepted',
        words: 'Accepted: Microsoft is working on this deal with you.',
        icon: 'utility:success',
        variant: 'success'
    },
    Declined: {
        key: 'declined',
        words: 'Declined: Microsoft will not help on this deal.',
        icon: 'utility:error',
        variant: 'error'
    },
    Expired: {
        key: 'expired',
        words: 'Expired: Microsoft did not answer in time.',
        icon: 'utility:warning',
        variant: 'warning'
    },
    Won: { key: 'won', words: 'Closed as won on Microsoft’s side.', icon: 'utility:success', variant: 'success' },
    Lost: { key: 'lost', words: 'Closed as lost on Microsoft’s side.', icon: 'utility:close' }
};

/**
 * The sync state at a glance (with when it last synced, or what went wrong), the referral it is linked to, and on a
 * co-sell Microsoft's side of it: its answer, its seller and its CRM id.
 */
export default class PartnerCenterStatus extends LightningElement {
    /** Partner_Center_Sync_State__c. */
    @api syncState;
    /** Sync_With_Partner_Center__c as saved. */
    @api shared = false;
    @api resyncRequested = false;
    @api syncError;
    @api lastSynced;
    @api referralId;
    @api referralLink;
    /** Partner Center's status and substatus of the referral, e.g. Active and Accepted. */
    @api referralStatus;
    @api referralSubstatus;
    /** What the record is, in the rep's words: "opportunity" or "lead". */
    @api recordNoun = 'opportunity';
    /** A Lead converted into an Opportunity (IsConverted): the sync goes on through the Opportunity. */
    @api converted = false;
    /** Fields named by the newest Conflict event of the timeline. */
    @api conflictFields = [];
    /** Partner_Center_Microsoft_Status__c ("Active/Accepted"), _Seller__c and _CRM_Id__c: Microsoft's side. */
    @api microsoftStatus;
    @api microsoftSeller;
    @api microsoftCrmId;

    get stateValue() {
        if (this.converted) {
            return 'Converted';
        }
        // The outbound pass only picks up shared opportunities: once sharing is off nothing is pending any more.
        if (this.syncState === 'Pending' && !this.shared) {
            return 'Not Synced';
        }
        if (STATES[this.syncState]) {
            return this.syncState;
        }
        // No state written yet: the sync has not seen the record. A shared one is on its way.
        return this.shared ? 'Pending' : 'Not Synced';
    }

    get state() {
        return STATES[this.stateValue];
    }

    get statusClass() {
        return `status slds-box slds-box_x-small slds-media slds-media_center ${this.state.tone}`;
    }

    get isSynced() {
        return this.stateValue === 'Synced';
    }

    get detail() {
        switch (this.stateValue) {
            case 'Pending':
                return this.resyncRequested
                    ? `Sync requested: the sync sends this ${this.recordNoun} to Partner Center at its next pass.`
                    : `Waiting for the next sync to send this ${this.recordNoun} to Partner Center.`;
            case 'Error':
                return this.syncError || 'The last sync failed. See the timeline below.';
            case 'Conflict': {
                const both = 'Changed in Salesforce and in Partner Center since the last sync';
                const fields = (this.conflictFields || []).join(', ');
                if (fields) {
                    return `${both}: ${fields}. Your admin decides which value wins.`;
                }
                return this.syncError || `${both}. See the timeline below.`;
            }
            case 'Converted':
                return 'Converted into an opportunity: the referral syncs through it from now on.';
            case 'Synced':
                return undefined;
            default:
                return this.shared
                    ? 'Sync is on: the next sync sends it to Partner Center.'
                    : `This ${this.recordNoun} is not shared with Partner Center.`;
        }
    }

    get hasMicrosoftSide() {
        return !!(this.microsoftStatus || this.microsoftSeller || this.microsoftCrmId);
    }

    /** Microsoft's answer in words, with its icon; a status this panel does not know is shown as it came. */
    get microsoftAnswer() {
        if (!this.microsoftStatus) {
            return undefined;
        }
        const substatus = String(this.microsoftStatus).split('/').pop().trim();
        return (
            MICROSOFT_ANSWERS[substatus] || {
                key: 'other',
                words: `Microsoft’s status: ${this.microsoftStatus}.`,
                icon: 'utility:info'
            }
        );
    }

    get hasMicrosoftDetails() {
        return !!(this.microsoftSeller || this.microsoftCrmId);
    }

    /** "Active · Accepted". */
    get referralStatusText() {
        return [this.referralStatus, this.referralSubstatus].filter(Boolean).join(' · ');
    }

    get referralLinkLabel() {
        return `${this.referralId} (opens Partner Center in a new tab)`;
    }
}
