import { Messages } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import AuthLogout from '../../../../src/commands/pcsync/auth/logout.js';
import { TokenStore } from '../../../../src/partner-center/auth/token-store.js';
import { restoreProcessAfterEach, resultSchemaErrors, stubPcsyncEnv } from '../../../helpers/command-test.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.auth.logout');

const REFRESH_TOKEN = '0.AXoA-refresh-token-that-must-not-leak-7f3c9a';

describe('pcsync auth logout', () => {
  const $$ = new TestContext();
  restoreProcessAfterEach();
  let ux: ReturnType<typeof stubSfCommandUx>;

  beforeEach(() => {
    ux = stubSfCommandUx($$.SANDBOX);
  });

  describe('nothing stored', () => {
    it('removes nothing and says so, in the shape of its schema', async () => {
      stubPcsyncEnv($$.SANDBOX);
      const result = await AuthLogout.run(['--json']);
      expect(result).to.deep.equal({ removed: false });
      expect(resultSchemaErrors('pcsync:auth:logout', result)).to.deep.equal([]);
      expect(ux.log.getCalls().flatMap((call) => call.args)).to.deep.equal([messages.getMessage('info.nothing')]);
      expect(ux.warn.callCount).to.equal(0);
    });

    it('warns that PCSYNC_REFRESH_TOKEN still signs pcsync in, without printing it', async () => {
      stubPcsyncEnv($$.SANDBOX, { PCSYNC_REFRESH_TOKEN: REFRESH_TOKEN });
      const result = await AuthLogout.run([]);
      expect(result.removed).to.equal(false);
      expect(ux.warn.getCalls().flatMap((call) => call.args)).to.deep.equal([
        messages.getMessage('warning.environment'),
      ]);
      expect(JSON.stringify([ux.warn.args, ux.log.args]).includes(REFRESH_TOKEN)).to.equal(false);
    });
  });

  describe('a stored sign-in', () => {
    it('removes it and names whose it was', async () => {
      stubPcsyncEnv($$.SANDBOX);
      $$.SANDBOX.stub(TokenStore.prototype, 'read').resolves({
        refreshToken: REFRESH_TOKEN,
        tenantId: 'contoso-tenant',
        clientId: 'pcsync-client',
        authority: 'https://login.microsoftonline.com/contoso-tenant',
        username: 'admin@contoso.example',
        signedInAt: '2026-11-01T00:00:00.000Z',
        renewedAt: '2026-11-01T00:00:00.000Z',
      });
      const remove = $$.SANDBOX.stub(TokenStore.prototype, 'remove').resolves(true);
      const result = await AuthLogout.run(['--json']);
      expect(result).to.deep.equal({ removed: true, username: 'admin@contoso.example' });
      expect(remove.callCount).to.equal(1);
      expect(ux.log.getCalls().flatMap((call) => call.args)).to.deep.equal([
        messages.getMessage('info.removed', ['admin@contoso.example']),
      ]);
    });
  });
});
