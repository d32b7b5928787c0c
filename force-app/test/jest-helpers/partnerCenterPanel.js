// Mounting c-partner-center-panel with its wires emitting, for the container's jest tests.
import { createElement } from 'lwc';
import PartnerCenterPanel from 'c/partnerCenterPanel';
import { getRecord } from 'lightning/uiRecordApi';
import { getObjectInfo, getPicklistValues } from 'lightning/uiObjectInfoApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { flushPromises, mount } from './dom';
// The container's wire mocks, named after their adapters
import mockGetRecord from '../../main/default/lwc/partnerCenterPanel/__tests__/data/getRecord.json';
import mockGetObjectInfo from '../../main/default/lwc/partnerCenterPanel/__tests__/data/getObjectInfo.json';
import mockGetPicklistValues from '../../main/default/lwc/partnerCenterPanel/__tests__/data/getPicklistValues.json';
import mockEvents from '../../main/default/lwc/partnerCenterTimeline/__tests__/data/getRelatedListRecords.json';
import roles from '../../main/default/lwc/partnerCenterPanel/__tests__/data/getRelatedListRecords-contactRoles.json';

export const RECORD_ID = mockGetRecord.id;
export const REFERRAL_ID = '9b0c3f9e-3d84-4a84-a1c7-6e9f1a2b3c4d';
export const REFERRAL_LINK = `https://partner.microsoft.com/dashboard/referrals/v2/leads/${REFERRAL_ID}/details`;

export const isEvents = (config) => config.relatedListId === 'Partner_Center_Sync_Events__r';
export const isContactRoles = (config) => config.relatedListId === 'OpportunityContactRoles';

const clone = (value) => JSON.parse(JSON.stringify(value));

/** The getRecord mock with some Opportunity (and Account) values replaced; accountFields null unlinks the Account. */
export function recordWith(fields = {}, accountFields) {
    const record = clone(mockGetRecord);
    Object.entries(fields).forEach(([name, value]) => {
        record.fields[name] = { displayValue: null, value };
    });
    if (accountFields === null) {
        record.fields.AccountId.value = null;
        record.fields.Account = { displayValue: null, value: null };
    } else if (accountFields) {
        Object.entries(accountFields).forEach(([name, value]) => {
            record.fields.Account.value.fields[name] = { displayValue: null, value };
        });
    }
    return record;
}

/** The getObjectInfo mock with some fields read-only for the running user. */
export function objectInfoWithReadOnly(...fieldNames) {
    const info = clone(mockGetObjectInfo);
    fieldNames.forEach((name) => {
        info.fields[name].updateable = false;
    });
    return info;
}

export function eventsWith(records) {
    return { ...clone(mockEvents), count: records.length, records };
}

export const noContactRoles = () => ({ ...clone(roles), count: 0, records: [] });

export function mountPanel(props = {}) {
    return mount(createElement, 'c-partner-center-panel', PartnerCenterPanel, { recordId: RECORD_ID, ...props });
}

/** Mounts the panel and emits every wire; pass null to leave an adapter silent. */
export async function renderPanel({
    record = mockGetRecord,
    objectInfo = mockGetObjectInfo,
    picklist = mockGetPicklistValues,
    events = mockEvents,
    contactRoles = roles,
    props
} = {}) {
    const element = mountPanel(props);
    // Let the wire service hand each adapter its config (the related-list filters need it)
    await flushPromises();
    // Emit data from the @wire adapters
    if (objectInfo) getObjectInfo.emit(objectInfo);
    if (record) getRecord.emit(record);
    if (picklist) getPicklistValues.emit(picklist);
    if (contactRoles) getRelatedListRecords.emit(contactRoles, isContactRoles);
    await flushPromises();
    // The timeline reads the events itself, once the record is there and it is rendered
    if (events) getRelatedListRecords.emit(events, isEvents);
    await flushPromises();
    return element;
}

/** A child component of the panel by its tag, e.g. 'c-partner-center-status'. */
export const child = (element, tag) => element.shadowRoot.querySelector(tag);

/** An element with data-id `id` inside the child `tag`. */
export const inChild = (element, tag, id) => {
    const host = child(element, tag);
    return host ? host.shadowRoot.querySelector(`[data-id="${id}"]`) : null;
};

/** The readiness checklist as { item key: 'done' | 'todo' }; undefined when it is not shown. */
export function readiness(element) {
    const host = child(element, 'c-partner-center-readiness');
    if (!host) {
        return undefined;
    }
    const items = Array.from(host.shadowRoot.querySelectorAll('[data-item]'));
    return Object.fromEntries(items.map((li) => [li.dataset.item, li.classList.contains('done') ? 'done' : 'todo']));
}
