/**
 * A customer's org, not ours (issue 14): incoming customers become Accounts the way the org takes them — through
 * the code fields when it has State and Country/Territory Picklists (new orgs do), through the names when it does
 * not — and a customer the org's standard duplicate rule matches is linked to the existing Account, never dropped.
 * Through the real sf CLI, against an org with the picklists and one without.
 */
import { expect } from 'chai';
import type { RunResult } from '../../src/commands/pcsync/run.js';
import { EVENT, OPP } from '../../src/salesforce/fields.js';
import { startSyncWorld, type SyncWorld } from '../helpers/sync-world.js';

type Row = Record<string, unknown>;

const customers = [
  { name: 'Northwind Traders', address: { addressLine1: '1 Pike St', city: 'Seattle', state: 'WA', country: 'US' } },
  {
    name: 'Tailspin Toys',
    address: { addressLine1: '5 Marienplatz', city: 'Munich', state: 'Bavaria', country: 'DE' },
  },
  {
    name: 'Wide World Importers',
    address: { addressLine1: '1 Chiyoda', city: 'Tokyo', state: 'Tokyo', country: 'JP' },
  },
];

for (const picklists of [true, false]) {
  describe(`e2e: a customer's org ${picklists ? 'with' : 'without'} State and Country/Territory Picklists`, function () {
    this.timeout(300_000);
    let world: SyncWorld;

    before(async () => {
      world = await startSyncWorld({ sf: { stateCountryPicklists: picklists } });
    });
    beforeEach(() => {
      world.pc.reset();
      world.sf.reset({ keepSchema: true });
    });
    // Before the next test's reset: every command's output so far, serve's log, this test's run records and events.
    afterEach(() => world.expectNoSecrets());
    after(async () => {
      await world?.close();
    });

    const incoming = (customer: (typeof customers)[number], contact: string): { id: string } =>
      world.pc.admin.createIncoming('cosell', {
        customerProfile: {
          name: customer.name,
          address: customer.address,
          team: [{ firstName: 'Ada', lastName: contact, email: `${contact.toLowerCase()}@example.com` }],
        },
      });
    const accountOf = (referral: { id: string }): Row | undefined => {
      const opportunity = world.sf.records('Opportunity').find((row) => row[OPP.referralId] === referral.id);
      return world.sf.records('Account').find((row) => row.Id === opportunity?.AccountId);
    };

    it('customers from the US, Germany and Japan become Accounts the org takes, each linked', async () => {
      const referrals = customers.map((customer, i) => incoming(customer, `Contact${i}`));
      const result = await world.run('--direction', 'inbound', '--full');
      expect(result.exitCode, result.stdout).to.equal(0);
      const [us, de, jp] = referrals.map(accountOf);
      expect(world.sf.records('Opportunity').every((row) => row.AccountId)).to.equal(true);
      expect([us?.BillingCountry, de?.BillingCountry, jp?.BillingCountry]).to.deep.equal([
        'United States',
        'Germany',
        'Japan',
      ]);
      if (picklists) {
        expect([us?.BillingCountryCode, de?.BillingCountryCode, jp?.BillingCountryCode]).to.deep.equal([
          'US',
          'DE',
          'JP',
        ]);
        expect([us?.BillingState, us?.BillingStateCode]).to.deep.equal(['Washington', 'WA']);
        expect(jp?.BillingState).to.equal('Tokyo');
        // A new org has no German states: the state is left blank, and the record's trail says so.
        expect(de?.BillingState ?? null).to.equal(null);
        const trail = (result.json.result as RunResult).records.find((r) => r.referralId === referrals[1].id);
        expect(trail?.notes?.join(' ')).to.include('Bavaria');
      } else {
        expect([us?.BillingState, de?.BillingState, jp?.BillingState]).to.deep.equal(['WA', 'Bavaria', 'Tokyo']);
      }
      // A second run writes nothing: the org's forms of the address are no change.
      const again = await world.run('--direction', 'inbound', '--full');
      expect((again.json.result as RunResult).summary.inbound.updated).to.equal(0);
    });

    it("a customer the org's duplicate rule matches is linked to the existing Account, and the event says so", async () => {
      const existing = await world.rest('POST', '/sobjects/Account', {
        Name: 'Northwind Traders Inc.',
        BillingStreet: '1 Pike St',
        BillingCity: 'Seattle',
        ...(picklists ? { BillingCountryCode: 'US', BillingStateCode: 'WA' } : { BillingCountry: 'United States' }),
      });
      const referral = incoming(customers[0], 'Buyer');
      const result = await world.run('--direction', 'inbound', '--full');
      expect(result.exitCode, result.stdout).to.equal(0);
      expect(accountOf(referral)?.Id).to.equal(existing.id);
      expect(world.sf.records('Account')).to.have.length(1);
      const event = world.sf.records(EVENT.object).find((row) => row[EVENT.referralId] === referral.id);
      expect(String(event?.[EVENT.message])).to.include('duplicate rule');
    });
  });
}
