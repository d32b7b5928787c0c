/**
 * The admin-facing components a deploy carries beside objects and fields — ListView, CustomTab, CustomApplication,
 * ReportType, Report (and its folder), Dashboard (and its folder) — read from the mdapi zip and checked the way a real
 * org resolves their references (Metadata API Developer Guide: "ListView", "CustomTab", "CustomApplication",
 * "ReportType", "Report", "Dashboard", "Folder"). A reference that does not resolve fails the deploy in the Metadata
 * API's "In field: X - no Y named Z found" words (the shape it uses for every unresolved reference, e.g. a permission
 * set's field); a list view column it cannot resolve says "Could not resolve list view column: X".
 *
 * Modelled: custom report types on one object with lookup fields (`Lookup__c.Field`), reports on them
 * (`Table$Field` columns), standard list view columns of Opportunity and of custom objects (the names below).
 * Not modelled (refused with a message that says so, never accepted silently): standard report types, report type
 * joins, standard list view columns of other objects.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { asArray, asNode, bool, parseXml, str, type MetadataProblem, type XmlNode } from './metadata.js';
import type { FieldDef, ObjectDef, SchemaRegistry } from './schema.js';

export type ListViewFilter = { field: string; operation: string; value: string };
export type ListViewMetadata = {
  object: string;
  name: string;
  label: string;
  columns: string[];
  filters: ListViewFilter[];
  filterScope: string;
};
export type ReportTypeMetadata = { name: string; label: string; baseObject: string; columns: string[] };
export type ReportMetadata = {
  folder: string;
  name: string;
  label: string;
  description: string | null;
  reportType: string;
  format: string;
  columns: string[];
  groupings: Array<{ field: string; dateGranularity: string; sortOrder: string }>;
  filters: Array<{ column: string; operator: string; value: string }>;
  dateColumn: string | null;
  dateInterval: string | null;
};
export type DashboardMetadata = {
  folder: string;
  name: string;
  title: string;
  description: string | null;
  components: Array<{ header: string; componentType: string; report: string }>;
};

/** Everything of these types in one deploy, or everything the org holds. */
export type OrgComponents = {
  listViews: ListViewMetadata[];
  tabs: Map<string, { customObject: boolean }>;
  apps: Map<string, { label: string; tabs: string[] }>;
  reportTypes: Map<string, ReportTypeMetadata>;
  reportFolders: Set<string>;
  reports: Map<string, ReportMetadata>;
  dashboardFolders: Set<string>;
  dashboards: Map<string, DashboardMetadata>;
};

export function emptyComponents(): OrgComponents {
  return {
    listViews: [],
    tabs: new Map(),
    apps: new Map(),
    reportTypes: new Map(),
    reportFolders: new Set(),
    reports: new Map(),
    dashboardFolders: new Set(),
    dashboards: new Map(),
  };
}

/**
 * List view column names for standard fields (the names the Metadata API uses in `columns` and `filters`), with the
 * field path the REST list view describe answers for each. Custom fields go by their API name.
 */
export const LIST_VIEW_STANDARD_COLUMNS: Record<'opportunity' | 'custom', Record<string, string>> = {
  opportunity: {
    'OPPORTUNITY.NAME': 'Name',
    'ACCOUNT.NAME': 'Account.Name',
    'OPPORTUNITY.STAGE_NAME': 'StageName',
    'OPPORTUNITY.AMOUNT': 'Amount',
    'OPPORTUNITY.CLOSE_DATE': 'CloseDate',
    'OPPORTUNITY.PROBABILITY': 'Probability',
    'OPPORTUNITY.CREATED_DATE': 'CreatedDate',
    'OPPORTUNITY.LAST_UPDATE': 'LastModifiedDate',
    'CORE.USERS.ALIAS': 'Owner.Alias',
    'CORE.USERS.FULL_NAME': 'Owner.Name',
  },
  custom: {
    NAME: 'Name',
    CREATED_DATE: 'CreatedDate',
    LAST_UPDATE: 'LastModifiedDate',
    OWNER_NAME: 'Owner.Name',
    CREATEDBY_USER: 'CreatedBy.Name',
    UPDATEDBY_USER: 'LastModifiedBy.Name',
  },
};

