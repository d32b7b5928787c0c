import { Connection } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import { api, sfRequest, type SfErrorBody } from '../../../helpers/salesforce-emulator.js';

type Stamped = { Id: string; SystemModstamp: string; CreatedDate: string; LastModifiedDate: string };

const ms = (stamp: string): number => Date.parse(stamp.replace(/\+0000$/, 'Z'));

describe('Salesforce emulator: the org clock (second precision, skew, Date header)', function () {
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

  /** Creates a record through jsforce and reads its stamps back, with the machine's time around the call. */
  async function stampedCreate(): Promise<{ row: Stamped; before: number; after: number }> {
    const before = Date.now();
    const created = await conn.sobject('Opportunity').create({
      Name: 'Clocked',
      StageName: 'Prospecting',
      CloseDate: '2027-01-31',
    });
    const after = Date.now();
    if (!created.success) throw new Error('create failed');
    const row = (await conn.sobject('Opportunity').retrieve(created.id)) as unknown as Stamped;
    return { row, before, after };
  }

  for (const skew of [5000, -5000]) {
    it(`stamps to the second from a clock ${skew} ms off this machine's, and the Date header agrees`, async () => {
      emulator.setClockSkew(skew);
      const { row, before, after } = await stampedCreate();
      for (const stamp of [row.SystemModstamp, row.CreatedDate, row.LastModifiedDate])
        expect(stamp).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/);
      // The org's second lies within the skewed span of the call (truncated, so up to a second before its start).
      expect(ms(row.SystemModstamp)).to.be.within(
        Math.floor((before + skew) / 1000) * 1000,
        Math.floor((after + skew) / 1000) * 1000
      );
      // Outside the unskewed span: a client trusting its own clock would be wrong by the skew.
      if (skew > 0) expect(ms(row.SystemModstamp)).to.be.greaterThan(after);
      else expect(ms(row.SystemModstamp)).to.be.lessThan(Math.floor(before / 1000) * 1000);

      const sent = Date.now();
      const response = await sfRequest(emulator, 'GET', api('/limits'));
      const received = Date.now();
      const date = Date.parse(response.headers.get('date') ?? '');
      expect(date).to.be.within(Math.floor((sent + skew) / 1000) * 1000, received + skew);
    });
  }

  it('changes the skew at run time through /__emulator/settings, and reset puts the start value back', async () => {
    const changed = await fetch(`${emulator.url}/__emulator/settings`, {
      method: 'POST',
      body: JSON.stringify({ clockSkewMs: 3_600_000 }),
    });
    expect(((await changed.json()) as { clockSkewMs: number }).clockSkewMs).to.equal(3_600_000);
    const { row, after } = await stampedCreate();
    expect(ms(row.SystemModstamp)).to.be.greaterThan(after + 3_590_000);
    const refused = await fetch(`${emulator.url}/__emulator/settings`, {
      method: 'POST',
      body: JSON.stringify({ clockSkewMs: 'soon' }),
    });
    expect(refused.status).to.equal(400);
    emulator.reset({ keepSchema: true });
    expect(emulator.settings().clockSkewMs).to.equal(0);
  });

  it('stores datetimes written through the API to the second', async () => {
    const created = await conn.sobject('Partner_Center_Sync_Run__c').create({
      Started_At__c: '2027-03-04T05:06:07.891Z',
    });
    if (!created.success) throw new Error('create failed');
    const row = (await conn.sobject('Partner_Center_Sync_Run__c').retrieve(created.id)) as unknown as Record<
      string,
      string
    >;
    expect(row.Started_At__c).to.equal('2027-03-04T05:06:07.000+0000');
  });

  it('lets two calls share a second, and If-Match still tells a second write in that second apart', async () => {
    const created = await conn.sobject('Account').create({ Name: 'Same Second Ltd' });
    if (!created.success) throw new Error('create failed');
    const path = api(`/sobjects/Account/${created.id}`);
    const first = await sfRequest(emulator, 'GET', path);
    const tag = first.headers.get('etag') as string;
    expect(tag).to.match(/^".+--gzip"$/);
    expect((await sfRequest(emulator, 'PATCH', path, { Phone: '1' }, { 'If-Match': tag })).status).to.equal(204);
    // Whether or not the second PATCH lands in the same second, the content changed, so the old tag is stale.
    const stale = await sfRequest<SfErrorBody>(emulator, 'PATCH', path, { Phone: '2' }, { 'If-Match': tag });
    expect(stale.status).to.equal(412);
    expect(stale.body[0].errorCode).to.equal('PRECONDITION_FAILED');
    // If-Unmodified-Since compares to the second: a write in the same second as the date given is not "since".
    const row = (await conn.sobject('Account').retrieve(created.id)) as unknown as Stamped;
    const sameSecond = new Date(ms(row.LastModifiedDate) + 999).toUTCString();
    expect(
      (await sfRequest(emulator, 'PATCH', path, { Phone: '3' }, { 'If-Unmodified-Since': sameSecond })).status
    ).to.equal(204);
  });

  it('honours conditional headers on Account rows only, as the REST API documents', async () => {
    const created = await conn.sobject('Opportunity').create({
      Name: 'Unconditional',
      StageName: 'Prospecting',
      CloseDate: '2027-01-31',
    });
    if (!created.success) throw new Error('create failed');
    const path = api(`/sobjects/Opportunity/${created.id}`);
    const read = await sfRequest(emulator, 'GET', path);
    expect(read.headers.get('etag')).to.equal(null);
    const past = new Date(Date.now() - 3_600_000).toUTCString();
    const patched = await sfRequest(emulator, 'PATCH', path, { Name: 'Still' }, { 'If-Match': '"nope"' });
    expect(patched.status).to.equal(204);
    expect(
      (await sfRequest(emulator, 'PATCH', path, { Name: 'Again' }, { 'If-Unmodified-Since': past })).status
    ).to.equal(204);
  });
});
