/**
 * Rules per event in the pure planning of both passes: a create-only rule applies when the Opportunity (inbound) or
 * the referral (outbound) is created and lands in the snapshot as set; later changes of its field on either side are
 * neither echoed nor reverted. An update-only rule stays out of creates.
 */
import { expect } from 'chai';
import { validateConfig } from '../../../src/config/index.js';
import { parseSnapshot, type Snapshot } from '../../../src/mapping/merge.js';
import { agreedSnapshot, referralBodyFor, type OpportunityRow } from '../../../src/mapping/pairing.js';
import { syncRules } from '../../../src/mapping/system-rules.js';
import type { Referral } from '../../../src/partner-center/referral-types.js';
import { OPP } from '../../../src/salesforce/fields.js';
import type { SyncContext } from '../../../src/sync/context.js';
import { planReferral } from '../../../src/sync/inbound/plan.js';
import { planPatch, salesforceSideChanged } from '../../../src/sync/outbound/plan.js';
import { STAGE_KEY } from '../../../src/sync/stages.js';

const config = validateConfig({
  mapping: [
    { partnerCenter: 'name', salesforce: 'Name' },
    { partnerCenter: 'details.dealValue', salesforce: 'Amount', owner: 'salesforce' },
    { partnerCenter: 'details.notes', salesforce: 'Description', on: 'update' },
    { partnerCenter: 'details.closingDateTime', salesforce: 'CloseDate', transform: 'date', on: 'create' },
    { salesforce: 'Type', value: 'New Customer', on: 'create' },
    { salesforce: 'LeadSource', value: 'Partner Referral', on: 'create' },
    { partnerCenter: 'campaignId', value: 'CAMP-7', on: 'create' },
  ],
});
const rules = syncRules(config.mapping);
const ctx = {
  config,
  rules,
  limits: new Map(),
  now: () => new Date('2026-03-01T00:00:00Z'),
} as unknown as SyncContext;

const referral = (overrides: Partial<Referral> = {}): Referral => ({
  id: 'ref-1',
  engagementId: 'eng-1',
  name: 'Contoso rollout',
  createdDateTime: '2026-01-01T00:00:00Z',
  updatedDateTime: '2026-01-02T00:00:00Z',
  status: 'New',
  substatus: 'Pending',
  type: 'Shared',
  customerProfile: { name: 'Contoso', address: { country: 'US' } },
  consent: {},
  details: { dealValue: 1000, notes: 'first', closingDateTime: '2026-06-30T00:00:00Z' },
  eTag: '"1"',
  ...overrides,
});

/** The snapshot a plan agrees on, as the record will hold it. */
const agreed = (planned: { snapshot: () => string } | undefined): Snapshot =>
  parseSnapshot(planned?.snapshot()) ?? expect.fail('a plan with a snapshot');

/** The Opportunity as the inbound create left it, with the seller's later edits. */
function createdRow(pc: Referral, edits: OpportunityRow = {}): OpportunityRow {
  const planned = planReferral(ctx, pc, undefined);
  if (!planned) return expect.fail('a new referral is planned');
  const written: OpportunityRow = { Id: '006000000000001AAA', ...planned.writes };
  return { ...written, [OPP.snapshot]: planned.snapshot(), [OPP.state]: 'Synced', ...edits };
}

describe('sync: rules per event (pure planning)', () => {
  it('inbound create: create-only values are written and kept in the snapshot as set; update-only ones are not', () => {
    const planned = planReferral(ctx, referral(), undefined);
    expect(planned?.writes).to.deep.include({
      Type: 'New Customer',
      LeadSource: 'Partner Referral',
      CloseDate: '2026-06-30',
      Amount: 1000,
    });
    expect(planned?.writes).not.to.have.property('Description');
    expect(planned?.changes.map((change) => change.field)).to.include.members(['Type', 'LeadSource']);
    expect(agreed(planned).fields['(value)|Type']).to.deep.equal({ pc: 'New Customer', sf: 'New Customer' });
    // What both sides hold, nothing written: only a later change follows.
    expect(agreed(planned).fields['details.notes|Description']).to.deep.equal({ pc: 'first', sf: null });
  });

  it('inbound update: the seller’s Type stays, the create-only date does not follow, update-only notes do', () => {
    const row = createdRow(referral(), { Type: 'Existing Customer - Upgrade', CloseDate: '2026-09-30' });
    const changed = referral({
      details: { dealValue: 2500, notes: 'second', closingDateTime: '2026-12-31T00:00:00Z' },
    });
    const planned = planReferral(ctx, changed, row);
    expect(planned?.writes).to.deep.equal({ Amount: 2500, Description: 'second' });
    const created = parseSnapshot(row[OPP.snapshot] as string);
    // As set when the Opportunity was created, whatever either side holds now.
    expect(agreed(planned).fields['(value)|Type']).to.deep.equal(created?.fields['(value)|Type']);
    expect(agreed(planned).fields['details.closingDateTime|CloseDate']).to.deep.equal(
      created?.fields['details.closingDateTime|CloseDate']
    );
    expect(agreed(planned).fields['details.notes|Description']).to.deep.equal({ pc: 'second', sf: 'second' });
  });

  it('outbound: a create-only constant goes with a new referral only; a seller’s change of a create-only field is not echoed', () => {
    const row: OpportunityRow = { Id: '006000000000002AAA', Name: 'Deal', Amount: 10, CloseDate: '2026-05-01' };
    expect(referralBodyFor(rules, row)).to.deep.include({ campaignId: 'CAMP-7', name: 'Deal' });
    expect(referralBodyFor(rules, row)).not.to.have.property('details.notes');

    const pc = referral({ status: 'Active', substatus: 'Accepted', campaignId: 'CAMP-7' });
    const agreed: OpportunityRow = {
      ...row,
      Name: pc.name,
      Amount: 1000,
      Description: 'first',
      CloseDate: '2026-06-30',
      StageName: 'Qualification',
      [OPP.referralId]: pc.id,
    };
    const snapshot = agreedSnapshot(
      rules,
      pc,
      agreed,
      { snapshot: undefined, keys: new Set(), event: 'create' },
      { [STAGE_KEY]: { pc: 'Active/Accepted', sf: 'Qualification' } }
    );
    const synced = { ...agreed, [OPP.snapshot]: JSON.stringify(snapshot) };
    expect(salesforceSideChanged(rules, { ...synced, CloseDate: '2026-08-31' })).to.equal(false);

    const edited = { ...synced, CloseDate: '2026-08-31', Amount: 1500 };
    expect(salesforceSideChanged(rules, edited)).to.equal(true);
    const plan = planPatch(rules, config.stages, edited, pc);
    expect(plan.operations).to.deep.equal([{ op: 'replace', path: '/details/dealValue', value: 1500 }]);
  });
});
