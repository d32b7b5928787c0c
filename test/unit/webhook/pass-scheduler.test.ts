import { expect } from 'chai';
import sinon from 'sinon';
import type { SyncDependencies, SyncOptions } from '../../../src/sync/engine.js';
import { emptyLeadSummary, emptySummary, type SyncResult } from '../../../src/sync/types.js';
import type { WebhookLogger } from '../../../src/webhook/logger.js';
import { createPassScheduler } from '../../../src/webhook/pass-scheduler.js';

const result = (status: SyncResult['status']): SyncResult => ({
  dryRun: false,
  trigger: 'Webhook',
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:00:01Z',
  status,
  summary: { inbound: emptySummary(), outbound: emptySummary(), leads: emptyLeadSummary() },
  watermarks: {},
  records: [],
});

/** A logger that keeps what it was told. */
function recordingLogger(): WebhookLogger & { events: Array<{ level: string; event: string }> } {
  const events: Array<{ level: string; event: string }> = [];
  const at =
    (level: string) =>
    (event: string): void => {
      events.push({ level, event });
    };
  return { events, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A sync whose passes end when the test says so, recording each call and how many ran at once. */
function controlledSync() {
  const calls: SyncOptions[] = [];
  const pending: Array<{ resolve: (r: SyncResult) => void; reject: (e: Error) => void }> = [];
  let running = 0;
  let mostAtOnce = 0;
  const sync = (_deps: SyncDependencies, options: SyncOptions = {}): Promise<SyncResult> => {
    calls.push(options);
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    return new Promise<SyncResult>((resolve, reject) => pending.push({ resolve, reject })).finally(() => running--);
  };
  return {
    sync,
    calls,
    mostAtOnce: (): number => mostAtOnce,
    /** Ends the oldest pass still running. */
    end: (outcome: SyncResult | Error = result('Succeeded')): void => {
      const next = pending.shift();
      if (!next) throw new Error('no pass is running');
      if (outcome instanceof Error) next.reject(outcome);
      else next.resolve(outcome);
    },
  };
}

const leaseBusy = (): Error => Object.assign(new Error('Another sync holds the lease.'), { name: 'LeaseBusyError' });
const deps = {} as SyncDependencies;
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('serve: pass scheduler', () => {
  let clock: sinon.SinonFakeTimers | undefined;
  afterEach(() => clock?.restore());

  it('runs one pass at a time in this process: a second waits for the first to end', async () => {
    const sync = controlledSync();
    const passes = createPassScheduler(deps, recordingLogger(), sync.sync);
    const first = passes.run('webhook', { referralIds: ['a'], direction: 'inbound', trigger: 'Webhook' });
    const second = passes.run('reconcile', { direction: 'inbound', trigger: 'Reconcile' });
    await settle();
    expect(sync.calls).to.have.length(1);
    sync.end();
    await first;
    await settle();
    expect(sync.calls).to.have.length(2);
    sync.end();
    await second;
    expect(sync.mostAtOnce()).to.equal(1);
  });

  it('an event-driven pass waits for the org’s lease, a periodic one does not; both run as serve', async () => {
    const sync = controlledSync();
    const passes = createPassScheduler(deps, recordingLogger(), sync.sync);
    const webhook = passes.run('webhook', { direction: 'inbound', trigger: 'Webhook' });
    await settle();
    sync.end();
    await webhook;
    const reconcile = passes.run('reconcile', { direction: 'inbound', trigger: 'Reconcile' });
    await settle();
    sync.end();
    await reconcile;
    expect(sync.calls.map((c) => [c.holder, c.leaseWaitMs])).to.deep.equal([
      ['sf pcsync serve', 5 * 60_000],
      ['sf pcsync serve', 0],
    ]);
  });

  it('a periodic pass that finds the lease held elsewhere is skipped; a webhook pass fails and says so', async () => {
    const sync = controlledSync();
    const logger = recordingLogger();
    const passes = createPassScheduler(deps, logger, sync.sync);
    const reconcile = passes.run('reconcile', { direction: 'inbound', trigger: 'Reconcile' });
    await settle();
    sync.end(leaseBusy());
    expect(await reconcile).to.equal(undefined);
    expect(passes.health.lastPassFailedAt).to.equal(undefined);
    expect(logger.events.at(-1)).to.deep.equal({ level: 'info', event: 'pass-skipped' });

    const webhook = passes.run('webhook', { direction: 'inbound', trigger: 'Webhook' });
    await settle();
    sync.end(leaseBusy());
    const failed = await webhook.then(
      () => undefined,
      (error: Error) => error
    );
    expect(failed?.message).to.equal('Another sync holds the lease.');
    expect(passes.health.lastPassFailedAt).to.be.a('string');
    expect(logger.events.at(-1)).to.deep.equal({ level: 'error', event: 'pass-failed' });
  });

  it('health: a pass that says to sign in again marks the sign-in invalid; the next success, valid', async () => {
    const sync = controlledSync();
    const passes = createPassScheduler(deps, recordingLogger(), sync.sync);
    const failing = passes.run('outbound-poll', { direction: 'outbound', trigger: 'Reconcile' });
    await settle();
    sync.end(new Error('The refresh token has expired: sign in again with sf pcsync auth login.'));
    expect(await failing).to.equal(undefined);
    expect(passes.health.auth).to.equal('invalid');
    const next = passes.run('outbound-poll', { direction: 'outbound', trigger: 'Reconcile' });
    await settle();
    sync.end(result('Partially Succeeded'));
    await next;
    expect(passes.health.auth).to.equal('valid');
    expect(passes.health.lastPassSucceededAt).to.be.a('string');
  });

  it('a periodic pass never overlaps itself: the next is scheduled when one ends, and none after stop', async () => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const sync = controlledSync();
    const passes = createPassScheduler(deps, recordingLogger(), sync.sync);
    passes.every('reconcile', 1000, { direction: 'inbound', trigger: 'Reconcile' });
    await clock.tickAsync(1000);
    expect(sync.calls).to.have.length(1);
    // The pass runs for five intervals: no second one starts meanwhile.
    await clock.tickAsync(5000);
    expect(sync.calls).to.have.length(1);
    sync.end();
    await clock.tickAsync(999);
    expect(sync.calls).to.have.length(1);
    await clock.tickAsync(1);
    expect(sync.calls).to.have.length(2);
    sync.end();
    await clock.tickAsync(0);
    passes.stop();
    await clock.tickAsync(10_000);
    expect(sync.calls).to.have.length(2);
  });

  it('the outbound poll starts once, and not at all with an interval of 0', async () => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const sync = controlledSync();
    const passes = createPassScheduler(deps, recordingLogger(), sync.sync);
    passes.poll(0);
    await clock.tickAsync(60_000);
    expect(sync.calls).to.have.length(0);
    passes.poll(1000);
    passes.poll(1000);
    await clock.tickAsync(1000);
    expect(sync.calls.map((c) => c.direction)).to.deep.equal(['outbound']);
    sync.end();
    // A second poll would have waited its turn behind the first and start now.
    await clock.tickAsync(0);
    expect(sync.calls).to.have.length(1);
    passes.stop();
  });

  it('drain: false while a pass is still running at the bound, true once every pass has ended', async () => {
    const sync = controlledSync();
    const passes = createPassScheduler(deps, recordingLogger(), sync.sync);
    const pass = passes.run('webhook', { direction: 'inbound', trigger: 'Webhook' });
    await settle();
    expect(await passes.drain(20)).to.equal(false);
    const drained = passes.drain(60_000);
    sync.end();
    await pass;
    expect(await drained).to.equal(true);
  });
});
