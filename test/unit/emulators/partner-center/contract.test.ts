import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { ReferralStore } from '../../../../emulators/partner-center/referrals.js';
import type { Referral } from '../../../../emulators/partner-center/contract.js';
import { assertValid } from '../../partner-center/swagger.js';

type Schema = { enum?: string[]; items?: { properties?: Record<string, Schema> } };
const swagger = JSON.parse(
  readFileSync(new URL('../../../fixtures/partner-center-referrals.swagger.json', import.meta.url), 'utf8')
) as { definitions: Record<string, Schema> };
const patchPaths =
  swagger.definitions['Microsoft.Partner.Service.PartnerReferrals.Contracts.V3.UpdateReferralDetails'].items!
    .properties!.path.enum!;

const STATUSES = ['None', 'New', 'Active', 'Closed'];
const SUBSTATUSES = ['None', 'Pending', 'Received', 'Accepted', 'Won', 'Lost', 'Declined', 'Expired'];

/**
 * Learn's "Status & Substatus transition states" table (referral-resources), written out as the targets a partner's
 * PATCH may reach from each state. Expired is left out: Partner Center sets it when nobody answers in time.
 */
const ALLOWED: Record<string, string[]> = {
  'New/Received': ['New/Pending', 'New/Received', 'Active/Accepted', 'Closed/Won', 'Closed/Lost', 'Closed/Declined'],
  'Active/Accepted': ['Active/Accepted', 'Closed/Won', 'Closed/Lost', 'Closed/Declined'],
  'Closed/Won': [],
};

function newStore(): ReferralStore {
  return new ReferralStore({ id: 'org', name: 'Contoso Partner' }, () => undefined, {
    referralsBase: () => 'https://127.0.0.1/v1.0/engagements',
    origin: () => 'https://127.0.0.1',
  });
}

function referralIn(store: ReferralStore, state: string): Referral {
  const lead = store.createIncoming('lead');
  if (state === 'New/Received') return lead;
  store.transition(lead.id, 'accept');
  return state === 'Closed/Won' ? store.transition(lead.id, 'win') : store.get(lead.id);
}

const createBody = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'Independent',
  customerProfile: { name: 'Fabrikam', address: { country: 'US' } },
  consent: {},
  details: {},
  ...extra,
});

describe('Partner Center emulator contract (Microsoft’s rules, not pcsync’s)', () => {
  it('follows the status/substatus transition table cell by cell, and nothing moves after a terminal state', () => {
    const store = newStore();
    for (const [from, allowed] of Object.entries(ALLOWED)) {
      for (const status of STATUSES) {
        for (const substatus of SUBSTATUSES) {
          const referral = referralIn(store, from);
          const patch = [
            { op: 'replace', path: '/status', value: status },
            { op: 'replace', path: '/substatus', value: substatus },
          ];
          const to = `${status}/${substatus}`;
          if (allowed.includes(to)) {
            expect(store.patch(referral.id, patch, referral.eTag).substatus, `${from} → ${to}`).to.equal(substatus);
          } else {
            expect(() => store.patch(referral.id, patch, referral.eTag), `${from} → ${to}`).to.throw();
          }
        }
      }
    }
  });

  it('accepts a patch on every path the swagger lists, and only those', () => {
    const store = newStore();
    const values: Record<string, unknown> = {
      '/consent/consentToShareReferralWithMicrosoftSellers': true,
      '/customerProfile/team': [],
      '/customerProfile/team/-': { email: 'a@b.example' },
      '/details/closingDateTime': '2030-01-01T00:00:00Z',
      '/details/currency': 'EUR',
      '/details/dealValue': 5,
      '/details/requirements/solutions': [],
      '/details/requirements/solutions/-': { id: 'SOL-1' },
      '/salesStage': 'Develop',
      '/team': [],
      '/team/-': { email: 'a@b.example' },
    };
    for (const path of patchPaths.filter((p) => p !== '/status' && p !== '/substatus')) {
      const referral = store.createIncoming('cosell');
      // `add`, because an incoming referral has no details.requirements yet and `replace` needs the parent to exist.
      const op = { op: 'add', path, value: values[path] ?? 'x' };
      const updated = store.patch(referral.id, [op], referral.eTag);
      assertValid('referral', updated);
    }
    const referral = store.createIncoming('cosell');
    for (const path of ['/name', '/id', '/type', '/customerProfile/name', '/details/requirements/products']) {
      expect(() => store.patch(referral.id, [{ op: 'replace', path, value: 'x' }], undefined), path).to.throw(
        /cannot be updated/
      );
    }
  });

  it('refuses a value outside an enum the swagger declares, on create and on patch', () => {
    const store = newStore();
    expect(() => store.createFromPartner(createBody({ salesStage: 'Negotiate' }))).to.throw(/salesStage/);
    expect(() =>
      store.createFromPartner(createBody({ inviteContext: { assistanceRequestCode: 'PleaseHelp' } }))
    ).to.throw(/assistanceRequestCode/);
    const created = store.createFromPartner(
      createBody({ salesStage: 'Qualify', inviteContext: { assistanceRequestCode: 'QuotesOrLicensing' } })
    );
    assertValid('createResponse', created);
    expect(() =>
      store.patch(created.id, [{ op: 'replace', path: '/salesStage', value: 'Negotiate' }], created.eTag)
    ).to.throw(/salesStage/);
    expect(
      store.patch(created.id, [{ op: 'replace', path: '/salesStage', value: 'Close' }], created.eTag).salesStage
    ).to.equal('Close');
  });

  it('ignores read-only and server-assigned fields on create', () => {
    const store = newStore();
    const created = store.createFromPartner(
      createBody({ id: 'mine', direction: 'Incoming', isSpam: true, closedDateTime: '2020-01-01T00:00:00Z' })
    );
    expect(created.id).not.to.equal('mine');
    expect(created.direction).to.equal('Outgoing');
    expect(created).not.to.have.property('isSpam');
    expect(created).not.to.have.property('closedDateTime');
  });

  it('takes solutions with a SolutionType and a services co-sell with all three of its fields (Learn only)', () => {
    const store = newStore();
    const solutions = (list: unknown[]) => ({ details: { requirements: { solutions: list } } });
    expect(() => store.createFromPartner(createBody(solutions([{ id: 'SOL-1-A', type: 'Product' }])))).to.throw(
      /Solution type "Product"/
    );
    const typed = store.createFromPartner(
      createBody(
        solutions([
          { id: 'SOL-1-A', type: 'Name' },
          { id: 'AzureStack', type: 'Category' },
        ])
      )
    );
    expect(() =>
      store.patch(
        typed.id,
        [{ op: 'replace', path: '/details/requirements/solutions', value: [{ id: 'X', type: 'Kind' }] }],
        typed.eTag
      )
    ).to.throw(/Solution type/);

    const services = { partnerRole: 'RoleA', solutionArea: 'AreaA', solutionPlay: 'PlayA' };
    expect(() => store.createFromPartner(createBody({ type: 'Shared', partnerRole: 'RoleA' }))).to.throw(
      /requires solutionArea, solutionPlay/
    );
    expect(() => store.createFromPartner(createBody({ ...services, solutionArea: 7 }))).to.throw(/solutionArea/);
    const servicesCoSell = store.createFromPartner(createBody({ type: 'Shared', ...services }));
    expect(servicesCoSell).to.include(services);
    assertValid('referral', servicesCoSell);
  });
});
