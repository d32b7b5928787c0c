import { createElement } from 'lwc';
import PartnerCenterLoadState from 'c/partnerCenterLoadState';
import { $, byId, flushPromises, mount } from '../../../../../test/jest-helpers/dom';

describe('c-partner-center-load-state', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('loading: a labelled spinner, no error', async () => {
        const element = mount(createElement, 'c-partner-center-load-state', PartnerCenterLoadState);
        await flushPromises();

        expect($(element, 'lightning-spinner').alternativeText).toBe('Loading Partner Center details');
        expect(byId(element, 'record-error')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('failed: the reduced error in c-error-panel, no spinner', async () => {
        const error = { body: { message: 'You do not have access to this record.' }, status: 403 };
        const element = mount(createElement, 'c-partner-center-load-state', PartnerCenterLoadState, { error });
        await flushPromises();

        const panel = byId(element, 'record-error');
        expect(panel.friendlyMessage).toBe('Partner Center details could not be loaded.');
        expect(panel.shadowRoot.querySelector('.messages').textContent).toBe('You do not have access to this record.');
        expect($(element, 'lightning-spinner')).toBeNull();
        await expect(element).toBeAccessible();
    });
});
