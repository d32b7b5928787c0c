import { Messages } from '@salesforce/core';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import WebhookTest from '../../../../src/commands/pcsync/webhook/test.js';
import type { ValidationEventStatus } from '../../../../src/partner-center/referral-types.js';
import { WebhookRegistrationClient } from '../../../../src/partner-center/webhooks.js';
import {
  configFiles,
  failure,
  restoreProcessAfterEach,
  resultSchemaErrors,
  stubFetch,
  stubPcsyncEnv,
} from '../../../helpers/command-test.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.webhook.test');

const CALLBACK = 'https://pcsync.example.com/webhooks/partner-center';

const status = (responseCode: string): ValidationEventStatus => ({
  correlationId: 'corr-1',
  partnerId: 'partner-1',
  status: 'completed',
  callbackUrl: CALLBACK,
  results: [{ responseCode, responseMessage: '', systemError: false, dateTimeUtc: '2026-11-01T00:00:00Z' }],
});

describe('pcsync webhook test', () => {
  const $$ = new TestContext();
  restoreProcessAfterEach();
  const files = configFiles();
  let config: string;

  before(() => {
    config = files.write('webhook.json', {});
  });
  beforeEach(() => {
    stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
    stubPcsyncEnv($$.SANDBOX);
    stubFetch($$.SANDBOX);
    $$.SANDBOX.stub(WebhookRegistrationClient.prototype, 'sendValidationEvent').resolves('corr-1');
    $$.SANDBOX.stub(WebhookRegistrationClient.prototype, 'show').resolves({
      WebhookUrl: CALLBACK,
      WebhookEvents: ['referral-created', 'test-created'],
    });
  });
  after(() => files.remove());

  it('an accepted delivery: the result of its schema', async () => {
    $$.SANDBOX.stub(WebhookRegistrationClient.prototype, 'validationStatus').resolves(status('OK'));
    const result = await WebhookTest.run(['--config', config, '--json']);
    expect(result).to.include({ correlationId: 'corr-1', delivered: true, status: 'completed' });
    expect(resultSchemaErrors('pcsync:webhook:test', result)).to.deep.equal([]);
  });

  it('a refused delivery fails pointing at the responses', async () => {
    $$.SANDBOX.stub(WebhookRegistrationClient.prototype, 'validationStatus').resolves(status('Unauthorized'));
    const error = await failure(WebhookTest.run(['--config', config, '--json']));
    expect(error.name).to.equal('RejectedError');
    expect(error.message).to.equal(messages.getMessage('error.rejected', [CALLBACK, 'Unauthorized', '']));
  });

  it('takes --wait from 1 to 600 seconds', async () => {
    const error = await failure(WebhookTest.run(['--config', config, '--wait', '601']));
    expect(error.message).to.include('--wait');
  });
});
