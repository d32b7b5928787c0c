/**
 * When the sync lease is renewed during a run (fake timers; the org lease's requests stubbed): first two thirds into
 * its period, then two thirds after each renewal began — never later, so a third of the period is always left for the
 * renewal to land — and again soon after a renewal that failed; never for a run shorter than two thirds of a period.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import type { Connection } from '@jsforce/jsforce-node';
import type { PcsyncConfig } from '../../../src/config/schema.js';
import { LeaseLostError, OrgLease } from '../../../src/salesforce/lease.js';
import type { Traffic } from '../../../src/shared/traffic.js';
import { holdSyncLease } from '../../../src/sync/lease.js';

const TTL_SECONDS = 300;
const config = { sync: { leaseSeconds: TTL_SECONDS } } as unknown as PcsyncConfig;
const traffic = { serverNow: () => undefined } as unknown as Traffic;

describe('sync: the lease renewed during a run', () => {
  let clock: sinon.SinonFakeTimers;
  let renewals: number[];
  let outcomes: Array<'ok' | 'fail' | 'lost'>;
  /** How long a renewal request takes to answer. */
  let latencyMs: number;

  beforeEach(() => {
    clock = sinon.useFakeTimers({
      now: 0,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    renewals = [];
    outcomes = [];
    latencyMs = 0;
    sinon.stub(OrgLease.prototype, 'acquire').resolves({});
    sinon
      .stub(OrgLease.prototype, 'assertHeld')
      .returns({ id: 'a', holder: 'h', token: 't', acquiredAt: '', expiresAt: '' });
    sinon.stub(OrgLease.prototype, 'release').resolves();
    sinon.stub(OrgLease.prototype, 'renew').callsFake(async () => {
      renewals.push(Date.now() / 1000);
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      const outcome = outcomes.shift() ?? 'ok';
      if (outcome === 'fail') throw new Error('socket hang up');
      if (outcome === 'lost') throw new LeaseLostError('sync');
    });
  });
  afterEach(() => {
    clock.restore();
    sinon.restore();
  });

  const hold = () => holdSyncLease({} as Connection, config, traffic, {});

  it('renews two thirds into each period, measured from when the renewal before it began', async () => {
    latencyMs = 2000;
    const held = await hold();
    await clock.tickAsync(1000 * 1000);
    // Every renewal leaves a third of the period (100 s) before the lease it extended would have lapsed.
    expect(renewals).to.deep.equal([200, 400, 600, 800, 1000]);
    held.assertHeld();
    await held.release();
    await clock.tickAsync(1000 * 1000);
    expect(renewals).to.have.length(5);
  });

  it('never renews for a run shorter than two thirds of the period', async () => {
    const held = await hold();
    await clock.tickAsync(199 * 1000);
    await held.release();
    await clock.tickAsync(1000 * 1000);
    expect(renewals).to.deep.equal([]);
  });

  it('tries again a sixth of the period after a failed renewal, and counts the lease lost after a whole period', async () => {
    outcomes.push('fail', 'fail', 'fail', 'ok');
    const held = await hold();
    await clock.tickAsync(299 * 1000);
    expect(renewals).to.deep.equal([200, 250]);
    expect(() => held.assertHeld()).not.to.throw();
    await clock.tickAsync(1000);
    // Not renewed for a whole period: another process may have taken it over.
    expect(renewals).to.deep.equal([200, 250, 300]);
    expect(() => held.assertHeld()).to.throw(/lease/i);
    // Extended again (no one took it meanwhile: a taker deletes it first, and the renewal would find it gone).
    await clock.tickAsync(50 * 1000);
    expect(renewals).to.deep.equal([200, 250, 300, 350]);
    held.assertHeld();
    await held.release();
  });

  it('stops renewing once a renewal finds the lease taken over', async () => {
    outcomes.push('lost');
    const held = await hold();
    await clock.tickAsync(1000 * 1000);
    expect(renewals).to.deep.equal([200]);
    expect(() => held.assertHeld()).to.throw(/lease/i);
    await held.release();
  });
});
