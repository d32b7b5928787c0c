import { LightningElement, api } from 'lwc';
import { timelineEntries } from 'c/pcsyncEvents';

/**
 * A record's Partner_Center_Sync_Event__c records (an Opportunity's or a Lead's), newest first: what went to and came
 * from Partner Center, with the changed fields, and the HTTP status and correlation id support asks for.
 */
export default class PartnerCenterTimeline extends LightningElement {
    /** The records of the related list; undefined until they are loaded. */
    @api records;
    /** Why the related list could not be read, in any shape reduceErrors understands. */
    @api error;

    get entries() {
        return this.records ? timelineEntries(this.records) : undefined;
    }

    get hasEntries() {
        return !!this.entries && this.entries.length > 0;
    }

    get isEmpty() {
        return !!this.entries && this.entries.length === 0;
    }
}
