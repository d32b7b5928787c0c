import { LightningElement, api, wire } from 'lwc';
import { getRecord, getFieldValue, updateRecord, notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import { getObjectInfo, getPicklistValues } from 'lightning/uiObjectInfoApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { RefreshEvent } from 'lightning/refresh';
import { reduceErrors } from 'c/ldsUtils';
import { newestConflictFields } from 'c/pcsyncEvents';
import OPPORTUNITY_OBJECT from '@salesforce/schema/Opportunity';
import CONTACT_ROLE_CONTACT_FIELD from '@salesforce/schema/OpportunityContactRole.ContactId';
import { editableFields, fieldLengths } from './fieldAccess';
import { FIELDS, OPTIONAL_RECORD_FIELDS, RECORD_FIELDS } from './opportunityFields';
import { fieldsOfChanges, sharingSavedMessage } from './sharingSave';

const CONTACT_ROLES_RELATED_LIST = 'OpportunityContactRoles';

/**
 * The Partner Center panel of the Opportunity record page. It owns the data (record, object info, the help picklist,
 * the contact roles) and the writes; its children show them and raise events for it to save. The timeline reads the
 * sync events itself.
 */
export default class PartnerCenterPanel extends LightningElement {
    @api recordId;
    @api objectApiName;

    /** Stage of an incoming Partner Center referral that waits for the rep (New/Pending or New/Received). */
    @api holdStage = 'Prospecting';
    /** Stage the rep's Accept sets; the sync sends it to Partner Center as Active/Accepted. */
    @api acceptedStage = 'Qualification';
    /** Stage the rep's Decline sets; the sync sends it as Closed/Declined with the reason as statusReason. */
    @api declinedStage = 'Closed Lost';

    record;
    recordError;
    objectInfo;
    recordTypeId;
    helpPicklist;
    helpValuesUnavailable = false;
    /** The sync events the timeline read; undefined until it has. */
    events;
    contactRoleCount;
    contactRolesUnreadable = false;
    /** The sharing form's unsaved edits ({ microsoftHelp, solutions, dealType }), for the readiness checklist. */
    draft = {};
    saving = false;

    @wire(getRecord, { recordId: '$recordId', fields: RECORD_FIELDS, optionalFields: OPTIONAL_RECORD_FIELDS })
    wiredRecord({ data, error }) {
        this.record = data;
        this.recordError = error;
        this.recordTypeId = (data && data.recordTypeId) || this.recordTypeId;
    }

    @wire(getObjectInfo, { objectApiName: OPPORTUNITY_OBJECT })
    wiredObjectInfo({ data }) {
        if (data) {
            this.objectInfo = data;
            this.recordTypeId = this.recordTypeId || data.defaultRecordTypeId;
        }
    }

    @wire(getPicklistValues, { recordTypeId: '$recordTypeId', fieldApiName: FIELDS.help })
    wiredHelpValues({ data, error }) {
        this.helpPicklist = data;
        this.helpValuesUnavailable = !!error;
    }

    @wire(getRelatedListRecords, {
        parentRecordId: '$recordId',
        relatedListId: CONTACT_ROLES_RELATED_LIST,
        fields: [`${CONTACT_ROLE_CONTACT_FIELD.objectApiName}.${CONTACT_ROLE_CONTACT_FIELD.fieldApiName}`],
        pageSize: 1
    })
    wiredContactRoles({ data, error }) {
        // count is the total of the related list, not just the one record of the page
        this.contactRoleCount = data && (typeof data.count === 'number' ? data.count : (data.records || []).length);
        this.contactRolesUnreadable = !!error;
    }

    fieldValue(field) {
        return this.record ? getFieldValue(this.record, field) : undefined;
    }

    /** Field values by what they are, for the template. */
    get opportunity() {
        const names = Object.keys(FIELDS);
        return Object.fromEntries(names.map((name) => [name, this.fieldValue(FIELDS[name])]));
    }

    /** The timeline's sync events, read for the newest conflict the status names. */
    handleEventsLoad(event) {
        this.events = event.detail.records;
    }

    get conflictFields() {
        return newestConflictFields(this.events);
    }

    /** What the rep may edit: object info reflects the rep's profile and permission sets. */
    get editable() {
        return editableFields(this.objectInfo);
    }

    get lengths() {
        return fieldLengths(this.objectInfo);
    }

    get helpValues() {
        return (this.helpPicklist && this.helpPicklist.values) || [];
    }

    // ---- share with Microsoft, and what Partner Center requires first ---------------------------------

    get showReadiness() {
        return !this.fieldValue(FIELDS.referralId) || this.fieldValue(FIELDS.syncState) === 'Error';
    }

    get hasReferral() {
        return !!this.fieldValue(FIELDS.referralId);
    }

    get readinessInput() {
        const { microsoftHelp, solutions, dealType } = this.draft;
        return {
            accountName: this.fieldValue(FIELDS.accountName),
            billingCountry: this.fieldValue(FIELDS.accountCountry),
            billingCountryCode: this.fieldValue(FIELDS.accountCountryCode),
            solutionsText: solutions !== undefined ? solutions : this.fieldValue(FIELDS.solutions),
            dealType: dealType !== undefined ? dealType : this.fieldValue(FIELDS.dealType),
            helpRequested: !!(microsoftHelp !== undefined ? microsoftHelp : this.fieldValue(FIELDS.help)),
            contactCount: this.contactRoleCount
        };
    }

    handleDraftChange(event) {
        this.draft = event.detail;
    }

    handleEditSolutions() {
        this.refs.sharingForm.focusSolutionInput();
    }

    handleEditHelp() {
        this.refs.sharingForm.focusHelpInput();
    }

    async handleShareSave(event) {
        const form = event.target;
        const { changes } = event.detail;
        const saved = {
            sync: this.fieldValue(FIELDS.syncWith) === true,
            dealType: this.fieldValue(FIELDS.dealType),
            helpRequested: !!this.fieldValue(FIELDS.help),
            hasReferral: this.hasReferral
        };
        const message = sharingSavedMessage(changes, saved);
        if (await this.save(fieldsOfChanges(changes), 'Partner Center sharing saved', message)) {
            form.reset();
        }
    }

    // ---- sync now -------------------------------------------------------------------------------------------

    get syncNow() {
        const requested = this.fieldValue(FIELDS.resync) === true;
        return {
            show: this.fieldValue(FIELDS.syncWith) === true && this.editable.resync,
            requested,
            label: requested ? 'Sync requested' : 'Sync now',
            disabled: requested || this.saving
        };
    }

    handleSyncNow() {
        return this.save(
            { [FIELDS.resync.fieldApiName]: true },
            'Sync requested',
            'The sync sends this opportunity to Partner Center at its next outbound poll.'
        );
    }

    // ---- an incoming referral on hold -------------------------------------------------------------------

    get isIncomingOnHold() {
        return !!this.fieldValue(FIELDS.referralId) && this.fieldValue(FIELDS.stage) === this.holdStage;
    }

    handleAccept() {
        return this.save(
            { [FIELDS.stage.fieldApiName]: this.acceptedStage },
            'Referral accepted',
            `Stage set to ${this.acceptedStage}; the sync tells Partner Center.`
        );
    }

    async handleDecline(event) {
        const actions = event.target;
        const fields = {
            [FIELDS.stage.fieldApiName]: this.declinedStage,
            [FIELDS.declineReason.fieldApiName]: event.detail.reason
        };
        const message = `Stage set to ${this.declinedStage}; the sync sends your reason to Partner Center.`;
        if (await this.save(fields, 'Referral declined', message)) {
            actions.reset();
        }
    }

    // ---- writes ---------------------------------------------------------------------------------------------

    /** updateRecord, then refresh and toast. Resolves true when saved. */
    async save(fields, successTitle, successMessage) {
        this.saving = true;
        try {
            await updateRecord({ fields: { [FIELDS.id.fieldApiName]: this.recordId, ...fields } });
            await notifyRecordUpdateAvailable([{ recordId: this.recordId }]);
            this.dispatchEvent(new RefreshEvent());
            this.toast(successTitle, successMessage, 'success');
            return true;
        } catch (error) {
            this.toast('Could not save to Salesforce', reduceErrors(error).join(' ') || 'Unknown error.', 'error');
            return false;
        } finally {
            this.saving = false;
        }
    }

    toast(title, message, variant) {
        this.dispatchEvent(new ShowToastEvent({ title, message: message || '', variant }));
    }
}
