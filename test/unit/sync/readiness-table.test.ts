/**
 * The readiness table (test/fixtures/readiness-cases.json) against the sync's rules. The panel's jest test runs the
 * same table against force-app/main/default/lwc/pcsyncReadiness, so the two agree case by case: what one accepts the
 * other accepts, and where they refuse it is with the same codes and the same words.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { FieldRule } from '../../../src/config/schema.js';
import { toCountryCode } from '../../../src/mapping/countries.js';
import { DEFAULT_MAPPING } from '../../../src/mapping/defaults.js';
import { OPP } from '../../../src/salesforce/fields.js';
import { readinessProblems, type ReadinessCode } from '../../../src/sync/readiness.js';

type ReadinessCase = {
  name: string;
  input: {
    accountName: string | null;
    billingCountry: string | null;
    billingCountryCode: string | null;
    solutionsText: string | null;
    helpRequested: boolean;
    contactCount: number;
    dealType: string | null;
  };
  expected: { ready: boolean; problems: Array<{ code: ReadinessCode; message: string }> };
};

const table = JSON.parse(readFileSync(new URL('../../fixtures/readiness-cases.json', import.meta.url), 'utf8')) as {
  cases: ReadinessCase[];
  countries: Array<[value: string, code: string | null]>;
};

const inputOf = ({ input }: ReadinessCase): Parameters<typeof readinessProblems>[0] => ({
  accountName: input.accountName ?? undefined,
  billingCountry: input.billingCountry ?? undefined,
  billingCountryCode: input.billingCountryCode ?? undefined,
  solutionsText: input.solutionsText,
  helpRequested: input.helpRequested,
  contactCount: input.contactCount,
  dealType: input.dealType,
});

describe('sync readiness: the shared table', () => {
  it('has cases for every problem code, and ready ones', () => {
    const codes = new Set(table.cases.flatMap((c) => c.expected.problems.map((p) => p.code)));
    expect([...codes].sort()).to.deep.equal(
      ['badCountry', 'badSolution', 'noAccount', 'noContact', 'noCountry', 'noHelp', 'noSolution'].sort()
    );
    expect(table.cases.filter((c) => c.expected.ready)).to.not.be.empty;
  });

  for (const readinessCase of table.cases) {
    it(readinessCase.name, () => {
      const problems = readinessProblems(inputOf(readinessCase));
      expect({ ready: problems.length === 0, problems }).to.deep.equal(readinessCase.expected);
    });
  }
});

describe('sync readiness: the country lookup shared with the panel', () => {
  for (const [value, code] of table.countries) {
    it(`${JSON.stringify(value)} is ${String(code)}`, () => {
      expect(toCountryCode(value)).to.equal(code ?? undefined);
    });
  }
});

describe('sync readiness: the separator comes from the mapping rule for Partner_Center_Solutions__c', () => {
  const withSeparator = (separator: string): FieldRule[] =>
    DEFAULT_MAPPING.map((rule) =>
      rule.salesforce === OPP.solutions ? { ...rule, transform: { type: 'list', separator } } : rule
    );
  const input = {
    accountName: 'Contoso',
    billingCountry: 'US',
    solutionsText: 'SOL-34104-EBB,SOL-Microsoft365',
    helpRequested: false,
    contactCount: 0,
  };

  it('a mapping that lists with "," accepts what the default ";" refuses, and names its separator', () => {
    expect(readinessProblems(input, withSeparator(','))).to.deep.equal([]);
    const [problem] = readinessProblems({ ...input, solutionsText: 'SOL-1;SOL-2' }, withSeparator(','));
    expect(problem.code).to.equal('badSolution');
    expect(problem.message).to.include('separated by ","');
  });

  it('without a rule for the field, the default rule decides', () => {
    const rules = DEFAULT_MAPPING.filter((rule) => rule.salesforce !== OPP.solutions);
    expect(readinessProblems({ ...input, solutionsText: 'SOL-1;SOL-2' }, rules)).to.deep.equal([]);
  });
});
