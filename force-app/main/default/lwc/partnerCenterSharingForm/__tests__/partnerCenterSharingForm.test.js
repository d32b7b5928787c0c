import { createElement } from 'lwc';
import PartnerCenterSharingForm from 'c/partnerCenterSharingForm';
import { byId, change, click, flushPromises, listen, mount } from '../../../../../test/jest-helpers/dom';
// The picklist values the container's getPicklistValues wire hands down
import mockGetPicklistValues from '../../partnerCenterPanel/__tests__/data/getPicklistValues.json';

const EDITABLE = { canEditSync: true, canEditHelp: true, canEditSolutions: true, solutionsMaxLength: 255 };

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

    it('offers the picklist values from metadata, plus none, and shows the saved values', async () => {
        const element = await render({ syncWithPartnerCenter: true, microsoftHelp: 'Quotes or licensing' });

        const combobox = byId(element, 'help');
        expect(combobox.options.map((o) => o.value)).toEqual(['', ...mockGetPicklistValues.values.map((v) => v.value)]);
        expect(combobox.value).toBe('Quotes or licensing');
        expect(combobox.placeholder).toBe('Select how Microsoft can help');
        expect(byId(element, 'sync-toggle').checked).toBe(true);
        expect(byId(element, 'read-only')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('says so when the picklist values cannot be loaded', async () => {
        const element = await render({ helpValues: [], helpValuesUnavailable: true });

        expect(byId(element, 'help').placeholder).toBe('Values could not be loaded');
        expect(byId(element, 'help').options).toEqual([{ label: '--None--', value: '' }]);
        await expect(element).toBeAccessible();
    });

    it('Save and Cancel are disabled until something changes', async () => {
        const element = await render();

        expect(byId(element, 'save').disabled).toBe(true);
        expect(byId(element, 'cancel').disabled).toBe(true);
    });

    it('the toggle raises save with the new sharing', async () => {
        const element = await render();
        const save = listen(element, 'save');

        await change(byId(element, 'sync-toggle'), { checked: true });
        expect(byId(element, 'sync-toggle').checked).toBe(true);
        expect(byId(element, 'save').disabled).toBe(false);
        await click(byId(element, 'save'));

        expect(savedChanges(save)).toEqual([{ syncWithPartnerCenter: true }]);
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

    it('the help combobox raises its value, and none as null', async () => {
        const element = await render();
        const other = await render({ microsoftHelp: 'Quotes or licensing' });
        const save = listen(element, 'save');
        const saveOther = listen(other, 'save');

        await change(byId(element, 'help'), { value: 'Proof of concept or demo' });
        await click(byId(element, 'save'));
        await change(byId(other, 'help'), { value: '' });
        await click(byId(other, 'save'));

        expect(savedChanges(save)).toEqual([{ microsoftHelp: 'Proof of concept or demo' }]);
        expect(savedChanges(saveOther)).toEqual([{ microsoftHelp: null }]);
    });

    it('each edit of help or solution ids raises draftchange for the checklist; sharing does not', async () => {
        const element = await render();
        const draft = listen(element, 'draftchange');

        await change(byId(element, 'sync-toggle'), { checked: true });
        await change(byId(element, 'help'), { value: 'General or other' });
        await change(byId(element, 'solution-input'), { value: 'SOL-2-B' });
        await click(byId(element, 'solution-add'));

        expect(draft.mock.calls.map((call) => call[0].detail)).toEqual([
            { microsoftHelp: 'General or other', solutions: undefined },
            { microsoftHelp: 'General or other', solutions: 'SOL-34104-EBB;SOL-2-B' }
        ]);
    });

    it('all three in one save', async () => {
        const element = await render();
        const save = listen(element, 'save');

        await change(byId(element, 'sync-toggle'), { checked: true });
        await change(byId(element, 'help'), { value: 'General or other' });
        await change(byId(element, 'solution-input'), { value: 'SOL-2-B' });
        await click(byId(element, 'solution-add'));
        await click(byId(element, 'save'));

        expect(savedChanges(save)).toEqual([
            { syncWithPartnerCenter: true, microsoftHelp: 'General or other', solutions: 'SOL-34104-EBB;SOL-2-B' }
        ]);
    });

    it('Cancel drops the edits and tells the checklist', async () => {
        const element = await render();
        const draft = listen(element, 'draftchange');

        await change(byId(element, 'sync-toggle'), { checked: true });
        await change(byId(element, 'help'), { value: 'General or other' });
        await click(byId(element, 'cancel'));

        expect(byId(element, 'sync-toggle').checked).toBe(false);
        expect(byId(element, 'help').value).toBe('');
        expect(draft.mock.calls.at(-1)[0].detail).toEqual({ microsoftHelp: undefined, solutions: undefined });
        expect(byId(element, 'save').disabled).toBe(true);
    });

    it('a failed save keeps the edits; reset() after a successful one drops them', async () => {
        const element = await render();
        await change(byId(element, 'help'), { value: 'General or other' });
        await change(byId(element, 'solution-input'), { value: 'SOL-2-B' });
        await click(byId(element, 'solution-add'));
        await click(byId(element, 'save'));

        // no reset: the container's save failed
        expect(byId(element, 'help').value).toBe('General or other');
        expect(byId(element, 'save').disabled).toBe(false);

        element.reset();
        await flushPromises();
        expect(byId(element, 'help').value).toBe('');
        expect(Array.from(element.shadowRoot.querySelectorAll('[data-id="solution-pill"]'), (p) => p.label)).toEqual([
            'SOL-34104-EBB'
        ]);
        expect(byId(element, 'save').disabled).toBe(true);
    });

    it('while saving, nothing can be changed', async () => {
        const element = await render({ saving: true });

        expect(byId(element, 'sync-toggle').disabled).toBe(true);
        expect(byId(element, 'help').disabled).toBe(true);
        expect(byId(element, 'solution-input').disabled).toBe(true);
        expect(byId(element, 'save').disabled).toBe(true);
    });

    it('offers nothing as editable that the rep may not edit, and says so', async () => {
        const element = await render({
            canEditSync: false,
            canEditHelp: false,
            canEditSolutions: false,
            readOnly: true
        });

        expect(byId(element, 'sync-toggle').disabled).toBe(true);
        expect(byId(element, 'help').disabled).toBe(true);
        expect(byId(element, 'solution-input')).toBeNull();
        expect(byId(element, 'solution-pill')).toBeNull();
        expect(byId(element, 'solution-badge').textContent).toBe('SOL-34104-EBB');
        expect(byId(element, 'save')).toBeNull();
        expect(byId(element, 'read-only').textContent).toMatch(/can see how this opportunity is shared/);
        await expect(element).toBeAccessible();
    });

    it('focusSolutionInput() puts the focus in the solution input', async () => {
        const element = await render();
        const input = byId(element, 'solution-input');
        input.focus = jest.fn();

        element.focusSolutionInput();

        expect(input.focus).toHaveBeenCalled();
    });
});
