import { createElement } from 'lwc';
import PartnerCenterSharingForm from 'c/partnerCenterSharingForm';
import { $, $$, byId, change, click, flushPromises, listen, mount } from '../../../../../test/jest-helpers/dom';

async function render(solutions = 'SOL-34104-EBB', props = {}) {
    const element = mount(createElement, 'c-partner-center-sharing-form', PartnerCenterSharingForm, {
        solutions,
        canEditSync: true,
        canEditHelp: true,
        canEditSolutions: true,
        solutionsMaxLength: 255,
        ...props
    });
    await flushPromises();
    return element;
}

async function addSolution(element, text) {
    await change(byId(element, 'solution-input'), { value: text });
    await click(byId(element, 'solution-add'));
}

const pills = (element) => $$(element, '[data-id="solution-pill"]').map((p) => p.label);
const savedChanges = (handler) => handler.mock.calls.map((call) => call[0].detail.changes);

describe('c-partner-center-sharing-form solution ids', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('stored ids become pills, split on ; as the sync splits them', async () => {
        const element = await render(' SOL-34104-EBB ;SOL-Microsoft365;;SOL-34104-EBB');

        expect(pills(element)).toEqual(['SOL-34104-EBB', 'SOL-Microsoft365']);
        expect(byId(element, 'invalid-solutions')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('none yet: says so', async () => {
        const element = await render(null);

        expect(byId(element, 'no-solutions').textContent).toBe('No solution ids yet.');
        await expect(element).toBeAccessible();
    });

    it('an added id becomes a pill and is saved ;-separated', async () => {
        const element = await render();
        const save = listen(element, 'save');

        await addSolution(element, 'SOL-Microsoft365');
        expect(pills(element)).toEqual(['SOL-34104-EBB', 'SOL-Microsoft365']);
        expect(byId(element, 'solution-input').value).toBe('');
        await click(byId(element, 'save'));

        expect(savedChanges(save)).toEqual([{ solutions: 'SOL-34104-EBB;SOL-Microsoft365' }]);
    });

    it('a Microsoft catalog id without the SOL- prefix is accepted', async () => {
        const element = await render();

        await addSolution(element, 'Dynamics365forFieldService');

        expect(pills(element)).toEqual(['SOL-34104-EBB', 'Dynamics365forFieldService']);
        expect(byId(element, 'solution-error')).toBeNull();
    });

    it('Enter adds; several can be pasted at once (; , or line breaks); repeats are ignored', async () => {
        const element = await render();

        await change(byId(element, 'solution-input'), { value: 'sol-abc-def, SOL-34104-EBB;SOL-99-X1\nSOL-7-A' });
        byId(element, 'solution-input').dispatchEvent(new KeyboardEvent('keyup', { key: 'Enter' }));
        await flushPromises();

        expect(pills(element)).toEqual(['SOL-34104-EBB', 'SOL-abc-def', 'SOL-99-X1', 'SOL-7-A']);
    });

    it('a malformed id is refused with a message, kept in the input, and never saved', async () => {
        const element = await render();

        await addSolution(element, 'SOL34104-EBB');

        expect(byId(element, 'solution-error').textContent).toMatch(/“SOL34104-EBB” is not a Partner Center/);
        expect(pills(element)).toEqual(['SOL-34104-EBB']);
        expect(byId(element, 'solution-input').value).toBe('SOL34104-EBB');
        expect(byId(element, 'save').disabled).toBe(true);
        await expect(element).toBeAccessible();
    });

    it('a space does not split: "SOL 34104-EBB" is one refused id, the valid ones of the list are added', async () => {
        const element = await render();

        await addSolution(element, 'SOL 34104-EBB; SOL-7-A');

        expect(byId(element, 'solution-error').textContent).toMatch(/^\s*“SOL 34104-EBB” is not/);
        expect(pills(element)).toEqual(['SOL-34104-EBB', 'SOL-7-A']);
        expect(byId(element, 'solution-input').value).toBe('SOL 34104-EBB; SOL-7-A');
    });

    it('refuses ids beyond the length of the Products field', async () => {
        const many = Array.from({ length: 18 }, (_, i) => `SOL-${String(i).padStart(5, '0')}-ABC`);
        const element = await render(many.join(';'));

        await addSolution(element, 'SOL-99999-XYZ');

        expect(byId(element, 'solution-error').textContent).toMatch(/the Products field holds 255 characters/);
        expect(pills(element)).toHaveLength(18);
    });

    it('an empty Add asks for an id; typing clears the message', async () => {
        const element = await render();

        await addSolution(element, '   ');
        expect(byId(element, 'solution-error').textContent).toMatch(/Enter a solution id/);
        await change(byId(element, 'solution-input'), { value: 'S' });
        expect(byId(element, 'solution-error')).toBeNull();
    });

    it('a stored malformed id (a comma is no separator) is flagged and blocks Save until removed', async () => {
        const element = await render('SOL-34104-EBB;SOL-1,SOL-2');
        const save = listen(element, 'save');

        const [good, bad] = $$(element, '[data-id="solution-pill"]');
        expect([good.hasError, bad.hasError]).toEqual([false, true]);
        expect(bad.title).toMatch(/not a Partner Center solution id/);
        expect(byId(element, 'invalid-solutions').textContent).toMatch(/SOL-1,SOL-2/);
        await expect(element).toBeAccessible();

        await change(byId(element, 'sync-toggle'), { checked: true });
        expect(byId(element, 'save').disabled).toBe(true);

        bad.dispatchEvent(new CustomEvent('remove'));
        await flushPromises();
        expect(byId(element, 'save').disabled).toBe(false);
        await click(byId(element, 'save'));
        expect(savedChanges(save)).toEqual([{ syncWithPartnerCenter: true, solutions: 'SOL-34104-EBB' }]);
    });

    it('removing the last pill saves null', async () => {
        const element = await render();
        const save = listen(element, 'save');

        $(element, '[data-id="solution-pill"]').dispatchEvent(new CustomEvent('remove'));
        await flushPromises();
        expect(byId(element, 'no-solutions')).not.toBeNull();
        await click(byId(element, 'save'));

        expect(savedChanges(save)).toEqual([{ solutions: null }]);
    });

    it('re-adding what was removed is no change', async () => {
        const element = await render();

        $(element, '[data-id="solution-pill"]').dispatchEvent(new CustomEvent('remove'));
        await flushPromises();
        await addSolution(element, 'SOL-34104-EBB');

        expect(byId(element, 'save').disabled).toBe(true);
    });
});
