import { expect } from 'chai';
import { Connection } from '@jsforce/jsforce-node';
import { assignPermissionSet } from '../../../scripts/assign-permset.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import {
  createRecords,
  inClauses,
  lookUp,
  MadeRecords,
  queryAll,
  soqlString,
  updateRecords,
  upsertRecords,
} from '../../../src/salesforce/records.js';

describe('salesforce: batched reads and writes against the org emulator', function () {
  this.timeout(120_000);
  let org: SalesforceEmulator;
  let connection: Connection;

  before(async () => {
    // These tests are about batching: their "Account 1" … "Account 200" would match each other across requests
    // under the standard duplicate rule (the sync's handling of that is tested in test/e2e/sync-org.test.ts).
    org = await startSalesforceEmulator({ port: 0, loadMetadata: true, duplicateRules: false });
    connection = new Connection({ instanceUrl: org.url, accessToken: org.accessToken, version: '64.0' });
    // The README's install (loadMetadata stands in for the deploy); reset({ keepSchema }) keeps the assignment.
    await assignPermissionSet(connection, 'Partner_Center_Integration', org.username);
  });
  beforeEach(() => {
    org.reset({ keepSchema: true });
  });
  after(async () => org?.close());

  const opportunity = (i: number): Record<string, unknown> => ({
    Referral_Identifier__c: `R-${i}`,
    Name: `Deal ${i}`,
    StageName: 'Prospecting',
    CloseDate: '2026-12-31',
  });

  it('upserts 450 Opportunities by Referral_Identifier__c in 3 collection requests, then updates them', async () => {
    const records = Array.from({ length: 450 }, (_, i) => opportunity(i));
    const first = await upsertRecords(connection, 'Opportunity', 'Referral_Identifier__c', records, {
      bulkThreshold: 2000,
    });
    expect(first.api).to.equal('collections');
    expect(first.results.every((result) => result.success && result.created === true)).to.equal(true);
    expect(org.counters()['PATCH /composite/sobjects/{type}/{field}']).to.equal(3);

    const second = await upsertRecords(
      connection,
      'Opportunity',
      'Referral_Identifier__c',
      records.map((r) => ({ ...r, Amount: 10 })),
      { bulkThreshold: 2000 }
    );
    expect(second.results.every((result) => result.success && result.created === false)).to.equal(true);
    expect(org.records('Opportunity')).to.have.length(450);
    expect(org.records('Opportunity').every((row) => row.Amount === 10)).to.equal(true);
  });

  it('reports each failing record in place, without failing the batch', async () => {
    const records = [opportunity(1), { ...opportunity(2), StageName: undefined, Name: undefined }, opportunity(3)];
    const { results } = await upsertRecords(connection, 'Opportunity', 'Referral_Identifier__c', records, {
      bulkThreshold: 2000,
    });
    expect(results.map((result) => result.success)).to.deep.equal([true, false, true]);
    expect(results[1].success ? [] : results[1].errors.map((error) => error.errorCode)).to.include(
      'REQUIRED_FIELD_MISSING'
    );
  });

  it('switches to one Bulk API 2.0 job above the threshold, keeping per-record results in order', async () => {
    const records = Array.from({ length: 300 }, (_, i) =>
      i % 100 === 7 ? { ...opportunity(i), StageName: 'Not A Stage ' + 'x'.repeat(300) } : opportunity(i)
    );
    const { api, results } = await upsertRecords(connection, 'Opportunity', 'Referral_Identifier__c', records, {
      bulkThreshold: 100,
    });
    expect(api).to.equal('bulk');
    expect(results).to.have.length(300);
    expect(results.filter((result) => !result.success).length).to.equal(3);
    expect(results[7].success).to.equal(false);
    expect(results[8].success).to.equal(true);
    expect(org.counters()['POST /jobs/ingest']).to.equal(1);
    expect(org.counters()['PATCH /composite/sobjects/{type}/{field}'] ?? 0).to.equal(0);
  });

  it('splits a large bulk upsert into jobs of bulkJobRows rows', async () => {
    const records = Array.from({ length: 250 }, (_, i) => opportunity(i));
    const { api, results } = await upsertRecords(connection, 'Opportunity', 'Referral_Identifier__c', records, {
      bulkThreshold: 10,
      bulkJobRows: 100,
    });
    expect(api).to.equal('bulk');
    expect(results.filter((result) => result.success)).to.have.length(250);
    expect(org.counters()['POST /jobs/ingest']).to.equal(3);
    expect(org.records('Opportunity')).to.have.length(250);
  });

  it('creates through collections of 200, five to a Composite request, and updates through collections', async () => {
    const accounts = Array.from({ length: 1001 }, (_, i) => ({ Name: `Account ${i}` }));
    const created = await createRecords(connection, 'Account', accounts);
    expect(created.every((result) => result.success)).to.equal(true);
    expect(org.records('Account')).to.have.length(1001);
    // 1,001 rows: six collections, the first five in one Composite request (REST API Developer Guide: at most five
    // sObject Collections subrequests in one), the sixth in a second.
    expect(org.counters()['POST /composite']).to.equal(2);
    expect(org.counters()['POST /composite/sobjects'] ?? 0).to.equal(0);
    const few = await createRecords(connection, 'Account', [{ Name: 'One more' }]);
    expect(few[0].success).to.equal(true);
    expect(org.counters()['POST /composite/sobjects']).to.equal(1);
    const ids = created.map((result) => (result.success ? result.id : ''));
    const updated = await updateRecords(
      connection,
      'Account',
      ids.map((Id) => ({ Id, BillingCountryCode: 'US' }))
    );
    expect(updated.every((result) => result.success)).to.equal(true);
    expect(org.counters()['PATCH /composite/sobjects']).to.equal(6);
  });

  for (const path of ['/composite/sobjects$', '/composite$']) {
    const rows = path === '/composite$' ? 201 : 1;
    it(`a create answered "unavailable" goes again; one with no answer does not (${rows} rows)`, async () => {
      const accounts = Array.from({ length: rows }, (_, i) => ({ Name: `Account ${i}` }));
      // 503 SERVER_UNAVAILABLE twice: the org processed nothing, so the third attempt makes each row once.
      org.setFaults({ match: path, next: ['unavailable', 'unavailable'] });
      const created = await createRecords(connection, 'Account', accounts);
      expect(created.every((result) => result.success)).to.equal(true);
      expect(org.records('Account')).to.have.length(rows);
      // Committed, then its answer lost: not sent again (the caller looks for what it made).
      org.setFaults({ match: path, next: ['lost-response'] });
      const lost = await createRecords(connection, 'Account', accounts);
      org.clearFaults();
      expect(lost.every((result) => !result.success)).to.equal(true);
      expect(org.records('Account')).to.have.length(rows * 2);
    });
  }

  it('a request that fails as a whole fails each of its records with the reason', async () => {
    org.setDailyApiLimit(0);
    const { results } = await upsertRecords(
      connection,
      'Opportunity',
      'Referral_Identifier__c',
      [opportunity(1), opportunity(2)],
      { bulkThreshold: 2000 }
    );
    expect(results).to.have.length(2);
    expect(
      results.every((result) => !result.success && result.errors[0].errorCode === 'REQUEST_LIMIT_EXCEEDED')
    ).to.equal(true);
    org.setDailyApiLimit(1_000_000);
  });

  it('upserts records made as the job reads them, in jobs of bulkJobRows, results in input order', async () => {
    let made = 0;
    const records = new MadeRecords(2500, (index) => {
      made++;
      return opportunity(index);
    });
    const outcome = await upsertRecords(connection, 'Opportunity', 'Referral_Identifier__c', records, {
      bulkThreshold: 100,
      bulkJobRows: 1000,
    });
    expect(outcome.api).to.equal('bulk');
    expect(org.counters()['POST /jobs/ingest']).to.equal(3);
    expect(outcome.results.every((result) => result.success && result.created)).to.equal(true);
    const ids = new Map(org.records('Opportunity').map((row) => [row.Id, row.Referral_Identifier__c]));
    expect(outcome.results.map((result) => (result.success ? ids.get(result.id) : undefined))).to.deep.equal(
      Array.from({ length: 2500 }, (_, i) => `R-${i}`)
    );
    expect(made, 'each record made for the columns and for its row').to.equal(5000);
  });

  it('queryAll follows nextRecordsUrl', async () => {
    await upsertRecords(
      connection,
      'Opportunity',
      'Referral_Identifier__c',
      Array.from({ length: 2500 }, (_, i) => opportunity(i)),
      { bulkThreshold: 100_000 }
    );
    org.resetCounters();
    const rows = await queryAll<{ Referral_Identifier__c: string }>(
      connection,
      'SELECT Id, Referral_Identifier__c FROM Opportunity'
    );
    expect(rows).to.have.length(2500);
    expect(org.counters()['GET /query']).to.equal(1);
    expect(Object.values(org.counters()).reduce((a, b) => a + b, 0)).to.equal(2);
  });

  describe('lookUp: IN clauses for a few values, one paged read for many', () => {
    const seedOpportunities = (count: number): void => {
      org.seed({ Opportunity: Array.from({ length: count }, (_, i) => opportunity(i)) });
      org.resetCounters();
    };
    const requests = (): number => Object.values(org.counters()).reduce((a, b) => a + b, 0);
    const lookup = (values: string[], scanAbove: number): Promise<Array<{ Referral_Identifier__c: string }>> =>
      lookUp(connection, {
        select: 'Id, Referral_Identifier__c',
        from: 'Opportunity',
        field: 'Referral_Identifier__c',
        values,
        scanAbove,
      });
    const ids = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `r-${from + i}`);

    it('below scanAbove: one IN query per 200 values', async () => {
      seedOpportunities(500);
      const rows = await lookup(ids(0, 450), 1000);
      expect(rows).to.have.length(450);
      expect(requests()).to.equal(3);
    });

    it('above scanAbove: one read of the rows with the field set, keeping only the values asked (without case)', async () => {
      seedOpportunities(1500);
      const rows = await lookup([...ids(0, 1000), ...ids(5000, 6000)], 100);
      expect(new Set(rows.map((row) => row.Referral_Identifier__c))).to.deep.equal(
        new Set(Array.from({ length: 1000 }, (_, i) => `R-${i}`))
      );
      expect(requests()).to.equal(1);
    });

    describe('a select wider than Id and the field', () => {
      let asked: string[];
      let query: Connection['query'];
      beforeEach(() => {
        asked = [];
        query = connection.query.bind(connection);
        connection.query = (soql: string, options?: object) => {
          asked.push(soql);
          return query(soql, options);
        };
      });
      afterEach(() => {
        connection.query = query;
      });
      const wide = (values: string[]): Promise<Array<{ Referral_Identifier__c: string; Name: string }>> =>
        lookUp(connection, {
          select: 'Id, Referral_Identifier__c, Name',
          from: 'Opportunity',
          field: 'Referral_Identifier__c',
          values,
          scanAbove: 100,
        });

      it('scans Id and the field only, then reads the few rows it matched whole, by Id', async () => {
        seedOpportunities(6000); // 3 pages of 2,000; 150 of the 2,100 values asked are there
        const rows = await wide([...ids(5850, 6000), ...ids(10_000, 11_950)]);
        expect(rows.map((row) => row.Name).sort()).to.deep.equal(
          Array.from({ length: 150 }, (_, i) => `Deal ${5850 + i}`).sort()
        );
        expect(asked).to.deep.equal([
          'SELECT Id, Referral_Identifier__c FROM Opportunity WHERE Referral_Identifier__c != null',
          ...inClauses(rows.map((row) => (row as { Id?: string }).Id ?? '')).map(
            (clause) => `SELECT Id, Referral_Identifier__c, Name FROM Opportunity WHERE Id IN ${clause}`
          ),
        ]);
        expect(requests()).to.equal(4); // 3 scan pages, 1 read by Id
      });

      it('when most rows match, the scan again whole rather than an IN query per 200 matched', async () => {
        seedOpportunities(1500);
        const rows = await wide(ids(0, 1000));
        expect(rows).to.have.length(1000);
        expect(rows.every((row) => row.Name.startsWith('Deal '))).to.equal(true);
        expect(requests()).to.equal(2);
      });

      it('a scan that matches nothing reads nothing more', async () => {
        seedOpportunities(1500);
        expect(await wide(ids(5000, 6000))).to.deep.equal([]);
        expect(requests()).to.equal(1);
      });
    });

    it('when the first page says the org holds more pages than IN queries, the IN queries after all', async () => {
      seedOpportunities(6500); // 4 pages of 2,000; 150 values need one IN query
      const rows = await lookup(ids(0, 150), 100);
      expect(rows).to.have.length(150);
      expect(org.counters()['GET /query']).to.equal(2);
      expect(requests()).to.equal(2);
    });
  });

  it('quotes SOQL literals and splits long IN lists', () => {
    expect(soqlString("O'Brien \\ Co")).to.equal("'O\\'Brien \\\\ Co'");
    const clauses = inClauses(Array.from({ length: 450 }, (_, i) => `R-${i}`));
    expect(clauses).to.have.length(3);
    expect(clauses[0].startsWith("('R-0', 'R-1'")).to.equal(true);
  });
});
