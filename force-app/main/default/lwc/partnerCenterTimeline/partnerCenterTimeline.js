import { LightningElement, api, wire } from 'lwc';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import {
    EVENT_FIELDS,
    EVENTS_NEWEST_FIRST,
    EVENTS_PAGE_SIZE,
    EVENTS_RELATED_LIST,
    timelineEntries
} from 'c/pcsyncEvents';

/**
 * A record's Partner_Center_Sync_Event__c records (an Opportunity's or a Lead's), newest first: what went to and came
 * from Partner Center, with the changed fields, and the HTTP status and correlation id support asks for. It reads
 * them itself; each answer is raised as `eventsload` ({ records }: undefined on an error) so the panel can show the
 * newest conflict in its status.
 */
export default class PartnerCenterTimeline extends LightningElement {
    /** The Opportunity or Lead: both lookups of the event name their related list the same. */
    @api recordId;

    /** The records of the related list; undefined until they are loaded. */
    records;
    /** Why the related list could not be read, in any shape reduceErrors understands. */
    error;

    @wire(getRelatedListRecords, {
        parentRecordId: '$recordId',
        relatedListId: EVENTS_RELATED_LIST,
        fields: EVENT_FIELDS,
        sortBy: EVENTS_NEWEST_FIRST,
        pageSize: EVENTS_PAGE_SIZE
    })
    wiredEvents({ data, error }) {
        this.records = data && (data.records || []);
        this.error = error;
        this.dispatchEvent(new CustomEvent('eventsload', { detail: { records: this.records } }));
    }

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
