/**
 * Partner_Center_Sync_Event__c records as the timeline reads them: which fields its related-list wire asks for, and
 * each record turned into a timeline entry (direction, action, changed fields in words, HTTP status and correlation
 * id).
 * A service module because a UI component may export nothing but its class.
 */
import { getFieldValue } from 'lightning/uiRecordApi';
import DIRECTION_FIELD from '@salesforce/schema/Partner_Center_Sync_Event__c.Direction__c';
import ACTION_FIELD from '@salesforce/schema/Partner_Center_Sync_Event__c.Action__c';
import CHANGED_FIELD from '@salesforce/schema/Partner_Center_Sync_Event__c.Changed_Fields__c';
import MESSAGE_FIELD from '@salesforce/schema/Partner_Center_Sync_Event__c.Message__c';
import OCCURRED_FIELD from '@salesforce/schema/Partner_Center_Sync_Event__c.Occurred_At__c';
import HTTP_STATUS_FIELD from '@salesforce/schema/Partner_Center_Sync_Event__c.HTTP_Status__c';
import CORRELATION_FIELD from '@salesforce/schema/Partner_Center_Sync_Event__c.Correlation_Id__c';

/** `Object.Field` strings for the related-list adapter, built from schema imports so references stay checked. */
const qualified = (field) => `${field.objectApiName}.${field.fieldApiName}`;

/** Child relationship of Partner_Center_Sync_Event__c.Opportunity__c, and of its Lead__c: both lookups use the name. */
export const EVENTS_RELATED_LIST = 'Partner_Center_Sync_Events__r';
/** How many of the newest events a record's timeline shows. */
export const EVENTS_PAGE_SIZE = 10;
export const EVENT_FIELDS = [
    DIRECTION_FIELD,
    ACTION_FIELD,
    CHANGED_FIELD,
    MESSAGE_FIELD,
    OCCURRED_FIELD,
    HTTP_STATUS_FIELD,
    CORRELATION_FIELD
].map(qualified);
export const EVENTS_NEWEST_FIRST = [`-${qualified(OCCURRED_FIELD)}`];

const ACTION_BADGES = {
    Created: 'slds-badge slds-theme_success',
    Updated: 'slds-badge slds-badge_lightest',
    Skipped: 'slds-badge',
    Conflict: 'slds-badge slds-theme_warning',
    Error: 'slds-badge slds-theme_error'
};

/** The records as timeline entries, newest first. */
export function timelineEntries(records) {
    return (records || [])
        .map((record) => {
            const direction = getFieldValue(record, DIRECTION_FIELD);
            const action = getFieldValue(record, ACTION_FIELD);
            const inbound = direction === 'Inbound';
            const changes = parseChanges(getFieldValue(record, CHANGED_FIELD));
            return {
                id: record.id,
                direction,
                directionText: inbound ? 'From Partner Center' : 'To Partner Center',
                directionIcon: inbound ? 'utility:download' : 'utility:upload',
                action,
                actionClass: ACTION_BADGES[action] || 'slds-badge',
                message: getFieldValue(record, MESSAGE_FIELD),
                occurredAt: getFieldValue(record, OCCURRED_FIELD),
                technical: technicalLine(
                    getFieldValue(record, HTTP_STATUS_FIELD),
                    getFieldValue(record, CORRELATION_FIELD)
                ),
                changes,
                hasChanges: changes.length > 0
            };
        })
        .sort((a, b) => String(b.occurredAt || '').localeCompare(String(a.occurredAt || '')));
}

/** Fields named by the newest Conflict event. */
export function newestConflictFields(records) {
    const conflict = timelineEntries(records).find((entry) => entry.action === 'Conflict');
    return conflict ? conflict.changes.map((change) => change.field) : [];
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
        .filter((change) => change && change.field)
        .map((change, index) => ({ key: `${index}-${change.field}`, field: change.field, text: describe(change) }));
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

function show(value) {
    if (value === null || value === undefined || value === '') {
        return '(empty)';
    }
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function describe(change) {
    if ('salesforce' in change || 'partnerCenter' in change) {
        return `Salesforce: ${show(change.salesforce)} · Partner Center: ${show(change.partnerCenter)}`;
    }
    return `${show(change.before)} → ${show(change.after)}`;
}
