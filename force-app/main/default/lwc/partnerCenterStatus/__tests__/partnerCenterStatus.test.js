import { createElement } from 'lwc';
import PartnerCenterStatus from 'c/partnerCenterStatus';
import { $, byId, flushPromises, mount } from '../../../../../test/jest-helpers/dom';

const REFERRAL_ID = '9b0c3f9e-3d84-4a84-a1c7-6e9f1a2b3c4d';
const REFERRAL_LINK = `https://partner.microsoft.com/dashboard/referrals/v2/leads/${REFERRAL_ID}/details`;

async function render(props) {
    const element = mount(createElement, 'c-partner-center-status', PartnerCenterStatus, props);
    await flushPromises();
    return element;
}

const stateOf = (element) => byId(element, 'status').dataset.state;
const words = (element) => $(element, '.state-words').textContent;
const detail = (element) => {
    const p = byId(element, 'state-detail');
    return p ? p.textContent : undefined;
};

describe('c-partner-center-status', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('not synced: says the opportunity is not shared, without a referral', async () => {
        const element = await render({ syncState: 'Not Synced', shared: false });

        expect(stateOf(element)).toBe('not-synced');
        expect(words(element)).toBe('Not synced');
        expect(detail(element)).toBe('This opportunity is not shared with Partner Center.');
        expect($(element, '[data-id="status"] lightning-icon').alternativeText).toBe('Not synced');
        expect(byId(element, 'referral-link')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('not synced but shared: the next sync sends it', async () => {
        const element = await render({ syncState: 'Not Synced', shared: true });

        expect(stateOf(element)).toBe('not-synced');
        // "Shared with Microsoft" would be wrong for a private deal: the sync is on, who sees it is the deal type's
        expect(detail(element)).toBe('Sync is on: the next sync sends it to Partner Center.');
        await expect(element).toBeAccessible();
    });

    it('pending: waits for the next sync', async () => {
        const element = await render({ syncState: 'Pending', shared: true });

        expect(stateOf(element)).toBe('pending');
        expect(words(element)).toBe('Pending');
        expect(detail(element)).toBe('Waiting for the next sync to send this opportunity to Partner Center.');
        await expect(element).toBeAccessible();
    });

    it('pending with a sync requested says so', async () => {
        const element = await render({ syncState: 'Pending', shared: true, resyncRequested: true });

        expect(detail(element)).toMatch(/^Sync requested: the sync sends this opportunity/);
    });

    it('no state yet: a shared opportunity is pending, an unshared one is not synced', async () => {
        const shared = await render({ syncState: null, shared: true });
        const unshared = await render({ syncState: undefined, shared: false });

        expect(stateOf(shared)).toBe('pending');
        expect(stateOf(unshared)).toBe('not-synced');
    });

    it('pending but no longer shared: nothing will be sent, so it is not synced', async () => {
        const element = await render({ syncState: 'Pending', shared: false });

        expect(stateOf(element)).toBe('not-synced');
    });

    it('synced: ✔ with when, the referral link opening Partner Center, and the referral status', async () => {
        const element = await render({
            syncState: 'Synced',
            shared: true,
            lastSynced: '2026-11-24T09:12:00.000Z',
            referralId: REFERRAL_ID,
            referralLink: REFERRAL_LINK,
            referralStatus: 'Active',
            referralSubstatus: 'Accepted'
        });

        expect(stateOf(element)).toBe('synced');
        expect(words(element)).toBe('Synced ✔');
        expect($(element, '[data-id="status"] lightning-icon').variant).toBe('success');
        expect(byId(element, 'last-synced').value).toBe('2026-11-24T09:12:00.000Z');
        expect(detail(element)).toBeUndefined();
        const link = byId(element, 'referral-link');
        expect(link.href).toBe(REFERRAL_LINK);
        expect(link.textContent).toBe(REFERRAL_ID);
        expect(link.target).toBe('_blank');
        expect(link.getAttribute('aria-label')).toBe(`${REFERRAL_ID} (opens Partner Center in a new tab)`);
        expect(byId(element, 'pc-status').textContent).toBe('Active · Accepted');
        await expect(element).toBeAccessible();
    });

    it('synced without a link: the referral id is plain text, and no status row without a status', async () => {
        const element = await render({ syncState: 'Synced', referralId: REFERRAL_ID });

        expect(byId(element, 'referral-link')).toBeNull();
        expect(byId(element, 'referral-id').textContent).toBe(REFERRAL_ID);
        expect(byId(element, 'pc-status')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('error: ✖ with the sync error, or a pointer to the timeline', async () => {
        const element = await render({
            syncState: 'Error',
            shared: true,
            syncError: 'Set the Billing Country of the Account "Nowhere Inc".'
        });
        const bare = await render({ syncState: 'Error', shared: true });

        expect(stateOf(element)).toBe('error');
        expect(words(element)).toBe('Error ✖');
        expect($(element, '[data-id="status"] lightning-icon').variant).toBe('error');
        expect(detail(element)).toBe('Set the Billing Country of the Account "Nowhere Inc".');
        expect(detail(bare)).toBe('The last sync failed. See the timeline below.');
        await expect(element).toBeAccessible();
    });

    it('conflict: ⚠ naming the fields of the newest conflict event', async () => {
        const element = await render({
            syncState: 'Conflict',
            shared: true,
            referralId: REFERRAL_ID,
            conflictFields: ['Amount', 'CloseDate']
        });

        expect(stateOf(element)).toBe('conflict');
        expect(words(element)).toBe('Conflict ⚠');
        expect(detail(element)).toBe(
            'Changed in Salesforce and in Partner Center since the last sync: Amount, CloseDate. ' +
                'Your admin decides which value wins.'
        );
        await expect(element).toBeAccessible();
    });

    it('conflict without a conflict event falls back to the sync error, then to the timeline', async () => {
        const withError = await render({ syncState: 'Conflict', syncError: 'Amount changed on both sides.' });
        const bare = await render({ syncState: 'Conflict', conflictFields: [] });

        expect(detail(withError)).toBe('Amount changed on both sides.');
        expect(detail(bare)).toMatch(/since the last sync\. See the timeline below\./);
    });

    describe('on a Lead', () => {
        it('names the record a lead', async () => {
            const unshared = await render({ syncState: 'Not Synced', shared: false, recordNoun: 'lead' });
            const pending = await render({ syncState: 'Pending', shared: true, recordNoun: 'lead' });

            expect(detail(unshared)).toBe('This lead is not shared with Partner Center.');
            expect(detail(pending)).toBe('Waiting for the next sync to send this lead to Partner Center.');
        });

        it('converted: wins over the sync state the Lead kept, and keeps the referral', async () => {
            const element = await render({
                syncState: 'Error',
                syncError: 'An old error',
                shared: true,
                converted: true,
                recordNoun: 'lead',
                referralId: REFERRAL_ID,
                referralStatus: 'Active',
                referralSubstatus: 'Accepted'
            });

            expect(stateOf(element)).toBe('converted');
            expect(words(element)).toBe('Converted');
            expect(detail(element)).toBe('Converted into an opportunity: the referral syncs through it from now on.');
            expect($(element, '[data-id="status"] lightning-icon').alternativeText).toBe('Converted');
            expect(byId(element, 'referral-id').textContent).toBe(REFERRAL_ID);
            expect(byId(element, 'pc-status').textContent).toBe('Active · Accepted');
            await expect(element).toBeAccessible();
        });

        it('a status without a substatus shows alone', async () => {
            const element = await render({ syncState: 'Synced', referralId: REFERRAL_ID, referralStatus: 'New' });

            expect(byId(element, 'pc-status').textContent).toBe('New');
        });
    });

    describe('Microsoft’s side of a co-sell', () => {
        const SYNCED = {
            syncState: 'Synced',
            shared: true,
            referralId: REFERRAL_ID,
            referralStatus: 'Active',
            referralSubstatus: 'Accepted'
        };
        const answer = (element) => byId(element, 'microsoft-answer');

        it('nothing from Microsoft yet: no section', async () => {
            const element = await render(SYNCED);

            expect(byId(element, 'microsoft')).toBeNull();
        });

        it.each([
            ['New/Pending', 'waiting', 'Invited: waiting for Microsoft to accept or decline.'],
            ['New/Received', 'waiting', 'Received by Microsoft, not answered yet.'],
            ['Active/Accepted', 'accepted', 'Accepted: Microsoft is working on this deal with you.'],
            ['Closed/Declined', 'declined', 'Declined: Microsoft will not help on this deal.'],
            ['Closed/Expired', 'expired', 'Expired: Microsoft did not answer in time.'],
            ['Closed/Won', 'won', 'Closed as won on Microsoft’s side.'],
            ['Closed/Lost', 'lost', 'Closed as lost on Microsoft’s side.']
        ])('%s in words a rep understands', async (microsoftStatus, key, text) => {
            const element = await render({ ...SYNCED, microsoftStatus });

            expect(answer(element).dataset.answer).toBe(key);
            expect(answer(element).textContent.trim()).toBe(text);
            expect(byId(element, 'microsoft-seller')).toBeNull();
            await expect(element).toBeAccessible();
        });

        it('a status this panel does not know is shown as it came', async () => {
            const element = await render({ ...SYNCED, microsoftStatus: 'Active/Engaged' });

            expect(answer(element).dataset.answer).toBe('other');
            expect(answer(element).textContent.trim()).toBe('Microsoft’s status: Active/Engaged.');
            await expect(element).toBeAccessible();
        });

        it('accepted, with Microsoft’s seller and its CRM id', async () => {
            const element = await render({
                ...SYNCED,
                microsoftStatus: 'Active/Accepted',
                microsoftSeller: 'Avery Howard (avery.howard@microsoft.com)',
                microsoftCrmId: '7-3FJ2K1LQ9'
            });

            expect(byId(element, 'microsoft-heading').textContent.trim()).toBe('Microsoft on this co-sell');
            expect(byId(element, 'microsoft-seller').textContent).toBe('Avery Howard (avery.howard@microsoft.com)');
            expect(byId(element, 'microsoft-crm-id').textContent).toBe('7-3FJ2K1LQ9');
            expect($(element, '[data-id="microsoft"] dl').textContent).toMatch(/^Microsoft seller.*Microsoft CRM id/);
            await expect(element).toBeAccessible();
        });

        it('a seller or CRM id without a status still shows, without an answer', async () => {
            const element = await render({ ...SYNCED, microsoftCrmId: '7-3FJ2K1LQ9' });

            expect(byId(element, 'microsoft')).not.toBeNull();
            expect(answer(element)).toBeNull();
            expect(byId(element, 'microsoft-crm-id').textContent).toBe('7-3FJ2K1LQ9');
            await expect(element).toBeAccessible();
        });
    });
});
