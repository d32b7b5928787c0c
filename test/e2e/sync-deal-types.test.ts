/**
 * The seller's deal type and Microsoft's side of a co-sell (issue 15), through the real sf CLI against both
 * emulators: Private, Partner-led and Co-sell each create exactly the referrals and consent Microsoft's
 * create-a-referral page describes (stored bodies checked against Microsoft's swagger), and Microsoft accepting, then
 * a co-sell being declined, shows on the Opportunity and in its timeline.
 */
import { expect } from 'chai';
import type { Referral } from '../../emulators/partner-center/contract.js';
import { EVENT, OPP } from '../../src/salesforce/fields.js';
import { sharedSyncWorld } from '../helpers/suite-hooks.js';
import { assertValid } from '../unit/partner-center/swagger.js';

type Row = Record<string, unknown>;

describe('e2e: deal types and Microsoft’s side of a co-sell', function () {
  this.timeout(300_000);
  const world = sharedSyncWorld({ sf: { duplicateRules: false } });
  let account: string;
  let contact: string;

  beforeEach(async () => {
    ({ account, contact } = await world.customer());
  });

  const opportunity = async (name: string, fields: Row, withContact = false): Promise<string> => {
    const { id } = await world.rest('POST', '/sobjects/Opportunity', {
      Name: name,
      StageName: 'Qualification',
      CloseDate: '2027-02-28',
      AccountId: account,
      [OPP.syncWith]: true,
      [OPP.solutions]: 'SOL-34104-EBB',
      ...fields,
    });
    if (withContact) {
      await world.rest('POST', '/sobjects/OpportunityContactRole', { OpportunityId: id, ContactId: contact });
    }
    return String(id);
  };
  const referralsOf = (id: string): Referral[] =>
    world.pc.admin.referrals().filter((r) => r.externalReferenceId?.slice(0, 15) === id.slice(0, 15));
  const isMicrosofts = (r: Referral): boolean => Boolean(r.target?.some((t) => t.id === 'msft'));
  const rowOf = (id: string): Row =>
    world.sf.records('Opportunity').find((row) => String(row.Id).slice(0, 15) === id.slice(0, 15))!;

  it('Private, Partner-led and Co-sell each create what Microsoft’s page describes', async () => {
    const privateDeal = await opportunity('Private deal', { [OPP.dealType]: 'Private' });
    const partnerLed = await opportunity('Partner-led deal', { [OPP.dealType]: 'Partner-led' });
    const coSell = await opportunity(
      'Co-sell deal',
      { [OPP.dealType]: 'Co-sell', [OPP.help]: 'General or other' },
      true
    );
    // From before the field: no deal type and no help is private — nothing is shared unless the seller chose it.
    const legacy = await opportunity('Legacy deal', {});
    // A co-sell must say how Microsoft can help: refused up front, nothing sent.
    const noHelp = await opportunity('Co-sell without help', { [OPP.dealType]: 'Co-sell' }, true);

    const run = await world.run('--direction', 'outbound');
    expect(run.exitCode).to.equal(1); // the co-sell without help is an error on its record
    const stored = world.pc.admin.referrals();
    for (const referral of stored) assertValid('referral', referral);
    expect(stored).to.have.length(5);

    const terms = (id: string): unknown =>
      referralsOf(id).map((r) => ({
        microsoft: isMicrosofts(r),
        type: r.type,
        share: r.consent?.consentToShareReferralWithMicrosoftSellers ?? false,
        contact: r.consent?.consentToContact ?? false,
      }));
    expect(terms(privateDeal)).to.deep.equal([{ microsoft: false, type: 'Independent', share: false, contact: false }]);
    expect(terms(legacy)).to.deep.equal([{ microsoft: false, type: 'Independent', share: false, contact: false }]);
    expect(terms(partnerLed)).to.deep.equal([{ microsoft: false, type: 'Independent', share: true, contact: false }]);
    expect(terms(coSell)).to.have.deep.members([
      { microsoft: false, type: 'Shared', share: true, contact: true },
      { microsoft: true, type: 'Shared', share: true, contact: true },
    ]);
    const [own, invitation] = [
      referralsOf(coSell).find((r) => !isMicrosofts(r))!,
      referralsOf(coSell).find(isMicrosofts)!,
    ];
    expect(invitation.engagementId).to.equal(own.engagementId);

    expect(referralsOf(noHelp)).to.have.length(0);
    expect(rowOf(noHelp)[OPP.state]).to.equal('Error');
    expect(String(rowOf(noHelp)[OPP.error])).to.match(/how Microsoft can help/i);
    for (const id of [privateDeal, partnerLed, coSell, legacy]) expect(rowOf(id)[OPP.state]).to.equal('Synced');
  });

  it('a private deal turned into a co-sell is shared, and Microsoft is invited once', async () => {
    const id = await opportunity('Private first', { [OPP.dealType]: 'Private' }, true);
    expect((await world.run('--direction', 'outbound')).exitCode).to.equal(0);
    const [own] = referralsOf(id);
    expect(own.consent?.consentToShareReferralWithMicrosoftSellers).to.equal(false);

    await world.rest('PATCH', `/sobjects/Opportunity/${id}`, {
      [OPP.dealType]: 'Co-sell',
      [OPP.help]: 'Proof of concept or demo',
    });
    const upgrade = await world.run('--direction', 'outbound');
    expect(upgrade.exitCode, upgrade.stderr).to.equal(0);
    const after = referralsOf(id);
    expect(after.filter((r) => !isMicrosofts(r)).map((r) => r.id)).to.deep.equal([own.id]);
    expect(after.find((r) => r.id === own.id)?.consent?.consentToShareReferralWithMicrosoftSellers).to.equal(true);
    const invitations = after.filter(isMicrosofts);
    expect(invitations).to.have.length(1);
    expect(invitations[0].engagementId).to.equal(own.engagementId);
    expect(rowOf(id)[OPP.microsoftStatus]).to.be.a('string').and.not.equal('');
    expect(rowOf(id)[OPP.state]).to.equal('Synced');

    // Again, with a field the rep changed: it goes out, and no second invitation.
    await world.rest('PATCH', `/sobjects/Opportunity/${id}`, { Amount: 4321 });
    const again = await world.run();
    expect(again.exitCode, again.stderr).to.equal(0);
    expect(referralsOf(id).filter(isMicrosofts)).to.have.length(1);
    expect(world.pc.admin.getReferral(own.id).details.dealValue).to.equal(4321);
  });

  it('a co-sell Microsoft sent, recorded as Co-sell by the rep, is not invited again; its edits go out', async () => {
    const incoming = world.pc.admin.createIncoming('cosell');
    expect((await world.run()).exitCode).to.equal(0);
    const row = world.sf.records('Opportunity').find((r) => r[OPP.referralId] === incoming.id)!;
    await world.rest('PATCH', `/sobjects/Opportunity/${String(row.Id)}`, { [OPP.dealType]: 'Co-sell', Amount: 777 });
    const run = await world.run();
    expect(run.exitCode, run.stderr).to.equal(0);
    expect(world.pc.admin.getReferral(incoming.id).details.dealValue).to.equal(777);
    expect(world.pc.admin.referrals()).to.have.length(1);
  });

  it('Microsoft accepting, then another co-sell declined, shows on the Opportunity and in its timeline', async () => {
    const accepted = await opportunity('Accepted', { [OPP.dealType]: 'Co-sell', [OPP.help]: 'General or other' }, true);
    const declined = await opportunity('Declined', { [OPP.dealType]: 'Co-sell', [OPP.help]: 'General or other' }, true);
    const first = await world.run();
    expect(first.exitCode, first.stderr).to.equal(0);
    const ownOf = (id: string): Referral => referralsOf(id).find((r) => !isMicrosofts(r))!;

    world.pc.admin.acceptCoSell(ownOf(accepted).id, {
      seller: { firstName: 'Mia', lastName: 'Seller', email: 'mia@microsoft.example' },
      microsoftMsxId: '7-ABCDEF123',
    });
    world.pc.admin.declineCoSell(ownOf(declined).id, { statusReason: 'Not a fit' });
    const second = await world.run();
    expect(second.exitCode, second.stderr).to.equal(0);

    expect(rowOf(accepted)).to.include({
      [OPP.microsoftStatus]: 'Active/Accepted',
      [OPP.microsoftSeller]: 'Mia Seller <mia@microsoft.example>',
      [OPP.microsoftCrmId]: '7-ABCDEF123',
    });
    expect(rowOf(declined)[OPP.microsoftStatus]).to.equal('Closed/Declined');
    // The partner's own referral and the Opportunity are untouched by Microsoft's answer: one Opportunity each.
    expect(world.sf.records('Opportunity')).to.have.length(2);
    const timeline = (id: string): string[] =>
      world.sf
        .records(EVENT.object)
        .filter((event) => String(event[EVENT.opportunity]).slice(0, 15) === id.slice(0, 15))
        .map((event) => String(event[EVENT.message]));
    expect(timeline(accepted)).to.include('Microsoft accepted the co-sell.');
    expect(timeline(declined)).to.include('Microsoft declined the co-sell.');

    // Nothing new: the third run writes no Microsoft field and adds no event.
    const events = world.sf.records(EVENT.object).length;
    const third = await world.run();
    expect(third.exitCode, third.stderr).to.equal(0);
    expect(world.sf.records(EVENT.object)).to.have.length(events);
  });
});
