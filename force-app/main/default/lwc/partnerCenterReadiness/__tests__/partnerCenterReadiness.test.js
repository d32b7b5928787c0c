import { createElement } from 'lwc';
import PartnerCenterReadiness from 'c/partnerCenterReadiness';
import { $, $$, byId, click, flushPromises, listen, mount } from '../../../../../test/jest-helpers/dom';

const RECORD_ID = '006Hs00001ABCDEIA5';
const ACCOUNT_ID = '001Hs00002XYZABIA1';
const READY = {
    accountName: 'Contoso Customer Inc',
    billingCountry: 'United States',
    billingCountryCode: null,
    solutionsText: 'SOL-34104-EBB;SOL-Microsoft365',
    helpRequested: false,
    contactCount: 0
};

async function render(input = {}, props = {}) {
    const element = mount(createElement, 'c-partner-center-readiness', PartnerCenterReadiness, {
        recordId: RECORD_ID,
        accountId: ACCOUNT_ID,
        canEditSolutions: true,
        input: { ...READY, ...input },
        ...props
    });
    await flushPromises();
    return element;
}

/** { item key: 'done' | 'todo' } */
function states(element) {
    return Object.fromEntries(
        $$(element, '[data-item]').map((li) => [li.dataset.item, li.classList.contains('done') ? 'done' : 'todo'])
    );
}

const itemText = (element, key) => $(element, `[data-item="${key}"] .item-text`).textContent;
const fixLink = (element, key) => $(element, `[data-item="${key}"] a.fix`);

