import { getRecord } from 'lightning/uiRecordApi';
import { getPicklistValues } from 'lightning/uiObjectInfoApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { flushPromises } from '../../../../../test/jest-helpers/dom';
import {
    RECORD_ID,
    REFERRAL_ID,
    REFERRAL_LINK,
    child,
    eventsWith,
    inChild,
    isContactRoles,
    isEvents,
    mountPanel,
    readiness,
    recordWith,
    renderPanel
} from '../../../../../test/jest-helpers/partnerCenterPanel';
import mockGetRelatedListRecords from '../../partnerCenterTimeline/__tests__/data/getRelatedListRecords.json';

const SYNCED = {
    Sync_With_Partner_Center__c: true,
    StageName: 'Qualification',
    Referral_Identifier__c: REFERRAL_ID,
    Referral_Link__c: REFERRAL_LINK,
    Partner_Center_Status__c: 'Active',
    Partner_Center_Substatus__c: 'Accepted',
    Partner_Center_Sync_State__c: 'Synced',
    Partner_Center_Last_Synced__c: '2026-11-24T09:12:00.000Z'
};

const status = (element) => child(element, 'c-partner-center-status');
/** The sync events the timeline lists. */
const timelineEvents = (element) =>
    Array.from(child(element, 'c-partner-center-timeline').shadowRoot.querySelectorAll('[data-id="event"]'));

