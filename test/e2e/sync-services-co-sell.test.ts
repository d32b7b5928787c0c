/**
 * Issue 15's last items through the real sf CLI against both emulators: a services co-sell's partnerRole,
 * solutionArea and solutionPlay mapped from the admin's fields and checked before sending, every solution sent with its
 * SolutionType (the partner's first catalog solution as the target), and a deal turned Partner-led after its referral
 * exists shared with Microsoft sellers — while Private on a shared one is refused. Stored referrals are checked against
 * Microsoft's swagger plus the fields only Learn documents.
 */
import { expect } from 'chai';
import type { Referral } from '../../emulators/partner-center/contract.js';
import { DEFAULT_MAPPING } from '../../src/mapping/defaults.js';
import { OPP } from '../../src/salesforce/fields.js';
import { sharedSyncWorld, withConfigDir } from '../helpers/suite-hooks.js';
import { assertValid } from '../unit/partner-center/swagger.js';

type Row = Record<string, unknown>;

/** The admin maps the three fields from the org's own fields, picklists through value maps, and lists the values. */
const CONFIG = {
  mapping: [
    ...DEFAULT_MAPPING,
    { partnerCenter: 'partnerRole', salesforce: 'NextStep', direction: 'outbound' },
    {
      partnerCenter: 'solutionArea',
      salesforce: 'Type',
      direction: 'outbound',
      valueMap: [
        { partnerCenter: 'AreaNew', salesforce: 'New Customer' },
        { partnerCenter: 'AreaUpgrade', salesforce: 'Existing Customer - Upgrade' },
      ],
    },
    {
      partnerCenter: 'solutionPlay',
      salesforce: 'LeadSource',
      direction: 'outbound',
      valueMap: [
        { partnerCenter: 'PlayWeb', salesforce: 'Web' },
        { partnerCenter: 'PlayRetired', salesforce: 'Other' },
      ],
    },
  ],
  coSell: {
    services: {
      allowed: { partnerRole: ['Implementation'], solutionArea: ['AreaNew', 'AreaUpgrade'], solutionPlay: ['PlayWeb'] },
    },
  },
};

