// The container's writes: what its children raise becomes updateRecord, a refresh and a toast.
import { updateRecord, notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { change, click, flushPromises, listen } from '../../../../../test/jest-helpers/dom';
import {
    RECORD_ID,
    REFERRAL_ID,
    child,
    inChild,
    isContactRoles,
    noContactRoles,
    readiness,
    recordWith,
    renderPanel
} from '../../../../../test/jest-helpers/partnerCenterPanel';
import mockContactRoles from './data/getRelatedListRecords-contactRoles.json';

const FORM = 'c-partner-center-sharing-form';
const ACTIONS = 'c-partner-center-referral-actions';
const ON_HOLD = { StageName: 'Prospecting', Sync_With_Partner_Center__c: true, Referral_Identifier__c: REFERRAL_ID };
const toastOf = (toasts, n = 0) => toasts.mock.calls[n][0].detail;

async function addSolution(element, text) {
    await change(inChild(element, FORM, 'solution-input'), { value: text });
    await click(inChild(element, FORM, 'solution-add'));
}

describe('c-partner-center-panel saves', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('sharing: the form’s save writes the fields, refreshes, toasts, and resets the form', async () => {
        const element = await renderPanel();
        const toasts = listen(element, 'lightning__showtoast');
        const refresh = listen(element, 'lightning__refresh');

        await change(inChild(element, FORM, 'sync-toggle'), { checked: true });
        await change(inChild(element, FORM, 'help'), { value: '' });
        await addSolution(element, 'SOL-Microsoft365');
        await click(inChild(element, FORM, 'save'));

        expect(updateRecord).toHaveBeenCalledTimes(1);
        expect(updateRecord).toHaveBeenCalledWith({
            fields: {
                Id: RECORD_ID,
                Sync_With_Partner_Center__c: true,
                Partner_Center_Solutions__c: 'SOL-34104-EBB;SOL-Microsoft365'
            }
        });
        expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: RECORD_ID }]);
        expect(refresh).toHaveBeenCalled();
        expect(toastOf(toasts)).toMatchObject({
            variant: 'success',
            title: 'Partner Center sharing saved',
            message: 'The next sync shares this opportunity with Microsoft.'
        });
        expect(inChild(element, FORM, 'save').disabled).toBe(true);
        await expect(element).toBeAccessible();
    });

    it('sharing: help to none writes null; turning sharing off says so', async () => {
        const element = await renderPanel({
            record: recordWith({ Sync_With_Partner_Center__c: true, How_Can_Microsoft_Help__c: 'Quotes or licensing' })
        });
        const toasts = listen(element, 'lightning__showtoast');

        await change(inChild(element, FORM, 'help'), { value: '' });
        await click(inChild(element, FORM, 'save'));
        await change(inChild(element, FORM, 'sync-toggle'), { checked: false });
        await click(inChild(element, FORM, 'save'));

        expect(updateRecord.mock.calls.map(([{ fields }]) => fields)).toEqual([
            { Id: RECORD_ID, How_Can_Microsoft_Help__c: null },
            { Id: RECORD_ID, Sync_With_Partner_Center__c: false }
        ]);
        expect(toastOf(toasts, 0).message).toBe('The next sync sends the changes to Partner Center.');
        expect(toastOf(toasts, 1).message).toBe('This opportunity is no longer shared with Microsoft.');
    });

    it('a failed save toasts the readable message and keeps the edits', async () => {
        updateRecord.mockRejectedValueOnce({
            body: {
                message: 'An error occurred while trying to update the record.',
                output: {
                    errors: [],
                    fieldErrors: { Partner_Center_Solutions__c: [{ message: 'data value too large' }] }
                }
            },
            status: 400
        });
        const element = await renderPanel();
        const toasts = listen(element, 'lightning__showtoast');

        await change(inChild(element, FORM, 'sync-toggle'), { checked: true });
        await click(inChild(element, FORM, 'save'));

        expect(toastOf(toasts)).toMatchObject({
            variant: 'error',
            title: 'Could not save to Salesforce',
            message: 'data value too large'
        });
        expect(notifyRecordUpdateAvailable).not.toHaveBeenCalled();
        expect(inChild(element, FORM, 'sync-toggle').checked).toBe(true);
        expect(inChild(element, FORM, 'save').disabled).toBe(false);
        await expect(element).toBeAccessible();
    });

    it('the checklist follows unsaved edits: help asks for a contact role, pills count as solution ids', async () => {
        const element = await renderPanel({
            record: recordWith({ Partner_Center_Solutions__c: null }),
            contactRoles: noContactRoles()
        });
        expect(readiness(element)).toEqual({ country: 'done', solution: 'todo' });

        await change(inChild(element, FORM, 'help'), { value: 'Customer technical architecture' });
        await addSolution(element, 'SOL-34104-EBB');
        expect(readiness(element)).toEqual({ country: 'done', solution: 'done', contact: 'todo' });

        getRelatedListRecords.emit(mockContactRoles, isContactRoles);
        await flushPromises();
        expect(readiness(element).contact).toBe('done');

        await click(inChild(element, FORM, 'cancel'));
        expect(readiness(element)).toEqual({ country: 'done', solution: 'todo' });
        await expect(element).toBeAccessible();
    });

    it('unreadable contact roles count as missing, and the checklist says why', async () => {
        const element = await renderPanel({
            record: recordWith({ How_Can_Microsoft_Help__c: 'Quotes or licensing' }),
            contactRoles: null
        });
        getRelatedListRecords.emitError({ body: { message: 'insufficient access' }, status: 403 }, isContactRoles);
        await flushPromises();

        expect(readiness(element).contact).toBe('todo');
        const checklist = child(element, 'c-partner-center-readiness');
        expect(checklist.shadowRoot.querySelector('[data-item="contact"]').textContent).toMatch(/could not be read/);
    });

    it('the checklist’s "Add a solution id" puts the focus in the form’s solution input', async () => {
        const element = await renderPanel({ record: recordWith({ Partner_Center_Solutions__c: null }) });
        const input = inChild(element, FORM, 'solution-input');
        input.focus = jest.fn();

        await click(child(element, 'c-partner-center-readiness').shadowRoot.querySelector('button.fix'));

        expect(input.focus).toHaveBeenCalled();
    });

    it('Sync now writes Partner_Center_Resync_Requested__c and toasts; a requested sync shows as such', async () => {
        const element = await renderPanel({ record: recordWith({ Sync_With_Partner_Center__c: true }) });
        const requested = await renderPanel({
            record: recordWith({ Sync_With_Partner_Center__c: true, Partner_Center_Resync_Requested__c: true })
        });
        const toasts = listen(element, 'lightning__showtoast');

        await click(element.shadowRoot.querySelector('[data-id="sync-now"]'));

        expect(updateRecord).toHaveBeenCalledWith({
            fields: { Id: RECORD_ID, Partner_Center_Resync_Requested__c: true }
        });
        expect(toastOf(toasts)).toMatchObject({ variant: 'success', title: 'Sync requested' });
        const button = requested.shadowRoot.querySelector('[data-id="sync-now"]');
        expect(button.label).toBe('Sync requested');
        expect(button.disabled).toBe(true);
        expect(child(requested, 'c-partner-center-status').resyncRequested).toBe(true);
    });

    it('a failed Sync now toasts the reduced error', async () => {
        updateRecord.mockRejectedValueOnce({ body: [{ message: 'entity is deleted' }], status: 404 });
        const element = await renderPanel({ record: recordWith({ Sync_With_Partner_Center__c: true }) });
        const toasts = listen(element, 'lightning__showtoast');

        await click(element.shadowRoot.querySelector('[data-id="sync-now"]'));

        expect(toastOf(toasts)).toMatchObject({ variant: 'error', message: 'entity is deleted' });
    });

    it('Accept sets the accepted stage set in App Builder', async () => {
        const element = await renderPanel({ record: recordWith(ON_HOLD), props: { acceptedStage: 'Needs Analysis' } });
        const toasts = listen(element, 'lightning__showtoast');

        await click(inChild(element, ACTIONS, 'accept'));

        expect(updateRecord).toHaveBeenCalledWith({ fields: { Id: RECORD_ID, StageName: 'Needs Analysis' } });
        expect(toastOf(toasts)).toMatchObject({ variant: 'success', title: 'Referral accepted' });
    });

    it('Decline writes the declined stage and the reason, then closes the form', async () => {
        const element = await renderPanel({ record: recordWith(ON_HOLD) });
        const toasts = listen(element, 'lightning__showtoast');

        await click(inChild(element, ACTIONS, 'decline'));
        await change(inChild(element, ACTIONS, 'decline-reason'), { value: ' Customer works with another partner. ' });
        await click(inChild(element, ACTIONS, 'decline-confirm'));

        expect(updateRecord).toHaveBeenCalledWith({
            fields: {
                Id: RECORD_ID,
                StageName: 'Closed Lost',
                Partner_Center_Decline_Reason__c: 'Customer works with another partner.'
            }
        });
        expect(toastOf(toasts)).toMatchObject({ variant: 'success', title: 'Referral declined' });
        expect(inChild(element, ACTIONS, 'decline-reason')).toBeNull();
    });

    it('a failed Decline keeps the form and the reason', async () => {
        updateRecord.mockRejectedValueOnce({ body: { message: 'Stage is locked.' }, status: 400 });
        const element = await renderPanel({ record: recordWith(ON_HOLD) });

        await click(inChild(element, ACTIONS, 'decline'));
        await change(inChild(element, ACTIONS, 'decline-reason'), { value: 'No budget.' });
        await click(inChild(element, ACTIONS, 'decline-confirm'));

        expect(inChild(element, ACTIONS, 'decline-reason').value).toBe('No budget.');
        await expect(element).toBeAccessible();
    });
});
