import { LightningElement, api, wire } from 'lwc';
import { NavigationMixin } from 'lightning/navigation';
import { getRecord, getFieldValue } from 'lightning/uiRecordApi';
import { newestConflictFields } from 'c/pcsyncEvents';
import { FIELDS, OPTIONAL_RECORD_FIELDS, RECORD_FIELDS } from './leadFields';

const opportunityPage = (recordId) => ({
    type: 'standard__recordPage',
    attributes: { recordId, objectApiName: 'Opportunity', actionName: 'view' }
});

/**
 * The Partner Center panel of the Lead record page: a lead referral's sync state, the referral, the sync timeline of
 * the Lead, and once the Lead is converted the Opportunity the referral goes on syncing through. The sync alone
 * writes these fields, so the panel only reads; the rep accepts or declines through the Lead status.
 */
export default class PartnerCenterLeadPanel extends NavigationMixin(LightningElement) {
    @api recordId;
    @api objectApiName;

    record;
    recordError;
    /** The sync events the timeline read; undefined until it has. */
    events;
    /** The converted Opportunity's URL, and the id it was generated for (a later record may name another). */
    opportunityUrl;
    opportunityUrlFor;

    @wire(getRecord, { recordId: '$recordId', fields: RECORD_FIELDS, optionalFields: OPTIONAL_RECORD_FIELDS })
    wiredRecord({ data, error }) {
        this.record = data;
        this.recordError = error;
        this.generateOpportunityUrl();
    }

    /** Field values by what they are, for the template. */
    get lead() {
        const names = Object.keys(FIELDS);
        return Object.fromEntries(
            names.map((name) => [name, this.record ? getFieldValue(this.record, FIELDS[name]) : undefined])
        );
    }

    get hasReferral() {
        return !!this.lead.referralId;
    }

    get isConverted() {
        return this.lead.isConverted === true;
    }

    /** The timeline's sync events, read for the newest conflict the status names. */
    handleEventsLoad(event) {
        this.events = event.detail.records;
    }

    get conflictFields() {
        return newestConflictFields(this.events);
    }

    /** The Opportunity of a converted Lead; undefined when the conversion made none (one carried the referral). */
    get convertedOpportunity() {
        const id = this.lead.convertedOpportunityId;
        if (!this.isConverted || !id) {
            return undefined;
        }
        return {
            id,
            name: this.lead.convertedOpportunityName || 'Open the opportunity',
            url: this.opportunityUrlFor === id ? this.opportunityUrl : undefined
        };
    }

    async generateOpportunityUrl() {
        const id = this.isConverted ? this.lead.convertedOpportunityId : undefined;
        if (!id || id === this.opportunityUrlFor) {
            return;
        }
        this.opportunityUrlFor = id;
        this.opportunityUrl = undefined;
        const url = await this[NavigationMixin.GenerateUrl](opportunityPage(id));
        // a newer record may have named another Opportunity meanwhile
        if (this.opportunityUrlFor === id) {
            this.opportunityUrl = url;
        }
    }

    handleOpenOpportunity(event) {
        event.preventDefault();
        this[NavigationMixin.Navigate](opportunityPage(this.convertedOpportunity.id));
    }
}
