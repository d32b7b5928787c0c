import { expect } from 'chai';
import { Connection } from '@jsforce/jsforce-node';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { DEFAULT_MAPPING } from '../../../src/mapping/defaults.js';
import { CALL_OPTIONS } from '../../../src/salesforce/instrument.js';
import {
  type ChangeBatch,
  type ChangeEvent,
  ChangeFeedRefused,
  REPLAY_NEW,
  subscribeChangeFeed,
} from '../../../src/sync/change-feed.js';
import { api, sfRequest } from '../../helpers/salesforce-emulator.js';

/** False once a test is over, so a wait its timeout cut short stops too (and mocha can exit). */
let testRunning = false;

/** Waits for observable state; bounded by the test's timeout. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) {
    if (!testRunning) throw new Error('gave up waiting: the test is over');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('change feed: Opportunity changes from Change Data Capture, through the emulator', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;
  let connection: Connection;
  let oppId: string;

  beforeEach(async () => {
    testRunning = true;
    // As a System Administrator: field-level security is not what these tests are about.
    emulator = await startSalesforceEmulator({ port: 0, loadMetadata: true, adminUser: true });
    connection = new Connection({ instanceUrl: emulator.url, accessToken: emulator.accessToken, version: '64.0' });
    emulator.seed({ Opportunity: [{ Name: 'Deal', StageName: 'Prospecting', CloseDate: '2027-01-01' }] });
    oppId = emulator.records('Opportunity')[0].Id as string;
  });

  afterEach(async () => {
    testRunning = false;
    await emulator.close();
  });

  const patch = async (body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<void> => {
    const response = await sfRequest(emulator, 'PATCH', api(`/sobjects/Opportunity/${oppId}`), body, headers);
    expect(response.status).to.equal(204);
  };

  it('hands on a rep’s change of a watched field once, and ignores pcsync’s own writes and other fields', async () => {
    const batches: ChangeBatch[] = [];
    const outcomes: string[] = [];
    const feed = await subscribeChangeFeed({
      connection,
      rules: DEFAULT_MAPPING,
      replayFrom: REPLAY_NEW,
      // Long enough that the two saves below, a few ms apart, fall into one window.
      quietMs: 1000,
      maxBatch: 100,
      onBatch: (batch) => {
        batches.push(batch);
        return Promise.resolve();
      },
      onEvent: (outcome: string, event: ChangeEvent) => outcomes.push(`${outcome} ${event.event.replayId}`),
    });
    try {
      await patch({ Sync_With_Partner_Center__c: true }, { 'Sforce-Call-Options': CALL_OPTIONS });
      await patch({ NextStep: 'Call back' });
      await patch({ Amount: 1000 });
      await patch({ Description: 'Bigger deal' });
      await until(() => batches.length > 0 && outcomes.length === 4);
      expect(outcomes.map((o) => o.split(' ')[0])).to.deep.equal(['echo', 'ignored', 'relevant', 'relevant']);
      // Two relevant saves in the quiet window: one batch with the record once, resuming after the last event.
      expect(batches).to.have.length(1);
      expect(batches[0].recordIds).to.deep.equal([oppId]);
      expect(batches[0].replayId).to.equal(Number(outcomes[3].split(' ')[1]));
    } finally {
      await feed.close();
    }
  });

  it('resumes from a stored replay id, and says so when the id is no longer retained', async () => {
    await patch({ Amount: 1 });
    await patch({ Amount: 2 });
    // The last two (the seed's create came first).
    const [first, second] = emulator.changeEvents().slice(-2);
    const batches: ChangeBatch[] = [];
    const feed = await subscribeChangeFeed({
      connection,
      rules: DEFAULT_MAPPING,
      replayFrom: first.event.replayId,
      quietMs: 10,
      maxBatch: 100,
      onBatch: (batch) => {
        batches.push(batch);
        return Promise.resolve();
      },
    });
    try {
      await until(() => batches.length > 0);
      expect(batches[0]).to.include({ replayId: second.event.replayId });
    } finally {
      await feed.close();
    }
    const refused = await subscribeChangeFeed({
      connection,
      rules: DEFAULT_MAPPING,
      replayFrom: second.event.replayId + 1000,
      quietMs: 10,
      maxBatch: 100,
      onBatch: () => Promise.resolve(),
    }).then(
      () => undefined,
      (error: unknown) => error
    );
    expect(refused).to.be.instanceOf(ChangeFeedRefused);
    expect((refused as ChangeFeedRefused).reason).to.equal('invalid-replay-id');
  });

  it('is refused with the reason when Change Data Capture is not enabled for Opportunity', async () => {
    await emulator.close();
    emulator = await startSalesforceEmulator({ port: 0, adminUser: true });
    connection = new Connection({ instanceUrl: emulator.url, accessToken: emulator.accessToken, version: '64.0' });
    const refused = await subscribeChangeFeed({
      connection,
      rules: DEFAULT_MAPPING,
      replayFrom: REPLAY_NEW,
      quietMs: 10,
      maxBatch: 100,
      onBatch: () => Promise.resolve(),
    }).then(
      () => undefined,
      (error: unknown) => error
    );
    expect(refused).to.be.instanceOf(ChangeFeedRefused);
    expect((refused as ChangeFeedRefused).reason).to.equal('unknown-channel');
  });
});
