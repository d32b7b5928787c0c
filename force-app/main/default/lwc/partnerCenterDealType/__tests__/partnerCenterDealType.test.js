import { createElement } from 'lwc';
import PartnerCenterDealType from 'c/partnerCenterDealType';
import { $, $$, byId, change, flushPromises, listen, mount } from '../../../../../test/jest-helpers/dom';
// The picklist values the container's getPicklistValues wire hands down
import mockGetPicklistValues from '../../partnerCenterPanel/__tests__/data/getPicklistValues.json';

const ALL = ['Private', 'Partner-led', 'Co-sell'];

async function render(props = {}) {
    const element = mount(createElement, 'c-partner-center-deal-type', PartnerCenterDealType, {
        value: 'Private',
        choices: ALL,
        canEdit: true,
        canEditHelp: true,
        helpValues: mockGetPicklistValues.values,
        ...props
    });
    await flushPromises();
    return element;
}

const radios = (element) => $$(element, '[data-id="deal-type-option"]');
const checkedValue = (element) => (radios(element).find((r) => r.checked) || {}).value;

/** Each radio's label and the meaning it is described by. */
function options(element) {
    return radios(element).map((input) => ({
        value: input.value,
        label: $(element, `label[for="${input.id}"]`).textContent.trim(),
        meaning: $(element, `[id="${input.getAttribute('aria-describedby')}"]`).textContent.trim()
    }));
}

async function choose(element, value) {
    const radio = radios(element).find((r) => r.value === value);
    radio.checked = true;
    radio.dispatchEvent(new CustomEvent('change'));
    await flushPromises();
}

describe('c-partner-center-deal-type', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('offers the three deal types, each labelled and described by Microsoft’s meaning', async () => {
        const element = await render();

        expect(options(element)).toEqual([
            {
                value: 'Private',
                label: 'Private',
                meaning: expect.stringMatching(/^Not shared with Microsoft sellers/)
            },
            {
                value: 'Partner-led',
                label: 'Partner-led',
                meaning: expect.stringMatching(/^Shared with Microsoft sellers\. Your company leads/)
            },
            {
                value: 'Co-sell',
                label: 'Co-sell',
                meaning: expect.stringMatching(/^Shared with Microsoft sellers, and Microsoft is invited to help/)
            }
        ]);
        expect($(element, 'legend').textContent).toBe('Deal type');
        expect(checkedValue(element)).toBe('Private');
        expect(byId(element, 'help')).toBeNull();
        expect(byId(element, 'shared-note')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('choosing a type raises dealtypechange with it', async () => {
        const element = await render();
        const changed = listen(element, 'dealtypechange');

        await choose(element, 'Partner-led');

        expect(changed.mock.calls.map((call) => call[0].detail)).toEqual([{ value: 'Partner-led' }]);
    });

    it('co-sell: "How can Microsoft help?" is required, offers the picklist values, raises helpchange', async () => {
        const element = await render({ value: 'Co-sell', helpValue: 'Quotes or licensing' });
        const changed = listen(element, 'helpchange');

        const help = byId(element, 'help');
        expect(help.required).toBe(true);
        expect(help.value).toBe('Quotes or licensing');
        expect(help.options.map((o) => o.value)).toEqual(['', ...mockGetPicklistValues.values.map((v) => v.value)]);
        expect(help.placeholder).toBe('Select how Microsoft can help');
        expect(byId(element, 'help-missing')).toBeNull();
        await change(help, { value: 'Proof of concept or demo' });

        expect(changed.mock.calls.map((call) => call[0].detail)).toEqual([{ value: 'Proof of concept or demo' }]);
        await expect(element).toBeAccessible();
    });

    it('co-sell without help says it is needed', async () => {
        const element = await render({ value: 'Co-sell', helpValue: '' });

        expect(byId(element, 'help-missing').textContent).toMatch(/A co-sell needs to say how Microsoft can help/);
        await expect(element).toBeAccessible();
    });

    it('says so when the help values cannot be loaded', async () => {
        const element = await render({ value: 'Co-sell', helpValues: [], helpValuesUnavailable: true });

        expect(byId(element, 'help').placeholder).toBe('Values could not be loaded');
        expect(byId(element, 'help').options).toEqual([{ label: '--None--', value: '' }]);
        await expect(element).toBeAccessible();
    });

    it('shared: only the types offered, and why private is gone', async () => {
        const element = await render({ value: 'Partner-led', choices: ['Partner-led', 'Co-sell'], shared: true });

        expect(options(element).map((o) => o.value)).toEqual(['Partner-led', 'Co-sell']);
        expect(byId(element, 'shared-note').textContent).toBe(
            "This deal is shared with Microsoft sellers. That can't be taken back, so it can't be made private again."
        );
        await expect(element).toBeAccessible();
    });

    it('a shared co-sell stays a co-sell', async () => {
        const element = await render({
            value: 'Co-sell',
            choices: ['Co-sell'],
            shared: true,
            helpValue: 'General or other'
        });

        expect(options(element).map((o) => o.value)).toEqual(['Co-sell']);
        expect(byId(element, 'shared-note').textContent).toMatch(
            /can't be made private again, and a co-sell stays a co-sell\./
        );
        await expect(element).toBeAccessible();
    });

    it('nothing can be chosen without the permission, or while saving', async () => {
        const readOnly = await render({ value: 'Co-sell', canEdit: false, canEditHelp: false });
        const saving = await render({ value: 'Co-sell', saving: true });

        expect(radios(readOnly).every((r) => r.disabled)).toBe(true);
        expect(byId(readOnly, 'help').disabled).toBe(true);
        expect(radios(saving).every((r) => r.disabled)).toBe(true);
        expect(byId(saving, 'help').disabled).toBe(true);
        await expect(readOnly).toBeAccessible();
        await expect(saving).toBeAccessible();
    });

    it('focusHelp() puts the focus in the help combobox', async () => {
        const element = await render({ value: 'Co-sell' });
        const help = byId(element, 'help');
        help.focus = jest.fn();

        element.focusHelp();

        expect(help.focus).toHaveBeenCalled();
    });
});
