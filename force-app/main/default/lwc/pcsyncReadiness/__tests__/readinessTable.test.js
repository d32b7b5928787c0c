// The readiness table shared with the sync (test/fixtures/readiness-cases.json; mocha runs it against
// src/sync/readiness.ts): the panel accepts what the sync accepts and refuses with the same codes and words.
import { readiness, toCountryCode } from 'c/pcsyncReadiness';
import table from '../../../../../../test/fixtures/readiness-cases.json';

describe('c-pcsync-readiness: the table shared with the sync', () => {
    it('has cases for every problem code, and ready ones', () => {
        const codes = new Set(table.cases.flatMap((c) => c.expected.problems.map((p) => p.code)));
        expect([...codes].sort()).toEqual(
            ['badCountry', 'badSolution', 'noAccount', 'noContact', 'noCountry', 'noHelp', 'noSolution'].sort()
        );
        expect(table.cases.some((c) => c.expected.ready)).toBe(true);
    });

    it.each(table.cases.map((c) => [c.name, c]))('%s', (name, { input, expected }) => {
        expect(readiness(input)).toEqual(expected);
    });
});

describe('c-pcsync-readiness: the country lookup shared with the sync', () => {
    it.each(table.countries)('%p is %p', (value, code) => {
        expect(toCountryCode(value)).toBe(code === null ? undefined : code);
    });
});
