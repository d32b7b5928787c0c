/** Every solution with its SolutionType, and the partner's catalog solution as the target (referral-resources). */
import { expect } from 'chai';
import { solutionProfileTarget, solutionTypeOf, typedSolutions } from '../../../src/partner-center/solutions.js';

describe('partner center: solutions', () => {
  it('types a catalog solution (SOL-…) by Name and a pre-defined solution name by Category', () => {
    expect(solutionTypeOf('SOL-34104-EBB')).to.equal('Name');
    expect(solutionTypeOf('Dynamics365forFieldService')).to.equal('Category');
    expect(typedSolutions([{ id: 'AzureStack' }, { id: 'SOL-1-A' }, { id: 'SOL-2-B', type: 'None' }])).to.deep.equal([
      { id: 'AzureStack', type: 'Category' },
      { id: 'SOL-1-A', type: 'Name' },
      { id: 'SOL-2-B', type: 'None' },
    ]);
  });

  it('targets the first catalog solution as the partner’s solution profile, never a pre-defined name', () => {
    expect(solutionProfileTarget([{ id: 'AzureStack' }, { id: 'SOL-1-A' }, { id: 'SOL-2-B' }])).to.deep.equal([
      { type: 'SolutionProfile', id: 'SOL-1-A' },
    ]);
    expect(solutionProfileTarget([{ id: 'AzureStack' }])).to.equal(undefined);
    expect(solutionProfileTarget(undefined)).to.equal(undefined);
  });
});
