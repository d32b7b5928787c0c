// Before a save that first shares the deal with Microsoft sellers, the form says it cannot be taken back and asks
// the rep to confirm, in the form itself; once shared, the deal type only moves towards more sharing.
import { createElement } from 'lwc';
import PartnerCenterSharingForm from 'c/partnerCenterSharingForm';
import { byId, change, click, flushPromises, listen, mount } from '../../../../../test/jest-helpers/dom';
import {
    addSolution,
    chooseDealType,
    chooseHelp,
    dealTypeOptions,
    dealTypePicker
} from '../../../../../test/jest-helpers/sharingForm';
import mockGetPicklistValues from '../../partnerCenterPanel/__tests__/data/getPicklistValues.json';

async function render(props = {}) {
    const element = mount(createElement, 'c-partner-center-sharing-form', PartnerCenterSharingForm, {
        syncWithPartnerCenter: false,
        solutions: 'SOL-34104-EBB',
        helpValues: mockGetPicklistValues.values,
        canEditSync: true,
        canEditDealType: true,
        canEditHelp: true,
        canEditSolutions: true,
        solutionsMaxLength: 255,
        ...props
    });
    await flushPromises();
    return element;
}

const savedChanges = (handler) => handler.mock.calls.map((call) => call[0].detail.changes);
const confirmText = (element) => byId(element, 'share-confirm-text').textContent;
const focused = (element) => element.shadowRoot.activeElement;

