import {
    isSolutionId,
    joinSolutionIds,
    normalizeSolutionId,
    parseSolutionsText,
    parseTypedSolutions,
    solutionIdProblem
} from 'c/pcsyncReadiness';

describe('c-pcsync-readiness solution ids', () => {
    it.each([
        'SOL-34104-EBB',
        'SOL-ABC-DEF',
        'SOL-Microsoft365',
        'SOL-1',
        'SOL-12345-ABC-9Z',
        'Dynamics365forFieldService'
    ])('accepts %s', (id) => {
        expect(solutionIdProblem(id)).toBeUndefined();
        expect(isSolutionId(id)).toBe(true);
    });

    it.each([
        'SOL34104-EBB',
        'S0L-34104-EBB',
        'SOL_34104_EBB',
        'SOL-34104--EBB',
        'SOL-34104-EBB-',
        'SOL-',
        'SOL-34104-EBB.',
        'SOL 34104-EBB',
        '34104-EBB',
        'Dynamics 365'
    ])('refuses %s', (id) => {
        expect(solutionIdProblem(id)).toMatch(/not a Partner Center solution id/);
        expect(isSolutionId(id)).toBe(false);
    });

    it('refuses empty and overlong ids', () => {
        expect(solutionIdProblem('')).toMatch(/Enter a solution id/);
        expect(solutionIdProblem(`SOL-${'A'.repeat(120)}`)).toMatch(/too long/);
        expect(isSolutionId(`SOL-${'A'.repeat(120)}`)).toBe(false);
    });

    it('splits the stored field on ; only, as the sync does; blanks and repeats drop out', () => {
        expect(parseSolutionsText(' SOL-1 ;;SOL-2;SOL-1')).toEqual(['SOL-1', 'SOL-2']);
        expect(parseSolutionsText('SOL-1,SOL-2\nSOL-3')).toEqual(['SOL-1,SOL-2\nSOL-3']);
        expect(parseSolutionsText(null)).toEqual([]);
    });

    it('splits what a rep types on ; , and line breaks, not on spaces', () => {
        expect(parseTypedSolutions('SOL-1;SOL-2, SOL-3\nSOL-4 SOL-5')).toEqual([
            'SOL-1',
            'SOL-2',
            'SOL-3',
            'SOL-4 SOL-5'
        ]);
        expect(parseTypedSolutions(undefined)).toEqual([]);
    });

    it('upper-cases only the prefix', () => {
        expect(normalizeSolutionId(' sol-Microsoft365 ')).toBe('SOL-Microsoft365');
        expect(normalizeSolutionId('S0L-1')).toBe('S0L-1');
    });

    it('joins with ; without repeats', () => {
        expect(joinSolutionIds(['SOL-1', 'SOL-2', 'SOL-1'])).toBe('SOL-1;SOL-2');
    });
});
