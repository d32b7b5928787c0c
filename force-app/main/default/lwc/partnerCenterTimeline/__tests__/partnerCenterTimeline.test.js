import { createElement } from 'lwc';
import PartnerCenterTimeline from 'c/partnerCenterTimeline';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { $, $$, byId, flushPromises, listen, mount } from '../../../../../test/jest-helpers/dom';
import mockGetRelatedListRecords from './data/getRelatedListRecords.json';

/** An Opportunity; a Lead's timeline is the same related list of another parent. */
const RECORD_ID = '006Hs00001ABCDEIA5';

const clone = (value) => JSON.parse(JSON.stringify(value));

function conflictEvent() {
    const record = clone(mockGetRelatedListRecords.records[2]);
    record.id = 'a0BHs000001EVT9MAC';
    record.fields.Action__c = { displayValue: 'Conflict', value: 'Conflict' };
    record.fields.Occurred_At__c = { displayValue: null, value: '2026-11-24T12:00:00.000Z' };
    record.fields.Changed_Fields__c.value = JSON.stringify([
        { field: 'Amount', salesforce: 150000, partnerCenter: 175000 },
        { field: 'Description', salesforce: null, partnerCenter: { text: 'x' } }
    ]);
    return record;
}

/** Mounts the timeline of RECORD_ID and answers its wire with `records` or `error`; neither: not loaded yet. */
async function render({ records, error } = {}) {
    const element = mount(createElement, 'c-partner-center-timeline', PartnerCenterTimeline, { recordId: RECORD_ID });
    // Let the wire service hand the adapter its config
    await flushPromises();
    // Emit data or an error from @wire
    if (records) getRelatedListRecords.emit({ ...clone(mockGetRelatedListRecords), count: records.length, records });
    if (error) getRelatedListRecords.emitError(error);
    await flushPromises();
    return element;
}

describe('c-partner-center-timeline', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('asks for the newest sync events of its record, with the fields the entries show', async () => {
        await render();

        const config = getRelatedListRecords.getLastConfig();
        expect(config).toMatchObject({
            parentRecordId: RECORD_ID,
            relatedListId: 'Partner_Center_Sync_Events__r',
            sortBy: ['-Partner_Center_Sync_Event__c.Occurred_At__c'],
            pageSize: 10
        });
        expect(config.fields).toEqual(
            expect.arrayContaining([
                'Partner_Center_Sync_Event__c.Changed_Fields__c',
                'Partner_Center_Sync_Event__c.Correlation_Id__c'
            ])
        );
    });

    it('raises eventsload with each answer: the records, then none after an error', async () => {
        const element = await render();
        const loaded = listen(element, 'eventsload');
        // Emit data, then an error, from @wire
        getRelatedListRecords.emit(mockGetRelatedListRecords);
        await flushPromises();
        getRelatedListRecords.emitError({ status: 403 });
        await flushPromises();

        const answers = loaded.mock.calls.map(([event]) => event.detail.records);
        expect(answers.map((records) => records && records.map((record) => record.id))).toEqual([
            mockGetRelatedListRecords.records.map((record) => record.id),
            undefined
        ]);
        await expect(element).toBeAccessible();
    });

    it('lists the sync events newest first with direction, action, changes, message and support details', async () => {
        const element = await render({ records: mockGetRelatedListRecords.records });

        const events = $$(element, '[data-id="event"]');
        expect(events.map((e) => e.dataset.action)).toEqual(['Updated', 'Updated', 'Created']);
        const [newest, inbound, created] = events;
        expect(newest.querySelector('lightning-icon').alternativeText).toBe('To Partner Center');
        expect(newest.querySelector('.event-message').textContent).toBe(
            'Deal value and closing date sent to Partner Center.'
        );
        expect(newest.querySelector('.changes').textContent).toMatch(/Amount.*120000 → 150000/s);
        expect(newest.querySelector('.changes').textContent).toMatch(/CloseDate.*2026-12-15 → 2027-01-31/s);
        expect(newest.querySelector('.technical').textContent).toMatch(/HTTP 200 · correlation id 7c8d0b3e/);
        expect(inbound.querySelector('lightning-icon').alternativeText).toBe('From Partner Center');
        expect(inbound.querySelector('.technical')).toBeNull();
        expect(created.querySelector('.changes')).toBeNull();
        expect(created.textContent).toMatch(/HTTP 201/);
        expect(created.querySelector('.slds-badge').className).toMatch(/slds-theme_success/);
        await expect(element).toBeAccessible();
    });

    it('a conflict shows both sides of each field', async () => {
        const element = await render({ records: [conflictEvent(), ...mockGetRelatedListRecords.records] });

        const conflict = $(element, '[data-action="Conflict"]');
        expect(conflict.querySelector('.slds-badge').className).toMatch(/slds-theme_warning/);
        expect(conflict.querySelector('.changes').textContent).toMatch(
            /Amount.*Salesforce: 150000 · Partner Center: 175000/s
        );
        expect(conflict.querySelector('.changes').textContent).toMatch(
            /Description.*Salesforce: \(empty\) · Partner Center: \{"text":"x"\}/s
        );
        await expect(element).toBeAccessible();
    });

    it('empty: says there is no sync activity yet', async () => {
        const element = await render({ records: [] });

        expect(byId(element, 'timeline-empty').textContent).toBe('No sync activity yet.');
        expect(byId(element, 'event')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('not loaded yet: neither a list nor the empty note', async () => {
        const element = await render({});

        expect(byId(element, 'event')).toBeNull();
        expect(byId(element, 'timeline-empty')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('an unreadable Changed_Fields__c is shown raw instead of breaking the timeline', async () => {
        const broken = clone(mockGetRelatedListRecords.records[0]);
        broken.fields.Changed_Fields__c.value = '[{"field":"Amount","before":1'; // truncated by the field's bound
        const element = await render({ records: [broken] });

        expect($(element, '.changes').textContent).toMatch(/Changes.*\[\{"field":"Amount"/s);
    });

    it('an error shows a readable message', async () => {
        const element = await render({
            error: { body: { message: "You don't have access to Partner Center Sync Events." }, status: 403 }
        });

        const panel = byId(element, 'timeline-error');
        expect(panel.friendlyMessage).toBe('The sync timeline could not be loaded.');
        expect(panel.shadowRoot.textContent).toMatch(/don't have access to Partner Center Sync Events/);
        expect(byId(element, 'timeline-empty')).toBeNull();
        await expect(element).toBeAccessible();
    });
});
