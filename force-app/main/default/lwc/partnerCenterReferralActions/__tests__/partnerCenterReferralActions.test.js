import { createElement } from 'lwc';
import PartnerCenterReferralActions from 'c/partnerCenterReferralActions';
import { $, byId, change, click, flushPromises, listen, mount } from '../../../../../test/jest-helpers/dom';

async function render(props = {}) {
    const element = mount(createElement, 'c-partner-center-referral-actions', PartnerCenterReferralActions, {
        canAnswer: true,
        reasonMaxLength: 255,
        ...props
    });
    await flushPromises();
    return element;
}

describe('c-partner-center-referral-actions', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('offers Accept and Decline for an incoming referral', async () => {
        const element = await render();

        expect(byId(element, 'incoming').textContent).toMatch(/Incoming from Microsoft/);
        expect(byId(element, 'accept').label).toBe('Accept');
        expect(byId(element, 'decline')).not.toBeNull();
        expect(byId(element, 'decline-reason')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('Accept raises accept', async () => {
        const element = await render();
        const accept = listen(element, 'accept');

        await click(byId(element, 'accept'));

        expect(accept).toHaveBeenCalledTimes(1);
    });

    it('Decline asks for a reason and refuses to go on without one', async () => {
        const element = await render();
        const decline = listen(element, 'decline');

        await click(byId(element, 'decline'));
        expect(byId(element, 'decline-reason').required).toBe(true);
        expect(byId(element, 'decline-reason').maxLength).toBe(255);
        await change(byId(element, 'decline-reason'), { value: '   ' });
        await click(byId(element, 'decline-confirm'));

        expect(decline).not.toHaveBeenCalled();
        expect($(element, '.decline-error').textContent).toBe('Tell Microsoft why you decline this referral.');
        await expect(element).toBeAccessible();
    });

    it('the reason goes out trimmed and cut to the length of the field', async () => {
        const element = await render({ reasonMaxLength: 20 });
        const decline = listen(element, 'decline');

        await click(byId(element, 'decline'));
        await change(byId(element, 'decline-reason'), { value: '  Customer already works with another partner.  ' });
        expect($(element, '.decline-error')).toBeNull();
        await click(byId(element, 'decline-confirm'));

        expect(decline).toHaveBeenCalledTimes(1);
        expect(decline.mock.calls[0][0].detail).toEqual({ reason: 'Customer already wor' });
        // the form stays until the container says the decline is saved
        expect(byId(element, 'decline-reason')).not.toBeNull();
    });

    it('reset() closes the decline form and forgets the reason', async () => {
        const element = await render();
        await click(byId(element, 'decline'));
        await change(byId(element, 'decline-reason'), { value: 'No budget.' });

        element.reset();
        await flushPromises();

        expect(byId(element, 'decline-reason')).toBeNull();
        await click(byId(element, 'decline'));
        expect(byId(element, 'decline-reason').value).toBe('');
    });

    it('Cancel closes the decline form without raising anything', async () => {
        const element = await render();
        const decline = listen(element, 'decline');

        await click(byId(element, 'decline'));
        await click(byId(element, 'decline-cancel'));

        expect(byId(element, 'decline-reason')).toBeNull();
        expect(byId(element, 'accept')).not.toBeNull();
        expect(decline).not.toHaveBeenCalled();
    });

    it('while saving, the buttons are disabled', async () => {
        const element = await render({ saving: true });

        expect(byId(element, 'accept').disabled).toBe(true);
        expect(byId(element, 'decline').disabled).toBe(true);
    });

    it('a rep who may not answer is told whom to ask', async () => {
        const element = await render({ canAnswer: false });

        expect(byId(element, 'accept')).toBeNull();
        expect(byId(element, 'incoming-read-only').textContent).toMatch(/Ask the opportunity owner/);
        await expect(element).toBeAccessible();
    });
});