describe('c-partner-center-readiness', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('ready: a country name Partner Center knows, a solution id; no contact item without help', async () => {
        const element = await render();

        expect(states(element)).toEqual({ country: 'done', solution: 'done' });
        expect(byId(element, 'readiness-summary').textContent).toBe(
            'Ready: Partner Center has what it needs for the first sync.'
        );
        expect(itemText(element, 'country')).toBe('The account’s country is one Partner Center knows (US).');
        expect(itemText(element, 'solution')).toBe('Partner Center solution ids: 2.');
        expect($$(element, '.fix')).toHaveLength(0);
        await expect(element).toBeAccessible();
    });

    it('no Account: the sync’s words, and a link to edit the opportunity', async () => {
        const element = await render({ accountName: undefined, billingCountry: undefined });

        expect(states(element)).toEqual({ account: 'todo', solution: 'done' });
        expect(itemText(element, 'account')).toBe(
            "Add an Account to the Opportunity: Partner Center needs the customer's name and country."
        );
        expect(fixLink(element, 'account').getAttribute('href')).toBe(`/lightning/r/Opportunity/${RECORD_ID}/edit`);
        expect(byId(element, 'readiness-summary').textContent).toBe('Before the first sync, Partner Center requires:');
        await expect(element).toBeAccessible();
    });

    it('no country: the sync’s words, and a link to the account', async () => {
        const element = await render({ billingCountry: '' });

        expect(states(element).country).toBe('todo');
        expect(itemText(element, 'country')).toMatch(/^Set the Billing Country of the Account "Contoso Customer Inc"/);
        expect(fixLink(element, 'country').getAttribute('href')).toBe(`/lightning/r/Account/${ACCOUNT_ID}/view`);
        await expect(element).toBeAccessible();
    });

    it('a country Partner Center does not know is a to-do', async () => {
        const element = await render({ billingCountry: 'Narnia' });

        expect(states(element).country).toBe('todo');
        expect(itemText(element, 'country')).toBe(
            '"Narnia" on the Account "Contoso Customer Inc" is not a country Partner Center knows: ' +
                "use a two-letter ISO code such as US or DE, or the country's English name."
        );
        await expect(element).toBeAccessible();
    });

    it('with country picklists the code counts, whatever the label', async () => {
        const element = await render({ billingCountry: 'Korea, Republic of', billingCountryCode: 'KR' });

        expect(states(element).country).toBe('done');
        expect(itemText(element, 'country')).toMatch(/\(KR\)/);
    });

    it('no solution id: a button that asks for the solution input', async () => {
        const element = await render({ solutionsText: null });
        const editSolutions = listen(element, 'editsolutions');

        expect(states(element).solution).toBe('todo');
        expect(itemText(element, 'solution')).toMatch(/^Add at least one Partner Center solution id in Products/);
        await click($(element, '[data-item="solution"] button.fix'));

        expect(editSolutions).toHaveBeenCalledTimes(1);
        await expect(element).toBeAccessible();
    });

    it('no button when the rep cannot edit the solution ids', async () => {
        const element = await render({ solutionsText: '' }, { canEditSolutions: false });

        expect(states(element).solution).toBe('todo');
        expect($(element, '[data-item="solution"] .fix')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('a malformed id is a to-do naming it; a comma does not separate ids', async () => {
        const element = await render({ solutionsText: 'SOL-34104-EBB,SOL-Microsoft365' });

        expect(states(element).solution).toBe('todo');
        expect(itemText(element, 'solution')).toBe(
            'These Products are not Partner Center solution ids: SOL-34104-EBB,SOL-Microsoft365. ' +
                'Use ids such as SOL-34104-EBB or Dynamics365forFieldService, separated by ";".'
        );
        await expect(element).toBeAccessible();
    });

    it('help requested without a contact role: a to-do linking to the contact roles', async () => {
        const element = await render({ helpRequested: true, contactCount: 0 });

        expect(states(element).contact).toBe('todo');
        expect(itemText(element, 'contact')).toMatch(/^Add a customer contact role to the Opportunity/);
        expect(fixLink(element, 'contact').getAttribute('href')).toBe(
            `/lightning/r/Opportunity/${RECORD_ID}/related/OpportunityContactRoles/view`
        );
        await expect(element).toBeAccessible();
    });

    it('help requested with a contact role: done', async () => {
        const element = await render({ helpRequested: true, contactCount: 1 });

        expect(states(element)).toEqual({ country: 'done', solution: 'done', help: 'done', contact: 'done' });
        await expect(element).toBeAccessible();
    });

    it('a co-sell without help: a to-do whose button asks the form for the help', async () => {
        const element = await render({ dealType: 'Co-sell', contactCount: 1 }, { canEditHelp: true });
        const editHelp = listen(element, 'edithelp');

        expect(states(element)).toEqual({ country: 'done', solution: 'done', help: 'todo', contact: 'done' });
        expect(itemText(element, 'help')).toBe(
            'Choose how Microsoft can help (How can Microsoft help?): Partner Center requires it for a co-sell deal.'
        );
        await click($(element, '[data-item="help"] button.fix'));
        expect(editHelp).toHaveBeenCalledTimes(1);
        await expect(element).toBeAccessible();
    });

    it('a co-sell without help, for a rep who may not choose it: no button', async () => {
        const element = await render({ dealType: 'Co-sell', contactCount: 1 });

        expect(states(element).help).toBe('todo');
        expect($(element, '[data-item="help"] button.fix')).toBeNull();
    });

    it('partner-led and private ask for neither help nor a contact, even with help left on the record', async () => {
        const partnerLed = await render({ dealType: 'Partner-led', helpRequested: true });
        const privateDeal = await render({ dealType: 'Private', helpRequested: true });

        expect(states(partnerLed)).toEqual({ country: 'done', solution: 'done' });
        expect(states(privateDeal)).toEqual({ country: 'done', solution: 'done' });
        await expect(partnerLed).toBeAccessible();
    });

    it('contact roles that could not be read count as none, and it says so', async () => {
        const element = await render(
            { helpRequested: true, contactCount: undefined },
            { contactRolesUnreadable: true }
        );

        expect(states(element).contact).toBe('todo');
        expect(itemText(element, 'contact')).toMatch(/^Contact roles could not be read\. Add a customer contact role/);
        await expect(element).toBeAccessible();
    });
});
