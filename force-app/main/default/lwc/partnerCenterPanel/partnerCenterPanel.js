import { LightningElement, api, wire } from 'lwc';
import { getRecord, getFieldValue, updateRecord, notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import { getObjectInfo, getPicklistValues } from 'lightning/uiObjectInfoApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { RefreshEvent } from 'lightning/refresh';
import { reduceErrors } from 'c/ldsUtils';
import { parseSolutionIds, normalizeSolutionId, solutionIdProblem, joinSolutionIds } from './solutionIds';

import OPPORTUNITY_OBJECT from '@salesforce/schema/Opportunity';
import ID_FIELD from '@salesforce/schema/Opportunity.Id';
import STAGE_FIELD from '@salesforce/schema/Opportunity.StageName';
import ACCOUNT_ID_FIELD from '@salesforce/schema/Opportunity.AccountId';
import ACCOUNT_COUNTRY_CODE_FIELD from '@salesforce/schema/Opportunity.Account.BillingCountryCode';
import ACCOUNT_COUNTRY_FIELD from '@salesforce/schema/Opportunity.Account.BillingCountry';
import SYNC_FIELD from '@salesforce/schema/Opportunity.Sync_With_Partner_Center__c';
import REFERRAL_ID_FIELD from '@salesforce/schema/Opportunity.Referral_Identifier__c';
import REFERRAL_LINK_FIELD from '@salesforce/schema/Opportunity.Referral_Link__c';
import HELP_FIELD from '@salesforce/schema/Opportunity.How_Can_Microsoft_Help__c';
import SOLUTIONS_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Solutions__c';
import PC_STATUS_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Status__c';
import PC_SUBSTATUS_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Substatus__c';
import SYNC_STATE_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Sync_State__c';
import SYNC_ERROR_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Sync_Error__c';
import LAST_SYNCED_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Last_Synced__c';
import RESYNC_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Resync_Requested__c';
import DECLINE_REASON_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Decline_Reason__c';

import EVENT_DIRECTION_FIELD from '@salesforce/schema/Partner_Center_Sync_Event__c.Direction__c';
import EVENT_ACTION_FIELD from '@salesforce/schema/Partner_Center_Sync_Event__c.Action__c';
import EVENT_CHANGED_FIELD from '@salesforce/schema/Partner_Center_Sync_Event__c.Changed_Fields__c';
import EVENT_MESSAGE_FIELD from '@salesforce/schema/Partner_Center_Sync_Event__c.Message__c';
import EVENT_OCCURRED_FIELD from '@salesforce/schema/Partner_Center_Sync_Event__c.Occurred_At__c';
import EVENT_HTTP_STATUS_FIELD from '@salesforce/schema/Partner_Center_Sync_Event__c.HTTP_Status__c';
import EVENT_CORRELATION_FIELD from '@salesforce/schema/Partner_Center_Sync_Event__c.Correlation_Id__c';
import CONTACT_ROLE_CONTACT_FIELD from '@salesforce/schema/OpportunityContactRole.ContactId';
import CONTACT_ROLE_ROLE_FIELD from '@salesforce/schema/OpportunityContactRole.Role';

const RECORD_FIELDS = [
    STAGE_FIELD,
    ACCOUNT_ID_FIELD,
    SYNC_FIELD,
    REFERRAL_ID_FIELD,
    REFERRAL_LINK_FIELD,
    HELP_FIELD,
    SOLUTIONS_FIELD,
    PC_STATUS_FIELD,
    PC_SUBSTATUS_FIELD,
    SYNC_STATE_FIELD,
    SYNC_ERROR_FIELD,
    LAST_SYNCED_FIELD,
    RESYNC_FIELD,
    DECLINE_REASON_FIELD
];
// Orgs without State and Country Picklists have no BillingCountryCode: optional, so the record still loads.
const OPTIONAL_RECORD_FIELDS = [ACCOUNT_COUNTRY_CODE_FIELD, ACCOUNT_COUNTRY_FIELD];

/** `Object.Field` strings for the related-list adapter, built from schema imports so references stay checked. */
const qualified = (field) => `${field.objectApiName}.${field.fieldApiName}`;

/** Child relationship of Partner_Center_Sync_Event__c.Opportunity__c. */
export const EVENTS_RELATED_LIST = 'Partner_Center_Sync_Events__r';
export const CONTACT_ROLES_RELATED_LIST = 'OpportunityContactRoles';
const EVENT_FIELDS = [
    EVENT_DIRECTION_FIELD,
    EVENT_ACTION_FIELD,
    EVENT_CHANGED_FIELD,
    EVENT_MESSAGE_FIELD,
    EVENT_OCCURRED_FIELD,
    EVENT_HTTP_STATUS_FIELD,
    EVENT_CORRELATION_FIELD
].map(qualified);
const TIMELINE_SIZE = 10;

const DECLINE_REASON_MAX = 255;

const STATES = {
    'Not Synced': {
        key: 'not-synced',
        words: 'Not synced',
        icon: 'utility:routing_offline',
        variant: undefined,
        tone: 'status-not-synced'
    },
    Pending: { key: 'pending', words: 'Pending', icon: 'utility:clock', variant: undefined, tone: 'status-pending' },
    Synced: {
        key: 'synced',
        words: 'Synced ✔',
        icon: 'utility:success',
        variant: 'success',
        tone: 'status-synced'
    },
    Error: { key: 'error', words: 'Error ✖', icon: 'utility:error', variant: 'error', tone: 'status-error' },
    Conflict: {
        key: 'conflict',
        words: 'Conflict ⚠',
        icon: 'utility:warning',
        variant: 'warning',
        tone: 'status-conflict'
    }
};

const EVENT_ACTIONS = {
    Created: 'slds-badge slds-theme_success',
    Updated: 'slds-badge slds-badge_lightest',
    Skipped: 'slds-badge',
    Conflict: 'slds-badge slds-theme_warning',
    Error: 'slds-badge slds-theme_error'
};

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
    helpOptionsData;
    helpOptionsError;
    events;
    eventsError;
    contactRoleCount;
    contactRolesError;

    // Unsaved edits of the rep fields; undefined means "as on the record".
    draftSync;
    draftHelp;
    draftSolutions;
    solutionInput = '';
    solutionError;

    declining = false;
    declineReason = '';
    declineError;
    saving = false;

    @wire(getRecord, { recordId: '$recordId', fields: RECORD_FIELDS, optionalFields: OPTIONAL_RECORD_FIELDS })
    wiredRecord({ data, error }) {
        if (data) {
            this.record = data;
            this.recordError = undefined;
            this.recordTypeId = data.recordTypeId || this.recordTypeId;
        } else if (error) {
            this.record = undefined;
            this.recordError = error;
        }
    }

    @wire(getObjectInfo, { objectApiName: OPPORTUNITY_OBJECT })
    wiredObjectInfo({ data }) {
        if (data) {
            this.objectInfo = data;
            if (!this.recordTypeId) {
                this.recordTypeId = data.defaultRecordTypeId;
            }
        }
    }

    @wire(getPicklistValues, { recordTypeId: '$recordTypeId', fieldApiName: HELP_FIELD })
    wiredHelpValues({ data, error }) {
        this.helpOptionsData = data;
        this.helpOptionsError = error;
    }

    @wire(getRelatedListRecords, {
        parentRecordId: '$recordId',
        relatedListId: EVENTS_RELATED_LIST,
        fields: EVENT_FIELDS,
        sortBy: [`-${qualified(EVENT_OCCURRED_FIELD)}`],
        pageSize: TIMELINE_SIZE
    })
    wiredEvents({ data, error }) {
        if (data) {
            this.events = data.records || [];
            this.eventsError = undefined;
        } else if (error) {
            this.events = undefined;
            this.eventsError = error;
        }
    }

    @wire(getRelatedListRecords, {
        parentRecordId: '$recordId',
        relatedListId: CONTACT_ROLES_RELATED_LIST,
        fields: [qualified(CONTACT_ROLE_CONTACT_FIELD), qualified(CONTACT_ROLE_ROLE_FIELD)],
        pageSize: 1
    })
    wiredContactRoles({ data, error }) {
        if (data) {
            this.contactRoleCount = typeof data.count === 'number' ? data.count : (data.records || []).length;
            this.contactRolesError = undefined;
        } else if (error) {
            this.contactRoleCount = undefined;
            this.contactRolesError = error;
        }
    }

    // ---- record values ------------------------------------------------------------------------------

    fieldValue(field) {
        return this.record ? getFieldValue(this.record, field) : undefined;
    }

    get isLoading() {
        return !this.record && !this.recordError;
    }

    get hasRecord() {
        return !!this.record;
    }

    get referralId() {
        return this.fieldValue(REFERRAL_ID_FIELD);
    }

    get referralLink() {
        return this.fieldValue(REFERRAL_LINK_FIELD);
    }

    get referralLinkLabel() {
        return `${this.referralId} (opens Partner Center in a new tab)`;
    }

    get partnerCenterStatus() {
        return [this.fieldValue(PC_STATUS_FIELD), this.fieldValue(PC_SUBSTATUS_FIELD)].filter(Boolean).join(' · ');
    }

    get savedSync() {
        return this.fieldValue(SYNC_FIELD) === true;
    }

    get resyncRequested() {
        return this.fieldValue(RESYNC_FIELD) === true;
    }

    // ---- status at a glance -------------------------------------------------------------------------

    get syncStateValue() {
        const state = this.fieldValue(SYNC_STATE_FIELD);
        // The outbound pass only picks up shared opportunities: once sharing is off nothing is pending any more.
        if (state === 'Pending' && !this.savedSync) {
            return 'Not Synced';
        }
        if (STATES[state]) {
            return state;
        }
        // No state written yet: the sync has not seen the record. A shared one is on its way.
        return this.savedSync ? 'Pending' : 'Not Synced';
    }

    get state() {
        return STATES[this.syncStateValue];
    }

    get statusClass() {
        return `status slds-box slds-box_x-small slds-media slds-media_center ${this.state.tone}`;
    }

    get isSynced() {
        return this.syncStateValue === 'Synced';
    }

    get lastSynced() {
        return this.fieldValue(LAST_SYNCED_FIELD);
    }

    get statusDetail() {
        switch (this.syncStateValue) {
            case 'Pending':
                return this.resyncRequested
                    ? 'Sync requested: the sync sends this opportunity to Partner Center at its next pass.'
                    : 'Waiting for the next sync to send this opportunity to Partner Center.';
            case 'Error':
                return this.fieldValue(SYNC_ERROR_FIELD) || 'The last sync failed. See the timeline below.';
            case 'Conflict':
                return this.conflictFields.length
                    ? `Changed in Salesforce and in Partner Center since the last sync: ${this.conflictFields.join(', ')}. Your admin decides which value wins.`
                    : this.fieldValue(SYNC_ERROR_FIELD) ||
                          'Changed in Salesforce and in Partner Center since the last sync. See the timeline below.';
            case 'Synced':
                return undefined;
            default:
                return this.savedSync
                    ? 'Shared with Microsoft: the next sync sends it to Partner Center.'
                    : 'This opportunity is not shared with Partner Center.';
        }
    }

    /** Fields named by the newest Conflict event of the timeline. */
    get conflictFields() {
        const conflict = (this.timelineRecords || []).find((e) => e.action === 'Conflict');
        return conflict ? conflict.changes.map((c) => c.field) : [];
    }

    // ---- editability (from object info: what the rep's permission sets allow) ----------------------

    updateable(field) {
        const info = this.objectInfo;
        if (!info || info.updateable === false) {
            return false;
        }
        const fieldInfo = info.fields && info.fields[field.fieldApiName];
        return !!(fieldInfo && fieldInfo.updateable);
    }

    get syncReadOnly() {
        return !this.updateable(SYNC_FIELD) || this.saving;
    }

    get helpReadOnly() {
        return !this.updateable(HELP_FIELD) || this.saving;
    }

    get canEditSolutions() {
        return this.updateable(SOLUTIONS_FIELD);
    }

    get canEditAny() {
        return this.updateable(SYNC_FIELD) || this.updateable(HELP_FIELD) || this.canEditSolutions;
    }

    get readOnlyNote() {
        return this.objectInfo && !this.canEditAny
            ? 'You can see how this opportunity is shared but not change it.'
            : undefined;
    }

    // ---- share with Microsoft -----------------------------------------------------------------------

    get syncChecked() {
        return this.draftSync !== undefined ? this.draftSync : this.savedSync;
    }

    get savedHelp() {
        return this.fieldValue(HELP_FIELD) || '';
    }

    get helpValue() {
        return this.draftHelp !== undefined ? this.draftHelp : this.savedHelp;
    }

    get helpOptions() {
        const values = (this.helpOptionsData && this.helpOptionsData.values) || [];
        return [{ label: '--None--', value: '' }, ...values.map((v) => ({ label: v.label, value: v.value }))];
    }

    get helpPlaceholder() {
        return this.helpOptionsError ? 'Values could not be loaded' : 'Select how Microsoft can help';
    }

    get savedSolutions() {
        return parseSolutionIds(this.fieldValue(SOLUTIONS_FIELD));
    }

    get solutions() {
        return this.draftSolutions !== undefined ? this.draftSolutions : this.savedSolutions;
    }

    get solutionPills() {
        return this.solutions.map((id) => {
            const problem = solutionIdProblem(id);
            return {
                id,
                label: id,
                hasError: !!problem,
                title: problem || id
            };
        });
    }

    get hasSolutions() {
        return this.solutions.length > 0;
    }

    get invalidSolutions() {
        return this.solutions.filter((id) => solutionIdProblem(id));
    }

    get invalidSolutionsMessage() {
        const bad = this.invalidSolutions;
        return bad.length
            ? `Not a Partner Center solution id: ${bad.join(', ')}. Ids look like SOL-34104-EBB; remove and re-enter.`
            : undefined;
    }

    get isDirty() {
        return this.changedFields() !== undefined;
    }

    get saveDisabled() {
        return !this.isDirty || this.saving || this.invalidSolutions.length > 0;
    }

    get cancelDisabled() {
        return !this.isDirty || this.saving;
    }

    /** The rep fields that differ from the record, as an updateRecord `fields` object; undefined when none. */
    changedFields() {
        if (!this.record) {
            return undefined;
        }
        const fields = {};
        if (this.draftSync !== undefined && this.draftSync !== this.savedSync) {
            fields[SYNC_FIELD.fieldApiName] = this.draftSync;
        }
        if (this.draftHelp !== undefined && this.draftHelp !== this.savedHelp) {
            fields[HELP_FIELD.fieldApiName] = this.draftHelp || null;
        }
        if (this.draftSolutions !== undefined) {
            const joined = joinSolutionIds(this.draftSolutions);
            if (joined !== joinSolutionIds(this.savedSolutions)) {
                fields[SOLUTIONS_FIELD.fieldApiName] = joined || null;
            }
        }
        return Object.keys(fields).length ? fields : undefined;
    }

    handleSyncToggle(event) {
        this.draftSync =
            event.detail && typeof event.detail.checked === 'boolean' ? event.detail.checked : event.target.checked;
    }

    handleHelpChange(event) {
        this.draftHelp = event.detail.value;
    }

    handleSolutionInput(event) {
        this.solutionInput = event.detail.value;
        this.solutionError = undefined;
    }

    handleSolutionKeyUp(event) {
        if (event.key === 'Enter') {
            this.addSolutions();
        }
    }

    handleAddSolution() {
        this.addSolutions();
    }

    /** Adds what the rep typed (one id, or several separated by ; , or spaces), refusing malformed ids. */
    addSolutions() {
        const typed = parseSolutionIds(this.solutionInput);
        if (!typed.length) {
            this.solutionError = 'Enter a solution id such as SOL-34104-EBB.';
            return;
        }
        const current = [...this.solutions];
        const problems = [];
        typed.forEach((raw) => {
            const id = normalizeSolutionId(raw);
            const problem = solutionIdProblem(id);
            if (problem) {
                problems.push(problem);
            } else if (!current.includes(id)) {
                current.push(id);
            }
        });
        if (joinSolutionIds(current).length > 255) {
            this.solutionError = 'Too many solution ids: the Products field holds 255 characters.';
            return;
        }
        this.draftSolutions = current;
        // keep what the rep typed when something was refused, so the typo can be fixed in place
        this.solutionError = problems.length ? [...new Set(problems)].join(' ') : undefined;
        if (!problems.length) {
            this.solutionInput = '';
        }
    }

    handleRemoveSolution(event) {
        const id = event.target.name;
        this.draftSolutions = this.solutions.filter((s) => s !== id);
    }

    handleCancel() {
        this.resetDrafts();
    }

    resetDrafts() {
        this.draftSync = undefined;
        this.draftHelp = undefined;
        this.draftSolutions = undefined;
        this.solutionInput = '';
        this.solutionError = undefined;
    }

    async handleSave() {
        const fields = this.changedFields();
        if (!fields) {
            return;
        }
        const saved = await this.save(fields, 'Partner Center sharing saved', this.saveMessage(fields));
        if (saved) {
            this.resetDrafts();
        }
    }

    saveMessage(fields) {
        if (fields[SYNC_FIELD.fieldApiName] === true) {
            return 'The next sync shares this opportunity with Microsoft.';
        }
        if (fields[SYNC_FIELD.fieldApiName] === false) {
            return 'This opportunity is no longer shared with Microsoft.';
        }
        return this.savedSync ? 'The next sync sends the changes to Partner Center.' : undefined;
    }

    // ---- readiness -----------------------------------------------------------------------------------

    get showReadiness() {
        return this.hasRecord && (!this.referralId || this.syncStateValue === 'Error');
    }

    get accountId() {
        return this.fieldValue(ACCOUNT_ID_FIELD);
    }

    get accountCountry() {
        const code = this.fieldValue(ACCOUNT_COUNTRY_CODE_FIELD);
        return code || this.fieldValue(ACCOUNT_COUNTRY_FIELD) || '';
    }

    get readinessItems() {
        const items = [];
        const country = String(this.accountCountry).trim();
        const countryOk = /^[A-Za-z]{2}$/.test(country);
        if (!this.accountId) {
            items.push({
                key: 'account',
                done: false,
                text: 'Link this opportunity to the customer’s account (Partner Center needs the customer’s country).',
                fixLabel: 'Edit the opportunity',
                href: `/lightning/r/Opportunity/${this.recordId}/edit`
            });
        } else {
            items.push({
                key: 'country',
                done: countryOk,
                text: countryOk
                    ? `The account has a two-letter country (${country.toUpperCase()}).`
                    : country
                      ? `The account’s country “${country}” is not a two-letter code such as US.`
                      : 'The account needs a two-letter billing country such as US.',
                fixLabel: 'Edit the account',
                href: `/lightning/r/Account/${this.accountId}/view`
            });
        }
        const validSolutions = this.solutions.filter((id) => !solutionIdProblem(id));
        items.push({
            key: 'solution',
            done: validSolutions.length > 0,
            text: validSolutions.length
                ? `At least one Partner Center solution id (${validSolutions.length}).`
                : 'Add at least one Partner Center solution id (Products), such as SOL-34104-EBB.',
            fixLabel: 'Add a solution id',
            focusSolutions: true
        });
        if (this.helpValue) {
            const count = this.contactRoleCount;
            const done = typeof count === 'number' && count > 0;
            items.push({
                key: 'contact',
                done,
                text: done
                    ? 'A customer contact role, needed when Microsoft’s help is requested.'
                    : this.contactRolesError
                      ? 'Contact roles could not be read; Microsoft’s help needs a customer contact role.'
                      : 'Add a customer contact role: Microsoft’s help needs a customer contact.',
                fixLabel: 'Open contact roles',
                href: `/lightning/r/Opportunity/${this.recordId}/related/OpportunityContactRoles/view`
            });
        }
        return items.map((item) => ({
            ...item,
            icon: item.done ? 'utility:success' : 'utility:warning',
            iconVariant: item.done ? 'success' : 'warning',
            iconText: item.done ? 'Done' : 'To do',
            showFix: !item.done,
            showLink: !item.done && !!item.href,
            className: `readiness-item slds-item slds-media slds-media_center slds-p-vertical_xx-small ${
                item.done ? 'done' : 'todo'
            }`
        }));
    }

    get isReady() {
        return this.readinessItems.every((item) => item.done);
    }

    get readinessSummary() {
        return this.isReady
            ? 'Ready: Partner Center has what it needs for the first sync.'
            : 'Before the first sync, Partner Center requires:';
    }

    focusSolutionInput() {
        const input = this.template.querySelector('[data-id="solution-input"]');
        if (input && input.focus) {
            input.focus();
        }
    }

    // ---- sync now -----------------------------------------------------------------------------------

    get showSyncNow() {
        return this.hasRecord && this.savedSync && this.updateable(RESYNC_FIELD);
    }

    get syncNowDisabled() {
        return this.resyncRequested || this.saving;
    }

    get syncNowLabel() {
        return this.resyncRequested ? 'Sync requested' : 'Sync now';
    }

    async handleSyncNow() {
        await this.save(
            { [RESYNC_FIELD.fieldApiName]: true },
            'Sync requested',
            'The sync sends this opportunity to Partner Center at its next outbound poll.'
        );
    }

    // ---- incoming referral on hold --------------------------------------------------------------------

    get isIncomingOnHold() {
        return this.hasRecord && !!this.referralId && this.fieldValue(STAGE_FIELD) === this.holdStage;
    }

    get canAnswerIncoming() {
        return this.updateable(STAGE_FIELD) && this.updateable(DECLINE_REASON_FIELD);
    }

    get incomingReadOnlyNote() {
        return this.canAnswerIncoming ? undefined : 'Ask the opportunity owner to accept or decline it.';
    }

    get answerDisabled() {
        return this.saving;
    }

    async handleAccept() {
        await this.save(
            { [STAGE_FIELD.fieldApiName]: this.acceptedStage },
            'Referral accepted',
            `Stage set to ${this.acceptedStage}; the sync tells Partner Center.`
        );
    }

    handleDecline() {
        this.declining = true;
        this.declineError = undefined;
    }

    handleDeclineReason(event) {
        this.declineReason = event.detail.value;
        this.declineError = undefined;
    }

    handleDeclineCancel() {
        this.declining = false;
        this.declineReason = '';
        this.declineError = undefined;
    }

    async handleDeclineConfirm() {
        const reason = (this.declineReason || '').trim();
        if (!reason) {
            this.declineError = 'Tell Microsoft why you decline this referral.';
            return;
        }
        const saved = await this.save(
            {
                [STAGE_FIELD.fieldApiName]: this.declinedStage,
                [DECLINE_REASON_FIELD.fieldApiName]: reason.slice(0, DECLINE_REASON_MAX)
            },
            'Referral declined',
            `Stage set to ${this.declinedStage}; the sync sends your reason to Partner Center.`
        );
        if (saved) {
            this.handleDeclineCancel();
        }
    }

    // ---- timeline ------------------------------------------------------------------------------------

    get timelineRecords() {
        if (!this.events) {
            return undefined;
        }
        return this.events
            .map((record) => {
                const direction = getFieldValue(record, EVENT_DIRECTION_FIELD);
                const action = getFieldValue(record, EVENT_ACTION_FIELD);
                const httpStatus = getFieldValue(record, EVENT_HTTP_STATUS_FIELD);
                const inbound = direction === 'Inbound';
                return {
                    id: record.id,
                    direction,
                    directionText: inbound ? 'From Partner Center' : 'To Partner Center',
                    directionIcon: inbound ? 'utility:download' : 'utility:upload',
                    action,
                    actionClass: EVENT_ACTIONS[action] || 'slds-badge',
                    message: getFieldValue(record, EVENT_MESSAGE_FIELD),
                    occurredAt: getFieldValue(record, EVENT_OCCURRED_FIELD),
                    technical: technicalLine(httpStatus, getFieldValue(record, EVENT_CORRELATION_FIELD)),
                    changes: parseChanges(getFieldValue(record, EVENT_CHANGED_FIELD))
                };
            })
            .map((event) => ({ ...event, hasChanges: event.changes.length > 0 }))
            .sort((a, b) => String(b.occurredAt || '').localeCompare(String(a.occurredAt || '')));
    }

    get hasTimeline() {
        return !!this.timelineRecords && this.timelineRecords.length > 0;
    }

    get timelineEmpty() {
        return !!this.timelineRecords && this.timelineRecords.length === 0;
    }

    // ---- writes ----------------------------------------------------------------------------------------

    /** updateRecord + refresh + toast. Resolves true when saved. */
    async save(fields, successTitle, successMessage) {
        this.saving = true;
        try {
            await updateRecord({ fields: { [ID_FIELD.fieldApiName]: this.recordId, ...fields } });
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

/** Changed_Fields__c: a JSON list of { field, before, after } (a conflict may carry both sides' values). */
function parseChanges(json) {
    if (!json) {
        return [];
    }
    let list;
    try {
        list = JSON.parse(json);
    } catch {
        return [{ key: 'raw', field: 'Changes', text: String(json).slice(0, 200) }];
    }
    if (!Array.isArray(list)) {
        return [];
    }
    return list
        .filter((c) => c && c.field)
        .map((c, index) => ({
            key: `${index}-${c.field}`,
            field: c.field,
            text: describeChange(c)
        }));
}

/** "HTTP 400 · correlation id …" for support, when the event has them. */
function technicalLine(httpStatus, correlationId) {
    const parts = [];
    if (httpStatus) {
        parts.push(`HTTP ${httpStatus}`);
    }
    if (correlationId) {
        parts.push(`correlation id ${correlationId}`);
    }
    return parts.length ? parts.join(' · ') : undefined;
}

function show(v) {
    if (v === null || v === undefined || v === '') {
        return '(empty)';
    }
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function describeChange(change) {
    if ('salesforce' in change || 'partnerCenter' in change) {
        return `Salesforce: ${show(change.salesforce)} · Partner Center: ${show(change.partnerCenter)}`;
    }
    return `${show(change.before)} → ${show(change.after)}`;
}
