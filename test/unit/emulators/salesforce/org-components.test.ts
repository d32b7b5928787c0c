/**
 * Apps, tabs, list views, report types, reports and dashboards (issue 19): a deploy refuses each kind of broken
 * reference the way a real org does, stores the rest, and a client reads them back through SOQL and the list view
 * and report describe resources.
 */
import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import {
  api,
  deployZip,
  NS,
  packageXml,
  queryPath,
  sfRequest,
  type SfErrorBody,
} from '../../../helpers/salesforce-emulator.js';

const OBJECT = `<CustomObject ${NS}><label>Gizmo</label><pluralLabel>Gizmos</pluralLabel><nameField><label>Gizmo Name</label><type>Text</type></nameField><fields><fullName>State__c</fullName><label>State</label><type>Text</type><length>20</length></fields><fields><fullName>Opportunity__c</fullName><label>Opportunity</label><type>Lookup</type><referenceTo>Opportunity</referenceTo><relationshipName>Gizmos</relationshipName></fields></CustomObject>`;

type Parts = { listView: string; tab: string; app: string; reportType: string; report: string; dashboard: string };

/** A whole, valid set; each test breaks one part. */
const GOOD: Parts = {
  listView:
    '<listViews><fullName>Broken_Gizmos</fullName><columns>NAME</columns><columns>State__c</columns><filterScope>Everything</filterScope><filters><field>State__c</field><operation>equals</operation><value>Broken,Lost</value></filters><label>Broken Gizmos</label></listViews>',
  tab: `<CustomTab ${NS}><customObject>true</customObject><motif>Custom67: Gears</motif></CustomTab>`,
  app: `<CustomApplication ${NS}><label>Gizmos</label><navType>Standard</navType><tabs>standard-Opportunity</tabs><tabs>Gizmo__c</tabs><uiType>Lightning</uiType></CustomApplication>`,
  reportType: `<ReportType ${NS}><baseObject>Gizmo__c</baseObject><category>other</category><deployed>true</deployed><label>Gizmos</label><sections><columns><checkedByDefault>true</checkedByDefault><field>State__c</field><table>Gizmo__c</table></columns><columns><checkedByDefault>true</checkedByDefault><field>Opportunity__c.StageName</field><table>Gizmo__c</table></columns><masterLabel>Gizmo</masterLabel></sections></ReportType>`,
  report: `<Report ${NS}><columns><field>Gizmo__c$Opportunity__c.StageName</field></columns><filter><criteriaItems><column>Gizmo__c$State__c</column><operator>equals</operator><value>Broken</value></criteriaItems></filter><format>Summary</format><groupingsDown><dateGranularity>None</dateGranularity><field>Gizmo__c$State__c</field><sortOrder>Asc</sortOrder></groupingsDown><name>Gizmos by State</name><reportType>Gizmos__c</reportType><scope>organization</scope></Report>`,
  dashboard: `<Dashboard ${NS}><dashboardGridLayout><dashboardGridComponents><colSpan>4</colSpan><columnIndex>0</columnIndex><dashboardComponent><componentType>Bar</componentType><header>By state</header><report>Gizmo_Reports/Gizmos_by_State</report></dashboardComponent><rowIndex>0</rowIndex><rowSpan>8</rowSpan></dashboardGridComponents><numberOfColumns>12</numberOfColumns><rowHeight>36</rowHeight></dashboardGridLayout><dashboardType>LoggedInUser</dashboardType><isGridLayout>true</isGridLayout><title>Gizmo Health</title></Dashboard>`,
};

function files(parts: Parts): Record<string, string> {
  return {
    'package.xml': packageXml({
      CustomObject: ['Gizmo__c'],
      ListView: ['Gizmo__c.Broken_Gizmos'],
      CustomTab: ['Gizmo__c'],
      CustomApplication: ['Gizmos'],
      ReportType: ['Gizmos'],
      Report: ['Gizmo_Reports', 'Gizmo_Reports/Gizmos_by_State'],
      Dashboard: ['Gizmo_Dashboards', 'Gizmo_Dashboards/Gizmo_Health'],
      PermissionSet: ['Gizmo_Access'],
    }),
    'objects/Gizmo__c.object': OBJECT.replace('</CustomObject>', `${parts.listView}</CustomObject>`),
    'tabs/Gizmo__c.tab': parts.tab,
    'applications/Gizmos.app': parts.app,
    'reportTypes/Gizmos.reportType': parts.reportType,
    'reports/Gizmo_Reports-meta.xml': `<ReportFolder ${NS}><name>Gizmo Reports</name></ReportFolder>`,
    'reports/Gizmo_Reports/Gizmos_by_State.report': parts.report,
    'dashboards/Gizmo_Dashboards-meta.xml': `<DashboardFolder ${NS}><name>Gizmo Dashboards</name></DashboardFolder>`,
    'dashboards/Gizmo_Dashboards/Gizmo_Health.dashboard': parts.dashboard,
    'permissionsets/Gizmo_Access.permissionset': `<PermissionSet ${NS}><applicationVisibilities><application>Gizmos</application><visible>true</visible></applicationVisibilities><label>Gizmo Access</label><tabSettings><tab>Gizmo__c</tab><visibility>Visible</visibility></tabSettings></PermissionSet>`,
  };
}

