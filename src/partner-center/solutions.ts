/**
 * How a referral names its solutions (https://learn.microsoft.com/en-us/partner-center/developer/referral-resources):
 * ReferralRequirements.solutions is a list of SolutionTag { id, name, type }, whose SolutionType is
 * `Category` ("Leverages pre-defined solution names", e.g. Dynamics365forFieldService in create-a-referral's sample)
 * or `Name` ("Ability to reference solutions from the Microsoft catalog": a partner's co-sell solution, by its catalog
 * id, e.g. SOL-34104-EBB). The referral's target is the partner's solution profile (ReferralTargetType
 * `SolutionProfile`, "Solution profile of the partner"; the sample targets SOL-34104-EBB), so it is a catalog solution,
 * never a pre-defined name.
 */
import type { ReferralPatchOperation, ReferralTarget, SolutionTag } from './referral-types.js';

/** A solution of the Microsoft catalog: "SOL-", then dash-separated letters and digits (SOL-34104-EBB). */
const CATALOG_SOLUTION_ID = /^SOL(-[A-Za-z0-9]+)+$/;

/** A solution's type, from the form of its id: a catalog solution by name, else a pre-defined one. */
export const solutionTypeOf = (id: string): 'Category' | 'Name' => (CATALOG_SOLUTION_ID.test(id) ? 'Name' : 'Category');

/** Every solution with its type (one the sender already typed keeps it). */
export function typedSolutions(solutions: readonly SolutionTag[] | undefined): SolutionTag[] {
  return (solutions ?? []).map((solution) =>
    solution.id && !solution.type ? { ...solution, type: solutionTypeOf(solution.id) } : solution
  );
}

/** The referral's target: the partner's first catalog solution, as its solution profile; none without one. */
export function solutionProfileTarget(solutions: readonly SolutionTag[] | undefined): ReferralTarget[] | undefined {
  const first = typedSolutions(solutions).find((solution) => solution.type === 'Name' && solution.id);
  return first ? [{ type: 'SolutionProfile', id: first.id }] : undefined;
}

/** A patch that replaces the solutions sends each with its type, as a create does. */
export function withTypedSolutions(operations: readonly ReferralPatchOperation[]): ReferralPatchOperation[] {
  return operations.map((operation) =>
    operation.path === '/details/requirements/solutions' && Array.isArray(operation.value)
      ? { ...operation, value: typedSolutions(operation.value as SolutionTag[]) }
      : operation
  );
}
