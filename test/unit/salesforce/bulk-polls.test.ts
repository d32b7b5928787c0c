/**
 * Bulk API 2.0 status polls: the first job of an org learns how long its rows take, so a later job of the same
 * connection is looked at once, when it should have ended, rather than after a doubling series of early looks.
 */
import { expect } from 'chai';
import type { Connection } from '@jsforce/jsforce-node';
import sinon from 'sinon';
import { waitForEnd } from '../../../src/salesforce/bulk-polls.js';

/**
 * A job that ends `ms` after its UploadComplete, and counts the looks at its state; with `active`, the org says once
 * it ended that it spent that long processing it (the rest of `ms` it waited in the queue).
 */
function jobTaking(
  ms: number,
  active?: number
): { check: () => Promise<{ state: string; apiActiveProcessingTime?: number }>; polls: () => number } {
  const closedAt = Date.now();
  let polls = 0;
  return {
    check: () => {
      polls++;
      if (Date.now() - closedAt < ms) return Promise.resolve({ state: 'InProgress' });
      return Promise.resolve({
        state: 'JobComplete',
        ...(active === undefined ? {} : { apiActiveProcessingTime: active }),
      });
    },
    polls: () => polls,
  };
}

/**
 * A job of `rows` rows that slows as it goes, as one whose duplicate matching looks at every row stored before: a row
 * takes a fixed time (`fixed` of the whole) and one growing with the rows stored before it, so with none fixed its
 * processed count grows as the square root of the time. It ends `ms` after UploadComplete.
 */
function slowingJob(ms: number, rows: number, fixed = 0): { check: () => Promise<JobState>; polls: () => number } {
  const closedAt = Date.now();
  let polls = 0;
  return {
    check: () => {
      polls++;
      const elapsed = Date.now() - closedAt;
      if (elapsed >= ms) return Promise.resolve({ state: 'JobComplete', numberRecordsProcessed: rows });
      // The share done x where the time so far is ms × (fixed × x + (1 − fixed) × x²).
      const done = (Math.sqrt(fixed ** 2 + (4 * (1 - fixed) * elapsed) / ms) - fixed) / (2 * (1 - fixed));
      return Promise.resolve({ state: 'InProgress', numberRecordsProcessed: Math.floor(rows * done) });
    },
    polls: () => polls,
  };
}
type JobState = { state: string; numberRecordsProcessed: number };

/**
 * A job that waits in the org's queue until just before its `look`th look (the looks before see nothing processed),
 * then processes `perMs` rows a millisecond: that look sees a little progress over a long time since UploadComplete.
 * `end()` is when it ended, in milliseconds after UploadComplete.
 */