describe('c-partner-center-sharing-form: sharing with Microsoft sellers cannot be taken back', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('partner-led on a private deal: Save asks first, plainly, and the focus goes to the question', async () => {
        const element = await render({ dealType: 'Private', syncWithPartnerCenter: true });
        const save = listen(element, 'save');

        await chooseDealType(element, 'Partner-led');
        await click(byId(element, 'save'));

        expect(save).not.toHaveBeenCalled();
        expect(byId(element, 'share-confirm-heading').textContent.trim()).toBe(
            'Share this deal with Microsoft sellers?'
        );
        expect(confirmText(element)).toBe(
            'Partner-led makes this deal visible to Microsoft sellers when it syncs with Partner Center. ' +
                "Sharing with Microsoft can't be taken back: once you save, the deal can't be made private again."
        );
        expect(focused(element)).toBe(byId(element, 'share-confirm-heading'));
        expect(byId(element, 'save')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('Share and save raises the save with the deal type', async () => {
        const element = await render({ dealType: 'Private' });
        const save = listen(element, 'save');

        await chooseDealType(element, 'Partner-led');
        await click(byId(element, 'save'));
        await click(byId(element, 'share-confirm-yes'));

        expect(savedChanges(save)).toEqual([{ dealType: 'Partner-led' }]);
        expect(byId(element, 'share-confirm')).toBeNull();
    });

    it('Go back saves nothing, keeps the edits and returns the focus to Save', async () => {
        const element = await render({ dealType: 'Private' });
        const save = listen(element, 'save');
        // lightning-button's jest stub takes no focus: see which element the form focuses
        const focus = jest.spyOn(HTMLElement.prototype, 'focus');

        await chooseDealType(element, 'Partner-led');
        await click(byId(element, 'save'));
        await click(byId(element, 'share-confirm-back'));

        expect(save).not.toHaveBeenCalled();
        expect(byId(element, 'share-confirm')).toBeNull();
        expect(dealTypePicker(element).value).toBe('Partner-led');
        expect(focus.mock.contexts.at(-1)).toBe(byId(element, 'save'));
        focus.mockRestore();
    });

    it('co-sell: asked only once how Microsoft can help; the question says Microsoft is invited', async () => {
        const element = await render();
        const save = listen(element, 'save');

        await chooseDealType(element, 'Co-sell');
        expect(byId(element, 'save').disabled).toBe(true);
        await chooseHelp(element, 'Proof of concept or demo');
        await click(byId(element, 'save'));
        expect(confirmText(element)).toMatch(/invites Microsoft to help\. Sharing with Microsoft can't be taken back/);
        expect(confirmText(element)).toMatch(/can't be made private again, and it stays a co-sell\.$/);
        await expect(element).toBeAccessible();
        await click(byId(element, 'share-confirm-yes'));

        expect(savedChanges(save)).toEqual([{ dealType: 'Co-sell', microsoftHelp: 'Proof of concept or demo' }]);
    });

    it('an edit while the question is open closes it: the rep is asked again about what will be saved', async () => {
        const element = await render({ dealType: 'Private' });

        await chooseDealType(element, 'Partner-led');
        await click(byId(element, 'save'));
        await addSolution(element, 'SOL-7-A');

        expect(byId(element, 'share-confirm')).toBeNull();
        expect(byId(element, 'save').disabled).toBe(false);
    });

    it('choosing partner-led with sharing off still asks: the choice itself is what cannot be undone', async () => {
        const element = await render({ dealType: 'Private', syncWithPartnerCenter: false });

        await chooseDealType(element, 'Partner-led');
        await click(byId(element, 'save'));

        expect(byId(element, 'share-confirm')).not.toBeNull();
    });

    it('private, or back to private before anything was shared, saves without asking', async () => {
        const element = await render({ dealType: 'Partner-led', hasReferral: false, syncWithPartnerCenter: false });
        const fresh = await render({ dealType: 'Private' });
        const saveFresh = listen(fresh, 'save');

        // Partner-led recorded is shared: Private is gone
        expect(dealTypeOptions(element).map((o) => o.value)).toEqual(['Partner-led', 'Co-sell']);
        await change(byId(fresh, 'sync-toggle'), { checked: true });
        await click(byId(fresh, 'save'));

        expect(savedChanges(saveFresh)).toEqual([{ syncWithPartnerCenter: true }]);
    });

    it('once shared, moving to co-sell saves without asking again; a co-sell offers only co-sell', async () => {
        const element = await render({ dealType: 'Partner-led', syncWithPartnerCenter: true, hasReferral: true });
        const coSell = await render({ dealType: 'Co-sell', microsoftHelp: 'General or other', hasReferral: true });
        const save = listen(element, 'save');

        expect(dealTypeOptions(element).map((o) => o.value)).toEqual(['Partner-led', 'Co-sell']);
        expect(dealTypeOptions(coSell)).toEqual([{ value: 'Co-sell', checked: true, disabled: false }]);
        await chooseDealType(element, 'Co-sell');
        await chooseHelp(element, 'Quotes or licensing');
        await click(byId(element, 'save'));

        expect(savedChanges(save)).toEqual([{ dealType: 'Co-sell', microsoftHelp: 'Quotes or licensing' }]);
        await expect(coSell).toBeAccessible();
    });

    it('a private deal with a referral is not shared: partner-led asks first', async () => {
        const element = await render({ dealType: 'Private', hasReferral: true, syncWithPartnerCenter: true });

        expect(dealTypeOptions(element).map((o) => o.value)).toEqual(['Private', 'Partner-led', 'Co-sell']);
        await chooseDealType(element, 'Partner-led');
        await click(byId(element, 'save'));

        expect(byId(element, 'share-confirm')).not.toBeNull();
    });

    it('from before the deal type, help and nothing sent: turning sync on asks, and records co-sell', async () => {
        const element = await render({ microsoftHelp: 'Quotes or licensing' });
        const save = listen(element, 'save');

        expect(dealTypePicker(element)).toMatchObject({ value: 'Co-sell', shared: false });
        await change(byId(element, 'sync-toggle'), { checked: true });
        await click(byId(element, 'save'));
        await click(byId(element, 'share-confirm-yes'));

        expect(savedChanges(save)).toEqual([{ syncWithPartnerCenter: true, dealType: 'Co-sell' }]);
    });

    it('without the right to write the deal type, the rep is still asked; the deal type is left alone', async () => {
        const element = await render({ microsoftHelp: 'Quotes or licensing', canEditDealType: false });
        const save = listen(element, 'save');

        await change(byId(element, 'sync-toggle'), { checked: true });
        await click(byId(element, 'save'));
        await click(byId(element, 'share-confirm-yes'));

        expect(savedChanges(save)).toEqual([{ syncWithPartnerCenter: true }]);
    });

    it('reset() closes the question', async () => {
        const element = await render({ dealType: 'Private' });

        await chooseDealType(element, 'Partner-led');
        await click(byId(element, 'save'));
        element.reset();
        await flushPromises();

        expect(byId(element, 'share-confirm')).toBeNull();
        expect(dealTypePicker(element).value).toBe('Private');
    });
});
