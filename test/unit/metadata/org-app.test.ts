/**
 * The Partner Center Sync app's components in force-app (issue 19) name only things that exist: every list view
 * column and filter a real field, every report type field a real field (through its lookup), every report column one
 * of its report type, every dashboard component a shipped report, every app tab a shipped or standard tab; and both
 * permission sets show the app and its tabs.
 */
import path from 'node:path';
import { expect } from 'chai';
import { FIELDS_BY_OBJECT, OPPORTUNITY, PERMISSION_SETS } from './expected-metadata.js';
import { children, child, componentName, defaultDir, listFiles, readRoot, text } from './metadata-reader.js';

/** Standard fields the components use, by object (custom fields come from FIELDS_BY_OBJECT). */
const STANDARD_FIELDS: Record<string, string[]> = {
  Opportunity: ['Name', 'StageName', 'Amount', 'CloseDate', 'CreatedDate'],
  Partner_Center_Sync_Run__c: ['Name', 'CreatedDate'],
  Partner_Center_Sync_Event__c: ['Name', 'CreatedDate'],
};
/** List view names of standard columns (Metadata API "ListView"), by object kind. */
const LIST_VIEW_STANDARD: Record<string, string[]> = {
  Opportunity: [
    'OPPORTUNITY.NAME',
    'ACCOUNT.NAME',
    'OPPORTUNITY.STAGE_NAME',
    'OPPORTUNITY.CREATED_DATE',
    'CORE.USERS.ALIAS',
  ],
  custom: ['NAME', 'CREATED_DATE'],
};
/** Where a lookup leads. */
const LOOKUPS: Record<string, string> = {
  'Partner_Center_Sync_Event__c.Opportunity__c': 'Opportunity',
  'Partner_Center_Sync_Event__c.Sync_Run__c': 'Partner_Center_Sync_Run__c',
};

const isField = (object: string, name: string): boolean =>
  (STANDARD_FIELDS[object] ?? []).includes(name) || (FIELDS_BY_OBJECT[object] ?? []).some((f) => f.apiName === name);

/** Whether `Field` or `Lookup__c.Field` resolves from `object`. */
function resolves(object: string, fieldPath: string): boolean {
  const [first, second] = fieldPath.split('.');
  if (second === undefined) return isField(object, first);
  const target = LOOKUPS[`${object}.${first}`];
  return Boolean(target) && isField(object, first) && isField(target, second);
}

const listViews = listFiles(path.join(defaultDir, 'objects'), '.listView-meta.xml').map((file) => ({
  object: path.basename(path.dirname(path.dirname(file))),
  name: componentName(file, '.listView-meta.xml'),
  view: readRoot(file, 'ListView'),
}));
const reportTypes = listFiles(path.join(defaultDir, 'reportTypes'), '.reportType-meta.xml').map((file) => ({
  name: componentName(file, '.reportType-meta.xml'),
  type: readRoot(file, 'ReportType'),
}));
const reports = listFiles(path.join(defaultDir, 'reports'), '.report-meta.xml').map((file) => ({
  name: `${path.basename(path.dirname(file))}/${componentName(file, '.report-meta.xml')}`,
  report: readRoot(file, 'Report'),
}));
const dashboards = listFiles(path.join(defaultDir, 'dashboards'), '.dashboard-meta.xml').map((file) =>
  readRoot(file, 'Dashboard')
);
const tabs = listFiles(path.join(defaultDir, 'tabs'), '.tab-meta.xml').map((f) => componentName(f, '.tab-meta.xml'));
const app = readRoot(path.join(defaultDir, 'applications', 'Partner_Center_Sync.app-meta.xml'), 'CustomApplication');
const leaves = (node: Parameters<typeof children>[0], key: string): string[] => {
  const value = node?.[key];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (v): v is string => typeof v === 'string'
  );
};

