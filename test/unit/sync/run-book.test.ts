/**
 * A run's book against the Salesforce emulator (in process): the records other runs left Running are finished as the
 * run opens its own — a stale lease holder's as interrupted, an older one as unclosed — and a sweep that failed then
 * is tried again as the run closes, but only while the run still holds the lease.
 */
import { expect } from 'chai';
import { Connection } from '@jsforce/jsforce-node';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { assignPermissionSet } from '../../../scripts/assign-permset.js';
import { RUN } from '../../../src/salesforce/fields.js';
import { syncMessages } from '../../../src/sync/messages.js';
import { priorRuns } from '../../../src/sync/prior-runs.js';
import { RunBook } from '../../../src/sync/run-book.js';
import { RunOutcomes } from '../../../src/sync/run-outcomes.js';
import { emptySummaries, type SyncResult } from '../../../src/sync/types.js';

type Row = Record<string, unknown>;

describe('sync: the run book finishes the run records other runs left Running', function () {
  this.timeout(60_000);
  let sf: SalesforceEmulator;
  let connection: Connection;

  before(async () => {
    sf = await startSalesforceEmulator({ port: 0, loadMetadata: true });
    connection = new Connection({ instanceUrl: sf.url, accessToken: sf.accessToken, version: '64.0' });
    await assignPermissionSet(connection, 'Partner_Center_Integration', sf.username);
  });
  beforeEach(() => sf.reset({ keepSchema: true }));
  after(async () => {
    await sf?.close();
  });

  /** A run record left Running, as a run that died or whose close was lost leaves it. */
  const leftRunning = async (key: string, startedAt: string): Promise<string> => {
    const values = { [RUN.key]: key, [RUN.startedAt]: startedAt, [RUN.trigger]: 'Manual', [RUN.status]: 'Running' };
    return (await connection.sobject(RUN.object).create(values)).id as string;
  };
  const run = (id: string): Row | undefined => sf.records(RUN.object).find((row) => row.Id === id);
  const open = (
    stale?: { holder: string; acquiredAt: string },
    unclosed?: Parameters<typeof RunBook.open>[1]['unclosed']
  ): Promise<RunBook> =>
    RunBook.open(connection, {
      trigger: 'Manual',
      startedAt: '2026-12-01T10:00:00Z',
      bulkThreshold: 2000,
      ...(stale ? { stale: { id: 'x', token: 'host:1:x', expiresAt: stale.acquiredAt, ...stale } } : {}),
      ...(unclosed ? { unclosed } : {}),
    });
  const close = (book: RunBook, checkpoint: () => void): Promise<unknown> => {
    const result: SyncResult = {
      runId: book.id,
      dryRun: false,
      trigger: 'Manual',
      startedAt: '2026-12-01T10:00:00Z',
      finishedAt: '2026-12-01T10:01:00Z',
      status: 'Succeeded',
      summary: emptySummaries(),
      watermarks: {},
      records: [],
    };
    const outcomes = new RunOutcomes({ events: undefined, priorStates: new Map() });
    return book.close(result, {
      outcomes,
      failure: undefined,
      notices: [],
      requests: () => 0,
      openLeads: null,
      checkpoint,
    });
  };

  it("marks the stale holder's run interrupted and an older one unclosed, naming the run that found them", async () => {
    const older = await leftRunning('older', '2026-12-01T08:00:00Z');
    const died = await leftRunning('died', '2026-12-01T09:00:00Z');
    const book = await open({ holder: 'sf pcsync serve (pid 7 on box)', acquiredAt: '2026-12-01T08:59:59.000Z' });
    expect(run(older)?.[RUN.status]).to.equal('Interrupted');
    expect(run(older)?.[RUN.message]).to.equal(syncMessages.getMessage('run.unclosed', [book.key]));
    expect(run(died)?.[RUN.status]).to.equal('Interrupted');
    expect(run(died)?.[RUN.message]).to.equal(
      syncMessages.getMessage('run.interrupted', ['sf pcsync serve (pid 7 on box)', book.key])
    );
    expect(run(book.id)?.[RUN.status]).to.equal('Running');
  });

  it('with the lease free, every other record still Running is one whose close was lost', async () => {
    const lost = await leftRunning('lost', '2026-12-01T09:00:00Z');
    const book = await open();
    expect(run(lost)?.[RUN.message]).to.equal(syncMessages.getMessage('run.unclosed', [book.key]));
  });

  it('an incremental run reads the watermarks and the records left Running in one request, and reads no more', async () => {
    const lost = await leftRunning('lost', '2026-12-01T09:00:00Z');
    await connection.sobject(RUN.object).create({
      [RUN.key]: 'finished',
      [RUN.startedAt]: '2026-12-01T08:00:00Z',
      [RUN.trigger]: 'Manual',
      [RUN.status]: 'Succeeded',
      [RUN.inboundWatermark]: '2026-12-01T08:05:00Z',
    });
    sf.resetCounters();
    const prior = await priorRuns(connection, { watermarks: true, unclosed: true });
    expect(sf.counters()).to.deep.equal({ 'POST /composite': 1 });
    expect(prior.previous.inbound).to.equal('2026-12-01T08:05:00Z');
    expect(prior.unclosed?.map((row) => row.id)).to.deep.equal([lost]);
    sf.resetCounters();
    await open(undefined, prior.unclosed);
    // The run's own record opened, the one left Running finished: no query.
    expect(sf.counters()['GET /query'] ?? 0).to.equal(0);
    expect(run(lost)?.[RUN.status]).to.equal('Interrupted');
  });

  it('a full run opens its record and reads the records left Running in one request', async () => {
    const lost = await leftRunning('lost', '2026-12-01T09:00:00Z');
    sf.resetCounters();
    const book = await open();
    // The open and the query in one Composite request; the record left Running finished in one more.
    expect(sf.counters()).to.deep.equal({ 'POST /composite': 1, 'PATCH /composite/sobjects': 1 });
    expect(run(book.id)?.[RUN.status]).to.equal('Running');
    expect(run(book.id)?.[RUN.key]).to.equal(book.key);
    expect(run(lost)?.[RUN.status]).to.equal('Interrupted');
    expect(sf.records(RUN.object)).to.have.length(2);
  });

  it('a full run whose one request goes unanswered opens its record once all the same', async () => {
    const lost = await leftRunning('lost', '2026-12-01T09:00:00Z');
    // Committed, its answer lost, every time: the open goes again on its own, an upsert by the run's key.
    sf.setFaults({ match: '/composite$', rate: 1, kinds: ['lost-response'] });
    const book = await open();
    sf.clearFaults();
    expect(sf.records(RUN.object)).to.have.length(2);
    expect(run(book.id)?.[RUN.key]).to.equal(book.key);
    expect(run(lost)?.[RUN.status]).to.equal('Interrupted');
  });

  for (const held of [true, false]) {
    it(`a sweep that failed as the run opened is tried again as it closes ${held ? 'with' : 'only with'} the lease held`, async () => {
      const lost = await leftRunning('lost', '2026-12-01T09:00:00Z');
      // The sweep's update, its retries and all (the only record collection update here).
      sf.setFaults({ match: '/composite/sobjects$', next: ['unavailable', 'unavailable', 'unavailable'] });
      const book = await open();
      expect(run(lost)?.[RUN.status], 'the sweep as the run opened failed').to.equal('Running');
      await close(book, () => {
        if (!held) throw new Error('lease lost');
      });
      expect(run(book.id)?.[RUN.status]).to.equal('Succeeded');
      expect(run(lost)?.[RUN.status]).to.equal(held ? 'Interrupted' : 'Running');
    });
  }
});
