import { createElement } from 'lwc';
import PartnerCenterPanel from 'c/partnerCenterPanel';
import { getRecord, updateRecord, notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import { getObjectInfo, getPicklistValues } from 'lightning/uiObjectInfoApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';

// Realistic UI API payloads, named after the adapter that emits them
import mockGetRecord from './data/getRecord.json';
import mockGetObjectInfo from './data/getObjectInfo.json';
import mockGetPicklistValues from './data/getPicklistValues.json';
import mockGetRelatedListRecords from './data/getRelatedListRecords.json';
import mockGetRelatedListRecordsContactRoles from './data/getRelatedListRecords-contactRoles.json';

const RECORD_ID = mockGetRecord.id;
const REFERRAL_ID = '9b0c3f9e-3d84-4a84-a1c7-6e9f1a2b3c4d';
const REFERRAL_LINK = `https://partner.microsoft.com/dashboard/referrals/v2/leads/${REFERRAL_ID}/details`;

const isEvents = (config) => config.relatedListId === 'Partner_Center_Sync_Events__r';
const isContactRoles = (config) => config.relatedListId === 'OpportunityContactRoles';

/** The getRecord mock with some Opportunity (and Account) field values replaced. */
function recordWith(fields = {}, accountFields) {
    const record = JSON.parse(JSON.stringify(mockGetRecord));
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

/** The getObjectInfo mock with some fields made read-only for the running user. */
function objectInfoWithReadOnly(...fieldNames) {
    const info = JSON.parse(JSON.stringify(mockGetObjectInfo));
    fieldNames.forEach((name) => {
        info.fields[name].updateable = false;
    });
    return info;
}

function eventsWith(records) {
    return { ...mockGetRelatedListRecords, count: records.length, records };
}

function conflictEvent() {
    return {
        apiName: 'Partner_Center_Sync_Event__c',
        id: 'a0BHs000001EVT9MAC',
        childRelationships: {},
        fields: {
            Direction__c: { displayValue: 'Inbound', value: 'Inbound' },
            Action__c: { displayValue: 'Conflict', value: 'Conflict' },
            Changed_Fields__c: {
                displayValue: null,
                value: JSON.stringify([
                    { field: 'Amount', salesforce: 150000, partnerCenter: 175000 },
                    { field: 'CloseDate', salesforce: '2027-01-31', partnerCenter: '2027-02-28' }
                ])
            },
            Message__c: { displayValue: null, value: 'Changed on both sides; parked for a manual decision.' },
            Occurred_At__c: { displayValue: null, value: '2026-11-24T12:00:00.000Z' },
            HTTP_Status__c: { displayValue: null, value: null },
            Correlation_Id__c: { displayValue: null, value: null }
        }
    };
}

const STATE_RECORDS = {
    notSynced: () => recordWith(),
    pending: () =>
        recordWith({
            Sync_With_Partner_Center__c: true,
            Partner_Center_Sync_State__c: 'Pending'
        }),
    synced: () =>
        recordWith({
            Sync_With_Partner_Center__c: true,
            StageName: 'Qualification',
            Referral_Identifier__c: REFERRAL_ID,
            Referral_Link__c: REFERRAL_LINK,
            Partner_Center_Status__c: 'Active',
            Partner_Center_Substatus__c: 'Accepted',
            Partner_Center_Sync_State__c: 'Synced',
            Partner_Center_Last_Synced__c: '2026-11-24T09:12:00.000Z'
        }),
    error: () =>
        recordWith(
            {
                Sync_With_Partner_Center__c: true,
                Partner_Center_Sync_State__c: 'Error',
                Partner_Center_Sync_Error__c:
                    'Partner Center needs a two-letter country on the account (found "United States").'
            },
            { BillingCountryCode: null }
        ),
    conflict: () =>
        recordWith({
            Sync_With_Partner_Center__c: true,
            Referral_Identifier__c: REFERRAL_ID,
            Referral_Link__c: REFERRAL_LINK,
            Partner_Center_Status__c: 'Active',
            Partner_Center_Substatus__c: 'Accepted',
            Partner_Center_Sync_State__c: 'Conflict'
        }),
    incomingOnHold: () =>
        recordWith({
            StageName: 'Prospecting',
            Sync_With_Partner_Center__c: true,
            Referral_Identifier__c: REFERRAL_ID,
            Referral_Link__c: REFERRAL_LINK,
            Partner_Center_Status__c: 'New',
            Partner_Center_Substatus__c: 'Received',
            Partner_Center_Sync_State__c: 'Synced',
            Partner_Center_Last_Synced__c: '2026-11-24T08:00:00.000Z'
        })
};

/** Flushes pending promises and the re-render they cause. */
function flushPromises() {
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    return new Promise((resolve) => setTimeout(resolve, 0));
}

function mount(props = {}) {
    const element = createElement('c-partner-center-panel', { is: PartnerCenterPanel });
    element.recordId = RECORD_ID;
    Object.assign(element, props);
    document.body.appendChild(element);
    return element;
}

/** Mounts the panel and emits every wire; pass null to leave an adapter silent. */
async function render({
    record = mockGetRecord,
    objectInfo = mockGetObjectInfo,
    picklist = mockGetPicklistValues,
    events = mockGetRelatedListRecords,
    contactRoles = mockGetRelatedListRecordsContactRoles,
    props
} = {}) {
    const element = mount(props);
    // Let the wire service hand each adapter its config (the related-list filters need it)
    await flushPromises();
    // Emit data from the @wire adapters
    if (objectInfo) getObjectInfo.emit(objectInfo);
    if (record) getRecord.emit(record);
    if (picklist) getPicklistValues.emit(picklist);
    if (events) getRelatedListRecords.emit(events, isEvents);
    if (contactRoles) getRelatedListRecords.emit(contactRoles, isContactRoles);
    await flushPromises();
    return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const $$ = (element, selector) => Array.from(element.shadowRoot.querySelectorAll(selector));
const byId = (element, id) => $(element, `[data-id="${id}"]`);

async function click(element, id) {
    byId(element, id).dispatchEvent(new CustomEvent('click'));
    await flushPromises();
}

async function change(target, detail) {
    target.dispatchEvent(new CustomEvent('change', { detail }));
    await flushPromises();
}

async function addSolution(element, text) {
    await change(byId(element, 'solution-input'), { value: text });
    await click(element, 'solution-add');
}

function listenForToasts(element) {
    const handler = jest.fn();
    element.addEventListener('lightning__showtoast', handler);
    return handler;
}

function readiness(element) {
    return Object.fromEntries(
        $$(element, '[data-item]').map((li) => [li.dataset.item, li.classList.contains('done') ? 'done' : 'todo'])
    );
}

describe('c-partner-center-panel', () => {
    afterEach(() => {
        // The jsdom instance is shared across test cases in a single file so reset the DOM
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    describe('wiring', () => {
        it('asks LDS for the Opportunity fields, the picklist of its record type and both related lists', async () => {
            await render();

            const recordConfig = getRecord.getLastConfig();
            expect(recordConfig.recordId).toBe(RECORD_ID);
            const names = recordConfig.fields.map((f) => f.fieldApiName);
            expect(names).toEqual(
                expect.arrayContaining([
                    'Sync_With_Partner_Center__c',
                    'Referral_Identifier__c',
                    'Partner_Center_Sync_State__c',
                    'Partner_Center_Resync_Requested__c'
                ])
            );
            expect(recordConfig.optionalFields.map((f) => f.fieldApiName)).toEqual([
                'Account.BillingCountryCode',
                'Account.BillingCountry'
            ]);
            expect(getPicklistValues.getLastConfig()).toEqual({
                recordTypeId: '012000000000000AAA',
                fieldApiName: { objectApiName: 'Opportunity', fieldApiName: 'How_Can_Microsoft_Help__c' }
            });
            const relatedConfig = getRelatedListRecords.getLastConfig();
            expect(relatedConfig.parentRecordId).toBe(RECORD_ID);
        });

        it('shows a spinner until the record arrives', async () => {
            const element = mount();
            await flushPromises();

            expect($(element, 'lightning-spinner')).not.toBeNull();
            expect(byId(element, 'status')).toBeNull();
            await expect(element).toBeAccessible();
        });
    });

    describe('status at a glance', () => {
        it('not synced: says so, offers no Sync now, shows the readiness checklist', async () => {
            const element = await render({ record: STATE_RECORDS.notSynced() });

            expect(byId(element, 'status').dataset.state).toBe('not-synced');
            expect($(element, '.state-words').textContent).toBe('Not synced');
            expect(byId(element, 'state-detail').textContent).toBe(
                'This opportunity is not shared with Partner Center.'
            );
            expect($(element, '[data-id="status"] lightning-icon').alternativeText).toBe('Not synced');
            expect(byId(element, 'sync-now')).toBeNull();
            expect(byId(element, 'readiness')).not.toBeNull();
            expect(byId(element, 'referral-link')).toBeNull();
            await expect(element).toBeAccessible();
        });

        it('pending: says it waits for the sync and offers Sync now', async () => {
            const element = await render({ record: STATE_RECORDS.pending() });

            expect(byId(element, 'status').dataset.state).toBe('pending');
            expect($(element, '.state-words').textContent).toBe('Pending');
            expect(byId(element, 'state-detail').textContent).toMatch(/next sync/);
            expect(byId(element, 'sync-now').label).toBe('Sync now');
            expect(byId(element, 'sync-now').disabled).toBe(false);
            await expect(element).toBeAccessible();
        });

        it('pending without a state yet: a shared opportunity the sync has not seen is pending', async () => {
            const element = await render({
                record: recordWith({ Sync_With_Partner_Center__c: true, Partner_Center_Sync_State__c: null })
            });

            expect(byId(element, 'status').dataset.state).toBe('pending');
        });

        it('pending but no longer shared: nothing will be sent, so it is not synced', async () => {
            const element = await render({
                record: recordWith({ Sync_With_Partner_Center__c: false, Partner_Center_Sync_State__c: 'Pending' })
            });

            expect(byId(element, 'status').dataset.state).toBe('not-synced');
        });

        it('synced: ✔ with when, the referral link, the Partner Center status; no checklist', async () => {
            const element = await render({ record: STATE_RECORDS.synced() });

            expect(byId(element, 'status').dataset.state).toBe('synced');
            expect($(element, '.state-words').textContent).toBe('Synced ✔');
            expect($(element, '[data-id="status"] lightning-icon').variant).toBe('success');
            expect(byId(element, 'last-synced').value).toBe('2026-11-24T09:12:00.000Z');
            const link = byId(element, 'referral-link');
            expect(link.href).toBe(REFERRAL_LINK);
            expect(link.textContent).toBe(REFERRAL_ID);
            expect(link.target).toBe('_blank');
            expect(byId(element, 'pc-status').textContent).toBe('Active · Accepted');
            expect(byId(element, 'readiness')).toBeNull();
            expect(byId(element, 'incoming')).toBeNull();
            await expect(element).toBeAccessible();
        });

        it('synced without a link: the referral id is plain text', async () => {
            const element = await render({
                record: recordWith({ Referral_Identifier__c: REFERRAL_ID, Partner_Center_Sync_State__c: 'Synced' })
            });

            expect(byId(element, 'referral-link')).toBeNull();
            expect(byId(element, 'referral-id').textContent).toBe(REFERRAL_ID);
        });

        it('error: ✖ with the sync error message, and the checklist to fix it', async () => {
            const element = await render({ record: STATE_RECORDS.error() });

            expect(byId(element, 'status').dataset.state).toBe('error');
            expect($(element, '.state-words').textContent).toBe('Error ✖');
            expect(byId(element, 'state-detail').textContent).toBe(
                'Partner Center needs a two-letter country on the account (found "United States").'
            );
            expect(readiness(element).country).toBe('todo');
            await expect(element).toBeAccessible();
        });

        it('conflict: ⚠ naming the fields of the newest conflict event', async () => {
            const element = await render({
                record: STATE_RECORDS.conflict(),
                events: eventsWith([conflictEvent(), ...mockGetRelatedListRecords.records])
            });

            expect(byId(element, 'status').dataset.state).toBe('conflict');
            expect($(element, '.state-words').textContent).toBe('Conflict ⚠');
            expect(byId(element, 'state-detail').textContent).toMatch(/since the last sync: Amount, CloseDate\./);
            const conflict = $(element, '[data-action="Conflict"]');
            expect(conflict.querySelector('.changes').textContent).toMatch(
                /Amount.*Salesforce: 150000 · Partner Center: 175000/s
            );
            await expect(element).toBeAccessible();
        });

        it('conflict without a conflict event falls back to the sync error text', async () => {
            const element = await render({
                record: recordWith({
                    Partner_Center_Sync_State__c: 'Conflict',
                    Partner_Center_Sync_Error__c: 'Amount changed on both sides.'
                })
            });

            expect(byId(element, 'state-detail').textContent).toBe('Amount changed on both sides.');
        });

        it('incoming on hold: Accept and Decline, status New · Received', async () => {
            const element = await render({ record: STATE_RECORDS.incomingOnHold() });

            expect(byId(element, 'incoming')).not.toBeNull();
            expect(byId(element, 'accept').label).toBe('Accept');
            expect(byId(element, 'decline')).not.toBeNull();
            expect(byId(element, 'pc-status').textContent).toBe('New · Received');
            await expect(element).toBeAccessible();
        });

        it('incoming on hold follows the on-hold stage set in App Builder', async () => {
            const element = await render({
                record: recordWith({ StageName: 'Prospecting', Referral_Identifier__c: REFERRAL_ID }),
                props: { holdStage: 'Prospecting' }
            });

            expect(byId(element, 'incoming')).not.toBeNull();
        });

        it('an opportunity that left the on-hold stage has no Accept/Decline', async () => {
            const element = await render({ record: STATE_RECORDS.synced() });

            expect(byId(element, 'accept')).toBeNull();
        });
    });

    describe('share with Microsoft', () => {
        it('offers the picklist values from metadata, plus none', async () => {
            const element = await render();

            const combobox = byId(element, 'help');
            expect(combobox.options.map((o) => o.value)).toEqual([
                '',
                ...mockGetPicklistValues.values.map((v) => v.value)
            ]);
            expect(combobox.value).toBe('');
        });

        it('says so when the picklist values cannot be loaded', async () => {
            const element = mount();
            getObjectInfo.emit(mockGetObjectInfo);
            getRecord.emit(mockGetRecord);
            getPicklistValues.error({ message: 'No access' }, 403, 'Forbidden');
            await flushPromises();

            expect(byId(element, 'help').placeholder).toBe('Values could not be loaded');
            expect(byId(element, 'help').options).toEqual([{ label: '--None--', value: '' }]);
        });

        it('Save is disabled until something changes', async () => {
            const element = await render();

            expect(byId(element, 'save').disabled).toBe(true);
            expect(byId(element, 'cancel').disabled).toBe(true);
        });

        it('the toggle writes Sync_With_Partner_Center__c, refreshes and toasts', async () => {
            const element = await render();
            const toasts = listenForToasts(element);
            const refresh = jest.fn();
            element.addEventListener('lightning__refresh', refresh);

            await change(byId(element, 'sync-toggle'), { checked: true });
            expect(byId(element, 'sync-toggle').checked).toBe(true);
            await click(element, 'save');

            expect(updateRecord).toHaveBeenCalledTimes(1);
            expect(updateRecord).toHaveBeenCalledWith({
                fields: { Id: RECORD_ID, Sync_With_Partner_Center__c: true }
            });
            expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: RECORD_ID }]);
            expect(refresh).toHaveBeenCalled();
            expect(toasts.mock.calls[0][0].detail).toMatchObject({
                variant: 'success',
                title: 'Partner Center sharing saved',
                message: 'The next sync shares this opportunity with Microsoft.'
            });
            await expect(element).toBeAccessible();
        });

        it('turning sharing off writes false', async () => {
            const element = await render({ record: STATE_RECORDS.pending() });

            await change(byId(element, 'sync-toggle'), { checked: false });
            await click(element, 'save');

            expect(updateRecord).toHaveBeenCalledWith({
                fields: { Id: RECORD_ID, Sync_With_Partner_Center__c: false }
            });
        });

        it('the help combobox writes How_Can_Microsoft_Help__c, and none writes null', async () => {
            const element = await render();

            await change(byId(element, 'help'), { value: 'Proof of concept or demo' });
            await click(element, 'save');
            expect(updateRecord).toHaveBeenLastCalledWith({
                fields: { Id: RECORD_ID, How_Can_Microsoft_Help__c: 'Proof of concept or demo' }
            });

            await render({ record: recordWith({ How_Can_Microsoft_Help__c: 'Quotes or licensing' }) });
            const second = document.body.lastChild;
            await change(byId(second, 'help'), { value: '' });
            await click(second, 'save');
            expect(updateRecord).toHaveBeenLastCalledWith({
                fields: { Id: RECORD_ID, How_Can_Microsoft_Help__c: null }
            });
        });

        it('solution ids become pills and are saved `;`-separated', async () => {
            const element = await render();

            await addSolution(element, 'SOL-Microsoft365');
            expect($$(element, '[data-id="solution-pill"]').map((p) => p.label)).toEqual([
                'SOL-34104-EBB',
                'SOL-Microsoft365'
            ]);
            expect(byId(element, 'solution-input').value).toBe('');
            await click(element, 'save');

            expect(updateRecord).toHaveBeenCalledWith({
                fields: { Id: RECORD_ID, Partner_Center_Solutions__c: 'SOL-34104-EBB;SOL-Microsoft365' }
            });
        });

        it('Enter adds a solution id; several can be pasted at once (; or ,); duplicates are ignored', async () => {
            const element = await render();

            await change(byId(element, 'solution-input'), { value: 'sol-abc-def, SOL-34104-EBB;SOL-99-X1' });
            byId(element, 'solution-input').dispatchEvent(new KeyboardEvent('keyup', { key: 'Enter' }));
            await flushPromises();

            expect($$(element, '[data-id="solution-pill"]').map((p) => p.label)).toEqual([
                'SOL-34104-EBB',
                'SOL-abc-def',
                'SOL-99-X1'
            ]);
        });

        it('a malformed solution id is refused with a message and never saved', async () => {
            const element = await render();

            await addSolution(element, 'SOL34104-EBB');

            expect(byId(element, 'solution-error').textContent).toMatch(/“SOL34104-EBB” is not a Partner Center/);
            expect($$(element, '[data-id="solution-pill"]')).toHaveLength(1);
            expect(byId(element, 'solution-input').value).toBe('SOL34104-EBB');
            expect(byId(element, 'save').disabled).toBe(true);
            await expect(element).toBeAccessible();
        });

        it('a space does not split an id: "SOL 34104-EBB" is one refused id, the valid ones of a list are added', async () => {
            const element = await render();

            await addSolution(element, 'SOL 34104-EBB; SOL-7-A');

            expect(byId(element, 'solution-error').textContent).toMatch(/^“SOL 34104-EBB” is not/);
            expect($$(element, '[data-id="solution-pill"]').map((p) => p.label)).toEqual(['SOL-34104-EBB', 'SOL-7-A']);
            expect(byId(element, 'solution-input').value).toBe('SOL 34104-EBB; SOL-7-A');
        });

        it('refuses ids beyond the 255 characters of the Products field', async () => {
            const many = Array.from({ length: 18 }, (_, i) => `SOL-${String(i).padStart(5, '0')}-ABC`);
            const element = await render({ record: recordWith({ Partner_Center_Solutions__c: many.join(';') }) });

            await addSolution(element, 'SOL-99999-XYZ');

            expect(byId(element, 'solution-error').textContent).toMatch(/255 characters/);
            expect($$(element, '[data-id="solution-pill"]')).toHaveLength(18);
        });

        it('an empty Add asks for an id', async () => {
            const element = await render();

            await addSolution(element, '   ');

            expect(byId(element, 'solution-error').textContent).toMatch(/Enter a solution id/);
        });

        it('a stored malformed id is flagged on its pill and blocks Save until removed', async () => {
            const element = await render({
                record: recordWith({ Partner_Center_Solutions__c: 'SOL-34104-EBB;S0L-1' })
            });

            const pills = $$(element, '[data-id="solution-pill"]');
            expect(pills.map((p) => p.hasError)).toEqual([false, true]);
            expect(byId(element, 'invalid-solutions').textContent).toMatch(/S0L-1/);

            await change(byId(element, 'sync-toggle'), { checked: true });
            expect(byId(element, 'save').disabled).toBe(true);

            pills[1].dispatchEvent(new CustomEvent('remove'));
            await flushPromises();
            expect(byId(element, 'save').disabled).toBe(false);
            await click(element, 'save');
            expect(updateRecord).toHaveBeenCalledWith({
                fields: {
                    Id: RECORD_ID,
                    Sync_With_Partner_Center__c: true,
                    Partner_Center_Solutions__c: 'SOL-34104-EBB'
                }
            });
        });

        it('removing the last pill writes null', async () => {
            const element = await render();

            $(element, '[data-id="solution-pill"]').dispatchEvent(new CustomEvent('remove'));
            await flushPromises();
            expect(byId(element, 'no-solutions')).not.toBeNull();
            await click(element, 'save');

            expect(updateRecord).toHaveBeenCalledWith({ fields: { Id: RECORD_ID, Partner_Center_Solutions__c: null } });
        });

        it('all three rep fields in one save', async () => {
            const element = await render();

            await change(byId(element, 'sync-toggle'), { checked: true });
            await change(byId(element, 'help'), { value: 'General or other' });
            await addSolution(element, 'SOL-2-B');
            await click(element, 'save');

            expect(updateRecord).toHaveBeenCalledWith({
                fields: {
                    Id: RECORD_ID,
                    Sync_With_Partner_Center__c: true,
                    How_Can_Microsoft_Help__c: 'General or other',
                    Partner_Center_Solutions__c: 'SOL-34104-EBB;SOL-2-B'
                }
            });
        });

        it('Cancel drops the unsaved edits', async () => {
            const element = await render();

            await change(byId(element, 'sync-toggle'), { checked: true });
            await addSolution(element, 'SOL-2-B');
            await click(element, 'cancel');

            expect(byId(element, 'sync-toggle').checked).toBe(false);
            expect($$(element, '[data-id="solution-pill"]')).toHaveLength(1);
            expect(updateRecord).not.toHaveBeenCalled();
        });

        it('a failed save shows an error toast with the readable message and keeps the edits', async () => {
            updateRecord.mockRejectedValueOnce({
                body: {
                    message: 'An error occurred while trying to update the record.',
                    output: {
                        errors: [],
                        fieldErrors: {
                            Partner_Center_Solutions__c: [{ message: 'Products: data value too large' }]
                        }
                    }
                },
                ok: false,
                status: 400
            });
            const element = await render();
            const toasts = listenForToasts(element);

            await change(byId(element, 'sync-toggle'), { checked: true });
            await click(element, 'save');

            expect(toasts.mock.calls[0][0].detail).toMatchObject({
                variant: 'error',
                title: 'Could not save to Salesforce',
                message: 'Products: data value too large'
            });
            expect(notifyRecordUpdateAvailable).not.toHaveBeenCalled();
            expect(byId(element, 'sync-toggle').checked).toBe(true);
            expect(byId(element, 'save').disabled).toBe(false);
            await expect(element).toBeAccessible();
        });
    });

    describe('readiness checklist', () => {
        it('all met: country and solution done, no contact item without a help request', async () => {
            const element = await render();

            expect(readiness(element)).toEqual({ country: 'done', solution: 'done' });
            expect(byId(element, 'readiness-summary').textContent).toMatch(/^Ready/);
            expect($$(element, '.fix')).toHaveLength(0);
        });

        it('a country name instead of a two-letter code is a to-do linking to the account', async () => {
            const element = await render({
                record: recordWith({}, { BillingCountryCode: null, BillingCountry: 'United States' })
            });

            expect(readiness(element).country).toBe('todo');
            const item = $(element, '[data-item="country"]');
            expect(item.textContent).toMatch(/“United States” is not a two-letter code/);
            expect(item.querySelector('a.fix').getAttribute('href')).toBe(
                '/lightning/r/Account/001Hs00002XYZABIA1/view'
            );
        });

        it('orgs without country picklists: a two-letter BillingCountry is enough', async () => {
            const record = recordWith({}, { BillingCountry: 'DE' });
            delete record.fields.Account.value.fields.BillingCountryCode;
            const element = await render({ record });

            expect(readiness(element).country).toBe('done');
        });

        it('no account: asks to link one', async () => {
            const element = await render({ record: recordWith({}, null) });

            expect(readiness(element).account).toBe('todo');
            expect($(element, '[data-item="account"] a.fix').getAttribute('href')).toBe(
                `/lightning/r/Opportunity/${RECORD_ID}/edit`
            );
        });

        it('the solution item follows the pills', async () => {
            const element = await render({ record: recordWith({ Partner_Center_Solutions__c: null }) });
            expect(readiness(element).solution).toBe('todo');
            expect(byId(element, 'readiness-summary').textContent).toMatch(/requires/);

            await addSolution(element, 'SOL-34104-EBB');
            expect(readiness(element).solution).toBe('done');

            $(element, '[data-id="solution-pill"]').dispatchEvent(new CustomEvent('remove'));
            await flushPromises();
            expect(readiness(element).solution).toBe('todo');
        });

        it('the contact role item appears only when help is requested, and is done with a contact role', async () => {
            const element = await render({
                contactRoles: { ...mockGetRelatedListRecordsContactRoles, count: 0, records: [] }
            });
            expect(readiness(element).contact).toBeUndefined();

            await change(byId(element, 'help'), { value: 'Customer technical architecture' });
            expect(readiness(element).contact).toBe('todo');
            expect($(element, '[data-item="contact"] a.fix').getAttribute('href')).toBe(
                `/lightning/r/Opportunity/${RECORD_ID}/related/OpportunityContactRoles/view`
            );

            getRelatedListRecords.emit(mockGetRelatedListRecordsContactRoles, isContactRoles);
            await flushPromises();
            expect(readiness(element).contact).toBe('done');

            await change(byId(element, 'help'), { value: '' });
            expect(readiness(element).contact).toBeUndefined();
            await expect(element).toBeAccessible();
        });

        it('unreadable contact roles count as missing, with a message', async () => {
            const element = await render({
                record: recordWith({ How_Can_Microsoft_Help__c: 'Quotes or licensing' }),
                contactRoles: null
            });
            getRelatedListRecords.emitError({ body: { message: 'insufficient access' }, status: 403 }, isContactRoles);
            await flushPromises();

            expect(readiness(element).contact).toBe('todo');
            expect($(element, '[data-item="contact"]').textContent).toMatch(/could not be read/);
        });

        it('is gone once the referral exists and syncs', async () => {
            const element = await render({ record: STATE_RECORDS.synced() });

            expect(byId(element, 'readiness')).toBeNull();
        });
    });

    describe('sync now', () => {
        it('writes Partner_Center_Resync_Requested__c and toasts', async () => {
            const element = await render({ record: STATE_RECORDS.synced() });
            const toasts = listenForToasts(element);

            await click(element, 'sync-now');

            expect(updateRecord).toHaveBeenCalledWith({
                fields: { Id: RECORD_ID, Partner_Center_Resync_Requested__c: true }
            });
            expect(toasts.mock.calls[0][0].detail).toMatchObject({ variant: 'success', title: 'Sync requested' });
        });

        it('shows a requested sync as such, disabled', async () => {
            const element = await render({
                record: recordWith({
                    Sync_With_Partner_Center__c: true,
                    Partner_Center_Sync_State__c: 'Pending',
                    Partner_Center_Resync_Requested__c: true
                })
            });

            expect(byId(element, 'sync-now').label).toBe('Sync requested');
            expect(byId(element, 'sync-now').disabled).toBe(true);
            expect(byId(element, 'state-detail').textContent).toMatch(/^Sync requested/);
        });

        it('a failure toasts the reduced error', async () => {
            updateRecord.mockRejectedValueOnce({ body: [{ message: 'entity is deleted' }], status: 404 });
            const element = await render({ record: STATE_RECORDS.synced() });
            const toasts = listenForToasts(element);

            await click(element, 'sync-now');

            expect(toasts.mock.calls[0][0].detail).toMatchObject({ variant: 'error', message: 'entity is deleted' });
        });
    });

    describe('incoming from Microsoft', () => {
        it('Accept sets the accepted stage', async () => {
            const element = await render({ record: STATE_RECORDS.incomingOnHold() });

            await click(element, 'accept');

            expect(updateRecord).toHaveBeenCalledWith({ fields: { Id: RECORD_ID, StageName: 'Qualification' } });
        });

        it('Accept uses the stage set in App Builder', async () => {
            const element = await render({
                record: STATE_RECORDS.incomingOnHold(),
                props: { acceptedStage: 'Needs Analysis' }
            });

            await click(element, 'accept');

            expect(updateRecord).toHaveBeenCalledWith({ fields: { Id: RECORD_ID, StageName: 'Needs Analysis' } });
        });

        it('Decline asks for a reason, then sets the declined stage and the reason', async () => {
            const element = await render({ record: STATE_RECORDS.incomingOnHold() });
            const toasts = listenForToasts(element);

            await click(element, 'decline');
            expect(byId(element, 'decline-reason').required).toBe(true);
            await expect(element).toBeAccessible();

            // no reason: refused
            await click(element, 'decline-confirm');
            expect(updateRecord).not.toHaveBeenCalled();
            expect($(element, '.decline-error').textContent).toMatch(/why/);

            await change(byId(element, 'decline-reason'), {
                value: '  Customer already works with another partner.  '
            });
            await click(element, 'decline-confirm');

            expect(updateRecord).toHaveBeenCalledWith({
                fields: {
                    Id: RECORD_ID,
                    StageName: 'Closed Lost',
                    Partner_Center_Decline_Reason__c: 'Customer already works with another partner.'
                }
            });
            expect(toasts.mock.calls[0][0].detail).toMatchObject({ variant: 'success', title: 'Referral declined' });
            expect(byId(element, 'decline-reason')).toBeNull();
        });

        it('Cancel closes the decline form without writing', async () => {
            const element = await render({ record: STATE_RECORDS.incomingOnHold() });

            await click(element, 'decline');
            await click(element, 'decline-cancel');

            expect(byId(element, 'decline-reason')).toBeNull();
            expect(byId(element, 'accept')).not.toBeNull();
            expect(updateRecord).not.toHaveBeenCalled();
        });
    });

    describe('permissions', () => {
        it('offers nothing as editable that the rep may not edit', async () => {
            const element = await render({
                record: STATE_RECORDS.incomingOnHold(),
                objectInfo: objectInfoWithReadOnly(
                    'Sync_With_Partner_Center__c',
                    'How_Can_Microsoft_Help__c',
                    'Partner_Center_Solutions__c',
                    'Partner_Center_Resync_Requested__c',
                    'StageName'
                )
            });

            expect(byId(element, 'sync-toggle').disabled).toBe(true);
            expect(byId(element, 'help').disabled).toBe(true);
            expect(byId(element, 'solution-input')).toBeNull();
            expect(byId(element, 'solution-pill')).toBeNull();
            expect(byId(element, 'solution-badge').textContent).toBe('SOL-34104-EBB');
            expect(byId(element, 'save')).toBeNull();
            expect(byId(element, 'sync-now')).toBeNull();
            expect(byId(element, 'accept')).toBeNull();
            expect(byId(element, 'incoming-read-only')).not.toBeNull();
            expect(byId(element, 'read-only')).not.toBeNull();
            await expect(element).toBeAccessible();
        });

        it('a read-only object disables everything', async () => {
            const element = await render({ objectInfo: { ...mockGetObjectInfo, updateable: false } });

            expect(byId(element, 'sync-toggle').disabled).toBe(true);
            expect(byId(element, 'save')).toBeNull();
        });

        it('until the object info arrives nothing is editable', async () => {
            const element = await render({ objectInfo: null });

            expect(byId(element, 'sync-toggle').disabled).toBe(true);
            expect(byId(element, 'solution-input')).toBeNull();
        });
    });

    describe('timeline', () => {
        it('lists the sync events newest first with direction, action, changes and message', async () => {
            const element = await render({ record: STATE_RECORDS.synced() });

            const events = $$(element, '[data-id="event"]');
            expect(events.map((e) => e.dataset.action)).toEqual(['Updated', 'Updated', 'Created']);
            const newest = events[0];
            expect(newest.querySelector('lightning-icon').alternativeText).toBe('To Partner Center');
            expect(newest.querySelector('.event-message').textContent).toBe(
                'Deal value and closing date sent to Partner Center.'
            );
            expect(newest.querySelector('.changes').textContent).toMatch(/Amount.*120000 → 150000/s);
            expect(newest.querySelector('.changes').textContent).toMatch(/CloseDate.*2026-12-15 → 2027-01-31/s);
            expect(events[1].querySelector('lightning-icon').alternativeText).toBe('From Partner Center');
            expect(events[2].textContent).toMatch(/HTTP 201/);
            expect(getRelatedListRecords.getLastConfig()).toBeDefined();
        });

        it('asks for the events newest first, from the Opportunity__c relationship', async () => {
            const configs = [];
            const element = mount();
            await flushPromises();
            getRelatedListRecords.emit(mockGetRelatedListRecords, (config) => {
                configs.push(config);
                return isEvents(config);
            });
            await flushPromises();

            const events = configs.find(isEvents);
            expect(events.sortBy).toEqual(['-Partner_Center_Sync_Event__c.Occurred_At__c']);
            expect(events.fields).toContain('Partner_Center_Sync_Event__c.Changed_Fields__c');
            expect(element).toBeTruthy();
        });

        it('empty: says there is no sync activity yet', async () => {
            const element = await render({ events: eventsWith([]) });

            expect(byId(element, 'timeline-empty').textContent).toBe('No sync activity yet.');
            expect(byId(element, 'event')).toBeNull();
            await expect(element).toBeAccessible();
        });

        it('an unreadable Changed_Fields__c is shown raw instead of breaking the panel', async () => {
            const broken = JSON.parse(JSON.stringify(mockGetRelatedListRecords.records[0]));
            broken.fields.Changed_Fields__c.value = '[{"field":"Amount","before":1'; // truncated by the bound
            const element = await render({ events: eventsWith([broken]) });

            expect($(element, '.changes').textContent).toMatch(/\[\{"field":"Amount"/);
        });

        it('a timeline error shows a readable message and keeps the rest of the panel', async () => {
            const element = await render({ events: null });
            getRelatedListRecords.emitError(
                { body: { message: "You don't have access to Partner Center Sync Events." }, status: 403 },
                isEvents
            );
            await flushPromises();

            const panel = byId(element, 'timeline-error');
            expect(panel.friendlyMessage).toBe('The sync timeline could not be loaded.');
            expect(panel.shadowRoot.textContent).toMatch(/don't have access to Partner Center Sync Events/);
            expect(byId(element, 'status')).not.toBeNull();
            await expect(element).toBeAccessible();
        });
    });

    describe('record error', () => {
        it('shows the reduced LDS error instead of the panel', async () => {
            const element = mount();
            getRecord.error({ message: 'The requested resource does not exist' }, 404, 'Not Found');
            await flushPromises();

            const panel = byId(element, 'record-error');
            expect(panel).not.toBeNull();
            expect(panel.shadowRoot.querySelector('.friendly').textContent).toBe(
                'Partner Center details could not be loaded.'
            );
            expect(panel.shadowRoot.querySelector('.messages').textContent).toBe(
                'The requested resource does not exist'
            );
            expect(byId(element, 'status')).toBeNull();
            await expect(element).toBeAccessible();
        });
    });
});
