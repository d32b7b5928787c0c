import { Messages } from '@salesforce/core';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import type { SinonStub } from 'sinon';
import Doctor from '../../../src/commands/pcsync/doctor.js';
import { CHECK_IDS } from '../../../src/doctor/index.js';
import { PartnerCenterTokenProvider } from '../../../src/partner-center/auth/token-provider.js';
import { SignInRequiredError } from '../../../src/partner-center/errors.js';
import {
  configFiles,
  failure,
  restoreProcessAfterEach,
  resultSchemaErrors,
  stubFetch,
  stubPcsyncEnv,
} from '../../helpers/command-test.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.doctor');

/**
 * The command around the checks (test/unit/doctor runs the checks against the emulators): flags, the table, the
 * exit code and the --json rows. Partner Center has no sign-in here and no network; the org answers only its
 * version list and refuses everything else, so each side's rows fail or stand down in their own words.
 */
describe('pcsync doctor', () => {
  const $$ = new TestContext();
  restoreProcessAfterEach();
  const files = configFiles();
  const testOrg = new MockTestOrgData();
  let ux: ReturnType<typeof stubSfCommandUx>;
  let fetch: SinonStub;
  let config: string;
  let salesforceRequests: Array<{ method: string; url: string }>;

  before(() => {
    config = files.write('doctor.json', {});
  });
  beforeEach(async () => {
    ux = stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
    stubPcsyncEnv($$.SANDBOX);
    fetch = stubFetch($$.SANDBOX);
    $$.SANDBOX.stub(PartnerCenterTokenProvider.prototype, 'describe').rejects(new SignInRequiredError('missing'));
    await $$.stubAuths(testOrg);
    salesforceRequests = [];
    $$.fakeConnectionRequest = (request) => {
      const { method = 'GET', url = '' } = (typeof request === 'string' ? { url: request } : request) as {
        method?: string;
        url?: string;
      };
      if (url.includes('FROM%20Organization')) return Promise.resolve({ totalSize: 0, done: true, records: [] });
      salesforceRequests.push({ method, url });
      if (url.endsWith('/services/data')) {
        return Promise.resolve(Array.from({ length: 34 }, (_, i) => ({ version: `${31 + i}.0` })));
      }
      return Promise.reject(
        Object.assign(new Error('The requested resource does not exist'), { errorCode: 'NOT_FOUND' })
      );
    };
  });
  after(() => files.remove());

  const run = (...args: string[]): Promise<unknown> =>
    Doctor.run(['--target-org', testOrg.username, '--api-version', '64.0', '--config', config, ...args]);

  it('--json: every check once, in order, the schema of the result, and exit code 1 when one fails', async () => {
    const result = (await run('--json')) as Awaited<ReturnType<Doctor['run']>>;
    expect(result.checks.map((row) => row.id)).to.deep.equal([...CHECK_IDS]);
    expect(resultSchemaErrors('pcsync:doctor', result)).to.deep.equal([]);
    expect(result.ok).to.equal(false);
    expect(process.exitCode).to.equal(1);
    const byId = Object.fromEntries(result.checks.map((row) => [row.id, row]));
    expect(byId['pc-sign-in']).to.include({ status: 'fail', action: messages.getMessage('action.signIn') });
    expect(byId['pc-token-referrals'].status).to.equal('skip');
    expect(byId['pc-webhook-registration'].result).to.equal(
      messages.getMessage('result.skipped', [messages.getMessage('check.pc-token-webhooks')])
    );
    expect(byId['sf-api-version'].status, byId['sf-api-version'].result).to.equal('pass');
    expect(byId['sf-sync-schema']).to.include({ status: 'fail', action: messages.getMessage('action.deploy') });
    expect(byId['pc-signing-certificate'].result).to.include('no network in command tests');
    const counted = Object.values(result.counts).reduce((sum, n) => sum + n, 0);
    expect(counted).to.equal(CHECK_IDS.length);
  });

  it('reads only: every request to the org is a GET', async () => {
    await run('--json');
    expect(salesforceRequests.length).to.be.greaterThan(0);
    expect(salesforceRequests.filter((request) => request.method !== 'GET')).to.deep.equal([]);
    // The one Partner Center request (the certificate) was attempted, not sent: there is no network here.
    expect(fetch.callCount).to.equal(1);
  });

  it('prints one table row per check with its status, result and what to do, then the counts', async () => {
    const result = (await run()) as Awaited<ReturnType<Doctor['run']>>;
    const [table] = ux.table
      .getCalls()
      .map((call) => call.args[0] as { data: Array<Record<string, string>>; overflow?: string });
    // A terminal narrower than the table wraps the advice rather than cutting it off.
    expect(table.overflow).to.equal('wrap');
    const column = (key: string): string => messages.getMessage(`column.${key}`);
    expect(table.data).to.have.length(CHECK_IDS.length);
    expect(table.data[0]).to.deep.equal({
      [column('check')]: messages.getMessage('check.pc-sign-in'),
      [column('status')]: messages.getMessage('status.fail'),
      [column('result')]: result.checks[0].result,
      [column('action')]: messages.getMessage('action.signIn'),
    });
    const { pass, info, warn, fail, skip } = result.counts;
    expect(ux.log.getCalls().flatMap((call) => call.args)).to.deep.equal([
      messages.getMessage('info.summary', [pass, info, warn, fail, skip]),
    ]);
  });

  it('--receiver-url and --certificate-url take URLs only', async () => {
    expect((await failure(run('--receiver-url', 'not a url'))).message).to.include('--receiver-url');
    expect((await failure(run('--certificate-url', 'cert.cer'))).message).to.include('--certificate-url');
    expect(salesforceRequests).to.deep.equal([]);
  });
});
