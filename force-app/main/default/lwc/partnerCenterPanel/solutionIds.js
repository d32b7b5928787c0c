// Partner Center solution ids as stored in Partner_Center_Solutions__c (`;`-separated).
// Documented shapes: SOL-34104-EBB (co-sell solutions), SOL-ABC-DEF, SOL-Microsoft365. The check is
// permissive about the segments (letters and digits, one or more dash-separated groups) but strict about the
// shape, so the usual typos are caught: a missing or misspelt prefix (S0L-, SOL_), spaces, doubled or
// trailing dashes, punctuation.
const SOLUTION_ID = /^SOL(-[A-Za-z0-9]+)+$/;
const MAX_LENGTH = 100;

/**
 * Splits a stored or typed value into ids: `;`, `,` and line breaks separate. Spaces do not, so a typo such as
 * "SOL 34104-EBB" stays one (refused) id instead of becoming two.
 */
export function parseSolutionIds(value) {
    if (!value) {
        return [];
    }
    return String(value)
        .split(/[;,\r\n]+/)
        .map((s) => s.trim())
        .filter(Boolean);
}

/** Upper-cases a lower-case `sol-` prefix; leaves the rest as typed (ids such as SOL-Microsoft365 are mixed case). */
export function normalizeSolutionId(id) {
    const trimmed = String(id).trim();
    return /^sol-/i.test(trimmed) ? `SOL-${trimmed.slice(4)}` : trimmed;
}

/** Undefined for a well-formed id; otherwise the reason, in words. */
export function solutionIdProblem(id) {
    if (!id) {
        return 'Enter a solution id such as SOL-34104-EBB.';
    }
    if (id.length > MAX_LENGTH) {
        return `“${id.slice(0, 20)}…” is too long for a solution id.`;
    }
    if (!SOLUTION_ID.test(id)) {
        return `“${id}” is not a Partner Center solution id (SOL- then letters and digits, such as SOL-34104-EBB; separate ids with ;).`;
    }
    return undefined;
}

/** The stored form: ids joined by `;`, without duplicates. */
export function joinSolutionIds(ids) {
    return [...new Set(ids)].join(';');
}
