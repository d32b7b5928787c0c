// Partner Center solution ids as stored in Partner_Center_Solutions__c. The sync splits that text with the list
// transform of the field's mapping rule (src/mapping/defaults.ts: separator ';'), so stored text is split on ';' here
// too: a comma or line break inside the field is part of an (invalid) id, never a separator. What a rep types may be
// separated by ';', ',' or line breaks; it is stored joined by ';'.
export const SOLUTIONS_SEPARATOR = ';';
const TYPED_SEPARATORS = /[;,\r\n]+/;

// A solution id as Microsoft documents it (ReferralRequirements.solutions is a list of SolutionTag { id, name, type },
// https://learn.microsoft.com/en-us/partner-center/developer/referral-resources): a co-sell solution's id, "SOL-" and
// dash-separated letters and digits (SOL-34104-EBB, SOL-Microsoft365 in the create-a-referral samples), or a Microsoft
// catalog id, letters and digits (SolutionType Category/Name, e.g. Dynamics365forFieldService). The sync applies the
// same rule (src/sync/readiness.ts).
const SOLUTION_ID = /^(SOL(-[A-Za-z0-9]+)+|[A-Za-z][A-Za-z0-9]+)$/;
const SOLUTION_ID_MAX_LENGTH = 100;

function splitTrimmed(value, separator) {
    return value
        ? String(value)
              .split(separator)
              .map((s) => s.trim())
              .filter(Boolean)
        : [];
}

/** The ids of the stored field, split as the sync splits them, without repeats. */
export function parseSolutionsText(value) {
    return [...new Set(splitTrimmed(value, SOLUTIONS_SEPARATOR))];
}

/** The ids a rep typed or pasted: ';', ',' and line breaks separate; spaces do not ("SOL 34104-EBB" stays one id). */
export function parseTypedSolutions(value) {
    return splitTrimmed(value, TYPED_SEPARATORS);
}

export function isSolutionId(id) {
    return !!id && id.length <= SOLUTION_ID_MAX_LENGTH && SOLUTION_ID.test(id);
}

/** Upper-cases a typed lower-case `sol-` prefix; leaves the rest as typed (ids such as SOL-Microsoft365 mix case). */
export function normalizeSolutionId(id) {
    const trimmed = String(id).trim();
    return /^sol-/i.test(trimmed) ? `SOL-${trimmed.slice(4)}` : trimmed;
}

/** Undefined for a well-formed id; otherwise why not, in words for the rep who typed it. */
export function solutionIdProblem(id) {
    if (!id) {
        return 'Enter a solution id such as SOL-34104-EBB.';
    }
    if (id.length > SOLUTION_ID_MAX_LENGTH) {
        return `“${id.slice(0, 20)}…” is too long for a solution id.`;
    }
    if (!SOLUTION_ID.test(id)) {
        return (
            `“${id}” is not a Partner Center solution id (SOL- then letters and digits such as SOL-34104-EBB, or a ` +
            `Microsoft catalog id such as Dynamics365forFieldService; separate ids with ${SOLUTIONS_SEPARATOR}).`
        );
    }
    return undefined;
}

/** The stored form: ids joined by the separator, without repeats. */
export function joinSolutionIds(ids) {
    return [...new Set(ids)].join(SOLUTIONS_SEPARATOR);
}
