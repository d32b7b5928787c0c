import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { DescribeSObjectResult } from '@jsforce/jsforce-node';
import { checkAgainstOrg, DEFAULT_MAPPING, validateConfig, type Describer } from '../../../src/config/index.js';
import { syncRules } from '../../../src/mapping/system-rules.js';
import { projectDescriber } from '../../../src/salesforce/project-metadata.js';
import { STANDARD_FIELDS } from '../../../src/salesforce/standard-fields.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

type FakeField = {
  name: string;
  type: string;
  updateable?: boolean;
  relationshipName?: string;
  referenceTo?: string[];
};

/** A describer over hand-written objects, counting calls so the per-object cache can be checked. */
function fakeOrg(objects: Record<string, FakeField[]>): Describer {
  return (name) => {
    const fields = objects[name];
    if (!fields) return Promise.resolve(undefined);
    return Promise.resolve({
      name,
      fields: fields.map((field) => ({
        relationshipName: null,
        referenceTo: [],
        updateable: true,
        createable: field.updateable ?? true,
        ...field,
      })),
    } as unknown as DescribeSObjectResult);
  };
}

describe('config: checking the mapping against an org schema', () => {
  it('the shipped default mapping fits this project: every field is in force-app or a standard field', async () => {
    const describe = await projectDescriber(repoRoot, ['force-app']);
    const problems = await checkAgainstOrg(validateConfig({}), describe);
    // CurrencyIsoCode exists only in multi-currency orgs: its rule is optional, so it is a warning, never an error.
    expect(problems.filter((problem) => problem.severity === 'error')).to.deep.equal([]);
    expect(problems.map((problem) => problem.path)).to.deep.equal(['plugins.pcsync.mapping[2].salesforce']);
    expect(DEFAULT_MAPPING[2].salesforce).to.equal('CurrencyIsoCode');
  });

  it('every custom field the default mapping names is defined in force-app', async () => {
    const describe = await projectDescriber(repoRoot, ['force-app']);
    const opportunity = await describe('Opportunity');
    const names = new Set(opportunity?.fields.map((field) => field.name));
    const custom = syncRules(DEFAULT_MAPPING)
      .map((rule) => rule.salesforce)
      .filter((name): name is string => name?.endsWith('__c') ?? false);
    expect(custom.length).to.be.greaterThan(5);
    for (const name of custom) expect(names, name).to.include(name);
  });

  it('names a field the org does not have, with what to do', async () => {
    const config = validateConfig({ mapping: [{ partnerCenter: 'details.notes', salesforce: 'Partner_Notes__c' }] });
    const problems = await checkAgainstOrg(
      config,
      fakeOrg({ Opportunity: STANDARD_FIELDS.Opportunity.map((f) => ({ ...f })) })
    );
    expect(problems).to.deep.equal([
      {
        path: 'plugins.pcsync.mapping[0].salesforce',
        message:
          'Opportunity has no field "Partner_Notes__c"; deploy force-app (sf project deploy start) or fix the field name',
        severity: 'error',
      },
    ]);
  });

  it('reports a missing optional field as a warning', async () => {
    const config = validateConfig({
      mapping: [{ partnerCenter: 'details.currency', salesforce: 'CurrencyIsoCode', optional: true }],
    });
    const problems = await checkAgainstOrg(config, fakeOrg({ Opportunity: [{ name: 'Id', type: 'id' }] }));
    expect(problems).to.have.length(1);
    expect(problems[0].severity).to.equal('warning');
  });

  it('refuses a type that cannot hold the value', async () => {
    const config = validateConfig({ mapping: [{ partnerCenter: 'details.dealValue', salesforce: 'Description' }] });
    const problems = await checkAgainstOrg(
      config,
      fakeOrg({ Opportunity: [{ name: 'Description', type: 'textarea' }] })
    );
    expect(problems[0].message).to.equal(
      'Opportunity.Description is of type textarea, which cannot hold the number value of "details.dealValue"; map it to a field of type double, currency, int, long, percent'
    );
  });

  it('refuses an inbound rule onto a field nobody can write', async () => {
    const config = validateConfig({
      mapping: [{ partnerCenter: 'status', salesforce: 'Partner_Center_Sync_Icon__c', direction: 'inbound' }],
    });
    const describe = await projectDescriber(repoRoot, ['force-app']);
    const problems = await checkAgainstOrg(config, describe);
    expect(problems).to.have.length(1);
    expect(problems[0].message).to.include('Opportunity.Partner_Center_Sync_Icon__c is not writable');
  });

  it('follows relationship paths to the parent object', async () => {
    const org = fakeOrg({
      Opportunity: [{ name: 'AccountId', type: 'reference', relationshipName: 'Account', referenceTo: ['Account'] }],
      Account: [{ name: 'BillingCountryCode', type: 'picklist' }],
    });
    const good = validateConfig({
      mapping: [
        {
          partnerCenter: 'customerProfile.address.country',
          salesforce: 'Account.BillingCountryCode',
          direction: 'outbound',
        },
      ],
    });
    expect(await checkAgainstOrg(good, org)).to.deep.equal([]);
    const bad = validateConfig({
      mapping: [{ partnerCenter: 'customerProfile.name', salesforce: 'Customer.Name', direction: 'outbound' }],
    });
    expect((await checkAgainstOrg(bad, org))[0].message).to.equal('Opportunity has no relationship "Customer"');
  });
});
