import { Messages } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import type { SinonStub } from 'sinon';
import AuthShow from '../../../../src/commands/pcsync/auth/show.js';
import {
  configFiles,
  failure,
  restoreProcessAfterEach,
  resultSchemaErrors,
  stubFetch,
  stubPcsyncEnv,
} from '../../../helpers/command-test.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const partnerCenterMessages = Messages.loadMessages('@pcsync/plugin-pcsync', 'partner-center');

/** Looks like a refresh token; it must never be printed. */
const REFRESH_TOKEN = '0.AXoA-refresh-token-that-must-not-leak-7f3c9a';

describe('pcsync auth show', () => {
  const $$ = new TestContext();
  restoreProcessAfterEach();
  const files = configFiles();
  let ux: ReturnType<typeof stubSfCommandUx>;
  let fetch: SinonStub;
  let config: string;

  before(() => {
    config = files.write('auth.json', {});
  });
  beforeEach(() => {
    ux = stubSfCommandUx($$.SANDBOX);
    fetch = stubFetch($$.SANDBOX);
  });
  after(() => files.remove());

  describe('nothing stored, no PCSYNC_REFRESH_TOKEN', () => {
    beforeEach(() => stubPcsyncEnv($$.SANDBOX));

    for (const flags of [['--offline'], []]) {
      it(`says nobody is signed in and how to sign in${flags.length ? ' (--offline)' : ''}, without calling Microsoft`, async () => {
        const error = await failure(AuthShow.run(['--config', config, '--json', ...flags]));
        expect(error.name).to.equal('PcsyncSignInRequired');
        expect(error.exitCode).to.equal(1);
        expect(error.message).to.equal(partnerCenterMessages.getMessage('error.notSignedIn'));
        expect(fetch.callCount).to.equal(0);
      });
    }
  });

  describe('the headless sign-in from the environment, --offline', () => {
    beforeEach(() =>
      stubPcsyncEnv($$.SANDBOX, {
        PCSYNC_REFRESH_TOKEN: REFRESH_TOKEN,
        PCSYNC_TENANT_ID: 'contoso-tenant',
        PCSYNC_CLIENT_ID: 'pcsync-client',
      })
    );

    it('returns who and where, of its schema, never the token', async () => {
      const result = await AuthShow.run(['--config', config, '--offline', '--json']);
      expect(result).to.deep.equal({
        source: 'environment',
        tenantId: 'contoso-tenant',
        clientId: 'pcsync-client',
        verified: false,
      });
      expect(resultSchemaErrors('pcsync:auth:show', result)).to.deep.equal([]);
      expect(JSON.stringify(result).includes(REFRESH_TOKEN)).to.equal(false);
    });

    it('prints the table without the token', async () => {
      await AuthShow.run(['--config', config, '--offline']);
      const printed = JSON.stringify([ux.table.args, ux.log.args, ux.styledHeader.args]);
      expect(printed).to.include('contoso-tenant');
      expect(printed.includes(REFRESH_TOKEN)).to.equal(false);
    });
  });
});
