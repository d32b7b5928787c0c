// Microsoft's deal types as the panel reads them: what a record has in effect, whether it is shared with Microsoft
// sellers, and which types a rep may still choose.
import {
    DEAL_TYPE,
    DEAL_TYPES,
    DEAL_TYPE_MEANINGS,
    dealTypeChoices,
    effectiveDealType,
    isCoSell,
    isSharedWithMicrosoft,
    sharesWithMicrosoft
} from 'c/pcsyncDealType';

const { private: PRIVATE, partnerLed: PARTNER_LED, coSell: CO_SELL } = DEAL_TYPE;

describe('c-pcsync-deal-type', () => {
    it('knows the three deal types, from the least to the most shared, each with its meaning', () => {
        expect(DEAL_TYPES).toEqual(['Private', 'Partner-led', 'Co-sell']);
        DEAL_TYPES.forEach((type) => expect(DEAL_TYPE_MEANINGS[type]).toMatch(/Microsoft sellers/));
        expect(DEAL_TYPE_MEANINGS[PRIVATE]).toMatch(/^Not shared with Microsoft sellers/);
    });

    it('only Partner-led and Co-sell are shared with Microsoft sellers', () => {
        expect(DEAL_TYPES.filter(sharesWithMicrosoft)).toEqual([PARTNER_LED, CO_SELL]);
        expect(sharesWithMicrosoft(undefined)).toBe(false);
    });

    it('a co-sell is recorded, or on a record from before the deal type, help requested', () => {
        expect(isCoSell({ dealType: CO_SELL, helpRequested: false })).toBe(true);
        expect(isCoSell({ dealType: PARTNER_LED, helpRequested: true })).toBe(false);
        expect(isCoSell({ dealType: PRIVATE, helpRequested: true })).toBe(false);
        expect(isCoSell({ dealType: null, helpRequested: true })).toBe(true);
        expect(isCoSell({ dealType: null, helpRequested: false })).toBe(false);
    });

    it.each([
        ['recorded', { dealType: PARTNER_LED, helpRequested: true, hasReferral: false }, PARTNER_LED],
        ['none, help requested', { dealType: null, helpRequested: true, hasReferral: false }, CO_SELL],
        ['none, no help, a referral pcsync created or Microsoft sent', { hasReferral: true }, PARTNER_LED],
        ['none, no help, nothing sent yet', { dealType: undefined, hasReferral: false }, PRIVATE]
    ])('in effect, %s: %p → %s', (name, record, expected) => {
        expect(effectiveDealType(record)).toBe(expected);
    });

    it.each([
        // [record as saved, shared with Microsoft sellers, the types the rep may choose]
        [{ dealType: null, hasReferral: false }, false, DEAL_TYPES],
        // help without a deal type and nothing sent: not shared yet, so the rep still chooses (and confirms)
        [{ dealType: null, helpRequested: true, hasReferral: false }, false, DEAL_TYPES],
        [{ dealType: PRIVATE, hasReferral: false }, false, DEAL_TYPES],
        [{ dealType: PRIVATE, hasReferral: true }, false, DEAL_TYPES],
        // recorded Partner-led: the rep confirmed it cannot be undone, sent or not
        [{ dealType: PARTNER_LED, hasReferral: false }, true, [PARTNER_LED, CO_SELL]],
        [{ dealType: PARTNER_LED, hasReferral: true }, true, [PARTNER_LED, CO_SELL]],
        [{ dealType: CO_SELL, hasReferral: false }, true, [CO_SELL]],
        // a referral from before the deal type, or one Microsoft sent: shared
        [{ dealType: null, hasReferral: true }, true, [PARTNER_LED, CO_SELL]],
        [{ dealType: null, helpRequested: true, hasReferral: true }, true, [CO_SELL]]
    ])('%p: shared %p, may choose %p', (record, shared, choices) => {
        expect(isSharedWithMicrosoft(record)).toBe(shared);
        expect(dealTypeChoices(record)).toEqual(choices);
    });
});
