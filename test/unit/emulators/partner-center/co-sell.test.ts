/**
 * Microsoft's side of a partner's co-sell (create-a-referral, "Create a shared referral": the partner's Shared
 * referral, then a connected referral for Microsoft in the same engagement). Microsoft accepts or declines the
 * connected referral; Partner Center raises related-referral-updated to the partner's registration.
 */
import { expect } from 'chai';
import type { Referral } from '../../../../emulators/partner-center/contract.js';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../../../emulators/partner-center/server.js';
import { trustEmulator } from '../../partner-center/helpers.js';
import { assertValid } from '../../partner-center/swagger.js';
import {
  REFERRALS,
  WEBHOOKS,
  accessToken,
  call,
  emulatorCall,
  partnerReferral,
  receiver,
  type Receiver,
} from './helpers.js';

describe('Partner Center emulator: Microsoft answers a co-sell', () => {
  let emulator: PartnerCenterEmulator;
  let token: string;
  let hook: Receiver;

  before(async () => {
    emulator = await startPartnerCenterEmulator({ port: 0, webhookRetryDelayMs: 1 });
    trustEmulator(emulator);
    hook = await receiver();
  });
  after(async () => {
    await hook?.close();
    await emulator?.close();
  });
  beforeEach(async () => {
    emulator.reset();
    hook.received.length = 0;
    token = await accessToken(emulator, REFERRALS);
    await call(`${emulator.webhooksBaseUrl}/registration`, {
      method: 'POST',
      token: await accessToken(emulator, WEBHOOKS),
      body: {
        WebhookUrl: hook.url,
        WebhookEvents: ['referral-created', 'referral-updated', 'related-referral-created', 'related-referral-updated'],
      },
    });
  });

  const events = async (): Promise<Array<{ EventName: string; ResourceUri: string }>> => {
    await emulator.admin.deliveriesIdle();
    return hook.received.map((r) => JSON.parse(r.body) as { EventName: string; ResourceUri: string });
  };

  /** The partner's two creates for a co-sell; answers [the partner's referral, the connected one for Microsoft]. */
  const coSell = async (): Promise<[Referral, Referral]> => {
    const consent = { consentToShareReferralWithMicrosoftSellers: true, consentToContact: true };
    const own = await call(`${emulator.referralsBaseUrl}/referrals`, {
      method: 'POST',
      token,
      body: partnerReferral({ type: 'Shared', consent, target: [{ type: 'SolutionProfile', id: 'SOL-34104-EBB' }] }),
    });
    expect(own.status).to.equal(200);
    const partner = own.body as Referral;
    const connected = await call(`${emulator.referralsBaseUrl}/referrals`, {
      method: 'POST',
      token,
      body: partnerReferral({
        type: 'Shared',
        consent,
        engagementId: partner.engagementId,
        target: [{ type: 'BusinessProfileLocation', id: 'msft' }],
        inviteContext: { notes: 'Please help', assistanceRequestCode: 'ProofOfConceptOrDemo' },
      }),
    });
    expect(connected.status).to.equal(200);
    expect(connected.body).to.deep.include({ status: 'New', substatus: 'Pending' });
    expect((await events()).map((e) => e.EventName)).to.deep.equal(['referral-created', 'related-referral-created']);
    hook.received.length = 0;
    return [partner, connected.body as Referral];
  };

  it('accepts: Active/Accepted, a Microsoft seller in the team, the MSX id set, an event', async () => {
    const [partner, connected] = await coSell();
    const accepted = emulator.admin.acceptCoSell(partner.id);
    expect(accepted.id).to.equal(connected.id);
    const read = (await call(`${emulator.referralsBaseUrl}/referrals/${connected.id}`, { token })).body as Referral;
    assertValid('getResponse', read);
    expect(read).to.deep.include({ status: 'Active', substatus: 'Accepted' });
    expect(read.team?.map((m) => m.email)).to.include('morgan.seller@microsoft.example');
    expect(read.trackingInfo?.microsoftMsxId).to.match(/^7-[0-9A-F]{10}$/);
    expect(read.acceptedDateTime).to.be.a('string');
    expect(read.eTag).not.to.equal(connected.eTag);
    expect(emulator.admin.getReferral(partner.id).status, 'the partner’s own referral is unchanged').to.equal(
      partner.status
    );
    const [event, ...more] = await events();
    expect(more).to.deep.equal([]);
    expect(event).to.deep.include({
      EventName: 'related-referral-updated',
      ResourceUri: `${emulator.url}/engagements/v1/referrals/${connected.id}`,
      ResourceName: 'referral',
    });
  });

  it('declines after accepting: Closed/Declined with the reason, a second related-referral-updated', async () => {
    const [partner, connected] = await coSell();
    emulator.admin.acceptCoSell(connected.id, {
      seller: { firstName: 'Sam', lastName: 'Soto', email: 'sam@microsoft.example' },
    });
    const declined = await emulatorCall(emulator, 'POST', `referrals/${partner.id}/microsoft/decline`, {
      statusReason: 'Customer not eligible',
    });
    expect(declined.status).to.equal(200);
    assertValid('referral', declined.body);
    expect(declined.body).to.deep.include({
      status: 'Closed',
      substatus: 'Declined',
      statusReason: 'Customer not eligible',
    });
    expect((declined.body as Referral).team?.map((m) => m.email)).to.include('sam@microsoft.example');
    expect((await events()).map((e) => e.EventName)).to.deep.equal([
      'related-referral-updated',
      'related-referral-updated',
    ]);
    expect(() => emulator.admin.acceptCoSell(partner.id), 'nothing moves after Declined').to.throw(/terminal/);
  });

  it('accepts over HTTP, and refuses a referral that has no connected referral for Microsoft', async () => {
    const [partner] = await coSell();
    const accepted = await emulatorCall(emulator, 'POST', `referrals/${partner.id}/microsoft/accept`, {
      microsoftMsxId: '7-ABCDEF1234',
    });
    expect((accepted.body as Referral).trackingInfo).to.deep.equal({ microsoftMsxId: '7-ABCDEF1234' });
    const alone = emulator.admin.createIncoming('marketing-qualified-lead');
    expect((await emulatorCall(emulator, 'POST', `referrals/${alone.id}/microsoft/accept`)).status).to.equal(409);
    expect((await emulatorCall(emulator, 'POST', 'referrals/nope/microsoft/decline')).status).to.equal(404);
  });

  it('refuses to make a referral shared with Microsoft sellers private again', async () => {
    const [partner] = await coSell();
    const patch = await call(`${emulator.referralsBaseUrl}/referrals/${partner.id}`, {
      method: 'PATCH',
      token,
      body: [{ op: 'replace', path: '/consent/consentToShareReferralWithMicrosoftSellers', value: false }],
    });
    expect(patch.status).to.equal(400);
    const privateDeal = (
      await call(`${emulator.referralsBaseUrl}/referrals`, { method: 'POST', token, body: partnerReferral() })
    ).body as Referral;
    const shared = await call(`${emulator.referralsBaseUrl}/referrals/${privateDeal.id}`, {
      method: 'PATCH',
      token,
      body: [{ op: 'replace', path: '/consent/consentToShareReferralWithMicrosoftSellers', value: true }],
    });
    expect(shared.status, 'sharing later is allowed').to.equal(204);
  });
});