describe('c-partner-center-panel', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    describe('wiring', () => {
        it('asks LDS for the Opportunity, the help picklist of its record type and both related lists', async () => {
            await renderPanel();

            const recordConfig = getRecord.getLastConfig();
            expect(recordConfig.recordId).toBe(RECORD_ID);
            expect(recordConfig.fields.map((f) => f.fieldApiName)).toEqual(
                expect.arrayContaining(['Sync_With_Partner_Center__c', 'Partner_Center_Resync_Requested__c'])
            );
            // BillingCountryCode by string: a schema import of it fails the deploy in orgs without country picklists
            expect(recordConfig.optionalFields.map((f) => (typeof f === 'string' ? f : f.fieldApiName))).toEqual([
                'Account.Name',
                'Account.BillingCountry',
                'Opportunity.Account.BillingCountryCode'
            ]);
            expect(getPicklistValues.getLastConfig()).toEqual({
                recordTypeId: '012000000000000AAA',
                fieldApiName: { objectApiName: 'Opportunity', fieldApiName: 'How_Can_Microsoft_Help__c' }
            });
        });

        it('asks for its contact roles; its timeline, once the record is there, the newest sync events', async () => {
            const configs = [];
            await renderPanel({ events: null, contactRoles: null });
            getRelatedListRecords.emit(mockGetRelatedListRecords, (config) => configs.push(config) && false);

            const events = configs.find(isEvents);
            expect(events).toMatchObject({
                parentRecordId: RECORD_ID,
                sortBy: ['-Partner_Center_Sync_Event__c.Occurred_At__c'],
                pageSize: 10
            });
            expect(events.fields).toContain('Partner_Center_Sync_Event__c.Changed_Fields__c');
            expect(configs.find(isContactRoles)).toMatchObject({ parentRecordId: RECORD_ID, pageSize: 1 });
        });

        it('shows a spinner until the record arrives', async () => {
            const element = mountPanel();
            await flushPromises();

            expect(
                child(element, 'c-partner-center-load-state').shadowRoot.querySelector('lightning-spinner')
            ).not.toBeNull();
            expect(status(element)).toBeNull();
            await expect(element).toBeAccessible();
        });

        it('a record error shows the reduced LDS error instead of the panel', async () => {
            const element = mountPanel();
            getRecord.error({ message: 'The requested resource does not exist' }, 404, 'Not Found');
            await flushPromises();

            const panel = inChild(element, 'c-partner-center-load-state', 'record-error');
            expect(panel.shadowRoot.querySelector('.friendly').textContent).toBe(
                'Partner Center details could not be loaded.'
            );
            expect(panel.shadowRoot.querySelector('.messages').textContent).toBe(
                'The requested resource does not exist'
            );
            expect(status(element)).toBeNull();
            await expect(element).toBeAccessible();
        });
    });

    describe('data down to the children', () => {
        it('not synced: status, the sharing form with the saved values, the checklist and the timeline', async () => {
            const element = await renderPanel();

            expect(status(element)).toMatchObject({ syncState: 'Not Synced', shared: false, referralId: null });
            expect(inChild(element, 'c-partner-center-status', 'status').dataset.state).toBe('not-synced');
            const form = child(element, 'c-partner-center-sharing-form');
            expect(form).toMatchObject({ syncWithPartnerCenter: false, solutions: 'SOL-34104-EBB', canEditSync: true });
            expect(form.helpValues).toHaveLength(6);
            expect(form.solutionsMaxLength).toBe(255);
            expect(readiness(element)).toEqual({ country: 'done', solution: 'done' });
            expect(child(element, 'c-partner-center-timeline').recordId).toBe(RECORD_ID);
            expect(timelineEvents(element)).toHaveLength(3);
            expect(child(element, 'c-partner-center-referral-actions')).toBeNull();
            expect(element.shadowRoot.querySelector('[data-id="sync-now"]')).toBeNull();
            await expect(element).toBeAccessible();
        });

        it('a country name is enough, also in an org without BillingCountryCode', async () => {
            const record = recordWith({}, { BillingCountry: 'United States' });
            delete record.fields.Account.value.fields.BillingCountryCode;
            const element = await renderPanel({ record });

            expect(readiness(element).country).toBe('done');
        });

        it('a country Partner Center does not know is a to-do, in the sync’s words', async () => {
            const element = await renderPanel({
                record: recordWith({}, { BillingCountryCode: null, BillingCountry: 'Narnia' })
            });

            expect(readiness(element).country).toBe('todo');
            const item = child(element, 'c-partner-center-readiness').shadowRoot.querySelector('[data-item="country"]');
            expect(item.textContent).toMatch(/"Narnia" on the Account "Contoso Customer Inc" is not a country/);
            await expect(element).toBeAccessible();
        });

        it('no Account: the checklist asks to link one', async () => {
            const element = await renderPanel({ record: recordWith({}, null) });

            expect(readiness(element)).toEqual({ account: 'todo', solution: 'done' });
        });

        it('synced: referral, Partner Center status, Sync now; no checklist', async () => {
            const element = await renderPanel({ record: recordWith(SYNCED) });

            expect(status(element)).toMatchObject({
                syncState: 'Synced',
                shared: true,
                lastSynced: '2026-11-24T09:12:00.000Z',
                referralId: REFERRAL_ID,
                referralLink: REFERRAL_LINK,
                referralStatus: 'Active',
                referralSubstatus: 'Accepted'
            });
            expect(readiness(element)).toBeUndefined();
            expect(element.shadowRoot.querySelector('[data-id="sync-now"]').label).toBe('Sync now');
            await expect(element).toBeAccessible();
        });

        it('a co-sell: Microsoft’s side reaches the status; deal type and referral reach the form', async () => {
            const element = await renderPanel({
                record: recordWith({
                    ...SYNCED,
                    Partner_Center_Deal_Type__c: 'Co-sell',
                    How_Can_Microsoft_Help__c: 'Quotes or licensing',
                    Partner_Center_Microsoft_Status__c: 'Active/Accepted',
                    Partner_Center_Microsoft_Seller__c: 'Avery Howard (avery.howard@microsoft.com)',
                    Partner_Center_Microsoft_CRM_Id__c: '7-3FJ2K1LQ9'
                })
            });

            expect(status(element)).toMatchObject({
                microsoftStatus: 'Active/Accepted',
                microsoftSeller: 'Avery Howard (avery.howard@microsoft.com)',
                microsoftCrmId: '7-3FJ2K1LQ9'
            });
            expect(inChild(element, 'c-partner-center-status', 'microsoft-answer').textContent).toMatch(/^Accepted/);
            expect(child(element, 'c-partner-center-sharing-form')).toMatchObject({
                dealType: 'Co-sell',
                hasReferral: true,
                canEditDealType: true
            });
            await expect(element).toBeAccessible();
        });

        it('an error after the referral exists brings the checklist back', async () => {
            const element = await renderPanel({
                record: recordWith({ ...SYNCED, Partner_Center_Sync_State__c: 'Error' })
            });

            expect(readiness(element)).toEqual({ country: 'done', solution: 'done' });
        });

        it('conflict: the fields of the newest conflict event reach the status', async () => {
            const conflict = JSON.parse(JSON.stringify(mockGetRelatedListRecords.records[0]));
            conflict.id = 'a0BHs000001EVT9MAC';
            conflict.fields.Action__c.value = 'Conflict';
            conflict.fields.Occurred_At__c.value = '2026-11-25T12:00:00.000Z';
            const element = await renderPanel({
                record: recordWith({ ...SYNCED, Partner_Center_Sync_State__c: 'Conflict' }),
                events: eventsWith([conflict, ...mockGetRelatedListRecords.records])
            });

            expect(status(element).conflictFields).toEqual(['Amount', 'CloseDate']);
            expect(inChild(element, 'c-partner-center-status', 'state-detail').textContent).toMatch(
                /since the last sync: Amount, CloseDate\./
            );
            await expect(element).toBeAccessible();
        });

        it('a timeline error reaches the timeline and keeps the rest of the panel', async () => {
            const element = await renderPanel({ events: null });
            getRelatedListRecords.emitError({ body: { message: 'No access to sync events.' }, status: 403 }, isEvents);
            await flushPromises();

            expect(timelineEvents(element)).toHaveLength(0);
            expect(inChild(element, 'c-partner-center-timeline', 'timeline-error').shadowRoot.textContent).toMatch(
                /No access to sync events\./
            );
            expect(status(element)).not.toBeNull();
            await expect(element).toBeAccessible();
        });

        it('an incoming referral on hold (the App Builder stage) gets Accept and Decline', async () => {
            const record = recordWith({ ...SYNCED, StageName: 'Needs Analysis' });
            const element = await renderPanel({ record, props: { holdStage: 'Needs Analysis' } });
            const other = await renderPanel({ record });

            const actions = child(element, 'c-partner-center-referral-actions');
            expect(actions).toMatchObject({ canAnswer: true, reasonMaxLength: 255 });
            expect(child(other, 'c-partner-center-referral-actions')).toBeNull();
            await expect(element).toBeAccessible();
        });
    });
});
