/**
 * A Bulk API 2.0 query job's rows, typed from the describes, equal what a REST query answers for the same records:
 * booleans, numbers, dates and times, blanks as null, a text with a comma, quotes and a line break, and parent
 * fields as a nested record (null with no parent); and read a page at a time when asked to.
 */
import { expect } from 'chai';
import { Connection } from '@jsforce/jsforce-node';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { bulkQuery, bulkQueryPages, typedRecord } from '../../../src/salesforce/bulk-query.js';
import { OPP } from '../../../src/salesforce/fields.js';
import { limitsOf } from '../../../src/salesforce/limits.js';
import { queryAll, type SObjectRecord } from '../../../src/salesforce/records.js';

/** jsforce's envelope (`attributes`: type and URL) is never read, and a CSV has none. */
function withoutAttributes(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as SObjectRecord)
      .filter(([key]) => key !== 'attributes')
      .map(([key, inner]) => [key, withoutAttributes(inner)])
  );
}

describe('salesforce: Bulk API 2.0 query jobs read as the REST query does', function () {
  this.timeout(60_000);
  let org: SalesforceEmulator;
  let connection: Connection;

  before(async () => {
    org = await startSalesforceEmulator({ port: 0, loadMetadata: true, duplicateRules: false, adminUser: true });
    connection = new Connection({ instanceUrl: org.url, accessToken: org.accessToken, version: '64.0' });
  });
  after(async () => org?.close());

  it('gives equal rows: types, nulls and parent records', async () => {
    const account = await connection
      .sobject('Account')
      .create({ Name: 'Contoso', BillingCountry: 'United States', NumberOfEmployees: 250 });
    const deal = { StageName: 'Prospecting', CloseDate: '2027-01-31' };
    await connection.sobject('Opportunity').create([
      {
        ...deal,
        Name: 'With account',
        AccountId: account.id,
        Amount: 1234.5,
        Description: 'Line one, "quoted"\nline two',
        [OPP.syncWith]: true,
      },
      { ...deal, Name: 'Without account', Amount: null, IsPrivate: true, [OPP.syncWith]: false },
      { ...deal, Name: 'Zero', Amount: 0, Probability: 0, Description: '' },
    ]);
    const fields = [
      'Id',
      'Name',
      'Amount',
      'Probability',
      'IsPrivate',
      'CloseDate',
      'SystemModstamp',
      'Description',
      'AccountId',
      OPP.syncWith,
      'Account.Name',
      'Account.BillingCountry',
      'Account.NumberOfEmployees',
    ];
    const soql = `SELECT ${fields.join(', ')} FROM Opportunity`;
    const rest = await queryAll<SObjectRecord>(connection, `${soql} ORDER BY Name`);
    const limits = limitsOf(await connection.sobject('Opportunity').describe());
    const parents = new Map([['account', limitsOf(await connection.sobject('Account').describe())]]);
    const before = org.counters();
    const rows = await bulkQuery(connection, soql, rest.length, typedRecord<SObjectRecord>(limits, parents));
    const typed = rows.sort((a, b) => String(a.Name).localeCompare(String(b.Name)));

    expect(typed).to.deep.equal(rest.map(withoutAttributes));
    expect(typed.map((row) => [row.Amount, row.IsPrivate, row.Account === null])).to.deep.equal([
      [1234.5, false, false],
      [null, true, true],
      [0, false, true],
    ]);
    // Create, one look at the job (ended by then), one page of results.
    const made = Object.entries(org.counters())
      .filter(([endpoint, count]) => endpoint.includes('/jobs/query') && count !== (before[endpoint] ?? 0))
      .map(([endpoint, count]) => `${endpoint} ${count - (before[endpoint] ?? 0)}`);
    expect(made).to.have.members(['POST /jobs/query 1', 'GET /jobs/query/{id} 1', 'GET /jobs/query/{id}/results 1']);
  });

  it('reads the results a page of at most pageRows rows at a time, each once the one before is done', async () => {
    const deal = { StageName: 'Prospecting', CloseDate: '2027-01-31' };
    await connection
      .sobject('Opportunity')
      .create(['a', 'b', 'c', 'd', 'e'].map((letter) => ({ ...deal, Name: `Paged ${letter}` })));
    const results = (): number => org.counters()['GET /jobs/query/{id}/results'] ?? 0;
    const before = results();
    const soql = "SELECT Id, Name FROM Opportunity WHERE Name LIKE 'Paged %'";
    const seen: Array<{ size: number; more: boolean; read: number }> = [];
    for await (const { page, more } of bulkQueryPages(connection, soql, 5, (row) => row, 2)) {
      seen.push({ size: page.length, more, read: results() - before });
    }
    // Each page is handed on before the next is asked for: a reader holds one page, never the job's every row.
    expect(seen).to.deep.equal([
      { size: 2, more: true, read: 1 },
      { size: 2, more: true, read: 2 },
      { size: 1, more: false, read: 3 },
    ]);
  });

  it('writes a dateTime as the REST API does (+0000), whichever zone form the CSV gives', () => {
    const limits = new Map([
      ['systemmodstamp', { name: 'SystemModstamp', label: 'System Modstamp', type: 'datetime' }],
    ]);
    const rows = [{ SystemModstamp: '2026-11-30T21:00:00.000Z' }, { SystemModstamp: '2026-11-30T21:00:00.000+0000' }];
    expect(rows.map(typedRecord(limits)).map((row) => row.SystemModstamp)).to.deep.equal([
      '2026-11-30T21:00:00.000+0000',
      '2026-11-30T21:00:00.000+0000',
    ]);
  });
});