/** Each case breaks one part of GOOD and names the failure a real org reports for it. */
type Refusal = {
  kind: string;
  part: keyof Parts;
  broken: string;
  /** Leaves the object out of the deploy (it is not in the org either). */
  withoutObject?: true;
  componentType: string;
  problem: string;
};

const REFUSALS: Refusal[] = [
  {
    kind: 'a list view column naming no field',
    part: 'listView',
    broken: GOOD.listView.replace('<columns>State__c</columns>', '<columns>Status__c</columns>'),
    componentType: 'ListView',
    problem: 'Could not resolve list view column: Status__c',
  },
  {
    kind: 'a list view filter on no field',
    part: 'listView',
    broken: GOOD.listView.replace('<field>State__c</field>', '<field>Stat__c</field>'),
    componentType: 'ListView',
    problem: 'In field: field - no CustomField named Gizmo__c.Stat__c found',
  },
  {
    kind: 'a tab for an object that does not exist',
    part: 'tab',
    broken: GOOD.tab,
    withoutObject: true,
    componentType: 'CustomTab',
    problem: 'In field: customObject - no CustomObject named Gizmo__c found',
  },
  {
    kind: 'an app naming a tab that does not exist',
    part: 'app',
    broken: GOOD.app.replace('<tabs>Gizmo__c</tabs>', '<tabs>Gadget__c</tabs>'),
    componentType: 'CustomApplication',
    problem: 'In field: tabs - no CustomTab named Gadget__c found',
  },
  {
    kind: 'a report type on an object that does not exist',
    part: 'reportType',
    broken: GOOD.reportType.replace('<baseObject>Gizmo__c</baseObject>', '<baseObject>Gadget__c</baseObject>'),
    componentType: 'ReportType',
    problem: 'In field: baseObject - no CustomObject named Gadget__c found',
  },
  {
    kind: 'a report type field that does not exist',
    part: 'reportType',
    broken: GOOD.reportType.replace('Opportunity__c.StageName', 'Opportunity__c.Stage__c'),
    componentType: 'ReportType',
    problem: 'In field: field - no CustomField named Gizmo__c.Opportunity__c.Stage__c found',
  },
  {
    kind: 'a report column its report type lacks',
    part: 'report',
    broken: GOOD.report.replace('<field>Gizmo__c$Opportunity__c.StageName</field>', '<field>Gizmo__c$Name</field>'),
    componentType: 'Report',
    problem: 'In field: columns - no ReportTypeColumn named Gizmo__c$Name found',
  },
  {
    kind: 'a report filter on a column its report type lacks',
    part: 'report',
    broken: GOOD.report.replace('<column>Gizmo__c$State__c</column>', '<column>Gizmo__c$Stat__c</column>'),
    componentType: 'Report',
    problem: 'In field: columns - no ReportTypeColumn named Gizmo__c$Stat__c found',
  },
  {
    kind: 'a report on a report type that does not exist',
    part: 'report',
    broken: GOOD.report.replace('<reportType>Gizmos__c</reportType>', '<reportType>Gadgets__c</reportType>'),
    componentType: 'Report',
    problem: 'In field: reportType - no ReportType named Gadgets__c found',
  },
  {
    kind: 'a dashboard naming a report that does not exist',
    part: 'dashboard',
    broken: GOOD.dashboard.replace('Gizmo_Reports/Gizmos_by_State', 'Gizmo_Reports/Gizmos_by_Stage'),
    componentType: 'Dashboard',
    problem: 'In field: report - no Report named Gizmo_Reports/Gizmos_by_Stage found',
  },
];

