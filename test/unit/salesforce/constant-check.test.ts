/**
 * `config validate --target-org` on rules per event and constants: a create rule's field must be createable, an
 * update rule's updateable; a constant must be a value of a restricted picklist and a lookup's Id an existing record.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { DescribeSObjectResult } from '@jsforce/jsforce-node';
import { checkAgainstOrg, validateConfig, type Describer } from '../../../src/config/index.js';
import type { RecordExists } from '../../../src/salesforce/constant-check.js';
import { projectDescriber } from '../../../src/salesforce/project-metadata.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const picklist = (values: string[]): Array<{ value: string; label: string; active: boolean }> =>
  values.map((value) => ({ value, label: value, active: true }));

/** An org whose Opportunity has these fields (besides what each names, writable and of type string). */
const org: Describer = (name) =>
  Promise.resolve(
    name === 'Opportunity'
      ? ({
          name,
          fields: [
            { name: 'Name', type: 'string', createable: true, updateable: true },
            // Set on insert only, as a master-detail field that cannot be reparented.
            { name: 'Origin__c', type: 'string', createable: true, updateable: false },
            { name: 'Touched__c', type: 'string', createable: false, updateable: true },
            {
              name: 'Tier__c',
              type: 'picklist',
              createable: true,
              updateable: true,
              restrictedPicklist: true,
              picklistValues: [...picklist(['Gold', 'Silver']), { value: 'Bronze', label: 'Bronze', active: false }],
            },
            {
              name: 'Type',
              type: 'picklist',
              createable: true,
              updateable: true,
              restrictedPicklist: false,
              picklistValues: picklist(['New Customer', 'Existing Customer - Upgrade']),
            },
            { name: 'OwnerId', type: 'reference', createable: true, updateable: true, referenceTo: ['User'] },
          ].map((field) => ({ relationshipName: null, referenceTo: [], ...field })),
        } as unknown as DescribeSObjectResult)
      : undefined
  );

const problemsFor = async (
  rule: Record<string, unknown>,
  exists?: RecordExists
): Promise<Array<{ path: string; message: string; severity: string }>> =>
  checkAgainstOrg(validateConfig({ mapping: [rule] }), org, { exists });

describe('config: rules per event and constants against an org', () => {
  it('a create rule needs a createable field, an update rule an updateable one, an always rule both', async () => {
    expect(await problemsFor({ salesforce: 'Origin__c', value: 'Partner Center', on: 'create' })).to.deep.equal([]);
    expect(await problemsFor({ partnerCenter: 'details.notes', salesforce: 'Touched__c', on: 'update' })).to.deep.equal(
      []
    );
    expect(await problemsFor({ partnerCenter: 'details.notes', salesforce: 'Touched__c', on: 'create' })).to.deep.equal(
      [
        {
          path: 'plugins.pcsync.mapping[0].salesforce',
          message:
            'Opportunity.Touched__c is not createable by the running user, but the rule\'s direction "both" sets it when an Opportunity is created ("on": "create"); use "outbound" or another field',
          severity: 'error',
        },
      ]
    );
    const update = await problemsFor({ salesforce: 'Origin__c', value: 'Partner Center', on: 'update' });
    expect(update.map((p) => p.message)).to.deep.equal([
      'Opportunity.Origin__c is not updateable by the running user, but the rule\'s direction "inbound" sets it when an Opportunity is updated ("on": "update"); use another field',
    ]);
    const always = await problemsFor({ partnerCenter: 'details.notes', salesforce: 'Origin__c' });
    expect(always[0].message).to.include('Opportunity.Origin__c is not writable');
  });

  it('a constant outside a restricted picklist is an error naming the active values; outside another, a warning', async () => {
    expect(await problemsFor({ salesforce: 'Tier__c', value: 'Bronze', on: 'create' })).to.deep.equal([
      {
        path: 'plugins.pcsync.mapping[0].value',
        message:
          '"Bronze" is not a value of the restricted picklist Opportunity.Tier__c, which refuses it; use one of: "Gold", "Silver"',
        severity: 'error',
      },
    ]);
    expect(await problemsFor({ salesforce: 'Tier__c', value: 'Gold', on: 'create' })).to.deep.equal([]);
    const loose = await problemsFor({ salesforce: 'Type', value: 'Renewal', on: 'create' });
    expect(loose).to.have.length(1);
    expect(loose[0]).to.deep.include({ path: 'plugins.pcsync.mapping[0].value', severity: 'warning' });
    expect(loose[0].message).to.include('"New Customer", "Existing Customer - Upgrade"');
  });

  it('an owner Id must be an Id and, with an org to ask, an existing User', async () => {
    const users = new Set(['005000000000001AAA']);
    const exists: RecordExists = (objectName, id) => Promise.resolve(objectName === 'User' && users.has(id));
    expect(
      await problemsFor({ salesforce: 'OwnerId', value: '005000000000001AAA', on: 'create' }, exists)
    ).to.deep.equal([]);
    expect(
      await problemsFor({ salesforce: 'OwnerId', value: '005000000000009AAA', on: 'create' }, exists)
    ).to.deep.equal([
      {
        path: 'plugins.pcsync.mapping[0].value',
        message: '"005000000000009AAA" is not an existing User (Opportunity.OwnerId looks one up)',
        severity: 'error',
      },
    ]);
    const named = await problemsFor({ salesforce: 'OwnerId', value: 'Ada Lovelace', on: 'create' });
    expect(named.map((p) => p.message)).to.deep.equal([
      '"Ada Lovelace" is not a record Id; Opportunity.OwnerId takes the Id of a User',
    ]);
  });

  it('a constant of the wrong type for its field is refused like a mapped value', async () => {
    const problems = await problemsFor({ salesforce: 'Name', value: 42, on: 'create' });
    expect(problems.map((p) => p.message)).to.deep.equal([
      'Opportunity.Name is of type string, which cannot hold the number value of the constant 42; map it to a field of type double, currency, int, long, percent',
    ]);
  });

  it('without an org, a constant is checked against a restricted picklist of the project (force-app)', async () => {
    const describe = await projectDescriber(repoRoot, ['force-app']);
    const help = (value: string): Record<string, unknown> => ({
      salesforce: 'How_Can_Microsoft_Help__c',
      value,
      on: 'create',
    });
    const problems = await checkAgainstOrg(validateConfig({ mapping: [help('Free lunch')] }), describe);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.deep.include({ path: 'plugins.pcsync.mapping[0].value', severity: 'error' });
    expect(problems[0].message).to.match(
      /^"Free lunch" is not a value of the restricted picklist Opportunity\.How_Can_Microsoft_Help__c, which refuses it; use one of: "Workload specific value proposition", /
    );
    expect(await checkAgainstOrg(validateConfig({ mapping: [help('General or other')] }), describe)).to.deep.equal([]);
  });
});
