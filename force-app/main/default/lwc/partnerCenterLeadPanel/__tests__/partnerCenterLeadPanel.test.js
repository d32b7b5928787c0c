import { createElement } from 'lwc';
import PartnerCenterLeadPanel from 'c/partnerCenterLeadPanel';
import { getRecord } from 'lightning/uiRecordApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { $, $$, byId, click, flushPromises, mount } from '../../../../../test/jest-helpers/dom';
import mockGetRecord from './data/getRecord.json';
import mockGetRelatedListRecords from './data/getRelatedListRecords.json';

// sfdx-lwc-jest's navigation stub records nothing: this one tells which page the panel links to and opens
const mockGenerateUrl = jest.fn();
const mockNavigate = jest.fn();
jest.mock('lightning/navigation', () => {
    const Navigate = Symbol('Navigate');
    const GenerateUrl = Symbol('GenerateUrl');
    const NavigationMixin = (Base) =>
        class extends Base {
            [Navigate](pageReference) {
                mockNavigate(pageReference);
            }
            [GenerateUrl](pageReference) {
                return mockGenerateUrl(pageReference);
            }
        };
    NavigationMixin.Navigate = Navigate;
    NavigationMixin.GenerateUrl = GenerateUrl;
    return { NavigationMixin };
});

const OPPORTUNITY_ID = '006Hs00001CONVIA5';
const OPPORTUNITY_URL = `/lightning/r/Opportunity/${OPPORTUNITY_ID}/view`;
const REFERRAL_ID = mockGetRecord.fields.Referral_Identifier__c.value;

const clone = (value) => JSON.parse(JSON.stringify(value));

/** The getRecord mock with some Lead values replaced. */
function leadWith(fields) {
    const record = clone(mockGetRecord);
    Object.entries(fields).forEach(([name, value]) => {
        record.fields[name] = { displayValue: null, value };
    });
    return record;
}

const converted = (opportunityId = OPPORTUNITY_ID, opportunityName = 'Fabrikam Retail - Azure') =>
    leadWith({
        IsConverted: true,
        ConvertedOpportunityId: opportunityId,
        ConvertedOpportunity: opportunityId
            ? { apiName: 'Opportunity', id: opportunityId, fields: { Name: { value: opportunityName } } }
            : null,
        Partner_Center_Status__c: 'Active',
        Partner_Center_Substatus__c: 'Accepted'
    });

const eventsWith = (records) => ({ ...clone(mockGetRelatedListRecords), count: records.length, records });

const conflictEvent = {
    apiName: 'Partner_Center_Sync_Event__c',
    id: 'a0BHs000001LEV3MAC',
    childRelationships: {},
    fields: {
        Direction__c: { value: 'Inbound' },
        Action__c: { value: 'Conflict' },
        Changed_Fields__c: {
            value: '[{"field":"Email","salesforce":"a@fabrikam.com","partnerCenter":"b@fabrikam.com"}]'
        },
        Message__c: { value: 'Changed on both sides; parked for a manual decision.' },
        Occurred_At__c: { value: '2026-11-24T10:00:00.000Z' },
        HTTP_Status__c: { value: null },
        Correlation_Id__c: { value: null }
    }
};

async function renderPanel({ record = mockGetRecord, events = mockGetRelatedListRecords } = {}) {
    const element = mount(createElement, 'c-partner-center-lead-panel', PartnerCenterLeadPanel, {
        recordId: mockGetRecord.id
    });
    // Let the wire service hand each adapter its config
    await flushPromises();
    // Emit data from the @wire adapters
    if (record) getRecord.emit(record);
    await flushPromises();
    // The timeline reads the events itself, once the Lead is there and it is rendered
    if (events) getRelatedListRecords.emit(events);
    await flushPromises();
    return element;
}

const status = (element) => element.shadowRoot.querySelector('c-partner-center-status');
const timeline = (element) => element.shadowRoot.querySelector('c-partner-center-timeline');
/** The sync events the timeline lists. */
const timelineEvents = (element) => $$(timeline(element), '[data-id="event"]');
const loadState = (element) => element.shadowRoot.querySelector('c-partner-center-load-state');

