/** `sf pcsync webhook register|show|test` through the real sf CLI against the Partner Center emulator. */
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../emulators/partner-center/server.js';
import type { WebhookRegisterResult } from '../../src/commands/pcsync/webhook/register.js';
import type { WebhookShowResult } from '../../src/commands/pcsync/webhook/show.js';
import { partnerCenterEnv } from '../helpers/partner-center-env.js';
import { expectNoSecretsIn, TEST_CLIENT_SECRET } from '../helpers/secrets.js';
import { SfSession } from '../helpers/sf-cli.js';
import { clientsFor } from '../unit/partner-center/helpers.js';

describe('e2e: sf pcsync webhook', function () {
  this.timeout(120_000);
  let pc: PartnerCenterEmulator;
  let session: SfSession;

  before(async () => {
    pc = await startPartnerCenterEmulator({ port: 0, clientSecret: TEST_CLIENT_SECRET });
    session = SfSession.create({
      env: partnerCenterEnv(pc),
    });
  });
  after(async () => {
    session?.clean();
    await pc?.close();
  });
  afterEach(() => expectNoSecretsIn({ session, pc }));

  it('registers the four referral events, and refuses to replace another URL without --overwrite', async () => {
    const none = await session.runJson<WebhookShowResult>(['pcsync', 'webhook', 'show']);
    expect(none.json.result).to.deep.equal({ registered: false, events: [] });

    const first = await session.runJson<WebhookRegisterResult>([
      'pcsync',
      'webhook',
      'register',
      '--url',
      'https://first.example/hooks',
    ]);
    expect(first.exitCode, first.stderr).to.equal(0);
    expect(first.json.result).to.deep.equal({
      url: 'https://first.example/hooks',
      events: [
        'referral-created',
        'referral-updated',
        'related-referral-created',
        'related-referral-updated',
        'test-created',
      ],
      action: 'registered',
    });
    expect(pc.admin.registration()?.WebhookUrl).to.equal('https://first.example/hooks');

    const refused = await session.run(['pcsync', 'webhook', 'register', '--url', 'https://second.example/hooks']);
    expect(refused.exitCode).to.equal(1);
    expect(refused.stderr).to.include('https://first.example/hooks').and.include('--overwrite');
    expect(pc.admin.registration()?.WebhookUrl).to.equal('https://first.example/hooks');

    const replaced = await session.runJson<WebhookRegisterResult>([
      'pcsync',
      'webhook',
      'register',
      '--url',
      'https://second.example/hooks',
      '--overwrite',
    ]);
    expect(replaced.json.result).to.deep.include({ action: 'updated', replacedUrl: 'https://first.example/hooks' });

    const shown = await session.run(['pcsync', 'webhook', 'show']);
    expect(shown.stdout).to.include('https://second.example/hooks').and.include('referral-created');
  });

  it('webhook test sends nothing to a registration without test-created, and says how to add it', async () => {
    await clientsFor(pc).webhooks.update({ url: 'https://second.example/hooks', events: ['referral-created'] });
    pc.resetCounters();
    const result = await session.run(['pcsync', 'webhook', 'test', '--wait', '1']);
    expect(result.exitCode).to.equal(1);
    expect(result.stderr)
      .to.include('does not include the test-created event')
      .and.include('sf pcsync webhook register --url https://second.example/hooks');
    expect(Object.keys(pc.counters()).filter((key) => key.includes('validationEvents'))).to.deep.equal([]);

    const again = await session.runJson<WebhookRegisterResult>([
      'pcsync',
      'webhook',
      'register',
      '--url',
      'https://second.example/hooks',
    ]);
    expect(again.json.result).to.deep.include({ action: 'updated' });
    expect(pc.admin.registration()?.WebhookEvents).to.include('test-created');
  });

  it('refuses a plain http URL before any call', async () => {
    pc.resetCounters();
    const result = await session.run(['pcsync', 'webhook', 'register', '--url', 'http://insecure.example/hooks']);
    expect(result.exitCode).to.equal(1);
    expect(result.stderr).to.include('not an https URL');
    expect(Object.keys(pc.counters()).filter((key) => key.includes('registration'))).to.deep.equal([]);
  });
});
