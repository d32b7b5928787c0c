import { Messages } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import type { SinonStub } from 'sinon';
import WebhookRegister, { type WebhookRegisterResult } from '../../../../src/commands/pcsync/webhook/register.js';
import { WEBHOOK_EVENTS } from '../../../../src/partner-center/events.js';
import { WebhookRegistrationClient } from '../../../../src/partner-center/webhooks.js';
import type { WebhookRegistration } from '../../../../src/partner-center/referral-types.js';
import {
  configFiles,
  failure,
  resultSchemaErrors,
  stubFetch,
  stubPcsyncEnv,
  restoreProcessAfterEach,
} from '../../../helpers/command-test.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.webhook.register');

const URL = 'https://pcsync.example.com/webhooks/partner-center';
const OTHER = 'https://crm.example.net/partner-center';

describe('pcsync webhook register', () => {
  const $$ = new TestContext();
  restoreProcessAfterEach();
  const files = configFiles();
  let ux: ReturnType<typeof stubSfCommandUx>;
  let client: { show: SinonStub; register: SinonStub; update: SinonStub };
  let config: string;

  /** Partner Center's current registration, as the stubbed client reports it. */
  const registered = (url: string, events: readonly string[]): void => {
    client.show.resolves({ WebhookUrl: url, WebhookEvents: [...events] });
  };

  before(() => {
    config = files.write('webhook.json', {});
  });
  beforeEach(() => {
    ux = stubSfCommandUx($$.SANDBOX);
    stubPcsyncEnv($$.SANDBOX);
    stubFetch($$.SANDBOX);
    const proto = WebhookRegistrationClient.prototype;
    client = {
      show: $$.SANDBOX.stub(proto, 'show').resolves(undefined),
      register: $$.SANDBOX.stub(proto, 'register').callsFake((input) =>
        Promise.resolve({ WebhookUrl: input.url, WebhookEvents: input.events } as WebhookRegistration)
      ),
      update: $$.SANDBOX.stub(proto, 'update').callsFake((input) =>
        Promise.resolve({ WebhookUrl: input.url, WebhookEvents: input.events } as WebhookRegistration)
      ),
    };
  });
  after(() => files.remove());

  const register = async (...args: string[]): Promise<WebhookRegisterResult> =>
    await WebhookRegister.run(['--config', config, '--json', ...args]);

  describe('the URL', () => {
    it('refuses plain http to a public host, before asking Partner Center anything', async () => {
      const error = await failure(register('--url', 'http://pcsync.example.com/webhooks/partner-center'));
      expect(error.name).to.equal('NotHttpsError');
      expect(error.exitCode).to.equal(1);
      expect(error.message).to.equal(
        messages.getMessage('error.notHttps', ['http://pcsync.example.com/webhooks/partner-center'])
      );
      expect(client.show.callCount + client.register.callCount + client.update.callCount).to.equal(0);
    });

    it('accepts http on this machine (an emulator) with a warning', async () => {
      const local = 'http://127.0.0.1:8080/webhooks/partner-center';
      const result = await register('--url', local);
      expect(result.action).to.equal('registered');
      expect(ux.warn.getCalls().flatMap((call) => call.args)).to.deep.equal([
        messages.getMessage('warning.loopback', [local]),
      ]);
    });

    it('refuses a value that is not a URL while parsing the flags', async () => {
      const error = await failure(register('--url', 'pcsync example'));
      expect(error.message).to.include('--url');
      expect(client.show.callCount).to.equal(0);
    });
  });

  describe('--events', () => {
    it('defaults to the four referral events and the validation event', async () => {
      const result = await register('--url', URL);
      expect(result).to.deep.equal({ url: URL, events: [...WEBHOOK_EVENTS], action: 'registered' });
      expect(client.register.firstCall.args[0]).to.deep.equal({ url: URL, events: [...WEBHOOK_EVENTS] });
      expect(resultSchemaErrors('pcsync:webhook:register', result)).to.deep.equal([]);
    });

    it('takes a comma-separated subset, each once', async () => {
      const result = await register('--url', URL, '--events', 'referral-created,referral-updated,referral-created');
      expect(result.events).to.deep.equal(['referral-created', 'referral-updated', 'test-created']);
    });

    it('refuses an event Partner Center does not send for referrals', async () => {
      const error = await failure(register('--url', URL, '--events', 'test-created'));
      expect(error.exitCode).to.equal(2);
      expect(error.message).to.include('Expected --events=test-created');
    });
  });

  describe('an existing registration', () => {
    it('the same URL and events: nothing is sent', async () => {
      registered(URL, [...WEBHOOK_EVENTS].reverse());
      const result = await register('--url', URL);
      expect(result.action).to.equal('unchanged');
      expect(client.register.callCount + client.update.callCount).to.equal(0);
    });

    it('the same URL with other events: updated without --overwrite', async () => {
      registered(URL, ['referral-created']);
      const result = await register('--url', URL);
      expect(result).to.deep.equal({ url: URL, events: [...WEBHOOK_EVENTS], action: 'updated' });
      expect(client.update.callCount).to.equal(1);
    });

    it('another URL: refused without --overwrite, naming it, and nothing is changed', async () => {
      registered(OTHER, ['referral-created']);
      const error = await failure(register('--url', URL));
      expect(error.name).to.equal('OtherUrlError');
      expect(error.message).to.equal(messages.getMessage('error.otherUrl', [OTHER, 'referral-created']));
      expect(error.actions).to.deep.equal(messages.getMessages('error.otherUrl.actions'));
      expect(client.register.callCount + client.update.callCount).to.equal(0);
    });

    it('another URL with --overwrite: replaced, and the result says which URL it replaced', async () => {
      registered(OTHER, ['referral-created']);
      const result = await register('--url', URL, '--overwrite');
      expect(result).to.deep.equal({
        url: URL,
        events: [...WEBHOOK_EVENTS],
        action: 'updated',
        replacedUrl: OTHER,
      });
      expect(client.update.firstCall.args[0]).to.deep.equal({ url: URL, events: [...WEBHOOK_EVENTS] });
      expect(client.register.callCount).to.equal(0);
      expect(resultSchemaErrors('pcsync:webhook:register', result)).to.deep.equal([]);
    });
  });
});
