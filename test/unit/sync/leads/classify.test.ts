import { expect } from 'chai';
import { classifyReferral, routeReferral } from '../../../../src/sync/leads/classify.js';
import type { Referral } from '../../../../src/partner-center/referral-types.js';

type Shape = Pick<Referral, 'type' | 'qualification' | 'inviteContext' | 'direction' | 'status' | 'substatus'>;

const referral = (overrides: Partial<Shape>, invitedBy?: string): Shape => ({
  type: 'Independent',
  qualification: 'Direct',
  direction: 'Incoming',
  status: 'New',
  substatus: 'Pending',
  ...(invitedBy === undefined ? {} : { inviteContext: { invitedBy: { organizationId: invitedBy } } }),
  ...overrides,
});

describe('leads: which referrals are leads (referrals-api-introduction, "About referrals")', () => {
  it("follows Microsoft's table: type, qualification and the inviting organisation", () => {
    const rows: Array<[Shape, string]> = [
      [referral({}), 'marketplaceLead'],
      [referral({}, 'msft'), 'marketplaceLead'],
      [referral({}, 'partner-org-1'), 'opportunity'],
      [referral({ qualification: 'SalesQualified' }, 'msft'), 'qualifiedLead'],
      [referral({ qualification: 'MarketingQualified' }, 'msft'), 'qualifiedLead'],
      [referral({ qualification: 'MarketingQualified' }), 'opportunity'],
      [referral({ qualification: 'SalesQualified' }, 'partner-org-1'), 'opportunity'],
      [referral({ qualification: 'None' }, 'partner-org-1'), 'opportunity'],
      [referral({ type: 'Shared', qualification: 'SalesQualified' }, 'msft'), 'opportunity'],
      [referral({ type: 'Shared', qualification: 'Direct' }), 'opportunity'],
    ];
    expect(rows.map(([r]) => classifyReferral(r))).to.deep.equal(rows.map(([, category]) => category));
  });

  it('routes leads by the switch: a Lead until accepted, an Opportunity, or nothing', () => {
    const lead = referral({ qualification: 'SalesQualified' }, 'msft');
    const coSell = referral({ type: 'Shared', qualification: 'SalesQualified' }, 'partner-org-1');
    const both = { kinds: ['marketplaceLead', 'qualifiedLead'] as Array<'marketplaceLead' | 'qualifiedLead'> };
    expect(routeReferral(lead, { ...both, sync: 'lead' })).to.equal('lead');
    expect(routeReferral({ ...lead, status: 'Active', substatus: 'Accepted' }, { ...both, sync: 'lead' })).to.equal(
      'opportunity'
    );
    expect(routeReferral(lead, { ...both, sync: 'opportunity' })).to.equal('opportunity');
    expect(routeReferral(lead, { ...both, sync: 'off' })).to.equal('skip');
    expect(routeReferral(coSell, { ...both, sync: 'off' })).to.equal('opportunity');
    expect(routeReferral(lead, { kinds: ['marketplaceLead'], sync: 'lead' })).to.equal('opportunity');
    expect(routeReferral({ ...lead, direction: 'Outgoing' }, { ...both, sync: 'lead' })).to.equal('opportunity');
  });
});