/** Standard tabs that are not an object's tab (CustomApplication `tabs`, PermissionSet `tabSettings`). */
const STANDARD_PAGE_TABS = new Set(['standard-home', 'standard-report', 'standard-dashboard', 'standard-chatter']);

const nodes = (value: unknown): XmlNode[] =>
  asArray(value)
    .map((v) => asNode(v))
    .filter((v): v is XmlNode => v !== undefined);
const strings = (value: unknown): string[] => asArray(value).map((v) => str(v) ?? '');

/** Reads the components out of a deploy's files (path relative to the package root → text). */
export function readComponents(files: Map<string, string>): OrgComponents {
  const found = emptyComponents();
  for (const [file, text] of files) {
    let m: RegExpExecArray | null;
    // mdapi: `<listViews>` inside the object's file; source format: one `<ListView>` per file.
    const single = /^objects\/([^/]+)\/listViews\/([^/]+)\.listView$/.exec(file);
    if ((m = single ?? /^objects\/([^/]+)\.object$/.exec(file))) {
      const xml = parseXml(text);
      const views = single ? [asNode(xml.ListView) ?? {}] : nodes(asNode(xml.CustomObject)?.listViews);
      for (const view of views) {
        found.listViews.push({
          object: m[1],
          name: single ? single[2] : (str(view.fullName) ?? ''),
          label: str(view.label) ?? '',
          columns: strings(view.columns),
          filters: nodes(view.filters).map((f) => ({
            field: str(f.field) ?? '',
            operation: str(f.operation) ?? '',
            value: strings(f.value)[0] ?? '',
          })),
          filterScope: str(view.filterScope) ?? 'Everything',
        });
      }
    } else if ((m = /^tabs\/([^/]+)\.tab$/.exec(file))) {
      found.tabs.set(m[1], { customObject: bool(asNode(parseXml(text).CustomTab)?.customObject) });
    } else if ((m = /^applications\/([^/]+)\.app$/.exec(file))) {
      const app = asNode(parseXml(text).CustomApplication) ?? {};
      found.apps.set(m[1], { label: str(app.label) ?? m[1], tabs: strings(app.tabs) });
    } else if ((m = /^reportTypes\/([^/]+)\.reportType$/.exec(file))) {
      const type = asNode(parseXml(text).ReportType) ?? {};
      const columns = nodes(type.sections).flatMap((s) =>
        nodes(s.columns).map((c) => `${str(c.table) ?? ''}$${str(c.field) ?? ''}`)
      );
      found.reportTypes.set(m[1], {
        name: m[1],
        label: str(type.label) ?? m[1],
        baseObject: str(type.baseObject) ?? '',
        columns,
      });
    } else if ((m = /^(reports|dashboards)\/([^/]+)-meta\.xml$/.exec(file))) {
      (m[1] === 'reports' ? found.reportFolders : found.dashboardFolders).add(m[2]);
    } else if ((m = /^reports\/([^/]+)\/([^/]+)\.report$/.exec(file))) {
      found.reports.set(`${m[1]}/${m[2]}`, readReport(m[1], m[2], text));
    } else if ((m = /^dashboards\/([^/]+)\/([^/]+)\.dashboard$/.exec(file))) {
      const dashboard = asNode(parseXml(text).Dashboard) ?? {};
      const grid = nodes(asNode(dashboard.dashboardGridLayout)?.dashboardGridComponents);
      found.dashboards.set(`${m[1]}/${m[2]}`, {
        folder: m[1],
        name: m[2],
        title: str(dashboard.title) ?? m[2],
        description: str(dashboard.description) ?? null,
        components: grid
          .map((g) => asNode(g.dashboardComponent) ?? {})
          .map((c) => ({
            header: str(c.header) ?? '',
            componentType: str(c.componentType) ?? '',
            report: str(c.report) ?? '',
          })),
      });
    }
  }
  return found;
}