describe('e2e: services co-sell fields, typed solutions, Partner-led after create', function () {
  this.timeout(300_000);
  const world = sharedSyncWorld({ sf: { duplicateRules: false } });
  const configs = withConfigDir('pcsync-e2e-services-');
  let config: string;
  let account: string;
  let contact: string;

  before(() => {
    config = configs.write('pcsync.json', CONFIG);
  });
  beforeEach(async () => {
    ({ account, contact } = await world.customer());
  });

  const opportunity = async (name: string, fields: Row): Promise<string> => {
    const { id } = await world.rest('POST', '/sobjects/Opportunity', {
      Name: name,
      StageName: 'Qualification',
      CloseDate: '2027-02-28',
      AccountId: account,
      [OPP.syncWith]: true,
      [OPP.solutions]: 'SOL-34104-EBB',
      ...fields,
    });
    await world.rest('POST', '/sobjects/OpportunityContactRole', { OpportunityId: id, ContactId: contact });
    return String(id);
  };
  const coSell = { [OPP.dealType]: 'Co-sell', [OPP.help]: 'General or other' };
  const run = (...args: string[]) => world.run('--config', config, '--direction', 'outbound', ...args);
  const referralsOf = (id: string): Referral[] =>
    world.pc.admin.referrals().filter((r) => r.externalReferenceId?.slice(0, 15) === id.slice(0, 15));
  const rowOf = (id: string): Row =>
    world.sf.records('Opportunity').find((row) => String(row.Id).slice(0, 15) === id.slice(0, 15))!;

  it('a services co-sell goes with its three fields and typed solutions; one lacking or misusing them is refused', async () => {
    const complete = await opportunity('Services co-sell', {
      ...coSell,
      NextStep: 'Implementation',
      Type: 'New Customer',
      LeadSource: 'Web',
      [OPP.solutions]: 'AzureStack;SOL-34104-EBB;SOL-77-ABC',
    });
    const lacking = await opportunity('Services co-sell without an area', { ...coSell, NextStep: 'Implementation' });
    const retired = await opportunity('Services co-sell with a retired play', {
      ...coSell,
      NextStep: 'Implementation',
      Type: 'Existing Customer - Upgrade',
      LeadSource: 'Other',
    });
    const plain = await opportunity('A co-sell that is not for services', coSell);

    const result = await run();
    expect(result.exitCode, result.stderr).to.equal(1); // two records refused
    for (const referral of world.pc.admin.referrals()) assertValid('referral', referral);

    const sent = referralsOf(complete);
    expect(sent).to.have.length(2); // the partner's Shared referral and Microsoft's connected one
    for (const referral of sent) {
      expect(referral).to.include({ partnerRole: 'Implementation', solutionArea: 'AreaNew', solutionPlay: 'PlayWeb' });
      expect(referral.details.requirements).to.deep.equal({
        solutions: [
          { id: 'AzureStack', type: 'Category' },
          { id: 'SOL-34104-EBB', type: 'Name' },
          { id: 'SOL-77-ABC', type: 'Name' },
        ],
      });
    }
    const own = sent.find((r) => !r.target?.some((t) => t.id === 'msft'))!;
    expect(own.target).to.deep.equal([{ type: 'SolutionProfile', id: 'SOL-34104-EBB' }]);

    expect(referralsOf(lacking)).to.have.length(0);
    expect(rowOf(lacking)[OPP.state]).to.equal('Error');
    const lackingError = String(rowOf(lacking)[OPP.error]);
    expect(lackingError).to.include('solutionArea').and.include('Type').and.include('AreaNew, AreaUpgrade');
    expect(lackingError).to.include('solutionPlay').and.include('LeadSource').and.include('PlayWeb');

    expect(referralsOf(retired)).to.have.length(0);
    expect(String(rowOf(retired)[OPP.error]))
      .to.include('"PlayRetired"')
      .and.include('PlayWeb');

    expect(referralsOf(plain)).to.have.length(2);
    expect(referralsOf(plain)[0]).not.to.have.property('partnerRole');
    for (const id of [complete, plain]) expect(rowOf(id)[OPP.state]).to.equal('Synced');
  });

  it('Private turned Partner-led after the referral exists is shared; Partner-led turned Private is refused', async () => {
    const id = await opportunity('Private first', { [OPP.dealType]: 'Private' });
    expect((await run()).exitCode).to.equal(0);
    const [own] = referralsOf(id);
    expect(own.consent?.consentToShareReferralWithMicrosoftSellers).to.equal(false);

    await world.rest('PATCH', `/sobjects/Opportunity/${id}`, { [OPP.dealType]: 'Partner-led' });
    const shared = await run();
    expect(shared.exitCode, shared.stderr).to.equal(0);
    expect(referralsOf(id).map((r) => r.id)).to.deep.equal([own.id]);
    const after = world.pc.admin.getReferral(own.id);
    expect(after.consent?.consentToShareReferralWithMicrosoftSellers).to.equal(true);
    expect(after.type).to.equal('Independent'); // Partner-led: shared, with no invitation to Microsoft
    assertValid('referral', after);
    expect(rowOf(id)[OPP.state]).to.equal('Synced');

    // Nothing new: the deal type agreed, no second patch.
    const patches = world.pc.counters()['PATCH /referrals/{id}'];
    expect((await run()).exitCode).to.equal(0);
    expect(world.pc.counters()['PATCH /referrals/{id}']).to.equal(patches);

    await world.rest('PATCH', `/sobjects/Opportunity/${id}`, { [OPP.dealType]: 'Private', Amount: 999 });
    const refused = await run();
    expect(refused.exitCode).to.equal(1);
    expect(rowOf(id)[OPP.state]).to.equal('Error');
    expect(String(rowOf(id)[OPP.error])).to.match(/already shared with Microsoft sellers/);
    // Nothing was sent: still shared, and the amount stays until the rep sets the deal type back.
    expect(world.pc.counters()['PATCH /referrals/{id}']).to.equal(patches);
    expect(world.pc.admin.getReferral(own.id).details.dealValue).not.to.equal(999);
  });
});
