/** The outbound pass's pure planning: change detection against the snapshot, and the JSON Patch it plans. */
import { expect } from 'chai';
import { validateConfig } from '../../../src/config/index.js';
import { agreedSnapshot, type OpportunityRow } from '../../../src/mapping/pairing.js';
import { syncRules } from '../../../src/mapping/system-rules.js';
import type { Referral } from '../../../src/partner-center/referral-types.js';
import { OPP } from '../../../src/salesforce/fields.js';
import { planPatch, salesforceSideChanged } from '../../../src/sync/outbound/plan.js';
import { SHARING_KEY } from '../../../src/sync/deal-type.js';
import { STAGE_KEY } from '../../../src/sync/stages.js';

const config = validateConfig({});
const rules = syncRules(config.mapping);

const referral = (overrides: Partial<Referral> = {}): Referral => ({
  id: 'ref-1',
  engagementId: 'eng-1',
  name: 'Contoso rollout',
  createdDateTime: '2026-01-01T00:00:00Z',
  updatedDateTime: '2026-01-02T00:00:00Z',
  status: 'Active',
  substatus: 'Accepted',
  type: 'Shared',
  customerProfile: { name: 'Contoso', address: { country: 'US' } },
  consent: {},
  details: { dealValue: 1000, notes: 'first', closingDateTime: '2026-06-30T00:00:00Z' },
  eTag: '"1"',
  ...overrides,
});

/** A row that agrees with the referral: its snapshot is what both sides hold now. */
function agreedRow(pc: Referral, changes: OpportunityRow = {}): OpportunityRow {
  const row: OpportunityRow = {
    Id: '006000000000001AAA',
    Name: 'Contoso rollout',
    Amount: 1000,
    Description: 'first',
    CloseDate: '2026-06-30',
    StageName: 'Qualification',
    Account: { Name: 'Contoso', BillingCountry: 'US' },
    [OPP.referralId]: pc.id,
    [OPP.state]: 'Synced',
  };
  const snapshot = agreedSnapshot(
    rules,
    pc,
    row,
    { snapshot: undefined, keys: new Set(), event: 'create' },
    {
      [STAGE_KEY]: { pc: `${pc.status}/${pc.substatus}`, sf: row.StageName },
    }
  );
  return { ...row, [OPP.snapshot]: JSON.stringify(snapshot), ...changes };
}

