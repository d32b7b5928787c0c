/**
 * Bulk API 2.0 ingest jobs against the org emulator over real HTTP: each row's result found by its key, the failed
 * and unprocessed results read only when the job's counts say there are any, and a job whose end cannot be seen
 * never followed by a second create of its rows.
 */
import { expect } from 'chai';
import { Connection } from '@jsforce/jsforce-node';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { runIngestJob, type BulkRow } from '../../../src/salesforce/bulk.js';
import { insertRecords, type SObjectRecord } from '../../../src/salesforce/records.js';
import { ensureRecords } from '../../../src/sync/related.js';

const JOB = '/jobs/ingest/{id}';

describe('salesforce: Bulk API 2.0 ingest jobs against the org emulator', function () {
  this.timeout(120_000);
  let org: SalesforceEmulator;
  let connection: Connection;

  before(async () => {
    // Contacts 1 … 150 share a last name pattern the standard rule could match; duplicates are the e2e tests' part.
    org = await startSalesforceEmulator({ port: 0, loadMetadata: true, duplicateRules: false });
    connection = new Connection({ instanceUrl: org.url, accessToken: org.accessToken, version: '64.0' });
  });
  beforeEach(() => {
    org.reset({ keepSchema: true });
  });
  after(async () => org?.close());

  const contact = (i: number): SObjectRecord => ({
    FirstName: 'Ada',
    LastName: `Person ${i}`,
    Email: `p${i}@example.com`,
  });
  const byEmail = (row: BulkRow): string => row.Email.toLowerCase();
  const counter = (key: string): number => org.counters()[`GET ${JOB}/${key}`] ?? 0;

  it('matches each result to its row by key, though the job answers its successes first and failures after', async () => {
    // Every tenth row lacks its required LastName: the results come back successes first, so order is no guide.
    const records = Array.from({ length: 150 }, (_, i) =>
      i % 10 === 3 ? { ...contact(i), LastName: null } : contact(i)
    );
    const { results, settled } = await runIngestJob(
      connection,
      { object: 'Contact', operation: 'insert', keyOf: byEmail },
      records
    );
    expect(settled).to.equal(true);
    const stored = new Map(org.records('Contact').map((row) => [row.Id as string, row.Email]));
    expect(stored.size).to.equal(135);
    results.forEach((result, i) => {
      if (i % 10 === 3) {
        expect(result.success, `row ${i}`).to.equal(false);
        expect(result.success ? '' : result.errors[0].errorCode).to.equal('REQUIRED_FIELD_MISSING');
      } else {
        expect(result.success && stored.get(result.id), `row ${i}`).to.equal(records[i].Email);
      }
    });
    // Failures counted: the failed results read once; nothing unprocessed, so those are never asked for.
    expect([counter('successfulResults'), counter('failedResults'), counter('unprocessedrecords')]).to.deep.equal([
      1, 1, 0,
    ]);
  });

  it('insertRecords sends up to one collection of failed rows again unread, more only after reading why they failed', async () => {
    // 15 rows lack their required LastName: sent again as one collection, whose answer says why; no failed results.
    const few = Array.from({ length: 150 }, (_, i) => (i % 10 === 3 ? { ...contact(i), LastName: null } : contact(i)));
    const { results, api } = await insertRecords(connection, 'Contact', few, { bulkThreshold: 100, keyOf: byEmail });
    expect(api).to.equal('bulk');
    results.forEach((result, i) => {
      expect(result.success ? 'made' : result.errors[0].errorCode, `row ${i}`).to.equal(
        i % 10 === 3 ? 'REQUIRED_FIELD_MISSING' : 'made'
      );
    });
    expect(org.records('Contact')).to.have.length(135);
    expect(counter('failedResults')).to.equal(0);
    expect(org.counters()['POST /composite/sobjects']).to.equal(1);

    // 250 fail: more than one collection, so their failed results are read, and none is a duplicate rule's refusal.
    org.reset({ keepSchema: true });
    const many = Array.from({ length: 300 }, (_, i) => (i < 250 ? { ...contact(i), LastName: null } : contact(i)));
    const outcome = await insertRecords(connection, 'Contact', many, { bulkThreshold: 100, keyOf: byEmail });
    expect(outcome.results.filter((result) => !result.success)).to.have.length(250);
    expect(counter('failedResults')).to.equal(1);
    expect(org.counters()['POST /composite/sobjects'] ?? 0).to.equal(0);
  });

  it('a clean job costs create, upload, UploadComplete, its polls and the successful results — nothing more', async () => {
    const { results } = await insertRecords(
      connection,
      'Contact',
      Array.from({ length: 120 }, (_, i) => contact(i)),
      { bulkThreshold: 100, keyOf: byEmail }
    );
    expect(results.every((result) => result.success)).to.equal(true);
    const counters = org.counters();
    expect(counters['POST /jobs/ingest']).to.equal(1);
    expect(counters['PUT /jobs/ingest/{id}/batches']).to.equal(1);
    expect(counters[`PATCH ${JOB}`]).to.equal(1);
    expect(counters[`GET ${JOB}`]).to.be.at.least(1);
    expect([counter('successfulResults'), counter('failedResults'), counter('unprocessedrecords')]).to.deep.equal([
      1, 0, 0,
    ]);
  });

  it('a job that fails as a whole leaves every row unprocessed, with the reason, read from the unprocessed results', async () => {
    const records = Array.from({ length: 5 }, (_, i) => ({ ...contact(i), No_Such_Field__c: 'x' }));
    const outcome = await runIngestJob(connection, { object: 'Contact', operation: 'insert', keyOf: byEmail }, records);
    expect(outcome.settled).to.equal(true);
    for (const result of outcome.results) {
      expect(result.success ? '' : result.errors[0].errorCode).to.equal('UNPROCESSED');
      expect(result.success ? '' : result.errors[0].message).to.match(/Field name not found : No_Such_Field__c/);
    }
    expect([counter('successfulResults'), counter('failedResults'), counter('unprocessedrecords')]).to.deep.equal([
      0, 0, 1,
    ]);
    expect(org.records('Contact')).to.have.length(0);
  });

  it('an UploadComplete whose answer was lost is followed to its end: every row made once, with its Id', async () => {
    org.setFaults({ match: '/jobs/ingest/[A-Za-z0-9]+$', next: ['lost-response'] });
    const records = Array.from({ length: 120 }, (_, i) => contact(i));
    const outcome = await runIngestJob(connection, { object: 'Contact', operation: 'insert', keyOf: byEmail }, records);
    expect(org.requests().find((entry) => entry.method === 'PATCH')?.fault).to.equal('lost-response');
    expect(outcome.settled).to.equal(true);
    expect(outcome.results.every((result) => result.success)).to.equal(true);
    expect(org.records('Contact')).to.have.length(120);
  });

  it('a job whose state cannot be read is unsettled, and ensureRecords creates none of its rows again', async () => {
    const wanted = new Map(Array.from({ length: 120 }, (_, i) => [`p${i}@example.com`, contact(i)]));
    // Once the job is UploadComplete, every request about it fails: its polls, and the abort after them.
    void org
      .waitForRequests({ match: '^PATCH .*/jobs/ingest/', count: 1, timeoutMs: 60_000 })
      .then(() => org.setFaults({ match: '/jobs/ingest/', rate: 1, kinds: ['limit'] }));
    // The look-up models a job still at work: what it makes is not yet to be seen.
    const ensured = await ensureRecords(connection, {
      sobject: 'Contact',
      wanted,
      find: () => Promise.resolve(new Map()),
      bulkThreshold: 100,
      keyOf: byEmail,
    });
    org.clearFaults();
    expect(ensured.ids.size).to.equal(0);
    expect(ensured.failures.size).to.equal(120);
    expect([...ensured.failures.values()].every((failure) => failure.transient)).to.equal(true);
    expect(org.counters()['POST /jobs/ingest']).to.equal(1);
    expect(org.counters()['POST /composite/sobjects'] ?? 0).to.equal(0);
    expect(org.records('Contact')).to.have.length(120);
  });
});
