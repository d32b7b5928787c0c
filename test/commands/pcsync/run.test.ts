import { Messages } from '@salesforce/core';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import type { SinonStub } from 'sinon';
import Run from '../../../src/commands/pcsync/run.js';
import { PartnerCenterTokenProvider } from '../../../src/partner-center/auth/token-provider.js';
import { configFiles, failure, stubFetch, stubPcsyncEnv, restoreProcessAfterEach } from '../../helpers/command-test.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.run');

/** Every case here must fail before the sync starts: any Salesforce or Partner Center call is a failure. */
describe('pcsync run', () => {
  const $$ = new TestContext();
  restoreProcessAfterEach();
  const files = configFiles();
  const testOrg = new MockTestOrgData();
  let salesforceRequests: unknown[];
  let fetch: SinonStub;
  let token: SinonStub;
  let good: string;

  before(() => {
    good = files.write('good.json', {});
  });
  beforeEach(async () => {
    stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
    stubPcsyncEnv($$.SANDBOX);
    fetch = stubFetch($$.SANDBOX);
    token = $$.SANDBOX.stub(PartnerCenterTokenProvider.prototype, 'getAccessToken').rejects(new Error('no sign-in'));
    await $$.stubAuths(testOrg);
    salesforceRequests = [];
    $$.fakeConnectionRequest = (request) => {
      const url = typeof request === 'string' ? request : ((request as { url?: string }).url ?? '');
      // --target-org's own lookup of the org (sf-plugins-core), not a request of the sync.
      if (url.includes('FROM%20Organization')) return Promise.resolve({ totalSize: 0, done: true, records: [] });
      salesforceRequests.push(url);
      return Promise.reject(new Error('no Salesforce request is expected'));
    };
  });
  afterEach(() => {
    expect(salesforceRequests, 'Salesforce requests').to.deep.equal([]);
    expect(fetch.callCount, 'Partner Center requests').to.equal(0);
    expect(token.callCount, 'Partner Center token requests').to.equal(0);
  });
  after(() => files.remove());

  const run = (...args: string[]): Promise<unknown> =>
    Run.run(['--target-org', testOrg.username, '--config', good, '--json', ...args]);

  describe('flags', () => {
    it('--full and --since exclude each other', async () => {
      const error = await failure(run('--full', '--since', '2026-11-01T00:00:00Z'));
      expect(error.exitCode).to.equal(2);
      expect(error.message).to.include('--since=2026-11-01T00:00:00Z cannot also be provided when using --full');
    });

    it('a --since that is not a date-time is refused with the ISO 8601 hint', async () => {
      const error = await failure(run('--since', 'last tuesday'));
      expect(error.name).to.equal('BadSinceError');
      expect(error.exitCode).to.equal(1);
      expect(error.message).to.equal(messages.getMessage('error.badSince', ['last tuesday']));
    });

    it('--record-id takes Opportunity ids only', async () => {
      const error = await failure(run('--record-id', '001000000000001AAA'));
      expect(error.message).to.include('Parsing --record-id').and.to.include('must begin with 006');
    });

    it('--direction and --trigger take only their listed values', async () => {
      expect((await failure(run('--direction', 'sideways'))).message).to.include('Expected --direction=sideways');
      expect((await failure(run('--trigger', 'Webhook'))).message).to.include('Expected --trigger=Webhook');
    });
  });

  describe('configuration errors come before any API call', () => {
    it('a bad configuration fails naming the key, with nothing sent to either side', async () => {
      const bad = files.write('bad.json', { partnerCenter: { concurrency: 500 } });
      const error = await failure(
        Run.run(['--target-org', testOrg.username, '--config', bad, '--direction', 'inbound', '--json'])
      );
      expect(error.name).to.equal('PcsyncConfigError');
      expect(error.exitCode).to.equal(1);
      expect(error.message).to.include('partnerCenter.concurrency');
    });

    it('a bad --since is reported before the configuration is even read', async () => {
      const bad = files.write('bad-too.json', { partnerCenter: { concurrency: 500 } });
      const error = await failure(Run.run(['--target-org', testOrg.username, '--config', bad, '--since', 'soon']));
      expect(error.name).to.equal('BadSinceError');
    });
  });
});
