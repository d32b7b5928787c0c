import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { validateConfig, type Describer } from '../../../src/config/index.js';
import { OPP } from '../../../src/salesforce/fields.js';
import {
  fieldAccessProblems,
  permissionSetGranting,
  requireFieldAccess,
  syncFieldNeeds,
} from '../../../src/salesforce/field-access.js';
import { projectDescriber } from '../../../src/salesforce/project-metadata.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The project's own describe (every field visible and writable), with some fields taken away or made read-only. */
async function orgWithout(hidden: string[], readOnly: string[] = []): Promise<Describer> {
  const project = await projectDescriber(repoRoot, ['force-app']);
  return async (name) => {
    const described = await project(name);
    if (!described) return undefined;
    const fields = described.fields
      .filter((f) => !hidden.includes(`${name}.${f.name}`))
      .map((f) => (readOnly.includes(`${name}.${f.name}`) ? { ...f, createable: false, updateable: false } : f));
    return { ...described, fields };
  };
}

describe('field-level security: what the running user must read and write', () => {
  const config = validateConfig({});

  it('the shipped project grants every field the sync needs through Partner_Center_Integration', async () => {
    const needs = syncFieldNeeds(config);
    expect(needs.map((n) => `${n.object}.${n.field}`)).to.include(`Opportunity.${OPP.referralId}`);
    for (const need of needs.filter((n) => n.field.endsWith('__c')))
      expect(permissionSetGranting(need, repoRoot), `${need.object}.${need.field}`).to.equal(
        'Partner_Center_Integration'
      );
    expect(await fieldAccessProblems(await orgWithout([]), needs, repoRoot)).to.deep.equal([]);
  });

  it('names each hidden or read-only field and the set that grants it; the sync refuses with the same words', async () => {
    const describe = await orgWithout([`Opportunity.${OPP.referralId}`], [`Opportunity.${OPP.eTag}`]);
    const problems = await fieldAccessProblems(describe, syncFieldNeeds(config), repoRoot);
    expect(problems.map((p) => p.field)).to.deep.equal([`Opportunity.${OPP.referralId}`, `Opportunity.${OPP.eTag}`]);
    expect(problems[0].message).to.include('cannot read').and.include('--name Partner_Center_Integration');
    expect(problems[1].message).to.include('cannot edit').and.include('--name Partner_Center_Integration');
    let refused: Error | undefined;
    await requireFieldAccess(describe, config).catch((error: Error) => {
      refused = error;
    });
    for (const problem of problems) expect(refused?.message).to.include(problem.message);
  });
});
