/**
 * Microsoft's three deal types (Partner_Center_Deal_Type__c) for the record page: what each means, which one a record
 * has in effect, whether it is shared with Microsoft sellers, and which a rep may still choose.
 *
 * Microsoft's create-a-referral page (https://learn.microsoft.com/en-us/partner/develop/create-a-referral, "Deal
 * types"): Private — no help needed, not shared with Microsoft sellers; Partner-led — no help needed, shared with
 * Microsoft sellers; Co-sell — help from Microsoft, shared with Microsoft sellers. Microsoft's co-sell connector pages
 * (https://learn.microsoft.com/en-us/partner-center/referrals/connector-salesforce and connector-dynamics) add the
 * rules of moving between them: a non-co-sell referral "can be converted to a co-sell referral anytime", and once it
 * is visible to Microsoft sellers "it can't be reverted". Hence the order below: a shared deal only moves right.
 */

export const DEAL_TYPE = Object.freeze({ private: 'Private', partnerLed: 'Partner-led', coSell: 'Co-sell' });

/** From the least to the most shared. */
export const DEAL_TYPES = Object.freeze([DEAL_TYPE.private, DEAL_TYPE.partnerLed, DEAL_TYPE.coSell]);

/** Microsoft's meaning of each deal type, in words a rep understands. */
export const DEAL_TYPE_MEANINGS = Object.freeze({
    [DEAL_TYPE.private]: 'Not shared with Microsoft sellers. Only your company sees the deal in Partner Center.',
    [DEAL_TYPE.partnerLed]:
        'Shared with Microsoft sellers. Your company leads the deal without asking Microsoft for help.',
    [DEAL_TYPE.coSell]:
        'Shared with Microsoft sellers, and Microsoft is invited to help. Say how Microsoft can help, and add a ' +
        'customer contact.'
});

const recorded = (dealType) => (DEAL_TYPES.includes(dealType) ? dealType : undefined);

/**
 * Whether Partner Center's co-sell rules apply: the deal type says so, or, on a record from before the deal type
 * existed, help is requested (pcsync then made every record with help a co-sell). The sync's readiness rules read it
 * the same way (src/sync/readiness.ts).
 */
export function isCoSell({ dealType, helpRequested }) {
    return recorded(dealType) ? dealType === DEAL_TYPE.coSell : !!helpRequested;
}

/**
 * The deal type a record has in effect: the one recorded, else what the record was before the deal type existed — a
 * co-sell when help is requested, otherwise shared with Microsoft sellers when a referral exists (pcsync shared every
 * referral it created, and a referral Microsoft sent is Microsoft's to see), and private when nothing was sent yet.
 * @param {{ dealType?: string, helpRequested?: boolean, hasReferral?: boolean }} record
 */
export function effectiveDealType({ dealType, helpRequested, hasReferral }) {
    if (recorded(dealType)) {
        return dealType;
    }
    if (helpRequested) {
        return DEAL_TYPE.coSell;
    }
    return hasReferral ? DEAL_TYPE.partnerLed : DEAL_TYPE.private;
}

/** Whether a deal of this type is shared with Microsoft sellers. */
export function sharesWithMicrosoft(dealType) {
    return dealType === DEAL_TYPE.partnerLed || dealType === DEAL_TYPE.coSell;
}

/**
 * Whether the record as saved is already shared with Microsoft sellers, so it cannot be taken back: the rep recorded
 * Partner-led or Co-sell (and confirmed that it cannot be undone), or a referral exists and is shared in effect.
 */
export function isSharedWithMicrosoft(record) {
    return sharesWithMicrosoft(record.hasReferral ? effectiveDealType(record) : recorded(record.dealType));
}

/** The deal types the rep may choose for the record as saved: all of them, or once shared only as much or more. */
export function dealTypeChoices(record) {
    if (!isSharedWithMicrosoft(record)) {
        return [...DEAL_TYPES];
    }
    const floor = Math.max(DEAL_TYPES.indexOf(effectiveDealType(record)), DEAL_TYPES.indexOf(DEAL_TYPE.partnerLed));
    return DEAL_TYPES.slice(floor);
}
