/**
 * Each kind of incoming referral from the admin endpoint (issue 17), classified as referrals-api-introduction says —
 * by type, qualification and the inviting organisation — and valid against Microsoft's swagger.
 */
import { expect } from 'chai';
import type { Referral } from '../../../../emulators/partner-center/contract.js';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../../../emulators/partner-center/server.js';
import { trustEmulator } from '../../partner-center/helpers.js';
import { assertValid } from '../../partner-center/swagger.js';
import { REFERRALS, accessToken, call, emulatorCall } from './helpers.js';

const EXPECTED = {
  'marketplace-lead': { type: 'Independent', qualification: 'Direct', invitedBy: undefined },
  'marketing-qualified-lead': { type: 'Independent', qualification: 'MarketingQualified', invitedBy: 'msft' },
  'sales-qualified-lead': { type: 'Independent', qualification: 'SalesQualified', invitedBy: 'msft' },
  'microsoft-co-sell': { type: 'Shared', qualification: 'SalesQualified', invitedBy: 'msft' },
  'partner-to-partner': { type: 'Shared', qualification: 'None', invitedBy: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b' },
} as const;

describe('Partner Center emulator: each referral kind from the admin endpoint', () => {
  let emulator: PartnerCenterEmulator;

  before(async () => {
    emulator = await startPartnerCenterEmulator({ port: 0 });
    trustEmulator(emulator);
  });
  after(() => emulator?.close());
  beforeEach(() => emulator.reset());

  for (const [kind, expected] of Object.entries(EXPECTED)) {
    const inviter = expected.invitedBy ?? 'no inviter';
    it(`creates a ${kind}: ${expected.type}, ${expected.qualification}, ${inviter}`, async () => {
      const created = await emulatorCall(emulator, 'POST', 'referrals', { kind });
      expect(created.status).to.equal(200);
      assertValid('referral', created.body);
      const referral = created.body as Referral;
      expect(referral).to.deep.include({
        type: expected.type,
        qualification: expected.qualification,
        direction: 'Incoming',
        status: 'New',
        substatus: 'Pending',
      });
      expect(referral.inviteContext?.invitedBy?.organizationId).to.equal(expected.invitedBy);
      expect(referral.target).to.deep.equal([{ type: 'BusinessProfileLocation', id: referral.organizationId }]);
      const read = await call(`${emulator.referralsBaseUrl}/referrals/${referral.id}`, {
        token: await accessToken(emulator, REFERRALS),
      });
      assertValid('getResponse', read.body);
      expect(read.body).to.deep.equal(referral);
    });
  }

  it('gives a marketplace lead its source and call to action, and takes others as overrides', async () => {
    const lead = (await emulatorCall(emulator, 'POST', 'referrals', { kind: 'marketplace-lead' })).body as Referral;
    expect(lead).to.deep.include({ referralSource: 'AppSource', callToAction: 'ContactMe' });
    expect(lead.details).to.deep.include({ customerRequestedContact: true });
    expect(lead.inviteContext).to.equal(undefined);
    const trial = (
      await emulatorCall(emulator, 'POST', 'referrals', {
        kind: 'marketplace-lead',
        referral: { referralSource: 'AzureMarketplace', callToAction: 'FreeTrial' },
      })
    ).body as Referral;
    expect(trial).to.deep.include({ referralSource: 'AzureMarketplace', callToAction: 'FreeTrial' });
  });

  it('finds the kinds with the documented filters, keeps the older names, and refuses an unknown kind', async () => {
    for (const kind of Object.keys(EXPECTED)) await emulatorCall(emulator, 'POST', 'referrals', { kind });
    const token = await accessToken(emulator, REFERRALS);
    const names = async (filter: string): Promise<string[]> => {
      const page = await call(`${emulator.referralsBaseUrl}/referrals?${encodeURI(`$filter=${filter}`)}`, { token });
      return (page.body as { value: Referral[] }).value.map((r) => r.name!.replace(/ \d+$/, ''));
    };
    expect(await names("(type eq 'Shared' and direction eq 'Incoming')")).to.deep.equal([
      'Co-sell opportunity',
      'Partner co-sell opportunity',
    ]);
    expect(await names("qualification eq 'MarketingQualified'")).to.deep.equal(['Marketing-qualified lead']);
    expect(emulator.admin.createIncoming('lead')).to.deep.include({ qualification: 'MarketingQualified' });
    expect(emulator.admin.createIncoming('cosell')).to.deep.include({
      type: 'Shared',
      qualification: 'SalesQualified',
    });
    const unknown = await emulatorCall(emulator, 'POST', 'referrals', { kind: 'hot-lead' });
    expect(unknown.status).to.equal(400);
    expect((unknown.body as { message: string }).message).to.include('marketplace-lead');
    const seeded = await emulatorCall(emulator, 'POST', 'referrals/seed', { count: 3, kind: 'sales-qualified-lead' });
    expect(seeded.body).to.deep.equal({ count: 10 });
  });
});
