import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import { api, queryPath, sfRequest, type SfErrorBody } from '../../../helpers/salesforce-emulator.js';

type QueryBody = { totalSize: number; done: boolean; nextRecordsUrl?: string; records: Array<Record<string, unknown>> };

const SEED = {
  Account: [
    {
      '@ref': 'contoso',
      Name: 'Contoso',
      BillingCountryCode: 'US',
      BillingCountry: 'United States',
      Industry: 'Technology',
    },
    { '@ref': 'fabrikam', Name: 'Fabrikam', BillingCountryCode: 'DE', Industry: 'Manufacturing' },
  ],
  Contact: [
    { '@ref': 'ada', FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@contoso.example', AccountId: '@contoso' },
  ],
  Opportunity: [
    {
      '@ref': 'o1',
      Name: 'Alpha',
      StageName: 'Prospecting',
      CloseDate: '2027-01-15',
      Amount: 100,
      AccountId: '@contoso',
      CreatedDate: '2026-01-01T10:00:00.000Z',
    },
    {
      Name: 'beta',
      StageName: 'Qualification',
      CloseDate: '2027-02-15',
      Amount: 250.5,
      AccountId: '@fabrikam',
      CreatedDate: '2026-02-01T10:00:00.000Z',
    },
    {
      Name: 'Gamma',
      StageName: 'Closed Won',
      CloseDate: '2026-12-31',
      Amount: null,
      CreatedDate: '2026-03-01T10:00:00.000Z',
    },
    {
      Name: 'Delta',
      StageName: 'Closed Lost',
      CloseDate: '2027-03-01',
      Amount: 75,
      AccountId: '@contoso',
      Description: "it's lost",
    },
  ],
  OpportunityContactRole: [{ OpportunityId: '@o1', ContactId: '@ada', Role: 'Decision Maker', IsPrimary: true }],
};

describe('Salesforce emulator: SOQL', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;

  before(async () => {
    emulator = await startSalesforceEmulator({ port: 0, seed: SEED });
  });

  after(async () => {
    await emulator?.close();
  });

  async function query(soql: string, headers: Record<string, string> = {}): Promise<QueryBody> {
    const response = await sfRequest<QueryBody>(emulator, 'GET', queryPath(soql), undefined, headers);
    expect(response.status, response.text).to.equal(200);
    return response.body;
  }

  async function queryError(soql: string): Promise<{ status: number; error: SfErrorBody[number] }> {
    const response = await sfRequest<SfErrorBody>(emulator, 'GET', queryPath(soql));
    return { status: response.status, error: response.body[0] };
  }

  const names = (body: QueryBody): unknown[] => body.records.map((r) => r.Name);

  it('selects fields with parent relationship paths and attributes', async () => {
    const body = await query(
      "SELECT Id, Name, Account.Name, Account.BillingCountryCode, Owner.Username FROM Opportunity WHERE Name = 'Alpha'"
    );
    expect(body.totalSize).to.equal(1);
    const record = body.records[0];
    expect(record.attributes).to.deep.include({ type: 'Opportunity' });
    expect(record.Account).to.deep.include({ Name: 'Contoso', BillingCountryCode: 'US' });
    expect((record.Account as { attributes: { type: string } }).attributes.type).to.equal('Account');
    expect(record.Owner).to.deep.include({ Username: emulator.username });
    const orphan = await query("SELECT Name, Account.Name FROM Opportunity WHERE Name = 'Gamma'");
    expect(orphan.records[0].Account).to.equal(null);
  });

  it('compares strings case-insensitively and supports LIKE, IN, NOT IN and NULL', async () => {
    expect(names(await query("SELECT Name FROM Opportunity WHERE Name = 'BETA'"))).to.deep.equal(['beta']);
    expect(names(await query("SELECT Name FROM Opportunity WHERE Name LIKE '%a' ORDER BY Name"))).to.deep.equal([
      'Alpha',
      'beta',
      'Delta',
      'Gamma',
    ]);
    expect(names(await query("SELECT Name FROM Opportunity WHERE Name LIKE 'G_mma'"))).to.deep.equal(['Gamma']);
    expect(
      names(await query("SELECT Name FROM Opportunity WHERE StageName IN ('Closed Won', 'Closed Lost') ORDER BY Name"))
    ).to.deep.equal(['Delta', 'Gamma']);
    expect(
      names(
        await query("SELECT Name FROM Opportunity WHERE StageName NOT IN ('Closed Won', 'Closed Lost') ORDER BY Name")
      )
    ).to.deep.equal(['Alpha', 'beta']);
    expect(names(await query('SELECT Name FROM Opportunity WHERE Amount = null'))).to.deep.equal(['Gamma']);
    expect(
      names(await query('SELECT Name FROM Opportunity WHERE AccountId != null AND Amount != NULL ORDER BY Amount'))
    ).to.deep.equal(['Delta', 'Alpha', 'beta']);
    expect(names(await query("SELECT Name FROM Opportunity WHERE Description = 'it\\'s lost'"))).to.deep.equal([
      'Delta',
    ]);
  });

  it('evaluates AND/OR/NOT with parentheses, numbers and booleans', async () => {
    const body = await query(
      "SELECT Name FROM Opportunity WHERE (Amount > 90 AND Amount <= 250.5) OR (IsWon = true AND NOT Name = 'x') ORDER BY Name ASC"
    );
    expect(names(body)).to.deep.equal(['Alpha', 'beta', 'Gamma']);
    expect(names(await query('SELECT Name FROM Opportunity WHERE IsClosed = false ORDER BY Name'))).to.deep.equal([
      'Alpha',
      'beta',
    ]);
  });

  it('filters on relationship paths', async () => {
    expect(
      names(await query("SELECT Name FROM Opportunity WHERE Account.BillingCountryCode = 'US' ORDER BY Name"))
    ).to.deep.equal(['Alpha', 'Delta']);
  });

  it('understands date and datetime literals and date keywords', async () => {
    expect(
      names(await query('SELECT Name FROM Opportunity WHERE CloseDate >= 2027-02-01 ORDER BY CloseDate'))
    ).to.deep.equal(['beta', 'Delta']);
    expect(
      names(
        await query(
          'SELECT Name FROM Opportunity WHERE CreatedDate > 2026-01-15T00:00:00Z AND CreatedDate < 2026-02-15T00:00:00.000+00:00'
        )
      )
    ).to.deep.equal(['beta']);
    expect(names(await query('SELECT Name FROM Opportunity WHERE CreatedDate = TODAY'))).to.deep.equal(['Delta']);
    expect(names(await query('SELECT Name FROM Opportunity WHERE CreatedDate = LAST_N_DAYS:3'))).to.deep.equal([
      'Delta',
    ]);
    expect(
      names(await query('SELECT Name FROM Opportunity WHERE CreatedDate < LAST_N_DAYS:3 ORDER BY CreatedDate DESC'))
    ).to.deep.equal(['Gamma', 'beta', 'Alpha']);
  });

  it('orders with ASC/DESC and NULLS FIRST/LAST, and applies LIMIT and OFFSET', async () => {
    expect(names(await query('SELECT Name FROM Opportunity ORDER BY Amount'))).to.deep.equal([
      'Gamma',
      'Delta',
      'Alpha',
      'beta',
    ]);
    expect(names(await query('SELECT Name FROM Opportunity ORDER BY Amount DESC'))).to.deep.equal([
      'beta',
      'Alpha',
      'Delta',
      'Gamma',
    ]);
    expect(names(await query('SELECT Name FROM Opportunity ORDER BY Amount ASC NULLS LAST'))).to.deep.equal([
      'Delta',
      'Alpha',
      'beta',
      'Gamma',
    ]);
    expect(names(await query('SELECT Name FROM Opportunity ORDER BY Name LIMIT 2 OFFSET 1'))).to.deep.equal([
      'beta',
      'Delta',
    ]);
  });

  it('counts with COUNT() and COUNT(field)', async () => {
    const count = await query("SELECT COUNT() FROM Opportunity WHERE StageName LIKE 'Closed%'");
    expect(count).to.deep.equal({ totalSize: 2, done: true, records: [] });
    const aggregate = await query('SELECT COUNT(Amount) FROM Opportunity');
    expect(aggregate.records[0]).to.deep.include({ expr0: 3 });
  });

  it('computes MAX, MIN, SUM, AVG and COUNT_DISTINCT with aliases', async () => {
    const body = await query(
      'SELECT MAX(CloseDate), MIN(Amount) lowest, SUM(Amount), AVG(Amount), COUNT_DISTINCT(AccountId) FROM Opportunity'
    );
    expect(body.records[0]).to.deep.include({
      expr0: '2027-03-01',
      lowest: 75,
      expr1: 425.5,
      expr2: 425.5 / 3,
      expr3: 2,
    });
  });

  it('groups with GROUP BY, ordered by the grouped field', async () => {
    const body = await query(
      'SELECT AccountId, COUNT(Id) n, SUM(Amount) FROM Opportunity GROUP BY AccountId ORDER BY AccountId NULLS LAST'
    );
    expect(body.totalSize).to.equal(3);
    expect(body.records.map((r) => [r.n, r.expr0])).to.deep.equal([
      [2, 175],
      [1, 250.5],
      [1, null],
    ]);
    const byStage = await query(
      "SELECT StageName, COUNT(Id) FROM Opportunity WHERE StageName LIKE 'Closed%' GROUP BY StageName ORDER BY StageName DESC"
    );
    expect(byStage.records.map((r) => r.StageName)).to.deep.equal(['Closed Won', 'Closed Lost']);
    const { error } = await queryError('SELECT Name, COUNT(Id) FROM Opportunity GROUP BY StageName');
    expect(error.errorCode).to.equal('MALFORMED_QUERY');
  });

  it('filters with semi-joins (Id IN (SELECT …))', async () => {
    const body = await query(
      'SELECT LastName FROM Contact WHERE Id IN (SELECT ContactId FROM OpportunityContactRole WHERE IsPrimary = true)'
    );
    expect(body.records.map((r) => r.LastName)).to.deep.equal(['Lovelace']);
    const none = await query(
      "SELECT Name FROM Opportunity WHERE Id NOT IN (SELECT OpportunityId FROM OpportunityContactRole) AND Name LIKE 'A%'"
    );
    expect(none.totalSize).to.equal(0);
  });

  it('answers child relationship subqueries', async () => {
    const body = await query(
      "SELECT Name, (SELECT Role, IsPrimary, Contact.Email FROM OpportunityContactRoles) FROM Opportunity WHERE Name IN ('Alpha', 'beta') ORDER BY Name"
    );
    const roles = body.records[0].OpportunityContactRoles as QueryBody;
    expect(roles.totalSize).to.equal(1);
    expect(roles.records[0]).to.deep.include({ Role: 'Decision Maker', IsPrimary: true });
    expect(roles.records[0].Contact).to.deep.include({ Email: 'ada@contoso.example' });
    expect(body.records[1].OpportunityContactRoles).to.equal(null);
  });

  it('pages with nextRecordsUrl (2000 per page by default, batchSize from Sforce-Query-Options)', async () => {
    const rows = Array.from({ length: 2301 }, (_, i) => ({
      LastName: `Lead ${String(i).padStart(4, '0')}`,
      Company: 'Paging Inc',
    }));
    emulator.seed({ Lead: rows });
    const first = await query("SELECT Id, LastName FROM Lead WHERE Company = 'Paging Inc' ORDER BY LastName");
    expect(first.totalSize).to.equal(2301);
    expect(first.done).to.equal(false);
    expect(first.records).to.have.length(2000);
    expect(first.nextRecordsUrl).to.match(/^\/services\/data\/v64\.0\/query\/01g[A-Za-z0-9]{15}-2000$/);
    const second = await sfRequest<QueryBody>(emulator, 'GET', first.nextRecordsUrl as string);
    expect(second.body.done).to.equal(true);
    expect(second.body.records).to.have.length(301);
    expect(second.body.nextRecordsUrl).to.equal(undefined);
    expect(second.body.records[300].LastName).to.equal('Lead 2300');

    const small = await query("SELECT Id FROM Lead WHERE Company = 'Paging Inc'", {
      'Sforce-Query-Options': 'batchSize=500',
    });
    expect(small.records).to.have.length(500);
    expect(small.nextRecordsUrl).to.match(/-500$/);
    const gone = await sfRequest<SfErrorBody>(emulator, 'GET', api('/query/01g5g0000000zzzAAA-2000'));
    expect(gone.status).to.equal(400);
    expect(gone.body[0].errorCode).to.equal('INVALID_QUERY_LOCATOR');
  });

  it('answers columns=true with columnMetadata, nesting relationship columns', async () => {
    const response = await sfRequest<{
      columnMetadata: Array<{ columnName: string; joinColumns: Array<{ columnName: string }> }>;
    }>(emulator, 'GET', `${queryPath('SELECT Id, Name, Account.Name FROM Opportunity')}&columns=true`);
    expect(response.body.columnMetadata.map((c) => c.columnName)).to.deep.equal(['Id', 'Name', 'Account']);
    expect(response.body.columnMetadata[2].joinColumns.map((c) => c.columnName)).to.deep.equal(['Name']);
  });

  it('nests relationship columns inside subquery columns', async () => {
    const response = await sfRequest<{
      columnMetadata: Array<{
        columnName: string;
        joinColumns: Array<{ columnName: string; joinColumns: Array<{ columnName: string }> }>;
      }>;
    }>(
      emulator,
      'GET',
      `${queryPath('SELECT Name, (SELECT Contact.Email, Role FROM OpportunityContactRoles) FROM Opportunity')}&columns=true`
    );
    const roles = response.body.columnMetadata[1];
    expect(roles.columnName).to.equal('OpportunityContactRoles');
    expect(roles.joinColumns.map((c) => c.columnName)).to.deep.equal(['Contact', 'Role']);
    expect(roles.joinColumns[0].joinColumns.map((c) => c.columnName)).to.deep.equal(['Email']);
  });

  describe('bad queries', () => {
    it('malformed SOQL → 400 MALFORMED_QUERY with the row/column marker', async () => {
      for (const soql of [
        'SELECT FROM Opportunity',
        'SELECT Id FROM Opportunity WHERE',
        'SELECT Id Opportunity',
        "SELECT Id FROM Opportunity WHERE Name = 'unterminated",
        'SELECT Id, Id FROM Opportunity',
      ]) {
        const { status, error } = await queryError(soql);
        expect(status, soql).to.equal(400);
        expect(error.errorCode, soql).to.equal('MALFORMED_QUERY');
        expect(error.message, soql).to.match(/ERROR at Row:1:Column:\d+/);
      }
    });

    it('unknown object → 400 INVALID_TYPE', async () => {
      const { status, error } = await queryError('SELECT Id FROM Nope__c');
      expect(status).to.equal(400);
      expect(error.errorCode).to.equal('INVALID_TYPE');
      expect(error.message).to.include("sObject type 'Nope__c' is not supported");
    });

    it('unknown field or relationship → 400 INVALID_FIELD', async () => {
      const field = await queryError('SELECT Id, Referral_Identifier__c FROM Opportunity');
      expect(field.status).to.equal(400);
      expect(field.error.errorCode).to.equal('INVALID_FIELD');
      expect(field.error.message).to.include("No such column 'Referral_Identifier__c' on entity 'Opportunity'");
      const relation = await queryError('SELECT Id, Nope__r.Name FROM Opportunity');
      expect(relation.error.errorCode).to.equal('INVALID_FIELD');
      expect(relation.error.message).to.include("Didn't understand relationship 'Nope__r'");
    });

    it('a literal of the wrong type → 400 INVALID_FIELD; a bad Id → INVALID_QUERY_FILTER_OPERATOR', async () => {
      const date = await queryError("SELECT Id FROM Opportunity WHERE CloseDate = '2027-01-01'");
      expect(date.error.errorCode).to.equal('INVALID_FIELD');
      expect(date.error.message).to.include("value of filter criterion for field 'CloseDate' must be of type date");
      const id = await queryError("SELECT Id FROM Opportunity WHERE Id = 'nope'");
      expect(id.error.errorCode).to.equal('INVALID_QUERY_FILTER_OPERATOR');
    });

    it('an empty q → 400 MALFORMED_QUERY, and the emulator keeps answering', async () => {
      const response = await sfRequest<SfErrorBody>(emulator, 'GET', api('/query?q='));
      expect(response.status).to.equal(400);
      expect(response.body[0].errorCode).to.equal('MALFORMED_QUERY');
      expect((await query('SELECT COUNT() FROM Account')).totalSize).to.equal(2);
    });
  });
});