describe('the Partner Center Sync app in force-app', () => {
  it('answers the admin: Opportunities in Error, in Conflict, flagged but never synced; failed runs', () => {
    const filters = (name: string): string[] =>
      children(listViews.find((v) => v.name === name)?.view, 'filters').map((f) =>
        `${text(f, 'field') ?? ''} ${text(f, 'operation') ?? ''} ${text(f, 'value') ?? ''}`.trim()
      );
    expect(filters('Partner_Center_Sync_Errors')).to.deep.equal(['Partner_Center_Sync_State__c equals Error']);
    expect(filters('Partner_Center_Sync_Conflicts')).to.deep.equal(['Partner_Center_Sync_State__c equals Conflict']);
    expect(filters('Partner_Center_Never_Synced')).to.deep.equal([
      'Sync_With_Partner_Center__c equals 1',
      'Partner_Center_Last_Synced__c equals',
    ]);
    expect(filters('Failed_Runs')).to.deep.equal(['Status__c equals Failed,Interrupted']);
  });

  it('names a real field in every list view column and filter', () => {
    const unknown = listViews.flatMap(({ object, name, view }) =>
      [...leaves(view, 'columns'), ...children(view, 'filters').map((f) => text(f, 'field') ?? '')]
        .filter((c) => !(LIST_VIEW_STANDARD[object] ?? LIST_VIEW_STANDARD.custom).includes(c))
        .filter((c) => !isField(object, c))
        .map((c) => `${object}.${name}: ${c}`)
    );
    expect(listViews).to.have.length.above(5);
    expect(unknown).to.deep.equal([]);
  });

  it('names a real field in every report type column', () => {
    const unknown = reportTypes.flatMap(({ name, type }) =>
      children(type, 'sections')
        .flatMap((s) => children(s, 'columns'))
        .filter(
          (c) =>
            text(c, 'table') !== text(type, 'baseObject') || !resolves(text(c, 'table') ?? '', text(c, 'field') ?? '')
        )
        .map((c) => `${name}: ${text(c, 'table') ?? ''}.${text(c, 'field') ?? ''}`)
    );
    expect(unknown).to.deep.equal([]);
  });

  it("names only its report type's columns in every report column, grouping and filter", () => {
    const columnsOf = new Map(
      reportTypes.map(({ name, type }) => [
        `${name}__c`,
        children(type, 'sections')
          .flatMap((s) => children(s, 'columns'))
          .map((c) => `${text(c, 'table') ?? ''}$${text(c, 'field') ?? ''}`),
      ])
    );
    const problems = reports.flatMap(({ name, report }) => {
      const allowed = columnsOf.get(text(report, 'reportType') ?? '');
      if (!allowed) return [`${name}: no report type ${text(report, 'reportType') ?? ''}`];
      const used = [
        ...children(report, 'columns').map((c) => text(c, 'field') ?? ''),
        ...children(report, 'groupingsDown').map((g) => text(g, 'field') ?? ''),
        ...children(child(report, 'filter'), 'criteriaItems').map((c) => text(c, 'column') ?? ''),
        ...[text(child(report, 'timeFrameFilter'), 'dateColumn')].filter((c): c is string => c !== undefined),
      ];
      return used.filter((c) => !allowed.includes(c)).map((c) => `${name}: ${c}`);
    });
    expect(reports).to.have.length.of.at.least(3);
    expect(problems).to.deep.equal([]);
  });

  it('builds its dashboard on shipped reports', () => {
    const used = dashboards.flatMap((d) =>
      children(child(d, 'dashboardGridLayout'), 'dashboardGridComponents').map(
        (g) => text(child(g, 'dashboardComponent'), 'report') ?? ''
      )
    );
    expect(used).to.have.length.of.at.least(3);
    expect(used.filter((r) => !reports.some((s) => s.name === r))).to.deep.equal([]);
  });

  it('has the sync tabs and the Opportunity tab in a Lightning app', () => {
    expect(text(app, 'uiType')).to.equal('Lightning');
    const appTabs = leaves(app, 'tabs');
    expect(appTabs).to.include.members([`standard-${OPPORTUNITY}`, ...tabs]);
    expect(appTabs.filter((t) => !t.startsWith('standard-') && !tabs.includes(t))).to.deep.equal([]);
  });

  for (const { apiName } of PERMISSION_SETS) {
    it(`${apiName} shows the app and its tabs`, () => {
      const set = readRoot(
        path.join(defaultDir, 'permissionsets', `${apiName}.permissionset-meta.xml`),
        'PermissionSet'
      );
      expect(
        children(set, 'applicationVisibilities').map(
          (a) => `${text(a, 'application') ?? ''}:${text(a, 'visible') ?? ''}`
        )
      ).to.deep.equal(['Partner_Center_Sync:true']);
      expect(
        children(set, 'tabSettings').map((t) => `${text(t, 'tab') ?? ''}:${text(t, 'visibility') ?? ''}`)
      ).to.have.members(tabs.map((t) => `${t}:Visible`));
    });
  }
});
