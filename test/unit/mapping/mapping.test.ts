import { expect } from 'chai';
import { DEFAULT_MAPPING, validateConfig, type FieldRule } from '../../../src/config/index.js';
import { toCountryCode } from '../../../src/mapping/countries.js';
import { sameValue, toPartnerCenterValue, toSalesforceValue } from '../../../src/mapping/convert.js';
import { decideField, parseSnapshot, snapshotOf, type MergeField } from '../../../src/mapping/merge.js';
import { getPath, setPath, toJsonPointer, type JsonObject } from '../../../src/mapping/paths.js';
import { systemRuleFor } from '../../../src/mapping/system-rules.js';

const ruleFor = (salesforce: string): FieldRule => {
  const found = DEFAULT_MAPPING.find((rule) => rule.salesforce === salesforce);
  if (!found) throw new Error(`no default rule for ${salesforce}`);
  return found;
};

describe('mapping: paths', () => {
  const referral = {
    name: 'Contoso',
    details: { dealValue: 1200, requirements: { solutions: [{ id: 'SOL-1' }, { id: 'SOL-2' }, { name: 'no id' }] } },
  };

  it('reads nested values and plucks lists', () => {
    expect(getPath(referral, 'details.dealValue')).to.equal(1200);
    expect(getPath(referral, 'details.requirements.solutions[].id')).to.deep.equal(['SOL-1', 'SOL-2']);
    expect(getPath(referral, 'customerProfile.address.country')).to.equal(undefined);
    expect(getPath({}, 'details.requirements.solutions[].id')).to.deep.equal([]);
  });

  it('writes nested values and lists of items', () => {
    const out: JsonObject = {};
    setPath(out, 'details.dealValue', 10);
    setPath(out, 'details.requirements.solutions[].id', ['SOL-9']);
    expect(out).to.deep.equal({ details: { dealValue: 10, requirements: { solutions: [{ id: 'SOL-9' }] } } });
    expect(toJsonPointer('details.requirements.solutions[].id')).to.equal('/details/requirements/solutions');
  });
});

describe('mapping: converting values', () => {
  it('date: a Partner Center date-time becomes a Salesforce date and back', () => {
    const rule = ruleFor('CloseDate');
    expect(toSalesforceValue(rule, '2026-12-31T17:00:00Z')).to.equal('2026-12-31');
    expect(toPartnerCenterValue(rule, '2026-12-31')).to.equal('2026-12-31T00:00:00Z');
  });

  it('list: solution ids join into one field and split back, ignoring blanks', () => {
    const rule = ruleFor('Partner_Center_Solutions__c');
    expect(toSalesforceValue(rule, ['SOL-34104-EBB', 'SOL-1'])).to.equal('SOL-34104-EBB;SOL-1');
    expect(toPartnerCenterValue(rule, ' SOL-34104-EBB ; ;SOL-1')).to.deep.equal(['SOL-34104-EBB', 'SOL-1']);
    expect(toSalesforceValue(rule, [])).to.equal(null);
  });

  it('value map: assistance codes ↔ picklist labels', () => {
    const rule = ruleFor('How_Can_Microsoft_Help__c');
    expect(toSalesforceValue(rule, 'ProofOfConceptOrDemo')).to.equal('Proof of concept or demo');
    expect(toPartnerCenterValue(rule, 'Quotes or licensing')).to.equal('QuotesOrLicensing');
    expect(toSalesforceValue(rule, 'Unknown')).to.equal(null);
  });

  it('value map: the entry marked outbound goes back when two share a Salesforce value', () => {
    const [rule] = validateConfig({
      mapping: [
        {
          partnerCenter: 'details.customerAction',
          salesforce: 'NextStep',
          valueMap: [
            { partnerCenter: 'A', salesforce: 'x' },
            { partnerCenter: 'B', salesforce: 'x', outbound: true },
          ],
        },
      ],
    }).mapping;
    expect(toPartnerCenterValue(rule, 'x')).to.equal('B');
    expect(toSalesforceValue(rule, 'A')).to.equal('x');
  });

  it('countryCode: names and codes become ISO-2', () => {
    const rule = ruleFor('Account.BillingCountry');
    expect(toPartnerCenterValue(rule, 'United States')).to.equal('US');
    expect(toPartnerCenterValue(rule, 'de')).to.equal('DE');
    expect(toCountryCode('Deutschland')).to.equal(undefined);
    expect(toCountryCode('Côte d’Ivoire')).to.equal('CI');
    expect(toCountryCode('UK')).to.equal('GB');
  });

  it('urlTemplate and scale', () => {
    expect(toSalesforceValue(systemRuleFor('Referral_Link__c')!, 'abc 1')).to.equal(
      'https://partner.microsoft.com/dashboard/referrals/v2/abc%201'
    );
    const [scale] = validateConfig({
      mapping: [
        { partnerCenter: 'details.dealValue', salesforce: 'Amount', transform: { type: 'scale', factor: 1000 } },
      ],
    }).mapping;
    expect(toSalesforceValue(scale, 5000)).to.equal(5);
    expect(toPartnerCenterValue(scale, 5)).to.equal(5000);
  });

  it('default fills a blank', () => {
    const [rule] = validateConfig({
      mapping: [{ partnerCenter: 'details.notes', salesforce: 'Description', default: 'n/a' }],
    }).mapping;
    expect(toSalesforceValue(rule, '')).to.equal('n/a');
    expect(toPartnerCenterValue(rule, null)).to.equal('n/a');
  });

  it('sameValue treats blanks alike and compares numbers by value', () => {
    expect(sameValue(null, '')).to.equal(true);
    expect(sameValue([], undefined)).to.equal(true);
    expect(sameValue(100, 100.0)).to.equal(true);
    expect(sameValue('a', 'b')).to.equal(false);
  });
});

