import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Messages } from '@salesforce/core';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import type { AnyJson } from '@salesforce/ts-types';
import ConfigValidate from '../../../../src/commands/pcsync/config/validate.js';
import { projectDescriber } from '../../../../src/salesforce/project-metadata.js';
import {
  configFiles,
  failure,
  resultSchemaErrors,
  stubPcsyncEnv,
  restoreProcessAfterEach,
} from '../../../helpers/command-test.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.config.validate');

/** An Opportunity describe with just the fields these tests map. */
const opportunityDescribe = {
  name: 'Opportunity',
  fields: [
    { name: 'Name', type: 'string', updateable: true, createable: true },
    { name: 'Description', type: 'textarea', updateable: true, createable: true },
  ],
};

/** A new org's Lead describe, with the standard fields the shipped lead mapping writes and the standard statuses. */
const leadDescribe = {
  name: 'Lead',
  fields: [
    ...['Company', 'Street', 'City', 'State', 'PostalCode', 'Country', 'Description', 'LeadSource'].map((name) => ({
      name,
      type: 'string',
      updateable: true,
      createable: true,
    })),
    {
      name: 'Status',
      type: 'picklist',
      updateable: true,
      createable: true,
      picklistValues: [
        'Open - Not Contacted',
        'Working - Contacted',
        'Closed - Converted',
        'Closed - Not Converted',
      ].map((value) => ({ value, label: value, active: true })),
    },
  ],
};

describe('pcsync config validate', () => {
  const $$ = new TestContext();
  restoreProcessAfterEach();
  const files = configFiles();
  const testOrg = new MockTestOrgData();
  let ux: ReturnType<typeof stubSfCommandUx>;
  let spinner: ReturnType<typeof stubSpinner>;
  let requests: string[];

  const mapping = (salesforce: string): unknown => ({
    mapping: [
      { partnerCenter: 'name', salesforce: 'Name', owner: 'salesforce' },
      { partnerCenter: 'details.notes', salesforce, owner: 'salesforce' },
    ],
  });

  beforeEach(async () => {
    const project = await projectDescriber(repoRoot, ['force-app']);
    ux = stubSfCommandUx($$.SANDBOX);
    spinner = stubSpinner($$.SANDBOX);
    stubPcsyncEnv($$.SANDBOX);
    await $$.stubAuths(testOrg);
    requests = [];
    $$.fakeConnectionRequest = (request) => {
      const url = typeof request === 'string' ? request : String((request as { url?: string }).url);
      requests.push(url);
      const described = /\/sobjects\/(\w+)\/describe$/.exec(url)?.[1];
      // Opportunity with the fields these tests map; the project's own fields and objects as the sync needs them
      // (field-level security is checked too: every field the sync reads or writes must be described).
      if (described === 'Opportunity')
        return project('Opportunity').then((own) => ({
          ...opportunityDescribe,
          fields: [...opportunityDescribe.fields, ...(own?.fields ?? [])],
        }));
      if (described === 'Lead')
        return project('Lead').then((own) => ({
          ...leadDescribe,
          fields: [...leadDescribe.fields, ...(own?.fields ?? [])],
        }));
      if (described) return project(described).then((own) => (own ?? null) as AnyJson);
      // The Lead statuses marked Converted, which the leads check asks for (a new org has one).
      if (/\/query\?q=SELECT%20MasterLabel%20FROM%20LeadStatus%20/.test(url))
        return Promise.resolve({ done: true, totalSize: 1, records: [{ MasterLabel: 'Closed - Converted' }] });
      return Promise.reject(new Error(`unexpected request ${url}`));
    };
  });
  after(() => files.remove());

  describe('against this project (no --target-org)', () => {
    it('returns the result of its schema, with no org checked and no request made', async () => {
      const file = files.write('project.json', mapping('Description'));
      const result = await ConfigValidate.run(['--config', file, '--json']);
      expect(result).to.deep.equal({
        valid: true,
        source: { kind: 'file', file },
        rules: 2,
        orgChecked: false,
        warnings: [],
      });
      expect(resultSchemaErrors('pcsync:config:validate', result)).to.deep.equal([]);
      expect(requests).to.deep.equal([]);
    });

    it('says the file and the project check passed', async () => {
      const file = files.write('project-human.json', mapping('Description'));
      await ConfigValidate.run(['--config', file]);
      expect(ux.log.getCalls().flatMap((call) => call.args)).to.deep.equal([
        messages.getMessage('info.fileValid', [file, 2]),
        messages.getMessage('info.projectValid'),
      ]);
    });

    it('fails with every field the project does not define', async () => {
      const file = files.write('unknown-field.json', mapping('No_Such_Field__c'));
      const error = await failure(ConfigValidate.run(['--config', file, '--json']));
      expect(error.name).to.equal('PcsyncConfigProjectMismatch');
      expect(error.exitCode).to.equal(1);
      expect(error.message).to.include('mapping[1].salesforce').and.to.include('No_Such_Field__c');
    });

    it('fails on a bad configuration file before checking any field, naming the key', async () => {
      const file = files.write('bad-direction.json', {
        mapping: [{ partnerCenter: 'name', salesforce: 'Name', direction: 'sideways' }],
      });
      const error = await failure(ConfigValidate.run(['--config', file]));
      expect(error.name).to.equal('PcsyncConfigError');
      expect(error.message).to.include('mapping[0].direction').and.to.include('"sideways" is not allowed');
      expect(ux.log.callCount).to.equal(0);
    });
  });

  describe('--target-org', () => {
    it('checks the mapped fields through describe and names the org', async () => {
      const file = files.write('org.json', mapping('Description'));
      const result = await ConfigValidate.run(['--config', file, '--target-org', testOrg.username, '--json']);
      expect(result).to.include({ valid: true, orgChecked: true, username: testOrg.username, rules: 2 });
      expect(resultSchemaErrors('pcsync:config:validate', result)).to.deep.equal([]);
      expect(requests.filter((url) => url.endsWith('/sobjects/Opportunity/describe'))).to.have.length(1);
    });

    it('fails naming each field the org lacks, with the problems as data', async () => {
      const file = files.write('org-missing.json', mapping('Missing_In_Org__c'));
      const error = await failure(ConfigValidate.run(['--config', file, '--target-org', testOrg.username]));
      expect(spinner.start.firstCall.args[0]).to.equal(messages.getMessage('info.checkingOrg', [testOrg.username]));
      expect(spinner.stop.callCount).to.be.at.least(1);
      expect(error.name).to.equal('PcsyncConfigOrgMismatch');
      expect(error.exitCode).to.equal(1);
      expect(error.message).to.include(testOrg.username).and.to.include('Missing_In_Org__c');
      const data = error.data as { problems: Array<{ path: string }> };
      expect(data.problems.map((problem) => problem.path)).to.deep.equal(['plugins.pcsync.mapping[1].salesforce']);
    });
  });
});