function readReport(folder: string, name: string, text: string): ReportMetadata {
  const report = asNode(parseXml(text).Report) ?? {};
  const time = asNode(report.timeFrameFilter);
  const grouping = (g: XmlNode): ReportMetadata['groupings'][number] => ({
    field: str(g.field) ?? '',
    dateGranularity: str(g.dateGranularity) ?? 'None',
    sortOrder: str(g.sortOrder) ?? 'Asc',
  });
  return {
    folder,
    name,
    label: str(report.name) ?? name,
    description: str(report.description) ?? null,
    reportType: str(report.reportType) ?? '',
    format: str(report.format) ?? 'Tabular',
    columns: nodes(report.columns).map((c) => str(c.field) ?? ''),
    groupings: [...nodes(report.groupingsDown), ...nodes(report.groupingsAcross)].map(grouping),
    filters: nodes(asNode(report.filter)?.criteriaItems).map((c) => ({
      column: str(c.column) ?? '',
      operator: str(c.operator) ?? '',
      value: strings(c.value)[0] ?? '',
    })),
    dateColumn: str(time?.dateColumn) ?? null,
    dateInterval: str(time?.interval) ?? null,
  };
}

/** The object a field path (`Name`, `Opportunity__c.StageName`, `Account.Name`) ends on, or undefined. */
export function resolvePath(schema: SchemaRegistry, object: ObjectDef, fieldPath: string): ObjectDef | undefined {
  const parts = fieldPath.split('.');
  let current: ObjectDef | undefined = object;
  for (const part of parts.slice(0, -1)) {
    const lookup: ObjectDef | undefined = current;
    const via: FieldDef | undefined = lookup
      ? [...lookup.fields.values()].find(
          (f) => f.type === 'reference' && (f.name.toLowerCase() === part.toLowerCase() || f.relationshipName === part)
        )
      : undefined;
    current = via ? schema.object(via.referenceTo[0]) : undefined;
  }
  return current && schema.field(current, parts[parts.length - 1]) ? current : undefined;
}

/** Whether a tab name (CustomApplication `tabs`, PermissionSet `tabSettings`) names a tab the org would have. */
export function tabExists(name: string, tabs: OrgComponents['tabs'], schema: SchemaRegistry): boolean {
  if (STANDARD_PAGE_TABS.has(name.toLowerCase())) return true;
  const standard = /^standard-(\w+)$/.exec(name);
  if (standard) return Boolean(schema.object(standard[1]));
  return tabs.has(name);
}

/**
 * The problems a deploy reports for these components, checked against the schema as the deploy leaves it and the
 * components already in the org (`org`) plus those in the deploy (`deploy`).
 */
