import { createElement } from 'lwc';
import PartnerCenterSharingForm from 'c/partnerCenterSharingForm';
import { byId, change, click, flushPromises, listen, mount } from '../../../../../test/jest-helpers/dom';
import {
    addSolution,
    chooseHelp,
    dealTypePicker,
    helpCombobox,
    removeSolution,
    solutionPills,
    solutionsEditor
} from '../../../../../test/jest-helpers/sharingForm';
// The picklist values the container's getPicklistValues wire hands down
import mockGetPicklistValues from '../../partnerCenterPanel/__tests__/data/getPicklistValues.json';

const EDITABLE = {
    canEditSync: true,
    canEditDealType: true,
    canEditHelp: true,
    canEditSolutions: true,
    solutionsMaxLength: 255
};
// A co-sell the rep recorded: already shared with Microsoft, so no save of it asks to confirm.
const CO_SELL = { dealType: 'Co-sell', microsoftHelp: 'Quotes or licensing' };

async function render(props = {}) {
    const element = mount(createElement, 'c-partner-center-sharing-form', PartnerCenterSharingForm, {
        syncWithPartnerCenter: false,
        microsoftHelp: null,
        solutions: 'SOL-34104-EBB',
        helpValues: mockGetPicklistValues.values,
        ...EDITABLE,
        ...props
    });
    await flushPromises();
    return element;
}

const savedChanges = (handler) => handler.mock.calls.map((call) => call[0].detail.changes);

