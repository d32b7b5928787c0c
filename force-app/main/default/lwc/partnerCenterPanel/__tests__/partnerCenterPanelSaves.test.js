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
import {
    addSolution,
    chooseDealType,
    chooseHelp,
    helpCombobox,
    solutionsEditor
} from '../../../../../test/jest-helpers/sharingForm';
import mockContactRoles from './data/getRelatedListRecords-contactRoles.json';

const FORM = 'c-partner-center-sharing-form';
const ACTIONS = 'c-partner-center-referral-actions';
const ON_HOLD = { StageName: 'Prospecting', Sync_With_Partner_Center__c: true, Referral_Identifier__c: REFERRAL_ID };
const toastOf = (toasts, n = 0) => toasts.mock.calls[n][0].detail;
const form = (element) => child(element, FORM);

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
        await addSolution(form(element), 'SOL-Microsoft365');
        await click(inChild(element, FORM, 'save'));

        expect(updateRecord).toHaveBeenCalledTimes(1);
        expect(updateRecord).toHaveBeenCalledWith({
            fields: {
                Id: RECORD_ID,
                Sync_With_Partner_Center__c: true,
                Partner_Center_Deal_Type__c: 'Private',
                Partner_Center_Solutions__c: 'SOL-34104-EBB;SOL-Microsoft365'
            }
        });
        expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: RECORD_ID }]);
        expect(refresh).toHaveBeenCalled();
        expect(toastOf(toasts)).toMatchObject({
            variant: 'success',
            title: 'Partner Center sharing saved',
            message: 'The next sync sends this opportunity to Partner Center, private to your company.'
        });
        expect(inChild(element, FORM, 'save').disabled).toBe(true);
        await expect(element).toBeAccessible();
    });

    it('sharing: a co-sell’s help is written; turning the sync off says what it does', async () => {
        const element = await renderPanel({
            record: recordWith({
                Sync_With_Partner_Center__c: true,
                Partner_Center_Deal_Type__c: 'Co-sell',
                How_Can_Microsoft_Help__c: 'Quotes or licensing'
            })
        });
        const toasts = listen(element, 'lightning__showtoast');

        await chooseHelp(form(element), 'Proof of concept or demo');
        await click(inChild(element, FORM, 'save'));
        await change(inChild(element, FORM, 'sync-toggle'), { checked: false });
        await click(inChild(element, FORM, 'save'));

        expect(updateRecord.mock.calls.map(([{ fields }]) => fields)).toEqual([
            { Id: RECORD_ID, How_Can_Microsoft_Help__c: 'Proof of concept or demo' },
            { Id: RECORD_ID, Sync_With_Partner_Center__c: false }
        ]);
        expect(toastOf(toasts, 0).message).toBe('The next sync sends the changes to Partner Center.');
        expect(toastOf(toasts, 1).message).toBe('This opportunity no longer syncs with Partner Center.');
    });

    it('sharing with Microsoft sellers: confirmed in the form, written as the deal type, toasted', async () => {
        const element = await renderPanel({ record: recordWith({ Partner_Center_Deal_Type__c: 'Private' }) });
        const toasts = listen(element, 'lightning__showtoast');

        await change(inChild(element, FORM, 'sync-toggle'), { checked: true });
        await chooseDealType(form(element), 'Partner-led');
        await click(inChild(element, FORM, 'save'));
        expect(updateRecord).not.toHaveBeenCalled();
        await expect(element).toBeAccessible();
        await click(inChild(element, FORM, 'share-confirm-yes'));

        expect(updateRecord).toHaveBeenCalledWith({
            fields: { Id: RECORD_ID, Sync_With_Partner_Center__c: true, Partner_Center_Deal_Type__c: 'Partner-led' }
        });
        expect(toastOf(toasts).message).toBe(
            'The next sync sends this opportunity to Partner Center, shared with Microsoft sellers.'
        );
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

    it('the checklist follows unsaved edits: a co-sell asks for help and a contact; pills count', async () => {
        const element = await renderPanel({
            record: recordWith({ Partner_Center_Solutions__c: null }),
            contactRoles: noContactRoles()
        });
        expect(readiness(element)).toEqual({ country: 'done', solution: 'todo' });

        await chooseDealType(form(element), 'Co-sell');
        expect(readiness(element)).toEqual({ country: 'done', solution: 'todo', help: 'todo', contact: 'todo' });
        await chooseHelp(form(element), 'Customer technical architecture');
        await addSolution(form(element), 'SOL-34104-EBB');
        expect(readiness(element)).toEqual({ country: 'done', solution: 'done', help: 'done', contact: 'todo' });

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
        const input = solutionsEditor(form(element)).shadowRoot.querySelector('[data-id="solution-input"]');
        input.focus = jest.fn();

        await click(child(element, 'c-partner-center-readiness').shadowRoot.querySelector('button.fix'));

        expect(input.focus).toHaveBeenCalled();
    });

    it('the checklist’s "Say how Microsoft can help" puts the focus in the co-sell’s help', async () => {
        const element = await renderPanel({ record: recordWith({ Partner_Center_Deal_Type__c: 'Co-sell' }) });
        const help = helpCombobox(form(element));
        help.focus = jest.fn();

        await click(child(element, 'c-partner-center-readiness').shadowRoot.querySelector('[data-item="help"] .fix'));

        expect(help.focus).toHaveBeenCalled();
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
