/**
 * Bulk API 2.0 status polls: the first job of an org learns how long its rows take, so a later job of the same
 * connection is looked at once, when it should have ended, rather than after a doubling series of early looks.
 */
import { expect } from 'chai';
import type { Connection } from '@jsforce/jsforce-node';
import { waitForEnd } from '../../../src/salesforce/bulk.js';

/** A job that ends `ms` after its UploadComplete, and counts the looks at its state. */
function jobTaking(ms: number): { check: () => Promise<{ state: string }>; polls: () => number } {
  const closedAt = Date.now();
  let polls = 0;
  return {
    check: () => {
      polls++;
      return Promise.resolve({ state: Date.now() - closedAt >= ms ? 'JobComplete' : 'InProgress' });
    },
    polls: () => polls,
  };
}

describe('salesforce: Bulk API 2.0 status polls', function () {
  this.timeout(60_000);

  it('a job as long as the one before it on the same connection takes one poll, where the first took more', async () => {
    const connection = {} as Connection; // only its identity matters: the pace is remembered per connection
    const rows = 3000;
    const first = jobTaking(2500); // no processed counts: looks at 1 s, then 3 s
    expect((await waitForEnd(connection, first.check, rows))?.state).to.equal('JobComplete');
    expect(first.polls()).to.equal(2);

    const second = jobTaking(2500);
    expect((await waitForEnd(connection, second.check, rows))?.state).to.equal('JobComplete');
    expect(second.polls(), 'one look, once the rows should have been processed').to.equal(1);

    // Another org (connection) has shown no pace yet: its first job is looked at as soon as before.
    const elsewhere = jobTaking(2500);
    await waitForEnd({} as Connection, elsewhere.check, rows);
    expect(elsewhere.polls()).to.equal(2);
  });
});
