import { setTimeout as sleep } from 'node:timers/promises';
import { Messages } from '@salesforce/core';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import type { SinonStub } from 'sinon';
import Serve, { type ServeResult } from '../../../src/commands/pcsync/serve.js';
import { PartnerCenterTokenProvider } from '../../../src/partner-center/auth/token-provider.js';
import {
  configFiles,
  failure,
  resultSchemaErrors,
  stubFetch,
  stubPcsyncEnv,
  restoreProcessAfterEach,
} from '../../helpers/command-test.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.serve');

describe('pcsync serve', () => {
  const $$ = new TestContext();
  restoreProcessAfterEach();
  const files = configFiles();
  const testOrg = new MockTestOrgData();
  let ux: ReturnType<typeof stubSfCommandUx>;
  let fetch: SinonStub;
  let token: SinonStub;
  let config: string;
  before(() => {
    config = files.write('serve.json', {});
  });
  beforeEach(async () => {
    ux = stubSfCommandUx($$.SANDBOX);
    stubPcsyncEnv($$.SANDBOX);
    fetch = stubFetch($$.SANDBOX);
    token = $$.SANDBOX.stub(PartnerCenterTokenProvider.prototype, 'getAccessToken').resolves('test-access-token');
    await $$.stubAuths(testOrg);
  });
  after(() => files.remove());

  const serveArgs = (...args: string[]): string[] => ['--target-org', testOrg.username, '--config', config, ...args];

  describe('flags', () => {
    it('refuses a certificate URL prefix that is not https, before listening or signing in', async () => {
      const error = await failure(Serve.run(serveArgs('--allow-certificate-url', 'http://certs.example.com/')));
      expect(error.name).to.equal('AllowListError');
      expect(error.exitCode).to.equal(1);
      expect(error.message).to.equal(messages.getMessage('error.allowList', ['http://certs.example.com/']));
      expect(token.callCount).to.equal(0);
    });

    it('takes ports 0 to 65535 only', async () => {
      const high = await failure(Serve.run(serveArgs('--port', '65536')));
      expect(high.exitCode).to.equal(2);
      expect(high.message).to.include('less than or equal to 65535');
      const negative = await failure(Serve.run(serveArgs('--port=-1')));
      expect(negative.exitCode).to.equal(2);
      expect(negative.message).to.include('greater than or equal to 0');
      expect(token.callCount).to.equal(0);
    });

    it('takes --tls-key only with --tls-cert', async () => {
      const error = await failure(Serve.run(serveArgs('--tls-key', config)));
      expect(error.exitCode).to.equal(2);
      expect(error.message).to.include('--tls-cert');
    });

    it('takes a reconcile interval of at least a second, and a poll interval of 0 (no poll) or more', async () => {
      const reconcile = await failure(Serve.run(serveArgs('--reconcile-interval', '0')));
      expect(reconcile.message).to.include('--reconcile-interval');
      const poll = await failure(Serve.run(serveArgs('--poll-interval=-1')));
      expect(poll.message).to.include('--poll-interval');
      expect(poll.message).to.match(/greater than or equal to 0|at least 0/);
    });
  });

  describe('output streams', () => {
    /** Runs serve on a free port until it listens, then stops it as SIGTERM would; collects what it wrote. */
    async function serveUntilStopped(
      ...args: string[]
    ): Promise<{ result: ServeResult; stdout: string; stderr: string }> {
      const stdout: string[] = [];
      const stderr: string[] = [];
      const capture =
        (into: string[]) =>
        (chunk: string | Uint8Array): boolean => {
          into.push(String(chunk));
          return true;
        };
      const out = $$.SANDBOX.stub(process.stdout, 'write').callsFake(capture(stdout));
      const err = $$.SANDBOX.stub(process.stderr, 'write').callsFake(capture(stderr));
      try {
        const running = Serve.run(serveArgs('--port', '0', '--no-reconcile', ...args));
        const deadline = Date.now() + 10_000;
        while (!(process.listenerCount('SIGTERM') > 0 && [...stdout, ...stderr].join('').includes('listening'))) {
          if (Date.now() > deadline) throw new Error(`serve did not listen: ${stdout.join('')}${stderr.join('')}`);
          await sleep(10);
        }
        process.emit('SIGTERM', 'SIGTERM');
        const result = await running;
        return { result, stdout: stdout.join(''), stderr: stderr.join('') };
      } finally {
        out.restore();
        err.restore();
      }
    }

    it('--json: stdout is JSON Lines, the log records then the result envelope, and stderr has no record', async () => {
      const { result, stdout, stderr } = await serveUntilStopped('--json');
      const lines = stdout.trimEnd().split('\n');
      const objects = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(objects.slice(0, -1).map((record) => record.event)).to.include.members([
        'listening',
        'stopping',
        'stopped',
      ]);
      expect(objects.slice(0, -1).every((record) => typeof record.time === 'string' && record.level)).to.equal(true);
      expect(objects.at(-1)).to.deep.equal({ status: 0, result, warnings: [] });
      expect(result.drained).to.equal(true);
      expect(result.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/webhooks\/partner-center$/);
      expect(resultSchemaErrors('pcsync:serve', result)).to.deep.equal([]);
      expect(stderr).not.to.include('listening');
      expect(ux.log.callCount).to.equal(0);
      expect(stdout).not.to.include('test-access-token');
    });

    it('without --json: text log records on stderr, the listening message through the command, stdout untouched', async () => {
      const { result, stdout, stderr } = await serveUntilStopped();
      expect(stdout).to.equal('');
      expect(ux.log.getCalls().flatMap((call) => call.args)).to.deep.equal([
        messages.getMessage('info.listening', [result.url]),
      ]);
      const lines = stderr.trimEnd().split('\n');
      expect(
        lines.every((line) => /^\S+Z (debug|info|warn|error) \S+/.test(line)),
        stderr
      ).to.equal(true);
      expect(lines.map((line) => line.split(' ')[2])).to.include.members(['listening', 'stopping', 'stopped']);
      expect(stderr).not.to.include('test-access-token');
    });

    it('--json-logs: the records on stderr become JSON, stdout is still untouched', async () => {
      const { stdout, stderr } = await serveUntilStopped('--json-logs');
      expect(stdout).to.equal('');
      const records = stderr
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { event: string });
      expect(records.map((record) => record.event)).to.include.members(['listening', 'stopping', 'stopped']);
    });
  });

  afterEach(() => {
    expect(fetch.callCount, 'Partner Center requests').to.equal(0);
  });
});