describe('mapping: three-way merge', () => {
  const field = (overrides: Partial<MergeField>): MergeField => ({
    key: 'details.dealValue|Amount',
    direction: 'both',
    owner: 'salesforce',
    pc: 100,
    pcAsSf: 100,
    sf: 100,
    sfAsPc: 100,
    ...overrides,
  });
  const base = { pc: 100, sf: 100 };
  const origin = { origin: 'partnerCenter' as const };

  it('unchanged on both sides: no write', () => {
    expect(decideField(field({}), base, origin).action).to.equal('unchanged');
  });

  it('changed on one side: it moves to the other', () => {
    expect(decideField(field({ pc: 150, pcAsSf: 150 }), base, origin)).to.deep.equal({
      key: 'details.dealValue|Amount',
      action: 'toSalesforce',
      value: 150,
      before: 100,
    });
    expect(decideField(field({ sf: 90, sfAsPc: 90 }), base, origin)).to.deep.include({
      action: 'toPartnerCenter',
      value: 90,
      before: 100,
    });
  });

  it('a change on the side a one-way rule does not read is ignored', () => {
    expect(decideField(field({ direction: 'inbound', sf: 90, sfAsPc: 90 }), base, origin).action).to.equal('unchanged');
    expect(decideField(field({ direction: 'outbound', pc: 90, pcAsSf: 90 }), base, origin).action).to.equal(
      'unchanged'
    );
  });

  it('changed on both sides: the owner decides; manual is a conflict; the same new value is agreement', () => {
    const both = { pc: 150, pcAsSf: 150, sf: 90, sfAsPc: 90 };
    expect(decideField(field({ ...both, owner: 'salesforce' }), base, origin)).to.deep.include({
      action: 'toPartnerCenter',
      value: 90,
    });
    expect(decideField(field({ ...both, owner: 'partnerCenter' }), base, origin)).to.deep.include({
      action: 'toSalesforce',
      value: 150,
    });
    expect(decideField(field({ ...both, owner: 'manual' }), base, origin)).to.deep.equal({
      key: 'details.dealValue|Amount',
      action: 'conflict',
      partnerCenter: 150,
      salesforce: 90,
    });
    expect(
      decideField(field({ pc: 120, pcAsSf: 120, sf: 120, sfAsPc: 120, owner: 'manual' }), base, origin).action
    ).to.equal('unchanged');
  });

  it('no snapshot: the side the record came from wins, one-way rules follow their direction', () => {
    const differing = field({ pc: 1, pcAsSf: 1, sf: 2, sfAsPc: 2 });
    expect(decideField(differing, undefined, { origin: 'partnerCenter' })).to.deep.include({
      action: 'toSalesforce',
      value: 1,
    });
    expect(decideField(differing, undefined, { origin: 'salesforce' })).to.deep.include({
      action: 'toPartnerCenter',
      value: 2,
    });
    expect(decideField({ ...differing, direction: 'inbound' }, undefined, { origin: 'salesforce' })).to.deep.include({
      action: 'toSalesforce',
    });
  });

  it('snapshots round-trip, and an unreadable one counts as none', () => {
    const snapshot = snapshotOf([{ key: 'a|A', pc: 1, sf: undefined }]);
    expect(parseSnapshot(JSON.stringify(snapshot))).to.deep.equal({ v: 1, fields: { 'a|A': { pc: 1, sf: null } } });
    expect(parseSnapshot('{not json')).to.equal(undefined);
    expect(parseSnapshot(JSON.stringify({ v: 2, fields: {} }))).to.equal(undefined);
  });
});