describe('sync: outbound planning (pure)', () => {
  it('sees no change when the row still holds what was agreed', () => {
    const pc = referral();
    expect(salesforceSideChanged(rules, agreedRow(pc))).to.equal(false);
    expect(planPatch(rules, config.stages, agreedRow(pc), pc).operations).to.deep.equal([]);
  });

  it('a rep edit of a mapped field becomes one replace operation, and only that', () => {
    const pc = referral();
    const row = agreedRow(pc, { Amount: 2500 });
    expect(salesforceSideChanged(rules, row)).to.equal(true);
    const plan = planPatch(rules, config.stages, row, pc);
    expect(plan.operations).to.deep.equal([{ op: 'replace', path: '/details/dealValue', value: 2500 }]);
    expect(plan.changes).to.deep.equal([{ field: 'details.dealValue', before: 1000, after: 2500 }]);
    expect(plan.conflictMessage).to.equal(undefined);
  });

  it('a resync request counts as a change even when no field moved', () => {
    const pc = referral();
    expect(salesforceSideChanged(rules, agreedRow(pc, { [OPP.resync]: true }))).to.equal(true);
  });

  it('a stage move to the won stage becomes the Closed/Won transition', () => {
    const pc = referral();
    const plan = planPatch(rules, config.stages, agreedRow(pc, { StageName: config.stages.won }), pc);
    expect(plan.operations).to.deep.equal([
      { op: 'replace', path: '/status', value: 'Closed' },
      { op: 'replace', path: '/substatus', value: 'Won' },
    ]);
    expect(plan.changes).to.deep.equal([{ field: 'status', before: 'Active/Accepted', after: 'Closed/Won' }]);
  });

  it('a Partner Center change is the inbound pass’s to write: no operation, and its base is kept', () => {
    const before = referral();
    const row = agreedRow(before);
    const plan = planPatch(rules, config.stages, row, referral({ details: { ...before.details, notes: 'changed' } }));
    expect(plan.operations).to.deep.equal([]);
    expect([...plan.keep.keys]).to.deep.equal(['details.notes|Description']);
  });

  it('a rename is not patchable: it is reported, not sent', () => {
    const pc = referral();
    const plan = planPatch(rules, config.stages, agreedRow(pc, { Name: 'Contoso rollout, phase 2' }), pc);
    expect(plan.operations).to.deep.equal([]);
    expect(plan.notPatchable).to.deep.equal(['name']);
  });

  it('a field changed on both sides with owner manual is a conflict with no operation for it', () => {
    const manual = syncRules(
      validateConfig({ mapping: [{ partnerCenter: 'details.dealValue', salesforce: 'Amount', owner: 'manual' }] })
        .mapping
    );
    const before = referral();
    const row = agreedRow(before, { Amount: 1 });
    const snapshot = agreedSnapshot(
      manual,
      before,
      { ...row, Amount: 1000 },
      { snapshot: undefined, keys: new Set(), event: 'create' }
    );
    const plan = planPatch(
      manual,
      config.stages,
      { ...row, [OPP.snapshot]: JSON.stringify(snapshot) },
      referral({ details: { ...before.details, dealValue: 2 } })
    );
    expect(plan.operations).to.deep.equal([]);
    expect(plan.conflictMessage).to.include('Amount');
    expect([...plan.keep.keys]).to.deep.equal(['details.dealValue|Amount']);
  });

  it('a shared deal type chosen after the referral exists shares it; Private on a shared one is refused', () => {
    const privateReferral = referral({
      direction: 'Outgoing',
      consent: { consentToShareReferralWithMicrosoftSellers: false },
    });
    const agreed = { ...agreedRow(privateReferral), [OPP.dealType]: 'Private' };
    const sharingBase = { pc: false, sf: 'Private' };
    const withBase = (row: OpportunityRow): OpportunityRow => {
      const snapshot = JSON.parse(String(row[OPP.snapshot])) as { fields: Record<string, unknown> };
      snapshot.fields[SHARING_KEY] = sharingBase;
      return { ...row, [OPP.snapshot]: JSON.stringify(snapshot) };
    };
    expect(salesforceSideChanged(rules, withBase(agreed))).to.equal(false);

    const partnerLed = withBase({ ...agreed, [OPP.dealType]: 'Partner-led' });
    expect(salesforceSideChanged(rules, partnerLed)).to.equal(true);
    const plan = planPatch(rules, config.stages, partnerLed, privateReferral);
    expect(plan.operations).to.deep.equal([
      { op: 'replace', path: '/consent/consentToShareReferralWithMicrosoftSellers', value: true },
    ]);
    expect(plan.changes).to.deep.equal([
      { field: 'consent.consentToShareReferralWithMicrosoftSellers', before: false, after: true },
    ]);
    expect(plan.refusal).to.equal(undefined);

    const shared = referral({ direction: 'Outgoing', consent: { consentToShareReferralWithMicrosoftSellers: true } });
    const backToPrivate = planPatch(rules, config.stages, { ...agreed, Amount: 5 }, shared);
    expect(backToPrivate.refusal).to.match(/cannot|not allow/i);
  });

  it('every solution a patch sends carries its type', () => {
    const pc = referral({
      details: { ...referral().details, requirements: { solutions: [{ id: 'SOL-1-A', type: 'Name' }] } },
    });
    const plan = planPatch(rules, config.stages, agreedRow(pc, { [OPP.solutions]: 'SOL-1-A;AzureStack' }), pc);
    expect(plan.operations).to.deep.equal([
      {
        op: 'replace',
        path: '/details/requirements/solutions',
        value: [
          { id: 'SOL-1-A', type: 'Name' },
          { id: 'AzureStack', type: 'Category' },
        ],
      },
    ]);
  });
});
