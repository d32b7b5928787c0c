import { expect } from 'chai';
import type { Referral } from '../../../../emulators/partner-center/contract.js';
import { listReferrals } from '../../../../emulators/partner-center/listing.js';

const options = { origin: 'https://pc.example', strict: false, pageSize: 2 };
const referral = (n: number, status: string): Referral =>
  ({ id: `r${n}`, status, createdDateTime: new Date(Date.UTC(2026, 0, n)).toISOString() }) as unknown as Referral;
const ids = (page: { value: Referral[] }): string[] => page.value.map((r) => r.id);

// The listing keeps the last filtered and sorted matches for the next page; a page after a change must see it.
describe('Partner Center emulator: listing pages while referrals change', () => {
  const query = { $filter: "status eq 'New'" };

  it('answers the next page from the same referrals as a fresh listing does', () => {
    const all = [1, 2, 3, 4, 5].map((n) => referral(n, n === 2 ? 'Active' : 'New'));
    expect(ids(listReferrals(all, query, options, (r) => r))).to.deep.equal(['r1', 'r3']);
    expect(ids(listReferrals([...all], { ...query, $skip: '2' }, options, (r) => r))).to.deep.equal(['r4', 'r5']);
  });

  it('sees a referral replaced, added or removed between two pages', () => {
    const all = [1, 2, 3, 4, 5].map((n) => referral(n, 'New'));
    expect(ids(listReferrals(all, query, options, (r) => r))).to.deep.equal(['r1', 'r2']);
    const changed = all.map((r) => (r.id === 'r3' ? referral(3, 'Active') : r));
    expect(ids(listReferrals(changed, { ...query, $skip: '2' }, options, (r) => r))).to.deep.equal(['r4', 'r5']);
    const added = [...changed, referral(0, 'New')];
    expect(ids(listReferrals(added, query, options, (r) => r))).to.deep.equal(['r0', 'r1']);
    const removed = added.filter((r) => r.id !== 'r0');
    expect(ids(listReferrals(removed, query, options, (r) => r))).to.deep.equal(['r1', 'r2']);
    expect(ids(listReferrals(removed, { $orderby: 'createdDateTime desc' }, options, (r) => r))).to.deep.equal([
      'r5',
      'r4',
    ]);
  });
});
