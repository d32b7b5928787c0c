import { expect } from 'chai';
import { OPP } from '../../../src/salesforce/fields.js';
import type { Snapshot } from '../../../src/mapping/merge.js';
import type { Referral } from '../../../src/partner-center/referral-types.js';
import { dealTypeChanged, dealTypeOf, referralTerms, SHARING_KEY, sharingFor } from '../../../src/sync/deal-type.js';

describe('sync: deal types', () => {
  it('reads the recorded deal type, and a record from before the field as pcsync did then', () => {
    expect(dealTypeOf({ [OPP.dealType]: 'Partner-led', [OPP.help]: 'General or other' })).to.equal('Partner-led');
    expect(dealTypeOf({ [OPP.help]: 'General or other' })).to.equal('Co-sell');
    expect(dealTypeOf({ [OPP.referralId]: 'r-1' })).to.equal('Partner-led');
    expect(dealTypeOf({})).to.equal('Private');
    expect(dealTypeOf({ [OPP.dealType]: 'Shared' })).to.equal('Private');
  });

  it("gives each deal type Microsoft's type and consent (create-a-referral, deal types)", () => {
    expect(referralTerms('Private')).to.deep.equal({
      type: 'Independent',
      consent: { consentToShareReferralWithMicrosoftSellers: false, consentToContact: false },
    });
    expect(referralTerms('Partner-led')).to.deep.equal({
      type: 'Independent',
      consent: { consentToShareReferralWithMicrosoftSellers: true, consentToContact: false },
    });
    expect(referralTerms('Co-sell')).to.deep.equal({
      type: 'Shared',
      consent: { consentToShareReferralWithMicrosoftSellers: true, consentToContact: true },
    });
  });

  it('a recorded deal type asks an existing referral to be shared, or refuses to unshare it', () => {
    const own = (share: boolean | undefined): Referral =>
      ({ direction: 'Outgoing', consent: { consentToShareReferralWithMicrosoftSellers: share } }) as Referral;
    expect(sharingFor({ [OPP.dealType]: 'Partner-led' }, own(false))).to.deep.equal({ share: true });
    expect(sharingFor({ [OPP.dealType]: 'Co-sell' }, own(undefined))).to.deep.equal({ share: true });
    expect(sharingFor({ [OPP.dealType]: 'Partner-led' }, own(true))).to.equal(undefined);
    expect(sharingFor({ [OPP.dealType]: 'Private' }, own(false))).to.equal(undefined);
    expect(sharingFor({ [OPP.dealType]: 'Private' }, own(true)))
      .to.have.property('refusal')
      .that.match(/Partner-led/);
    // Nothing shared unless the seller chose it; a referral sent to the partner is its sender's to share.
    expect(sharingFor({}, own(false))).to.equal(undefined);
    expect(sharingFor({ [OPP.dealType]: 'Partner-led' }, { ...own(false), direction: 'Incoming' })).to.equal(undefined);
  });

  it('notices a deal type changed since it was agreed, and one recorded before the snapshot kept it', () => {
    const snapshot = (sf: unknown): Snapshot => ({ v: 1, fields: { [SHARING_KEY]: { pc: false, sf } } });
    expect(dealTypeChanged({ [OPP.dealType]: 'Private' }, snapshot('Private'))).to.equal(false);
    expect(dealTypeChanged({ [OPP.dealType]: 'Partner-led' }, snapshot('Private'))).to.equal(true);
    expect(dealTypeChanged({}, snapshot(null))).to.equal(false);
    expect(dealTypeChanged({ [OPP.dealType]: 'Private' }, { v: 1, fields: {} })).to.equal(true);
    expect(dealTypeChanged({}, { v: 1, fields: {} })).to.equal(false);
  });
});
