import { expect } from 'chai';
import { Connection } from '@jsforce/jsforce-node';
import { StreamingExtension } from '@jsforce/jsforce-node/lib/api/streaming.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import type { ChangeEventMessage } from '../../../../emulators/salesforce/change-events.js';
import { api, deployZip, NS, packageXml, sfRequest } from '../../../helpers/salesforce-emulator.js';

const CHANNEL = '/data/OpportunityChangeEvent';
const MEMBER =
  `<?xml version="1.0" encoding="UTF-8"?><PlatformEventChannelMember ${NS}>` +
  '<eventChannel>ChangeEvents</eventChannel><selectedEntity>OpportunityChangeEvent</selectedEntity>' +
  '</PlatformEventChannelMember>';

/** The part of Faye's client (jsforce's streaming client) these tests use; Faye ships no types. */
type FayeClient = {
  subscribe(channel: string, listener: (message: ChangeEventMessage) => void): Promise<unknown>;
  disconnect(): PromiseLike<unknown> | undefined;
};
type Received = ChangeEventMessage[];

/** Disconnects and waits (bounded) for the answer: until it comes, Faye retries its long poll and mocha never exits. */
async function endClient(client: FayeClient): Promise<void> {
  let bound: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.resolve(client.disconnect()).catch(() => undefined),
    new Promise((resolve) => {
      bound = setTimeout(resolve, 5000);
    }),
  ]);
  clearTimeout(bound);
}

/** A jsforce streaming client (Faye) subscribed to `channel` from `replayId`, collecting what it receives. */
async function subscribe(
  emulator: SalesforceEmulator,
  channel: string,
  replayId: number | null
): Promise<{ client: FayeClient; received: Received }> {
  const conn = new Connection({ instanceUrl: emulator.url, accessToken: emulator.accessToken, version: '64.0' });
  const client = conn.streaming.createClient([
    new StreamingExtension.Replay(channel, replayId),
  ]) as unknown as FayeClient;
  const received: Received = [];
  try {
    await client.subscribe(channel, (message: ChangeEventMessage) => received.push(message));
  } catch (error) {
    await endClient(client);
    throw error;
  }
  return { client, received };
}

/** False once a test is over, so a wait its timeout cut short stops too (and mocha can exit). */
let testRunning = false;

