import { expect } from 'chai';
import { parseCsv, startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import { api, sfRequest, type SfErrorBody } from '../../../helpers/salesforce-emulator.js';

type JobInfo = {
  id: string;
  state: string;
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  errorMessage?: string;
  contentUrl: string;
};

describe('Salesforce emulator: Bulk API 2.0 ingest', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;

  before(async () => {
    // As a System Administrator: these tests are about the API, not field-level security (see access.test.ts).
    emulator = await startSalesforceEmulator({ port: 0, loadMetadata: true, adminUser: true });
  });

  beforeEach(() => emulator.reset());

  after(async () => {
    await emulator?.close();
  });

  async function runJob(job: Record<string, unknown>, csv: string): Promise<JobInfo> {
    const created = await sfRequest<JobInfo>(emulator, 'POST', api('/jobs/ingest'), job);
    expect(created.status, created.text).to.equal(200);
    expect(created.body.state).to.equal('Open');
    expect(created.body.contentUrl).to.equal(`services/data/v64.0/jobs/ingest/${created.body.id}/batches`);
    const upload = await sfRequest(emulator, 'PUT', api(`/jobs/ingest/${created.body.id}/batches`), csv, {
      'Content-Type': 'text/csv',
    });
    expect(upload.status).to.equal(201);
    const closed = await sfRequest<JobInfo>(emulator, 'PATCH', api(`/jobs/ingest/${created.body.id}`), {
      state: 'UploadComplete',
    });
    expect(closed.body.state).to.equal('UploadComplete');
    for (let i = 0; i < 100; i++) {
      const info = await sfRequest<JobInfo>(emulator, 'GET', api(`/jobs/ingest/${created.body.id}`));
      if (['JobComplete', 'Failed', 'Aborted'].includes(info.body.state)) return info.body;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('job did not finish');
  }

  async function results(id: string, which: string): Promise<string[][]> {
    const response = await sfRequest<string>(emulator, 'GET', api(`/jobs/ingest/${id}/${which}`));
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/csv/);
    return parseCsv(response.text);
  }

  it('inserts rows and reports successful and failed results with the original columns', async () => {
    const csv =
      'Name,StageName,CloseDate,Amount\nOne,Prospecting,2027-01-01,10\n"Two, with ""quotes""",Prospecting,2027-01-02,20\n,Prospecting,2027-01-03,30\nFour,Prospecting,2027-01-04,abc\n';
    const job = await runJob({ object: 'Opportunity', operation: 'insert', contentType: 'CSV', lineEnding: 'LF' }, csv);
    expect(job).to.include({ state: 'JobComplete', numberRecordsProcessed: 4, numberRecordsFailed: 2 });
    const ok = await results(job.id, 'successfulResults');
    expect(ok[0]).to.deep.equal(['sf__Id', 'sf__Created', 'Name', 'StageName', 'CloseDate', 'Amount']);
    expect(ok.slice(1).map((r) => r[2])).to.deep.equal(['One', 'Two, with "quotes"']);
    expect(ok[1][0]).to.match(/^006[A-Za-z0-9]{15}$/);
    expect(ok[1][1]).to.equal('true');
    const failed = await results(job.id, 'failedResults');
    expect(failed[0]).to.deep.equal(['sf__Id', 'sf__Error', 'Name', 'StageName', 'CloseDate', 'Amount']);
    expect(failed[1][1]).to.equal('REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --');
    expect(failed[2][1]).to.match(/^INVALID_TYPE_ON_FIELD_IN_RECORD:/);
    expect(await results(job.id, 'unprocessedrecords')).to.deep.equal([['Name', 'StageName', 'CloseDate', 'Amount']]);
    expect(emulator.records('Opportunity')).to.have.length(2);
  });

  it('upserts by external id, ignoring the empty Id column jsforce adds, and clears fields with #N/A', async () => {
    const first = await runJob(
      { object: 'Opportunity', operation: 'upsert', externalIdFieldName: 'Referral_Identifier__c' },
      'Id,Referral_Identifier__c,Name,StageName,CloseDate,Description\n,R-1,One,Prospecting,2027-01-01,note\n,R-2,Two,Prospecting,2027-01-01,\n'
    );
    expect(first).to.include({ state: 'JobComplete', numberRecordsFailed: 0 });
    const second = await runJob(
      { object: 'Opportunity', operation: 'upsert', externalIdFieldName: 'Referral_Identifier__c' },
      'Id,Referral_Identifier__c,Description\n,R-1,#N/A\n,R-3,new\n'
    );
    const ok = await results(second.id, 'successfulResults');
    expect(ok.slice(1).map((r) => r[1])).to.deep.equal(['false']);
    const failed = await results(second.id, 'failedResults');
    expect(failed[1][1]).to.match(/^REQUIRED_FIELD_MISSING:/);
    const r1 = emulator.records('Opportunity').find((r) => r.Referral_Identifier__c === 'R-1');
    expect(r1?.Description).to.equal(null);
    expect(r1?.Name).to.equal('One');
  });

  it('fails every row of an upsert chunk that repeats an external id; another chunk may update it', async () => {
    const rows = ['Referral_Identifier__c,Name,StageName,CloseDate', 'D-1,First,Prospecting,2027-01-01'];
    for (let i = 0; i < 198; i++) rows.push(`F-${i},Filler ${i},Prospecting,2027-01-01`);
    rows.push('D-1,Second,Prospecting,2027-01-01'); // row 200: the same 200-row chunk as row 1
    rows.push('D-1,Third,Prospecting,2027-01-01'); // row 201: the next chunk
    const job = await runJob(
      { object: 'Opportunity', operation: 'upsert', externalIdFieldName: 'Referral_Identifier__c' },
      `${rows.join('\n')}\n`
    );
    expect(job).to.include({ state: 'JobComplete', numberRecordsProcessed: 201, numberRecordsFailed: 2 });
    const failed = await results(job.id, 'failedResults');
    expect(failed.slice(1).map((r) => [r[1], r[3]])).to.deep.equal([
      ['DUPLICATE_VALUE:Duplicate external id specified: D-1:Referral_Identifier__c --', 'First'],
      ['DUPLICATE_VALUE:Duplicate external id specified: D-1:Referral_Identifier__c --', 'Second'],
    ]);
    const d1 = emulator.records('Opportunity').filter((r) => r.Referral_Identifier__c === 'D-1');
    expect(d1.map((r) => r.Name)).to.deep.equal(['Third']);
  });

  it('fails the job on a CSV with a bad header and leaves every row unprocessed', async () => {
    const job = await runJob({ object: 'Opportunity', operation: 'insert' }, 'Name,Nope__c\nA,1\nB,2\n');
    expect(job.state).to.equal('Failed');
    expect(job.errorMessage).to.equal('InvalidBatch : Field name not found : Nope__c');
    expect(await results(job.id, 'unprocessedrecords')).to.deep.equal([
      ['Name', 'Nope__c'],
      ['A', '1'],
      ['B', '2'],
    ]);
    expect(await results(job.id, 'successfulResults')).to.deep.equal([['sf__Id', 'sf__Created', 'Name', 'Nope__c']]);
    const duplicate = await runJob({ object: 'Opportunity', operation: 'insert' }, 'Name,name\nA,B\n');
    expect(duplicate.errorMessage).to.match(/Duplicate field name/);
    const upsert = await runJob(
      { object: 'Opportunity', operation: 'upsert', externalIdFieldName: 'Referral_Identifier__c' },
      'Name\nA\n'
    );
    expect(upsert.errorMessage).to.match(/Referral_Identifier__c/);
  });

  it('rejects bad job requests with Salesforce-shaped errors', async () => {
    const object = await sfRequest<SfErrorBody>(emulator, 'POST', api('/jobs/ingest'), {
      object: 'Nope__c',
      operation: 'insert',
    });
    expect(object.status).to.equal(400);
    expect(object.body[0].errorCode).to.equal('INVALIDJOB');
    const extId = await sfRequest<SfErrorBody>(emulator, 'POST', api('/jobs/ingest'), {
      object: 'Opportunity',
      operation: 'upsert',
      externalIdFieldName: 'Name',
    });
    expect(extId.body[0].errorCode).to.equal('INVALIDJOB');
    const missing = await sfRequest<SfErrorBody>(emulator, 'GET', api('/jobs/ingest/7505g0000000zzzAAA'));
    expect(missing.status).to.equal(404);
  });

  it('aborts an open job and refuses uploads to it', async () => {
    const created = await sfRequest<JobInfo>(emulator, 'POST', api('/jobs/ingest'), {
      object: 'Account',
      operation: 'insert',
    });
    const aborted = await sfRequest<JobInfo>(emulator, 'PATCH', api(`/jobs/ingest/${created.body.id}`), {
      state: 'Aborted',
    });
    expect(aborted.body.state).to.equal('Aborted');
    const upload = await sfRequest<SfErrorBody>(
      emulator,
      'PUT',
      api(`/jobs/ingest/${created.body.id}/batches`),
      'Name\nA\n',
      { 'Content-Type': 'text/csv' }
    );
    expect(upload.status).to.equal(409);
    expect((await sfRequest(emulator, 'DELETE', api(`/jobs/ingest/${created.body.id}`))).status).to.equal(204);
  });

  it('answers Bulk API 2.0 query jobs with CSV pages linked by Sforce-Locator', async () => {
    emulator.seed({
      Account: [{ '@ref': 'a', Name: 'Contoso' }],
      Opportunity: [1, 2, 3].map((i) => ({
        Name: `Q${i}`,
        StageName: 'Prospecting',
        CloseDate: '2027-01-01',
        AccountId: i === 1 ? '@a' : null,
      })),
    });
    const created = await sfRequest<JobInfo>(emulator, 'POST', api('/jobs/query'), {
      operation: 'query',
      query: 'SELECT Name, Account.Name, IsWon FROM Opportunity ORDER BY Name',
    });
    expect(created.status).to.equal(200);
    let state = created.body.state;
    for (let i = 0; i < 50 && state !== 'JobComplete'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      state = (await sfRequest<JobInfo>(emulator, 'GET', api(`/jobs/query/${created.body.id}`))).body.state;
    }
    const first = await sfRequest<string>(emulator, 'GET', api(`/jobs/query/${created.body.id}/results?maxRecords=2`));
    expect(parseCsv(first.text)).to.deep.equal([
      ['Name', 'Account.Name', 'IsWon'],
      ['Q1', 'Contoso', 'false'],
      ['Q2', '', 'false'],
    ]);
    const locator = first.headers.get('sforce-locator') as string;
    expect(locator).to.not.equal('null');
    const second = await sfRequest<string>(
      emulator,
      'GET',
      api(`/jobs/query/${created.body.id}/results?maxRecords=2&locator=${locator}`)
    );
    expect(parseCsv(second.text).slice(1)).to.deep.equal([['Q3', '', 'false']]);
    expect(second.headers.get('sforce-locator')).to.equal('null');
    const bad = await sfRequest<SfErrorBody>(emulator, 'POST', api('/jobs/query'), {
      operation: 'query',
      query: 'SELECT Nope__c FROM Opportunity',
    });
    expect(bad.status).to.equal(400);
    expect(bad.body[0].errorCode).to.equal('INVALID_FIELD');
  });

  it('parses RFC 4180 CSV (quotes, CRLF, embedded newlines)', () => {
    expect(parseCsv('a,b\r\n"x\ny","1,2"\r\n')).to.deep.equal([
      ['a', 'b'],
      ['x\ny', '1,2'],
    ]);
  });
});