describe('c-partner-center-lead-panel', () => {
    beforeEach(() => {
        mockGenerateUrl.mockImplementation((pageReference) =>
            Promise.resolve(`/lightning/r/Opportunity/${pageReference.attributes.recordId}/view`)
        );
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('asks LDS for the Lead’s referral fields and for the sync events by their Lead lookup', async () => {
        await renderPanel();

        const config = getRecord.getLastConfig();
        expect(config.recordId).toBe(mockGetRecord.id);
        expect(config.fields.every((field) => field.objectApiName === 'Lead')).toBe(true);
        expect(config.fields.map((field) => field.fieldApiName)).toEqual(
            expect.arrayContaining([
                'IsConverted',
                'ConvertedOpportunityId',
                'Referral_Identifier__c',
                'Partner_Center_Sync_State__c'
            ])
        );
        // the rep may not be able to read the Opportunity: its name must not keep the Lead from loading
        expect(config.optionalFields.map((field) => field.fieldApiName)).toEqual(['ConvertedOpportunity.Name']);
        expect(getRelatedListRecords.getLastConfig()).toMatchObject({
            parentRecordId: mockGetRecord.id,
            relatedListId: 'Partner_Center_Sync_Events__r',
            sortBy: ['-Partner_Center_Sync_Event__c.Occurred_At__c'],
            pageSize: 10
        });
    });

    it('loading: a labelled spinner until the Lead arrives', async () => {
        const element = await renderPanel({ record: null, events: null });

        expect($(loadState(element), 'lightning-spinner').alternativeText).toBe('Loading Partner Center details');
        await expect(element).toBeAccessible();
    });

    it('not synced: a Lead that did not come from Partner Center', async () => {
        const element = await renderPanel({
            record: leadWith({
                Referral_Identifier__c: null,
                Referral_Link__c: null,
                Partner_Center_Status__c: null,
                Partner_Center_Substatus__c: null,
                Partner_Center_Sync_State__c: null,
                Partner_Center_Last_Synced__c: null
            }),
            events: eventsWith([])
        });

        expect(status(element)).toMatchObject({ shared: false, recordNoun: 'lead', converted: false });
        expect(status(element).referralId).toBeNull();
        expect(timelineEvents(element)).toEqual([]);
        expect(byId(timeline(element), 'timeline-empty')).not.toBeNull();
        await expect(element).toBeAccessible();
    });

    it('in sync: the referral, its status and the Lead’s timeline reach the children', async () => {
        const element = await renderPanel();

        expect(status(element)).toMatchObject({
            syncState: 'Synced',
            shared: true,
            lastSynced: '2026-11-24T08:00:00.000Z',
            referralId: REFERRAL_ID,
            referralLink: mockGetRecord.fields.Referral_Link__c.value,
            referralStatus: 'New',
            referralSubstatus: 'Received',
            recordNoun: 'lead',
            converted: false
        });
        expect(timeline(element).recordId).toBe(mockGetRecord.id);
        expect(timelineEvents(element).map((event) => event.dataset.action)).toEqual(['Updated', 'Created']);
        expect(byId(element, 'converted-opportunity')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('error: the sync error reaches the status', async () => {
        const error = 'Lead field "Country" is not writable by the integration user.';
        const element = await renderPanel({
            record: leadWith({ Partner_Center_Sync_State__c: 'Error', Partner_Center_Sync_Error__c: error })
        });

        expect(status(element)).toMatchObject({ syncState: 'Error', syncError: error });
        await expect(element).toBeAccessible();
    });

    it('conflict: the fields of the newest Conflict event reach the status', async () => {
        const element = await renderPanel({
            record: leadWith({ Partner_Center_Sync_State__c: 'Conflict' }),
            events: eventsWith([conflictEvent, ...clone(mockGetRelatedListRecords.records)])
        });

        expect(status(element).syncState).toBe('Conflict');
        expect(status(element).conflictFields).toEqual(['Email']);
        await expect(element).toBeAccessible();
    });

    it('converted: says so and links to the Opportunity through ConvertedOpportunityId', async () => {
        const element = await renderPanel({ record: converted() });

        expect(status(element).converted).toBe(true);
        expect(mockGenerateUrl).toHaveBeenCalledWith({
            type: 'standard__recordPage',
            attributes: { recordId: OPPORTUNITY_ID, objectApiName: 'Opportunity', actionName: 'view' }
        });
        const link = byId(element, 'converted-opportunity');
        expect(link.textContent).toBe('Fabrikam Retail - Azure');
        expect(link.getAttribute('href')).toBe(OPPORTUNITY_URL);
        await expect(element).toBeAccessible();

        // Open it the Lightning way
        await click(link);
        expect(mockNavigate).toHaveBeenCalledWith(expect.objectContaining({ attributes: expect.anything() }));
        expect(mockNavigate.mock.calls[0][0].attributes.recordId).toBe(OPPORTUNITY_ID);
    });

    it('converted, Opportunity unreadable: the link still opens it, named generically', async () => {
        const record = converted();
        delete record.fields.ConvertedOpportunity;
        const element = await renderPanel({ record });

        expect(byId(element, 'converted-opportunity').textContent).toBe('Open the opportunity');
        await expect(element).toBeAccessible();
    });

    it('converted without an Opportunity (one carried the referral already): says none was created', async () => {
        const element = await renderPanel({ record: converted(null) });

        expect(byId(element, 'converted-opportunity')).toBeNull();
        expect(byId(element, 'no-converted-opportunity').textContent).toBe('None: converted without creating one.');
        expect(mockGenerateUrl).not.toHaveBeenCalled();
        await expect(element).toBeAccessible();
    });

    it('a Lead converted into another Opportunity later links to the newer one only', async () => {
        let resolveFirst;
        mockGenerateUrl.mockImplementationOnce(
            () =>
                new Promise((resolve) => {
                    resolveFirst = resolve;
                })
        );
        const element = await renderPanel({ record: converted('006Hs00001OLDXIA5') });
        getRecord.emit(converted());
        await flushPromises();
        // the first URL arrives after the second record: it must not replace the newer link
        resolveFirst('/lightning/r/Opportunity/006Hs00001OLDXIA5/view');
        await flushPromises();

        expect(byId(element, 'converted-opportunity').getAttribute('href')).toBe(OPPORTUNITY_URL);
    });

    it('record error: reduced into c-error-panel', async () => {
        const element = await renderPanel({ record: null, events: null });
        getRecord.error({ message: 'You do not have access to this Lead.' }, 403, 'Forbidden');
        await flushPromises();

        const panel = byId(loadState(element), 'record-error');
        expect(panel.friendlyMessage).toBe('Partner Center details could not be loaded.');
        expect(panel.errors.body).toEqual({ message: 'You do not have access to this Lead.' });
        expect(status(element)).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('timeline error: handed to the timeline, the status still shows', async () => {
        const element = await renderPanel({ events: null });
        getRelatedListRecords.error({ message: 'Insufficient access to Partner Center Sync Events.' });
        await flushPromises();

        expect(byId(timeline(element), 'timeline-error').shadowRoot.textContent).toMatch(
            /Insufficient access to Partner Center Sync Events\./
        );
        expect(status(element).syncState).toBe('Synced');
        await expect(element).toBeAccessible();
    });
});
