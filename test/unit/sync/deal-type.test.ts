import { expect } from 'chai';
import { OPP } from '../../../src/salesforce/fields.js';
import { dealTypeOf, referralTerms } from '../../../src/sync/deal-type.js';

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
});
