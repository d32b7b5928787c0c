import { Connection } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import { validateConfig } from '../../../../src/config/index.js';
import { missingObject } from '../../../../src/salesforce/org-check.js';
import { checkLeadsAgainstOrg, queryConvertedStatuses } from '../../../../src/sync/leads/org-check.js';

describe('leads: config validate against an org', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;
  let conn: Connection;

  before(async () => {
    emulator = await startSalesforceEmulator({ port: 0, loadMetadata: true, adminUser: true });
    conn = new Connection({ instanceUrl: emulator.url, accessToken: emulator.accessToken, version: '64.0' });
  });

  after(async () => {
    await emulator?.close();
  });

  const check = async (raw: unknown): Promise<Array<{ path: string; message: string }>> =>
    checkLeadsAgainstOrg(
      validateConfig(raw).leads,
      async (name) => conn.sobject(name).describe().catch(missingObject),
      queryConvertedStatuses(async (soql) => conn.query(soql))
    );

  it("finds nothing wrong with the shipped lead settings in an org with force-app's fields", async () => {
    expect(await check({})).to.deep.equal([]);
  });

  it('names the rule of an unknown Lead field and the fields it may use', async () => {
    const [problem, ...rest] = await check({
      leads: { mapping: [{ partnerCenter: 'customerProfile.name', salesforce: 'Compnay', direction: 'inbound' }] },
    });
    expect(rest).to.deep.equal([]);
    expect(problem.path).to.equal('plugins.pcsync.leads.mapping[0].salesforce');
    expect(problem.message).to.match(/^Lead has no field "Compnay"; use one of: .*\bCompany\b/);
    expect(problem.message).to.not.match(/\bIsConverted\b/);
  });

  it("names a status the org does not have, and a converted status that is not marked Converted, with the org's values", async () => {
    const problems = await check({ leads: { statuses: { accepted: 'Qualified', converted: 'Working - Contacted' } } });
    expect(problems).to.deep.equal([
      {
        path: 'plugins.pcsync.leads.statuses.accepted',
        message:
          '"Qualified" is not a Lead Status in this org; use one of: Open - Not Contacted, Working - Contacted, ' +
          'Closed - Converted, Closed - Not Converted',
        severity: 'error',
      },
      {
        path: 'plugins.pcsync.leads.statuses.converted',
        message: '"Working - Contacted" is not a converted Lead Status in this org; use one of: Closed - Converted',
        severity: 'error',
      },
    ]);
  });

  it('checks nothing when leads do not sync as Leads', async () => {
    expect(await check({ leads: { sync: 'opportunity', statuses: { accepted: 'Qualified' } } })).to.deep.equal([]);
  });
});