function queuedJob(
  rows: number,
  perMs: number,
  look: number
): { check: () => Promise<JobState>; polls: () => number; end: () => number } {
  const closedAt = Date.now();
  let started = Infinity;
  let polls = 0;
  return {
    check: () => {
      if (++polls === look) started = Date.now() - 50;
      const processed = Math.min(rows, Math.max(0, Math.floor((Date.now() - started) * perMs)));
      return Promise.resolve({
        state: processed < rows ? (polls < look ? 'UploadComplete' : 'InProgress') : 'JobComplete',
        numberRecordsProcessed: processed,
      });
    },
    polls: () => polls,
    end: () => started - closedAt + rows / perMs,
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

  it('a first job that slows as it goes is looked at by its slower recent rate: three polls, not four', async () => {
    // Seen at 1 s with 58% done; its rate since then is what the rest will go at, or slower.
    const job = slowingJob(3000, 3000);
    expect((await waitForEnd({} as Connection, job.check, 3000))?.state).to.equal('JobComplete');
    expect(job.polls()).to.be.at.most(3);
  });

  it('a first job whose rows slow as the org fills, unseen by its first two looks, still takes three polls', async () => {
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'Date'] });
    try {
      // Half of a row's time fixed, half growing with the rows stored before it (a first job of 10,000 Accounts in
      // the emulator, duplicate rules on): its rate at 1 s and 2 s is about half as fast again as the rest goes.
      const job = slowingJob(10_000, 10_000, 0.5);
      let state: string | undefined;
      void waitForEnd({} as Connection, job.check, 10_000).then((info) => (state = info?.state));
      await clock.tickAsync(60_000);
      expect(state).to.equal('JobComplete');
      expect(job.polls()).to.be.at.most(3);
    } finally {
      clock.restore();
    }
  });

  it("a fast job after slow ones is still looked at within 30 s, not at the slow jobs' pace", async () => {
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'Date'] });
    try {
      const connection = {} as Connection;
      // 100 rows in over a minute (no counts shown): the org's pace, as far as this connection knows, is slow.
      const slow = jobTaking(60_000);
      const slowEnd = waitForEnd(connection, slow.check, 100);
      await clock.tickAsync(300_000);
      expect((await slowEnd)?.state).to.equal('JobComplete');

      // 1,000 rows of another object, done in 2 s: at that pace its first look would come after many minutes.
      const fast = jobTaking(2000);
      let state: string | undefined;
      void waitForEnd(connection, fast.check, 1000).then((info) => (state = info?.state));
      await clock.tickAsync(30_000);
      expect(state, 'ended and seen within 30 s').to.equal('JobComplete');
      expect(fast.polls()).to.equal(1);
    } finally {
      clock.restore();
    }
  });

  it('the pace is the time the org says it processed a job, not when a late look saw it ended', async () => {
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'Date'] });
    try {
      const connection = {} as Connection;
      // 3 s in the queue, 2 s processed, no counts shown: a doubling series of looks sees its end seconds late.
      const first = jobTaking(5000, 2000);
      const firstEnd = waitForEnd(connection, first.check, 10_000);
      await clock.tickAsync(60_000);
      expect((await firstEnd)?.state).to.equal('JobComplete');

      // The next job, as fast and not queued, is seen ended within its own duration after it.
      const next = jobTaking(2000, 2000);
      let seenAt: number | undefined;
      const closedAt = Date.now();
      void waitForEnd(connection, next.check, 10_000).then(() => (seenAt = Date.now() - closedAt));
      await clock.tickAsync(60_000);
      expect(seenAt, 'ended 2 s after UploadComplete').to.be.at.most(4000);
      expect(next.polls()).to.equal(1);
    } finally {
      clock.restore();
    }
  });

  it("a job of an object seen before goes at that object's pace; another object's first, at the connection's", async () => {
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'Date'] });
    try {
      const connection = {} as Connection;
      const seenAfter = async (job: ReturnType<typeof jobTaking>, object: string): Promise<number | undefined> => {
        const closedAt = Date.now();
        let seenAt: number | undefined;
        void waitForEnd(connection, job.check, 10_000, 'ingest', object).then(() => (seenAt = Date.now() - closedAt));
        await clock.tickAsync(120_000);
        return seenAt;
      };
      await seenAfter(jobTaking(10_000, 10_000), 'Account'); // 10 s: the connection's pace, 1 ms a row
      const firstContacts = jobTaking(1000, 1000);
      await seenAfter(firstContacts, 'Contact'); // looked at by the connection's pace: late, in one poll
      expect(firstContacts.polls()).to.equal(1);

      const contacts = jobTaking(1000, 1000);
      expect(await seenAfter(contacts, 'Contact'), 'ended 1 s after UploadComplete').to.be.at.most(2000);
      expect(contacts.polls()).to.equal(1);
      // A first job of another object, 9 s: the fast Contacts did not lower the connection's pace.
      const opportunities = jobTaking(9000, 9000);
      await seenAfter(opportunities, 'Opportunity');
      expect(opportunities.polls()).to.equal(1);
    } finally {
      clock.restore();
    }
  });

  const queued = [
    ['ingest', 1],
    ['query', 1],
    ['ingest', 3],
  ] as const;
  for (const [kind, look] of queued) {
    it(`${kind}: a job that look ${look} sees just out of a long queue is seen ended within its duration after`, async () => {
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'Date'] });
      try {
        // 10,000 rows at 5 a millisecond, begun 50 ms before that look: it sees 250 rows over all the time since
        // UploadComplete (or since the look before), a rate far too slow: minutes to go, as a 30,000-referral
        // backfill once slept while the job had ended.
        const job = queuedJob(10_000, 5, look);
        let seenAt: number | undefined;
        const closedAt = Date.now();
        void waitForEnd({} as Connection, job.check, 10_000, kind).then(() => (seenAt = Date.now() - closedAt));
        await clock.tickAsync(600_000);
        expect(seenAt, 'ended and seen').to.be.a('number');
        expect(seenAt, `ended ${job.end()} ms after UploadComplete`).to.be.at.most(2 * job.end());
        // One look sees it begun, the next measures its rate, the last sees it ended.
        expect(job.polls()).to.be.at.most(look + 2);
      } finally {
        clock.restore();
      }
    });
  }
});