describe('c-partner-center-sharing-form', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('hands the saved values and what may be chosen to its children', async () => {
        const element = await render({ syncWithPartnerCenter: true, ...CO_SELL });

        expect(byId(element, 'sync-toggle').checked).toBe(true);
        expect(dealTypePicker(element)).toMatchObject({
            value: 'Co-sell',
            choices: ['Co-sell'],
            shared: true,
            canEdit: true,
            helpValue: 'Quotes or licensing',
            helpValues: mockGetPicklistValues.values
        });
        expect(solutionsEditor(element)).toMatchObject({ solutions: ['SOL-34104-EBB'], canEdit: true, maxLength: 255 });
        expect(byId(element, 'read-only')).toBeNull();
        expect(byId(element, 'share-confirm')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('a record without a deal type shows private until a referral exists', async () => {
        const fresh = await render();
        const referral = await render({ hasReferral: true });

        expect(dealTypePicker(fresh)).toMatchObject({ value: 'Private', shared: false });
        expect(dealTypePicker(fresh).choices).toEqual(['Private', 'Partner-led', 'Co-sell']);
        expect(dealTypePicker(referral)).toMatchObject({ value: 'Partner-led', shared: true });
        expect(dealTypePicker(referral).choices).toEqual(['Partner-led', 'Co-sell']);
    });

    it('Save and Cancel are disabled until something changes', async () => {
        const element = await render();

        expect(byId(element, 'save').disabled).toBe(true);
        expect(byId(element, 'cancel').disabled).toBe(true);
    });

    it('the toggle of a private deal saves at once and records private: nothing is shared', async () => {
        const element = await render();
        const save = listen(element, 'save');

        await change(byId(element, 'sync-toggle'), { checked: true });
        expect(byId(element, 'save').disabled).toBe(false);
        await click(byId(element, 'save'));

        expect(savedChanges(save)).toEqual([{ syncWithPartnerCenter: true, dealType: 'Private' }]);
        expect(byId(element, 'share-confirm')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('turning sharing off raises false; toggling back to the saved value is no change', async () => {
        const element = await render({ syncWithPartnerCenter: true });
        const save = listen(element, 'save');

        await change(byId(element, 'sync-toggle'), { checked: false });
        await click(byId(element, 'save'));
        await change(byId(element, 'sync-toggle'), { checked: true });

        expect(savedChanges(save)).toEqual([{ syncWithPartnerCenter: false }]);
        expect(byId(element, 'save').disabled).toBe(true);
    });

    it('the help of a co-sell raises its value, and none as null', async () => {
        const element = await render(CO_SELL);
        const save = listen(element, 'save');

        await chooseHelp(element, 'Proof of concept or demo');
        await click(byId(element, 'save'));
        element.reset();
        await flushPromises();

        expect(savedChanges(save)).toEqual([{ microsoftHelp: 'Proof of concept or demo' }]);
        expect(helpCombobox(element).value).toBe('Quotes or licensing');
    });

    it('a co-sell cannot be saved without saying how Microsoft can help', async () => {
        const element = await render(CO_SELL);

        await chooseHelp(element, '');
        expect(byId(element, 'save').disabled).toBe(true);
        await expect(element).toBeAccessible();
        await chooseHelp(element, 'General or other');
        expect(byId(element, 'save').disabled).toBe(false);
    });

    it('each edit of deal type, help or solution ids raises draftchange; the sync toggle does not', async () => {
        const element = await render(CO_SELL);
        const draft = listen(element, 'draftchange');

        await change(byId(element, 'sync-toggle'), { checked: true });
        await chooseHelp(element, 'General or other');
        await addSolution(element, 'SOL-2-B');

        expect(draft.mock.calls.map((call) => call[0].detail)).toEqual([
            { microsoftHelp: 'General or other', solutions: undefined, dealType: 'Co-sell' },
            { microsoftHelp: 'General or other', solutions: 'SOL-34104-EBB;SOL-2-B', dealType: 'Co-sell' }
        ]);
    });

    it('all of it in one save', async () => {
        const element = await render(CO_SELL);
        const save = listen(element, 'save');

        await change(byId(element, 'sync-toggle'), { checked: true });
        await chooseHelp(element, 'General or other');
        await addSolution(element, 'SOL-2-B');
        await click(byId(element, 'save'));

        expect(savedChanges(save)).toEqual([
            { syncWithPartnerCenter: true, microsoftHelp: 'General or other', solutions: 'SOL-34104-EBB;SOL-2-B' }
        ]);
    });

    it('Cancel drops the edits and tells the checklist', async () => {
        const element = await render(CO_SELL);
        const draft = listen(element, 'draftchange');

        await change(byId(element, 'sync-toggle'), { checked: true });
        await chooseHelp(element, 'General or other');
        await click(byId(element, 'cancel'));

        expect(byId(element, 'sync-toggle').checked).toBe(false);
        expect(helpCombobox(element).value).toBe('Quotes or licensing');
        expect(draft.mock.calls.at(-1)[0].detail).toEqual({
            microsoftHelp: undefined,
            solutions: undefined,
            dealType: 'Co-sell'
        });
        expect(byId(element, 'save').disabled).toBe(true);
    });

    it('a failed save keeps the edits; reset() after a successful one drops them', async () => {
        const element = await render(CO_SELL);
        await chooseHelp(element, 'General or other');
        await addSolution(element, 'SOL-2-B');
        await click(byId(element, 'save'));

        // no reset: the container's save failed
        expect(helpCombobox(element).value).toBe('General or other');
        expect(byId(element, 'save').disabled).toBe(false);

        element.reset();
        await flushPromises();
        expect(helpCombobox(element).value).toBe('Quotes or licensing');
        expect(solutionPills(element).map((p) => p.label)).toEqual(['SOL-34104-EBB']);
        expect(byId(element, 'save').disabled).toBe(true);
    });

    it('solution ids: added ones saved ;-separated, removing the last saves null, re-adding is no change', async () => {
        const added = await render();
        const emptied = await render();
        const readded = await render();
        const saveAdded = listen(added, 'save');
        const saveEmptied = listen(emptied, 'save');

        await addSolution(added, 'SOL-Microsoft365');
        await click(byId(added, 'save'));
        await removeSolution(emptied, 'SOL-34104-EBB');
        await click(byId(emptied, 'save'));
        await removeSolution(readded, 'SOL-34104-EBB');
        await addSolution(readded, 'SOL-34104-EBB');

        expect(savedChanges(saveAdded)).toEqual([{ solutions: 'SOL-34104-EBB;SOL-Microsoft365' }]);
        expect(savedChanges(saveEmptied)).toEqual([{ solutions: null }]);
        expect(byId(readded, 'save').disabled).toBe(true);
    });

    it('a stored malformed solution id blocks Save until it is removed', async () => {
        const element = await render({ solutions: 'SOL-34104-EBB;SOL-1,SOL-2' });
        const save = listen(element, 'save');

        await change(byId(element, 'sync-toggle'), { checked: true });
        expect(byId(element, 'save').disabled).toBe(true);
        await removeSolution(element, 'SOL-1,SOL-2');
        await click(byId(element, 'save'));

        expect(savedChanges(save)).toEqual([
            { syncWithPartnerCenter: true, solutions: 'SOL-34104-EBB', dealType: 'Private' }
        ]);
    });

    it('while saving, nothing can be changed', async () => {
        const element = await render({ ...CO_SELL, saving: true });

        expect(byId(element, 'sync-toggle').disabled).toBe(true);
        expect(dealTypePicker(element).saving).toBe(true);
        expect(solutionsEditor(element).saving).toBe(true);
        expect(byId(element, 'save').disabled).toBe(true);
        await expect(element).toBeAccessible();
    });

    it('offers nothing as editable that the rep may not edit, and says so', async () => {
        const element = await render({
            canEditSync: false,
            canEditDealType: false,
            canEditHelp: false,
            canEditSolutions: false,
            readOnly: true
        });

        expect(byId(element, 'sync-toggle').disabled).toBe(true);
        expect(dealTypePicker(element)).toMatchObject({ canEdit: false, canEditHelp: false });
        expect(solutionsEditor(element).canEdit).toBe(false);
        expect(byId(element, 'save')).toBeNull();
        expect(byId(element, 'read-only').textContent).toMatch(/can see how this opportunity is shared/);
        await expect(element).toBeAccessible();
    });

    it('focusSolutionInput() and focusHelpInput() put the focus in their inputs', async () => {
        const element = await render(CO_SELL);
        const solutionInput = byId(solutionsEditor(element), 'solution-input');
        solutionInput.focus = jest.fn();
        helpCombobox(element).focus = jest.fn();

        element.focusSolutionInput();
        element.focusHelpInput();

        expect(solutionInput.focus).toHaveBeenCalled();
        expect(helpCombobox(element).focus).toHaveBeenCalled();
    });
});
