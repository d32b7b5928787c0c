import { Messages } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import type { SinonStub } from 'sinon';
import AuthLogin from '../../../../src/commands/pcsync/auth/login.js';
import {
  configFiles,
  failure,
  restoreProcessAfterEach,
  stubFetch,
  stubPcsyncEnv,
} from '../../../helpers/command-test.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const partnerCenterMessages = Messages.loadMessages('@pcsync/plugin-pcsync', 'partner-center');

describe('pcsync auth login', () => {
  const $$ = new TestContext();
  restoreProcessAfterEach();
  const files = configFiles();
  let fetch: SinonStub;
  let config: string;

  before(() => {
    config = files.write('login.json', { partnerCenter: { tenantId: 'contoso-tenant' } });
  });
  beforeEach(() => {
    stubSfCommandUx($$.SANDBOX);
    stubPcsyncEnv($$.SANDBOX);
    fetch = stubFetch($$.SANDBOX);
  });
  after(() => files.remove());

  it('without a client id from the flag, the environment or the configuration, says where to set one', async () => {
    const error = await failure(AuthLogin.run(['--config', config, '--json']));
    expect(error.name).to.equal('PcsyncMissingSetting');
    expect(error.message).to.equal(partnerCenterMessages.getMessage('error.missingClientId'));
    expect(fetch.callCount).to.equal(0);
  });

  it('takes a --timeout of at least one second', async () => {
    const error = await failure(AuthLogin.run(['--config', config, '--client-id', 'pcsync-client', '--timeout', '0']));
    expect(error.exitCode).to.equal(2);
    expect(error.message).to.include('greater than or equal to 1');
  });
});
