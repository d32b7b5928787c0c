import { Messages } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import ConfigShow from '../../../../src/commands/pcsync/config/show.js';
import { DEFAULT_MAPPING } from '../../../../src/config/index.js';
import {
  configFiles,
  failure,
  resultSchemaErrors,
  stubPcsyncEnv,
  restoreProcessAfterEach,
} from '../../../helpers/command-test.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.config.show');

describe('pcsync config show', () => {
  const $$ = new TestContext();
  restoreProcessAfterEach();
  const files = configFiles();
  let ux: ReturnType<typeof stubSfCommandUx>;

  beforeEach(() => {
    ux = stubSfCommandUx($$.SANDBOX);
    stubPcsyncEnv($$.SANDBOX);
  });
  after(() => files.remove());

  describe('--json', () => {
    it('returns the effective configuration, defaults filled in, in the shape of its schema', async () => {
      const file = files.write('port.json', { serve: { port: 9090 } });
      const result = await ConfigShow.run(['--config', file, '--json']);
      expect(result.source).to.deep.equal({ kind: 'file', file });
      expect(result.config.serve.port).to.equal(9090);
      expect(result.config.serve.path).to.equal('/webhooks/partner-center');
      expect(result.config.mapping).to.deep.equal(DEFAULT_MAPPING);
      expect(resultSchemaErrors('pcsync:config:show', result)).to.deep.equal([]);
    });
  });

  describe('human', () => {
    it('names the file in the mapping header and prints the mapping, stages and settings tables', async () => {
      const file = files.write('empty.json', {});
      await ConfigShow.run(['--config', file]);
      const headers = ux.styledHeader.getCalls().flatMap((call) => call.args);
      expect(headers).to.deep.equal([
        messages.getMessage('info.mappingHeader', [file]),
        messages.getMessage('info.stagesHeader'),
        messages.getMessage('info.settingsHeader'),
      ]);
      expect(ux.table.callCount).to.equal(3);
    });
  });

  describe('a bad configuration file', () => {
    it('fails naming each key and the file, with exit code 1 and the problems as data', async () => {
      const file = files.write('bad.json', { serve: { port: 70_000 }, stages: { won: '' } });
      const error = await failure(ConfigShow.run(['--config', file, '--json']));
      expect(error.name).to.equal('PcsyncConfigError');
      expect(error.exitCode).to.equal(1);
      expect(error.message).to.include(file).and.to.include('serve.port').and.to.include('stages.won');
      const data = error.data as { problems: Array<{ path: string }> };
      expect(data.problems.map((problem) => problem.path)).to.have.members(['serve.port', 'stages.won']);
    });

    it('fails on a misspelt key by its name', async () => {
      const file = files.write('typo.json', { serv: { port: 1 } });
      const error = await failure(ConfigShow.run(['--config', file]));
      expect(error.name).to.equal('PcsyncConfigError');
      expect(error.message).to.match(/\(top level\): unknown key "serv"/);
    });

    it('fails on a file that is not JSON', async () => {
      const file = files.write('broken.json', '{ "serve": ');
      const error = await failure(ConfigShow.run(['--config', file]));
      expect(error.name).to.equal('PcsyncConfigMalformed');
      expect(error.exitCode).to.equal(1);
    });

    it('refuses a --config file that does not exist while parsing the flags', async () => {
      const error = await failure(ConfigShow.run(['--config', 'no-such-pcsync.json']));
      expect(error.message).to.include('Parsing --config').and.to.include('No file found at no-such-pcsync.json');
    });
  });
});
