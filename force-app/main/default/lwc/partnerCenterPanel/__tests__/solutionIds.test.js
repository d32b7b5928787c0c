import { parseSolutionIds, normalizeSolutionId, solutionIdProblem, joinSolutionIds } from '../solutionIds';

describe('c-partner-center-panel solution ids', () => {
    it.each(['SOL-34104-EBB', 'SOL-ABC-DEF', 'SOL-Microsoft365', 'SOL-1', 'SOL-12345-ABC-9Z'])('accepts %s', (id) => {
        expect(solutionIdProblem(id)).toBeUndefined();
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
        'Dynamics365forFieldService'
    ])('refuses %s', (id) => {
        expect(solutionIdProblem(id)).toMatch(/not a Partner Center solution id/);
    });

    it('refuses empty and overlong ids', () => {
        expect(solutionIdProblem('')).toMatch(/Enter a solution id/);
        expect(solutionIdProblem(`SOL-${'A'.repeat(120)}`)).toMatch(/too long/);
    });

    it('splits stored and typed lists on ; , and line breaks, not on spaces', () => {
        expect(parseSolutionIds('SOL-1;SOL-2, SOL-3\nSOL-4 SOL-5')).toEqual(['SOL-1', 'SOL-2', 'SOL-3', 'SOL-4 SOL-5']);
        expect(parseSolutionIds(null)).toEqual([]);
    });

    it('upper-cases only the prefix', () => {
        expect(normalizeSolutionId(' sol-Microsoft365 ')).toBe('SOL-Microsoft365');
        expect(normalizeSolutionId('S0L-1')).toBe('S0L-1');
    });

    it('joins without duplicates', () => {
        expect(joinSolutionIds(['SOL-1', 'SOL-2', 'SOL-1'])).toBe('SOL-1;SOL-2');
    });
});
