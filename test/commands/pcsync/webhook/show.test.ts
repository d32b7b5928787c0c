import { Messages } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import WebhookShow from '../../../../src/commands/pcsync/webhook/show.js';
import { WebhookRegistrationClient } from '../../../../src/partner-center/webhooks.js';
import {
  configFiles,
  restoreProcessAfterEach,
  resultSchemaErrors,
  stubFetch,
  stubPcsyncEnv,
} from '../../../helpers/command-test.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.webhook.show');

describe('pcsync webhook show', () => {
  const $$ = new TestContext();
  restoreProcessAfterEach();
  const files = configFiles();
  let ux: ReturnType<typeof stubSfCommandUx>;
  let config: string;

  before(() => {
    config = files.write('webhook.json', {});
  });
  beforeEach(() => {
    ux = stubSfCommandUx($$.SANDBOX);
    stubPcsyncEnv($$.SANDBOX);
    stubFetch($$.SANDBOX);
  });
  after(() => files.remove());

  it('nothing registered: says how to register, and the result says so', async () => {
    $$.SANDBOX.stub(WebhookRegistrationClient.prototype, 'show').resolves(undefined);
    const result = await WebhookShow.run(['--config', config, '--json']);
    expect(result).to.deep.equal({ registered: false, events: [] });
    expect(resultSchemaErrors('pcsync:webhook:show', result)).to.deep.equal([]);
    expect(ux.log.getCalls().flatMap((call) => call.args)).to.deep.equal([messages.getMessage('info.none')]);
  });

  it('a registration: its URL and events', async () => {
    const url = 'https://pcsync.example.com/webhooks/partner-center';
    $$.SANDBOX.stub(WebhookRegistrationClient.prototype, 'show').resolves({
      WebhookUrl: url,
      WebhookEvents: ['referral-created'],
    });
    const result = await WebhookShow.run(['--config', config, '--json']);
    expect(result).to.deep.equal({ registered: true, url, events: ['referral-created'] });
    expect(resultSchemaErrors('pcsync:webhook:show', result)).to.deep.equal([]);
  });
});
