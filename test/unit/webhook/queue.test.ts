/**
 * The queue between acknowledgement and the sync engine: dedupe, coalescing per referral, batch size, concurrency,
 * a referral changed while its sync runs, failures, unknown events and drain.
 */
import { expect } from 'chai';
import {
  dedupeKey,
  WebhookQueue,
  type VerifiedDelivery,
  type WebhookQueueOptions,
} from '../../../src/webhook/index.js';

/** Stands in for a verifier's output (the queue trusts its input's type, not its origin). */
function delivery(referralId: string | undefined, changedAt: number, eventName = 'referral-updated'): VerifiedDelivery {
  const payload = {
    EventName: eventName,
    ResourceUri: `https://api.partnercenter.microsoft.com/engagements/v1/referrals/${referralId ?? 'x/y'}`,
    ResourceChangeUtcDate: new Date(changedAt).toISOString(),
  };
  const known = [
    'referral-created',
    'referral-updated',
    'related-referral-created',
    'related-referral-updated',
    'test-created',
  ].includes(eventName);
  return {
    payload,
    eventName,
    knownEvent: known,
    referralId: known && eventName !== 'test-created' ? referralId : undefined,
    dedupeKey: dedupeKey(payload),
    changedAt: new Date(changedAt),
    receivedAt: new Date(),
    certificateUrl: 'https://3psostorageacct.blob.core.windows.net/cert/x.cer',
  } as unknown as VerifiedDelivery;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('webhook queue', () => {
  let batches: string[][];
  const make = (extra: Partial<WebhookQueueOptions> = {}): WebhookQueue =>
    new WebhookQueue({
      processBatch: async (ids) => {
        batches.push(ids);
        await sleep(5);
      },
      quietMs: 20,
      maxWaitMs: 200,
      ...extra,
    });
  beforeEach(() => {
    batches = [];
  });

  it('processes the same delivery once', async () => {
    const queue = make();
    const t = Date.now();
    expect(queue.accept(delivery('r1', t)).outcome).to.equal('queued');
    expect(queue.accept(delivery('r1', t)).outcome).to.equal('duplicate');
    await queue.whenIdle();
    expect(queue.accept(delivery('r1', t)).outcome).to.equal('duplicate');
    await sleep(40);
    expect(batches).to.deep.equal([['r1']]);
    expect(queue.metrics.deduplicated).to.equal(2);
  });

  it('coalesces 1,000 events for 100 referrals into one read each, in batches of at most N', async () => {
    const queue = make({ batchSize: 10, concurrency: 3 });
    const t = Date.now();
    for (let i = 0; i < 1000; i++) queue.accept(delivery(`r${i % 100}`, t + i));
    await queue.whenIdle();
    const ids = batches.flat();
    expect(ids).to.have.length(100);
    expect(new Set(ids).size).to.equal(100);
    expect(Math.max(...batches.map((b) => b.length))).to.be.at.most(10);
    expect(queue.metrics.coalesced).to.equal(900);
    expect(queue.metrics.processed).to.equal(100);
  });

  it('never runs more than `concurrency` batches at once', async () => {
    let running = 0;
    let peak = 0;
    const queue = make({
      batchSize: 2,
      concurrency: 3,
      processBatch: async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(10);
        running--;
      },
    });
    for (let i = 0; i < 40; i++) queue.accept(delivery(`r${i}`, Date.now()));
    await queue.whenIdle();
    expect(peak).to.equal(3);
  });

  it('runs a referral again when an event arrives during its sync', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const queue = make({
      processBatch: async (ids) => {
        batches.push(ids);
        if (batches.length === 1) await gate;
      },
    });
    queue.accept(delivery('r1', Date.now()));
    await sleep(50);
    expect(queue.inFlight).to.equal(1);
    queue.accept(delivery('r1', Date.now() + 1));
    queue.accept(delivery('r1', Date.now() + 2));
    expect(queue.depth).to.equal(1);
    release();
    await queue.whenIdle();
    expect(batches).to.deep.equal([['r1'], ['r1']]);
  });

  it('coalesces an event older than the start of the referral’s last sync into that sync', async () => {
    const queue = make({ clockSkewMs: 1000 });
    const t = Date.now();
    queue.accept(delivery('r1', t - 60_000));
    await queue.whenIdle();
    expect(queue.accept(delivery('r1', t - 30_000)).outcome).to.equal('coalesced');
    expect(queue.accept(delivery('r1', t - 500)).outcome).to.equal('queued'); // within the clock-skew allowance
    await queue.whenIdle();
    expect(batches).to.deep.equal([['r1'], ['r1']]);
  });

  it('does not count a failed sync as covering earlier events', async () => {
    let fail = true;
    const queue = make({
      processBatch: async (ids) => {
        batches.push(ids);
        await Promise.resolve();
        if (fail) throw new Error('sync failed');
      },
    });
    const t = Date.now() - 60_000;
    queue.accept(delivery('r1', t));
    await queue.whenIdle();
    fail = false;
    expect(queue.accept(delivery('r1', t + 1)).outcome).to.equal('queued');
    await queue.whenIdle();
    expect(batches).to.deep.equal([['r1'], ['r1']]);
  });

  it('acknowledges unknown and test events without a sync', async () => {
    const lines: string[] = [];
    const queue = make({
      logger: {
        debug: () => {},
        info: (e, f) => lines.push(`${e} ${JSON.stringify(f)}`),
        warn: (e) => lines.push(e),
        error: (e) => lines.push(e),
      },
    });
    expect(queue.accept(delivery(undefined, Date.now(), 'invoice-ready')).outcome).to.equal('ignored');
    expect(queue.accept(delivery('r1', Date.now(), 'test-created')).outcome).to.equal('ignored');
    await sleep(40);
    expect(batches).to.deep.equal([]);
    expect(queue.metrics.ignored).to.equal(2);
    expect(lines.some((line) => line.includes('invoice-ready'))).to.equal(true);
  });

  it('counts a failed batch and keeps going', async () => {
    const queue = make({
      batchSize: 1,
      processBatch: async (ids) => {
        batches.push(ids);
        await Promise.resolve();
        if (ids[0] === 'bad') throw new Error('sync failed');
      },
    });
    queue.accept(delivery('bad', Date.now()));
    queue.accept(delivery('good', Date.now()));
    await queue.whenIdle();
    expect(queue.metrics.failed).to.equal(1);
    expect(queue.metrics.processed).to.equal(1);
  });

  it('drain starts waiting work at once and finishes within the bound', async () => {
    const queue = make({ quietMs: 5000, maxWaitMs: 10_000 });
    for (let i = 0; i < 5; i++) queue.accept(delivery(`r${i}`, Date.now()));
    const started = Date.now();
    const result = await queue.drain(2000);
    expect(result).to.deep.equal({ drained: true, pending: 0, inFlight: 0 });
    expect(Date.now() - started).to.be.below(1000);
    expect(batches.flat()).to.have.length(5);
  });

  it('drain gives up at the bound when a batch hangs', async () => {
    const queue = make({ processBatch: () => new Promise<void>(() => {}) });
    queue.accept(delivery('stuck', Date.now()));
    const started = Date.now();
    const result = await queue.drain(100);
    expect(result).to.deep.equal({ drained: false, pending: 0, inFlight: 1 });
    expect(Date.now() - started).to.be.below(1000);
  });

  it('forgets the oldest dedupe keys past its capacity', async () => {
    const queue = make({ dedupeCapacity: 2 });
    const t = Date.now();
    queue.accept(delivery('a', t));
    queue.accept(delivery('b', t));
    queue.accept(delivery('c', t));
    expect(queue.accept(delivery('c', t)).outcome).to.equal('duplicate');
    expect(queue.accept(delivery('a', t)).outcome).to.not.equal('duplicate');
    await queue.whenIdle();
  });
});