export function componentProblems(
  deploy: OrgComponents,
  org: OrgComponents,
  schema: SchemaRegistry
): MetadataProblem[] {
  const problems: MetadataProblem[] = [];
  const add = (componentType: string, fullName: string, fileName: string, problem: string): void => {
    problems.push({ componentType, fullName, fileName, problem });
  };
  for (const view of deploy.listViews) {
    const object = schema.object(view.object);
    const standard = LIST_VIEW_STANDARD_COLUMNS[view.object.toLowerCase() === 'opportunity' ? 'opportunity' : 'custom'];
    const known = (column: string): boolean =>
      Boolean(object && (standard[column] ?? (column.endsWith('__c') && schema.field(object, column))));
    const fullName = `${view.object}.${view.name}`;
    const file = `objects/${view.object}.object`;
    for (const column of view.columns.filter((c) => !known(c)))
      add('ListView', fullName, file, `Could not resolve list view column: ${column}`);
    for (const filter of view.filters.filter((f) => !known(f.field)))
      add('ListView', fullName, file, `In field: field - no CustomField named ${view.object}.${filter.field} found`);
  }
  for (const [name, tab] of deploy.tabs) {
    if (tab.customObject && !schema.object(name))
      add('CustomTab', name, `tabs/${name}.tab`, `In field: customObject - no CustomObject named ${name} found`);
  }
  const tabs = new Map([...org.tabs, ...deploy.tabs]);
  for (const [name, app] of deploy.apps) {
    for (const tab of app.tabs.filter((t) => !tabExists(t, tabs, schema)))
      add('CustomApplication', name, `applications/${name}.app`, `In field: tabs - no CustomTab named ${tab} found`);
  }
  const reportTypes = new Map([...org.reportTypes, ...deploy.reportTypes]);
  for (const [name, type] of deploy.reportTypes) {
    const file = `reportTypes/${name}.reportType`;
    const base = schema.object(type.baseObject);
    if (!base) {
      add('ReportType', name, file, `In field: baseObject - no CustomObject named ${type.baseObject} found`);
      continue;
    }
    for (const column of type.columns) {
      const [table, path] = column.split('$');
      if (table !== type.baseObject)
        add('ReportType', name, file, `In field: table - the emulator models no report type join (${table})`);
      else if (!resolvePath(schema, base, path))
        add('ReportType', name, file, `In field: field - no CustomField named ${table}.${path} found`);
    }
  }
  const reportFolders = new Set([...org.reportFolders, ...deploy.reportFolders]);
  for (const [fullName, report] of deploy.reports) {
    const file = `reports/${fullName}.report`;
    if (!reportFolders.has(report.folder))
      add('Report', fullName, file, `In field: folder - no ReportFolder named ${report.folder} found`);
    const type = reportTypes.get(report.reportType.replace(/__c$/, ''));
    if (!report.reportType.endsWith('__c') || !type) {
      add('Report', fullName, file, `In field: reportType - no ReportType named ${report.reportType} found`);
      continue;
    }
    const used = [
      ...report.columns,
      ...report.groupings.map((g) => g.field),
      ...report.filters.map((f) => f.column),
      ...(report.dateColumn ? [report.dateColumn] : []),
    ];
    for (const column of new Set(used.filter((c) => !type.columns.includes(c))))
      add('Report', fullName, file, `In field: columns - no ReportTypeColumn named ${column} found`);
  }
  const reports = new Map([...org.reports, ...deploy.reports]);
  const dashboardFolders = new Set([...org.dashboardFolders, ...deploy.dashboardFolders]);
  for (const [fullName, dashboard] of deploy.dashboards) {
    const file = `dashboards/${fullName}.dashboard`;
    if (!dashboardFolders.has(dashboard.folder))
      add('Dashboard', fullName, file, `In field: folder - no DashboardFolder named ${dashboard.folder} found`);
    for (const component of dashboard.components.filter((c) => !reports.has(c.report)))
      add('Dashboard', fullName, file, `In field: report - no Report named ${component.report} found`);
  }
  return problems;
}

/** Reads the components of a source-format folder (force-app), as `--load-metadata` does. */
export function readSourceComponents(root: string): OrgComponents {
  const files = new Map<string, string>();
  const visit = (dir: string, relative: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const full = path.join(dir, entry);
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      if (statSync(full).isDirectory()) visit(full, relative ? `${relative}/${entry}` : entry);
      else if (entry.endsWith('-meta.xml')) {
        // `…/default/reports/F/R.report-meta.xml` → `reports/F/R.report`; folders → `reports/F-meta.xml`.
        const name = `${relative}/${entry}`
          .replace(/^.*?\b(objects|tabs|applications|reportTypes|reports|dashboards)\//, '$1/')
          .replace(/\.(reportFolder|dashboardFolder)-meta\.xml$/, '-meta.xml')
          .replace(/\.(\w+)-meta\.xml$/, '.$1');
        files.set(name, readFileSync(full, 'utf8'));
      }
    }
  };
  if (existsSync(root)) visit(root, '');
  return readComponents(files);
}

/** Adds a deploy's components to the org's (a deploy replaces a component of the same name). */
export function mergeComponents(org: OrgComponents, deploy: OrgComponents): void {
  const key = (v: ListViewMetadata): string => `${v.object}.${v.name}`.toLowerCase();
  const replaced = new Set(deploy.listViews.map(key));
  org.listViews = [...org.listViews.filter((v) => !replaced.has(key(v))), ...deploy.listViews];
  for (const name of ['tabs', 'apps', 'reportTypes', 'reports', 'dashboards'] as const) {
    const target = org[name] as Map<string, unknown>;
    for (const [k, v] of deploy[name] as Map<string, unknown>) target.set(k, v);
  }
  for (const folder of deploy.reportFolders) org.reportFolders.add(folder);
  for (const folder of deploy.dashboardFolders) org.dashboardFolders.add(folder);
}