/** Resolves once `received` holds `count` events; bounded by the test's timeout, never by a guessed deadline. */
async function until(received: Received, count: number): Promise<Received> {
  while (received.length < count) {
    if (!testRunning) throw new Error(`gave up waiting for ${count} events; got ${received.length}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return received;
}

async function createOpportunity(emulator: SalesforceEmulator, name: string, client?: string): Promise<string> {
  const response = await sfRequest<{ id: string }>(
    emulator,
    'POST',
    api('/sobjects/Opportunity'),
    { Name: name, StageName: 'Prospecting', CloseDate: '2027-01-01' },
    client ? { 'Sforce-Call-Options': `client=${client}` } : {}
  );
  expect(response.status).to.equal(201);
  return response.body.id;
}

describe('Salesforce emulator: Streaming API (CometD) and Change Data Capture, through jsforce', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;
  const clients: FayeClient[] = [];

  beforeEach(async () => {
    testRunning = true;
    emulator = await startSalesforceEmulator({ port: 0, adminUser: true });
  });

  afterEach(async () => {
    testRunning = false;
    // Each client's disconnect answered before the emulator closes: otherwise Faye retries forever, mocha never exits.
    await Promise.all(clients.splice(0).map((client) => endClient(client)));
    await emulator.close();
  });

  const deployMember = async (): Promise<void> => {
    const status = await deployZip(emulator, {
      'package.xml': packageXml({ PlatformEventChannelMember: ['ChangeEvents_OpportunityChangeEvent'] }),
      'platformEventChannelMembers/ChangeEvents_OpportunityChangeEvent.platformEventChannelMember': MEMBER,
    });
    expect(status.deployResult.status).to.equal('Succeeded');
  };

  it('refuses the channel (403::Unknown channel) and publishes nothing until a channel member selects it', async () => {
    await createOpportunity(emulator, 'Before');
    const refused = await subscribe(emulator, CHANNEL, -1).then(
      () => undefined,
      (error: { message?: string; code?: number }) => error
    );
    expect(refused?.message).to.equal('Unknown channel');
    expect(refused?.code).to.equal(403);
    expect(emulator.changeEvents()).to.deep.equal([]);
    await deployMember();
    const { client, received } = await subscribe(emulator, CHANNEL, -1);
    clients.push(client);
    const id = await createOpportunity(emulator, 'After');
    const [event] = await until(received, 1);
    expect(event.payload.ChangeEventHeader).to.include({ entityName: 'Opportunity', changeType: 'CREATE' });
    expect(event.payload.ChangeEventHeader.recordIds).to.deep.equal([id]);
  });

  it('sends create, update and delete with the real header, changeOrigin from Sforce-Call-Options', async () => {
    await deployMember();
    const { client, received } = await subscribe(emulator, CHANNEL, -1);
    clients.push(client);
    const id = await createOpportunity(emulator, 'Deal', 'pcsync');
    const patched = await sfRequest(emulator, 'PATCH', api(`/sobjects/Opportunity/${id}`), { Amount: 5000 });
    expect(patched.status).to.equal(204);
    const deleted = await sfRequest(emulator, 'DELETE', api(`/sobjects/Opportunity/${id}`));
    expect(deleted.status).to.equal(204);
    const [created, updated, removed] = await until(received, 3);
    const header = created.payload.ChangeEventHeader;
    expect(header).to.include({ entityName: 'Opportunity', changeType: 'CREATE', sequenceNumber: 1 });
    expect(header.changeOrigin).to.equal('com/salesforce/api/rest/64.0;client=pcsync');
    expect(header.commitUser).to.equal(emulator.userId);
    expect(header.transactionKey).to.be.a('string').and.not.equal('');
    expect(header.commitTimestamp).to.be.a('number');
    expect(created.payload).to.include({ Name: 'Deal', StageName: 'Prospecting' });
    expect(updated.payload.ChangeEventHeader.changeType).to.equal('UPDATE');
    expect(updated.payload.ChangeEventHeader.changeOrigin).to.equal('com/salesforce/api/rest/64.0');
    expect(updated.payload.ChangeEventHeader.changedFields).to.include('Amount');
    expect(updated.payload.ChangeEventHeader.changedFields).to.not.include('Name');
    expect(updated.payload).to.include({ Amount: 5000 });
    expect(updated.payload).to.not.have.property('Name');
    expect(removed.payload.ChangeEventHeader).to.include({ changeType: 'DELETE' });
    expect(removed.payload.ChangeEventHeader.recordIds).to.deep.equal([id]);
    const replayIds = [created, updated, removed].map((e) => e.event.replayId);
    expect(replayIds).to.deep.equal([...replayIds].sort((a, b) => a - b));
    expect(new Set(replayIds).size).to.equal(3);
  });

  it('publishes one transaction per collections call, and nothing for a rolled-back allOrNone call', async () => {
    await deployMember();
    const { client, received } = await subscribe(emulator, CHANNEL, -1);
    clients.push(client);
    const records = [1, 2].map((n) => ({
      attributes: { type: 'Opportunity' },
      Name: `Deal ${n}`,
      StageName: 'Prospecting',
      CloseDate: '2027-01-01',
    }));
    const failed = await sfRequest(emulator, 'POST', api('/composite/sobjects'), {
      allOrNone: true,
      records: [...records, { attributes: { type: 'Opportunity' }, Name: 'No stage' }],
    });
    expect(failed.status).to.equal(200);
    const ok = await sfRequest(emulator, 'POST', api('/composite/sobjects'), { allOrNone: true, records });
    expect(ok.status).to.equal(200);
    const events = await until(received, 2);
    expect(events.map((e) => e.payload.Name)).to.deep.equal(['Deal 1', 'Deal 2']);
    const [first, second] = events.map((e) => e.payload.ChangeEventHeader);
    expect(second.transactionKey).to.equal(first.transactionKey);
    expect([first.sequenceNumber, second.sequenceNumber]).to.deep.equal([1, 2]);
    expect(emulator.changeEvents()).to.have.length(2);
  });

  it('publishes Bulk API 2.0 writes with the bulkapi origin', async () => {
    await deployMember();
    const { client, received } = await subscribe(emulator, CHANNEL, -1);
    clients.push(client);
    const job = await sfRequest<{ id: string }>(
      emulator,
      'POST',
      api('/jobs/ingest'),
      { object: 'Opportunity', operation: 'insert' },
      { 'Sforce-Call-Options': 'client=loader' }
    );
    await sfRequest(
      emulator,
      'PUT',
      api(`/jobs/ingest/${job.body.id}/batches`),
      'Name,StageName,CloseDate\nBulk,Prospecting,2027-01-01\n',
      { 'Content-Type': 'text/csv' }
    );
    await sfRequest(emulator, 'PATCH', api(`/jobs/ingest/${job.body.id}`), { state: 'UploadComplete' });
    const [event] = await until(received, 1);
    expect(event.payload.ChangeEventHeader.changeOrigin).to.equal('com/salesforce/api/bulkapi/64.0;client=loader');
  });

  it('replays: -2 all retained, a replay id the events after it, -1 only new ones', async () => {
    await deployMember();
    for (const name of ['A', 'B', 'C']) await createOpportunity(emulator, name);
    const retained = emulator.changeEvents();
    const all = await subscribe(emulator, CHANNEL, -2);
    clients.push(all.client);
    expect((await until(all.received, 3)).map((e) => e.payload.Name)).to.deep.equal(['A', 'B', 'C']);
    const after = await subscribe(emulator, CHANNEL, retained[0].event.replayId);
    clients.push(after.client);
    const fresh = await subscribe(emulator, CHANNEL, -1);
    clients.push(fresh.client);
    await createOpportunity(emulator, 'D');
    expect((await until(after.received, 3)).map((e) => e.payload.Name)).to.deep.equal(['B', 'C', 'D']);
    expect((await until(fresh.received, 1)).map((e) => e.payload.Name)).to.deep.equal(['D']);
    // Nothing more arrives for the client that asked for new events only: all has had D too, so the queue is drained.
    expect((await until(all.received, 4)).map((e) => e.payload.Name)).to.deep.equal(['A', 'B', 'C', 'D']);
    expect(fresh.received).to.have.length(1);
  });

  it('refuses a replay id past the retention window with the documented error', async () => {
    await emulator.close();
    emulator = await startSalesforceEmulator({ port: 0, adminUser: true, changeEventRetentionMs: 50 });
    await deployMember();
    await createOpportunity(emulator, 'Old');
    const [old] = emulator.changeEvents();
    // The event is retained, then gone once the window passes: observable state, polled.
    while (testRunning && emulator.changeEvents().length > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const refused = await subscribe(emulator, CHANNEL, old.event.replayId).then(
      () => undefined,
      (error: { message?: string; code?: number }) => error
    );
    // Faye's error grammar has no room for the braces, so the client keeps the whole text (code and all) as it is.
    expect(refused?.message).to.equal(
      `400::The replayId {${old.event.replayId}} you provided was invalid.  ` +
        'Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.'
    );
  });

  it('denies a handshake without a valid session, as Salesforce does', async () => {
    await deployMember();
    // The AuthFailure extension sees `advice.reconnect: none`; the subscribe itself never completes.
    const conn = new Connection({ instanceUrl: emulator.url, accessToken: 'not-a-token', version: '64.0' });
    const failures: Array<{ error?: string; ext?: { sfdc?: { failureReason?: string } } }> = [];
    const client = conn.streaming.createClient([
      new StreamingExtension.AuthFailure((message: (typeof failures)[number]) => failures.push(message)),
    ]) as unknown as FayeClient;
    clients.push(client);
    void client.subscribe(CHANNEL, () => undefined);
    while (testRunning && failures.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(failures[0].error).to.equal('403::Handshake denied');
    expect(failures[0].ext?.sfdc?.failureReason).to.equal('401::Authentication invalid');
  });

  it('answers a CometD request without an API version with the documented 400', async () => {
    const response = await sfRequest(emulator, 'POST', '/cometd', [{ channel: '/meta/handshake' }]);
    expect(response.status).to.equal(400);
    expect(response.text).to.include('API version in the URI is mandatory');
  });
});
