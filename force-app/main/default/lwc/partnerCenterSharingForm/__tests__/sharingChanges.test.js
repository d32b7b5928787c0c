// The sharing form's save plan, as a table: what is written and when the rep must confirm a first share.
import { changesToSave } from '../sharingChanges';

const SAVED = {
    sync: false,
    dealType: null,
    effectiveDealType: 'Private',
    sharedWithMicrosoft: false,
    help: '',
    solutions: 'SOL-34104-EBB'
};
const plan = (saved, draft, canRecordDealType = true, canClearHelp = true) =>
    changesToSave({ saved: { ...SAVED, ...saved }, draft, canRecordDealType, canClearHelp });

describe('c-partner-center-sharing-form: the save plan', () => {
    it.each([
        ['nothing edited', {}, {}, undefined, false],
        ['the type shown in effect, chosen again', {}, { dealType: 'Private' }, undefined, false],
        [
            'sync on, private from before the deal type: private is recorded',
            {},
            { sync: true },
            { syncWithPartnerCenter: true, dealType: 'Private' },
            false
        ],
        ['sync on, private recorded', { dealType: 'Private' }, { sync: true }, { syncWithPartnerCenter: true }, false],
        [
            'from before the deal type, shared by its referral: an edit records partner-led, not asked again',
            { sync: true, effectiveDealType: 'Partner-led', sharedWithMicrosoft: true },
            { solutions: 'SOL-1-A' },
            { solutions: 'SOL-1-A', dealType: 'Partner-led' },
            false
        ],
        ['partner-led, sync off', {}, { dealType: 'Partner-led' }, { dealType: 'Partner-led' }, true],
        [
            'from before the deal type, co-sell in effect: an edit with sync on records it',
            { sync: true, effectiveDealType: 'Co-sell', help: 'General or other' },
            { solutions: 'SOL-1-A' },
            { solutions: 'SOL-1-A', dealType: 'Co-sell' },
            true
        ],
        [
            'from before the deal type, co-sell in effect, sync off: nothing is sent, nothing asked',
            { effectiveDealType: 'Co-sell', help: 'General or other' },
            { solutions: 'SOL-1-A' },
            { solutions: 'SOL-1-A' },
            false
        ],
        [
            'already shared: more sharing is not asked again',
            { dealType: 'Partner-led', effectiveDealType: 'Partner-led', sharedWithMicrosoft: true },
            { dealType: 'Co-sell', help: 'Quotes or licensing' },
            { dealType: 'Co-sell', microsoftHelp: 'Quotes or licensing' },
            false
        ],
        [
            'partner-led chosen after help was picked for a co-sell: the help is not saved',
            {},
            { dealType: 'Partner-led', help: 'Quotes or licensing' },
            { dealType: 'Partner-led', microsoftHelp: null },
            true
        ],
        [
            'from before the deal type, help saved: recording private clears it',
            { sync: true, effectiveDealType: 'Co-sell', help: 'General or other' },
            { dealType: 'Private' },
            { dealType: 'Private', microsoftHelp: null },
            false
        ],
        [
            'blank help and solutions are null',
            { help: 'Quotes or licensing' },
            { help: '', solutions: '' },
            { microsoftHelp: null, solutions: null },
            false
        ]
    ])('%s', (name, saved, draft, changes, sharesFirstTime) => {
        expect(plan(saved, draft)).toEqual({ changes, sharesFirstTime });
    });

    it('leaves the help alone when the rep may not write it', () => {
        const saved = { sync: true, effectiveDealType: 'Co-sell', help: 'General or other' };

        expect(plan(saved, { dealType: 'Private' }, true, false)).toEqual({
            changes: { dealType: 'Private' },
            sharesFirstTime: false
        });
    });

    it('asks, but does not record the deal type, when the rep may not write it', () => {
        const saved = { sync: false, effectiveDealType: 'Co-sell', help: 'General or other' };

        expect(plan(saved, { sync: true }, false)).toEqual({
            changes: { syncWithPartnerCenter: true },
            sharesFirstTime: true
        });
    });
});