describe('Salesforce emulator: apps, tabs, list views, reports and dashboards', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;

  before(async () => {
    // As a System Administrator: these tests are about deploying, not field-level security (see access.test.ts).
    emulator = await startSalesforceEmulator({ port: 0, adminUser: true });
  });
  beforeEach(() => emulator.reset());
  after(async () => {
    await emulator?.close();
  });

  for (const { kind, part, broken, withoutObject, componentType, problem } of REFUSALS) {
    it(`fails the deploy of ${kind}, and stores nothing of it`, async () => {
      const zip = files({ ...GOOD, [part]: broken });
      if (withoutObject) delete zip['objects/Gizmo__c.object'];
      const result = await deployZip(emulator, zip);
      expect(result.deployResult).to.include({ status: 'Failed', success: false });
      expect(result.deployResult.details.componentFailures.map((f) => [f.componentType, f.problem])).to.deep.include([
        componentType,
        problem,
      ]);
      const rows = await sfRequest<{ totalSize: number }>(emulator, 'GET', queryPath('SELECT Id FROM Report'));
      expect(rows.body.totalSize, 'a failed deploy stores no report').to.equal(0);
    });
  }

  it('fails the deploy of a permission set naming a tab or an app the org lacks', async () => {
    const zip = files(GOOD);
    zip['permissionsets/Gizmo_Access.permissionset'] = zip['permissionsets/Gizmo_Access.permissionset']
      .replace('<application>Gizmos</application>', '<application>Gadgets</application>')
      .replace('<tab>Gizmo__c</tab>', '<tab>Gadget__c</tab>');
    const result = await deployZip(emulator, zip);
    expect(result.deployResult.details.componentFailures.map((f) => f.problem)).to.include.members([
      'In field: tab - no CustomTab named Gadget__c found',
      'In field: application - no CustomApplication named Gadgets found',
    ]);
  });

  it('stores the components and answers them through SOQL and the describe resources', async () => {
    const result = await deployZip(emulator, files(GOOD));
    expect(result.deployResult, JSON.stringify(result.deployResult.details.componentFailures)).to.include({
      status: 'Succeeded',
    });
    const views = await sfRequest<{ records: Array<{ Id: string; DeveloperName: string }> }>(
      emulator,
      'GET',
      queryPath("SELECT Id, Name, DeveloperName FROM ListView WHERE SobjectType = 'Gizmo__c'")
    );
    expect(views.body.records.map((r) => r.DeveloperName)).to.deep.equal(['Broken_Gizmos']);
    const described = await sfRequest<{
      query: string;
      columns: Array<{ fieldNameOrPath: string }>;
      whereCondition: unknown;
    }>(emulator, 'GET', api(`/sobjects/Gizmo__c/listviews/${views.body.records[0].Id}/describe`));
    expect(described.body.columns.map((c) => c.fieldNameOrPath)).to.deep.equal(['Name', 'State__c']);
    expect(described.body.whereCondition).to.deep.equal({
      field: 'State__c',
      operator: 'equals',
      values: ["'Broken'", "'Lost'"],
    });
    // The view's own query runs and selects what the filter says.
    for (const [name, state] of [
      ['a', 'Broken'],
      ['b', 'Fine'],
      ['c', 'Lost'],
    ])
      await sfRequest(emulator, 'POST', api('/sobjects/Gizmo__c'), { Name: name, State__c: state });
    const rows = await sfRequest<{ records: Array<{ Name: string }> }>(
      emulator,
      'GET',
      queryPath(described.body.query)
    );
    expect(rows.body.records.map((r) => r.Name).sort()).to.deep.equal(['a', 'c']);

    const reports = await sfRequest<{ records: Array<{ Id: string; FolderName: string; Format: string }> }>(
      emulator,
      'GET',
      queryPath(
        "SELECT Id, Name, DeveloperName, FolderName, Format FROM Report WHERE DeveloperName = 'Gizmos_by_State'"
      )
    );
    expect(reports.body.records[0]).to.include({ FolderName: 'Gizmo_Reports', Format: 'Summary' });
    const report = await sfRequest<{ reportMetadata: Record<string, unknown> }>(
      emulator,
      'GET',
      api(`/analytics/reports/${reports.body.records[0].Id}/describe`)
    );
    expect(report.body.reportMetadata).to.deep.include({
      detailColumns: ['Gizmo__c$Opportunity__c.StageName'],
      reportFilters: [{ column: 'Gizmo__c$State__c', operator: 'equals', value: 'Broken' }],
    });
    const dashboards = await sfRequest<{ records: Array<{ Title: string }> }>(
      emulator,
      'GET',
      queryPath('SELECT Title, FolderName FROM Dashboard')
    );
    expect(dashboards.body.records.map((r) => r.Title)).to.deep.equal(['Gizmo Health']);

    // A later deploy may lean on what the org already has: a dashboard on the stored report.
    const later = await deployZip(emulator, {
      'package.xml': packageXml({ Dashboard: ['Gizmo_Dashboards/Second'] }),
      'dashboards/Gizmo_Dashboards/Second.dashboard': GOOD.dashboard,
    });
    expect(later.deployResult.status).to.equal('Succeeded');
  });

  it('keeps the rows read-only for the data API', async () => {
    const created = await sfRequest<SfErrorBody>(emulator, 'POST', api('/sobjects/Report'), { Name: 'x' });
    expect(created.status).to.be.within(400, 499);
  });
});
