import { expect } from 'chai';
import type { SyncOptions } from '../../../src/sync/engine.js';
import { emptyLeadSummary, emptySummary, type RecordOutcome, type SyncResult } from '../../../src/sync/types.js';
import { silentLogger } from '../../../src/webhook/logger.js';
import { CHANGE_PASS_ATTEMPTS, sendChangeBatch, sendSinceWatermark } from '../../../src/webhook/change-passes.js';

const result = (status: SyncResult['status'], records: RecordOutcome[] = []): SyncResult => ({
  dryRun: false,
  trigger: 'Change Event',
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:00:01Z',
  status,
  summary: { inbound: emptySummary(), outbound: emptySummary(), leads: emptyLeadSummary() },
  watermarks: {},
  records,
});
const failedFor = (id: string, retry: boolean): RecordOutcome => ({
  direction: 'outbound',
  outcome: 'error',
  opportunityId: id,
  changes: [],
  retry,
});

describe('change event passes: bounded retries', () => {
  const noWait = (): Promise<void> => Promise.resolve();
  /** A pass that records what it was asked and gives the next answer. */
  const passes = (calls: SyncOptions[], answers: Array<SyncResult | undefined>) => ({
    run: (sync: SyncOptions): Promise<SyncResult | undefined> => {
      calls.push(sync);
      return Promise.resolve(answers[calls.length - 1]);
    },
    logger: silentLogger,
    sleep: noWait,
  });

  it('retries only the records whose failure may pass, each try naming its attempt, and keeps the position', async () => {
    const calls: SyncOptions[] = [];
    const answers = [
      result('Partially Succeeded', [failedFor('006A', true), failedFor('006B', false)]),
      undefined, // the whole pass failed
      result('Succeeded'),
    ];
    const unsent = await sendChangeBatch(passes(calls, answers), {
      recordIds: ['006A', '006B', '006C'],
      replayId: 42,
      oldestCommitMs: 0,
    });
    expect(unsent).to.deep.equal([]);
    expect(calls.map((c) => c.recordIds)).to.deep.equal([['006A', '006B', '006C'], ['006A'], ['006A']]);
    // Every try carries the position; the engine keeps it only on the try that leaves nothing to retry.
    expect(calls.map((c) => c.replayId)).to.deep.equal([42, 42, 42]);
    expect(calls[0].notices).to.deep.equal([]);
    expect(calls[2].notices?.[0]).to.match(new RegExp(`Attempt 3 of ${CHANGE_PASS_ATTEMPTS}`));
  });

  it('gives the ids back after the last try, and passes no position the feed has not reached', async () => {
    const calls: SyncOptions[] = [];
    const unsent = await sendChangeBatch(passes(calls, []), { recordIds: ['006A'], replayId: -1, oldestCommitMs: 0 });
    expect(unsent).to.deep.equal(['006A']);
    expect(calls).to.have.length(CHANGE_PASS_ATTEMPTS);
    expect(calls.every((c) => c.replayId === undefined)).to.equal(true);
  });

  it('catches up from the watermark once when the replay id is lost, saying why in the run record', async () => {
    const calls: SyncOptions[] = [];
    const answers = [result('Failed'), result('Succeeded')];
    const done = await sendSinceWatermark(passes(calls, answers), 7);
    expect(done).to.equal(true);
    expect(calls).to.have.length(2);
    expect(calls[0]).to.include({ direction: 'outbound', trigger: 'Change Event' });
    expect(calls[0].recordIds).to.equal(undefined);
    expect(calls[0].notices?.[0]).to.match(/replay id 7 .*72 hours/);
  });
});
