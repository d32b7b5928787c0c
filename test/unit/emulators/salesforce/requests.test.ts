import { Connection } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';

type Entry = { seq: number; method: string; path: string; status: number; records: number; fault?: string };

describe('Salesforce emulator: lost responses and the request log tests wait on', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;
  let conn: Connection;

  before(async () => {
    // As a System Administrator: these tests are about the API, not field-level security (see access.test.ts).
    emulator = await startSalesforceEmulator({ port: 0, loadMetadata: true, adminUser: true });
    conn = new Connection({ instanceUrl: emulator.url, accessToken: emulator.accessToken, version: '64.0' });
  });

  beforeEach(() => emulator.reset({ keepSchema: true }));

  after(async () => {
    await emulator?.close();
  });

  const opportunity = (name: string): Record<string, unknown> => ({
    Name: name,
    StageName: 'Prospecting',
    CloseDate: '2027-01-31',
  });

  async function failure(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected the call to fail');
  }

  it('lost-response: a create is saved, the client gets no answer, and the log says so', async () => {
    emulator.setFaults({ next: ['lost-response'] });
    const error = await failure(conn.sobject('Opportunity').create(opportunity('Saved, unanswered')));
    expect(error.message).to.match(/socket hang up|ECONNRESET|terminated|other side closed|fetch failed/i);
    expect(emulator.records('Opportunity').map((r) => r.Name)).to.deep.equal(['Saved, unanswered']);
    const entry = emulator.requests().at(-1) as Entry;
    expect(entry).to.include({ method: 'POST', status: 0, records: 1, fault: 'lost-response' });
  });

  it('lost-response on a collection commits every row; a read given that kind is only dropped', async () => {
    emulator.setFaults({ next: ['lost-response', 'lost-response'] });
    const rows = Array.from({ length: 3 }, (_, i) => opportunity(`Lost ${i}`));
    await failure(conn.sobject('Opportunity').create(rows, { allOrNone: true }));
    expect(emulator.records('Opportunity')).to.have.length(3);
    await failure(Promise.resolve(conn.query('SELECT Id FROM Opportunity')));
    const [write, read] = emulator.requests().slice(-2) as Entry[];
    expect(write).to.include({ method: 'POST', status: 0, records: 3, fault: 'lost-response' });
    expect(read).to.include({ method: 'GET', status: 0, records: 0, fault: 'lost-response' });
  });

  it('draws lost responses at the --lost-response-rate, deterministically, and only loses what it saved', async () => {
    const run = async (): Promise<boolean[]> => {
      emulator.reset({ keepSchema: true });
      emulator.setFaults({ lostResponseRate: 0.5, seed: 11 });
      const answered: boolean[] = [];
      for (let i = 0; i < 30; i++) {
        try {
          await conn.sobject('Opportunity').create(opportunity(`Rate ${i}`));
          answered.push(true);
        } catch {
          answered.push(false);
        }
      }
      return answered;
    };
    const first = await run();
    expect(await run()).to.deep.equal(first);
    const lost = first.filter((a) => !a).length;
    expect(lost).to.be.within(5, 25);
    // Every create was saved, answered or not.
    expect(emulator.records('Opportunity')).to.have.length(30);
    expect(emulator.requests().filter((r) => r.fault === 'lost-response')).to.have.length(lost);
  });

  it('accepts lost-response as a kind in the admin faults API', async () => {
    const set = await fetch(`${emulator.url}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ rate: 1, kinds: ['lost-response'], match: '/sobjects/Opportunity$' }),
    });
    expect(((await set.json()) as { kinds: string[] }).kinds).to.deep.equal(['lost-response']);
    await failure(conn.sobject('Opportunity').create(opportunity('Admin lost')));
    expect(emulator.records('Opportunity')).to.have.length(1);
    // Other paths do not match, so they answer.
    expect((await conn.query('SELECT Id FROM Opportunity')).totalSize).to.equal(1);
  });

  it('numbers every request and counts the records it wrote: collections, rollbacks, Bulk API uploads', async () => {
    await conn.sobject('Opportunity').create(Array.from({ length: 5 }, (_, i) => opportunity(`C${i}`)));
    const rolledBack = [opportunity('ok'), { ...opportunity('bad'), StageName: null }];
    await conn.sobject('Opportunity').create(rolledBack, { allOrNone: true });
    await conn.bulk2.loadAndWaitForResults({
      object: 'Opportunity',
      operation: 'insert',
      input: Array.from({ length: 7 }, (_, i) => ({ ...opportunity(`B${i}`) })),
      pollInterval: 50,
      pollTimeout: 20_000,
    });
    const log = emulator.requests() as Entry[];
    const seqs = log.map((r) => r.seq);
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).to.equal(seqs.length);
    const posts = log.filter((r) => r.method === 'POST' && r.path.endsWith('/composite/sobjects'));
    expect(posts.map((r) => r.records)).to.deep.equal([5, 0]);
    expect(log.find((r) => r.method === 'PUT')?.records).to.equal(7);
    expect(log.filter((r) => r.method === 'GET').every((r) => r.records === 0)).to.equal(true);
  });

  it('waits for the Nth matching write over HTTP, answering as soon as it has been answered', async () => {
    await conn.sobject('Opportunity').create(opportunity('Before the wait'));
    const since = emulator.requests().at(-1)?.seq ?? 0;
    const waiting = fetch(
      `${emulator.url}/__emulator/requests/wait?match=${encodeURIComponent('^POST \\S+/sobjects/Opportunity$')}` +
        `&count=3&timeoutMs=10000&since=${since}`
    );
    let settled = false;
    void waiting.then(() => (settled = true));
    await conn.query('SELECT Id FROM Opportunity');
    await conn.sobject('Opportunity').create(opportunity('W0'));
    await conn.sobject('Opportunity').create(opportunity('W1'));
    // Two of three: still waiting (the create before `since` does not count).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(settled).to.equal(false);
    await conn.sobject('Opportunity').create(opportunity('W2'));
    const answer = await waiting;
    expect(answer.status).to.equal(200);
    const body = (await answer.json()) as { requests: Entry[]; timedOut: boolean };
    expect(body.timedOut).to.equal(false);
    expect(body.requests.map((r) => [r.method, r.status, r.records])).to.deep.equal([
      ['POST', 201, 1],
      ['POST', 201, 1],
      ['POST', 201, 1],
    ]);
    expect(body.requests.every((r) => r.seq > since)).to.equal(true);
    expect(emulator.records('Opportunity')).to.have.length(4);
  });

  it('counts a lost response as committed, so a test can kill a client right after its Nth write', async () => {
    emulator.setFaults({ next: ['lost-response'] });
    const waited = emulator.waitForRequests({ match: '^POST ', count: 1, timeoutMs: 10_000 });
    await failure(conn.sobject('Opportunity').create(opportunity('Committed')));
    const [entry] = (await waited) as Entry[];
    expect(entry).to.include({ status: 0, records: 1, fault: 'lost-response' });
  });

  it('is bounded: a timeout answers 408 with what was seen, and waitForRequests rejects saying so', async () => {
    await conn.sobject('Opportunity').create(opportunity('Only one'));
    const started = Date.now();
    const answer = await fetch(`${emulator.url}/__emulator/requests/wait?match=%5EPOST%20&count=2&timeoutMs=300`);
    expect(Date.now() - started).to.be.within(250, 5000);
    expect(answer.status).to.equal(408);
    const body = (await answer.json()) as { requests: Entry[]; timedOut: boolean };
    expect(body.timedOut).to.equal(true);
    expect(body.requests.map((r) => r.method)).to.deep.equal(['POST']);
    const error = await failure(emulator.waitForRequests({ match: '^POST ', count: 2, timeoutMs: 200 }));
    expect(error.message).to.include('saw 1');
    const bad = await fetch(`${emulator.url}/__emulator/requests/wait?count=0`);
    expect(bad.status).to.equal(400);
  });
});
