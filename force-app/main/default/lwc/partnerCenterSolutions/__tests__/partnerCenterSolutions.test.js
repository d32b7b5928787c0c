import { createElement } from 'lwc';
import PartnerCenterSolutions from 'c/partnerCenterSolutions';
import { parseSolutionsText } from 'c/pcsyncReadiness';
import { $, $$, byId, change, click, flushPromises, listen, mount } from '../../../../../test/jest-helpers/dom';

/** Mounts the pills as the sharing form does: each solutionschange becomes the list shown. */
async function render(solutions = 'SOL-34104-EBB', props = {}) {
    const element = mount(createElement, 'c-partner-center-solutions', PartnerCenterSolutions, {
        solutions: parseSolutionsText(solutions),
        canEdit: true,
        maxLength: 255,
        ...props
    });
    element.addEventListener('solutionschange', (event) => {
        element.solutions = event.detail.solutions;
    });
    await flushPromises();
    return element;
}

async function addSolution(element, text) {
    await change(byId(element, 'solution-input'), { value: text });
    await click(byId(element, 'solution-add'));
}

const pills = (element) => $$(element, '[data-id="solution-pill"]').map((p) => p.label);
const changes = (handler) => handler.mock.calls.map((call) => call[0].detail.solutions);

describe('c-partner-center-solutions', () => {
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

    it('an added id becomes a pill and raises the new list', async () => {
        const element = await render();
        const changed = listen(element, 'solutionschange');

        await addSolution(element, 'SOL-Microsoft365');

        expect(pills(element)).toEqual(['SOL-34104-EBB', 'SOL-Microsoft365']);
        expect(byId(element, 'solution-input').value).toBe('');
        expect(changes(changed)).toEqual([['SOL-34104-EBB', 'SOL-Microsoft365']]);
        await expect(element).toBeAccessible();
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

    it('a malformed id is refused with a message, kept in the input, and never raised', async () => {
        const element = await render();
        const changed = listen(element, 'solutionschange');

        await addSolution(element, 'SOL34104-EBB');

        expect(byId(element, 'solution-error').textContent).toMatch(/“SOL34104-EBB” is not a Partner Center/);
        expect(pills(element)).toEqual(['SOL-34104-EBB']);
        expect(byId(element, 'solution-input').value).toBe('SOL34104-EBB');
        expect(changed).not.toHaveBeenCalled();
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

    it('a stored malformed id (a comma is no separator) is flagged on its pill and named', async () => {
        const element = await render('SOL-34104-EBB;SOL-1,SOL-2');

        const [good, bad] = $$(element, '[data-id="solution-pill"]');
        expect([good.hasError, bad.hasError]).toEqual([false, true]);
        expect(bad.title).toMatch(/not a Partner Center solution id/);
        expect(byId(element, 'invalid-solutions').textContent).toMatch(/SOL-1,SOL-2/);
        await expect(element).toBeAccessible();
    });

    it('removing a pill raises the list without it; removing the last one shows none', async () => {
        const element = await render();
        const changed = listen(element, 'solutionschange');

        $(element, '[data-id="solution-pill"]').dispatchEvent(new CustomEvent('remove'));
        await flushPromises();

        expect(changes(changed)).toEqual([[]]);
        expect(byId(element, 'no-solutions')).not.toBeNull();
    });

    it('read-only: badges instead of pills, and no input', async () => {
        const element = await render('SOL-34104-EBB', { canEdit: false });

        expect(byId(element, 'solution-pill')).toBeNull();
        expect(byId(element, 'solution-badge').textContent).toBe('SOL-34104-EBB');
        expect(byId(element, 'solution-input')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('reset() clears what was typed and the message; focusInput() focuses the input', async () => {
        const element = await render();
        await addSolution(element, 'SOL 1');
        const input = byId(element, 'solution-input');
        input.focus = jest.fn();

        element.reset();
        await flushPromises();
        element.focusInput();

        expect(byId(element, 'solution-input').value).toBe('');
        expect(byId(element, 'solution-error')).toBeNull();
        expect(input.focus).toHaveBeenCalled();
    });

    it('while saving, nothing can be added', async () => {
        const element = await render('SOL-34104-EBB', { saving: true });

        expect(byId(element, 'solution-input').disabled).toBe(true);
        expect(byId(element, 'solution-add').disabled).toBe(true);
    });
});
