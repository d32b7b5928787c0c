/**
 * Deployed list views, reports and dashboards as a client reads them back: rows of the ListView, Report and
 * Dashboard objects (SOQL), the list view resources of the REST API ("List Views", "Describe List Views":
 * `/sobjects/{type}/listviews`, `/sobjects/{type}/listviews/{id}/describe` with `columns`, `query` and
 * `whereCondition`) and the report describe of the Reports and Dashboards REST API ("Get Report Metadata":
 * `/analytics/reports/{id}/describe` with `reportMetadata` and `reportTypeMetadata`).
 */
import { ApiError, notFound } from './errors.js';
import { json, type Reply, type RequestContext } from './http.js';
import type { Org } from './org.js';
import {
  LIST_VIEW_STANDARD_COLUMNS,
  type ListViewMetadata,
  type OrgComponents,
  type ReportMetadata,
} from './org-components.js';
import type { FieldDef, ObjectDef } from './schema.js';
import type { SfRecord } from './store.js';

/** Writes a deploy's list views, reports and dashboards as rows, replacing rows of the same name. */
export function storeComponentRows(org: Org, deploy: OrgComponents): void {
  const upsert = (objectName: string, match: (row: SfRecord) => boolean, values: SfRecord): void => {
    const object = org.schema.object(objectName);
    if (!object) throw new Error(`setup object ${objectName} missing`);
    const existing = org.store.all(object).find(match);
    if (existing) org.store.update(object, existing.Id as string, values, { systemMode: true });
    else org.store.insert(object, values, { systemMode: true });
  };
  const same = (a: unknown, b: string): boolean => String(a).toLowerCase() === b.toLowerCase();
  for (const view of deploy.listViews) {
    upsert('ListView', (r) => same(r.SobjectType, view.object) && same(r.DeveloperName, view.name), {
      Name: view.label,
      DeveloperName: view.name,
      SobjectType: org.schema.object(view.object)?.name ?? view.object,
    });
  }
  for (const report of deploy.reports.values()) {
    upsert('Report', (r) => same(r.FolderName, report.folder) && same(r.DeveloperName, report.name), {
      Name: report.label,
      DeveloperName: report.name,
      Description: report.description,
      FolderName: report.folder,
      Format: report.format,
      ReportTypeApiName: report.reportType,
    });
  }
  for (const dashboard of deploy.dashboards.values()) {
    upsert('Dashboard', (r) => same(r.FolderName, dashboard.folder) && same(r.DeveloperName, dashboard.name), {
      Title: dashboard.title,
      DeveloperName: dashboard.name,
      Description: dashboard.description,
      FolderName: dashboard.folder,
      Type: 'LoggedInUser',
    });
  }
}

function row(org: Org, objectName: string, id: string): SfRecord {
  const object = org.schema.object(objectName);
  const found = object ? org.store.all(object).find((r) => String(r.Id).slice(0, 15) === id.slice(0, 15)) : undefined;
  if (!found) throw notFound('The requested resource does not exist');
  return found;
}

function readableObject(org: Org, name: string): ObjectDef {
  const object = org.view.object(name);
  if (!object) throw new ApiError(404, 'NOT_FOUND', `The requested resource does not exist`);
  return object;
}

/** `GET /sobjects/{type}/listviews`: the object's list views. */
export function listViews(org: Org, ctx: RequestContext, type: string): Reply {
  const object = readableObject(org, type);
  const table = org.schema.object('ListView') as ObjectDef;
  const base = `/services/data/v${ctx.version}/sobjects/${object.name}/listviews`;
  const views = org.store
    .all(table)
    .filter((r) => String(r.SobjectType).toLowerCase() === object.name.toLowerCase())
    .map((r) => ({
      describeUrl: `${base}/${String(r.Id)}/describe`,
      developerName: r.DeveloperName,
      id: r.Id,
      label: r.Name,
      resultsUrl: `${base}/${String(r.Id)}/results`,
      soqlCompatible: true,
      url: `${base}/${String(r.Id)}`,
    }));
  return json(200, {
    done: true,
    listviews: views,
    nextRecordsUrl: null,
    size: views.length,
    sobjectType: object.name,
  });
}

/** A list view filter value as the SOQL literal for its field (picklists and text quoted, `1`/`0` for checkboxes). */
function literal(f: FieldDef | undefined, value: string): string {
  if (value === '') return 'null';
  if (f?.type === 'boolean') return value === '1' || value.toLowerCase() === 'true' ? 'true' : 'false';
  if (f && ['double', 'currency', 'percent', 'int', 'date', 'datetime'].includes(f.type)) return value;
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const OPERATORS: Record<string, string> = {
  equals: '=',
  notEqual: '!=',
  lessThan: '<',
  greaterThan: '>',
  lessOrEqual: '<=',
  greaterOrEqual: '>=',
};

/** `GET /sobjects/{type}/listviews/{id}/describe`: columns, the SOQL the view runs, and its filters. */
export function describeListView(org: Org, ctx: RequestContext, type: string, id: string): Reply {
  const object = readableObject(org, type);
  const found = row(org, 'ListView', id);
  const view = org.components.listViews.find(
    (v) =>
      v.object.toLowerCase() === object.name.toLowerCase() &&
      v.name.toLowerCase() === String(found.DeveloperName).toLowerCase()
  ) as ListViewMetadata;
  const standard = LIST_VIEW_STANDARD_COLUMNS[object.custom ? 'custom' : 'opportunity'];
  const pathOf = (column: string): string => standard[column] ?? column;
  const columns = view.columns.map((column) => {
    const path = pathOf(column);
    const f = path.includes('.') ? undefined : org.schema.field(object, path);
    return {
      fieldNameOrPath: path,
      hidden: false,
      label: f?.label ?? path,
      selectListItem: path,
      sortable: true,
      type: f?.type ?? 'string',
    };
  });
  const conditions = view.filters.map((filter) => {
    const f = org.schema.field(object, pathOf(filter.field));
    const values = filter.value === '' ? [''] : filter.value.split(',');
    return { field: pathOf(filter.field), operator: filter.operation, values: values.map((v) => literal(f, v)) };
  });
  const where = conditions.map((c) => {
    const op = OPERATORS[c.operator] ?? '=';
    if (c.values.length === 1) return `${c.field} ${op} ${c.values[0]}`;
    return `${c.field} ${c.operator === 'notEqual' ? 'NOT IN' : 'IN'} (${c.values.join(', ')})`;
  });
  const select = [...new Set(['Id', ...columns.map((c) => c.fieldNameOrPath)])].join(', ');
  const query = `SELECT ${select} FROM ${object.name}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  return json(200, {
    columns,
    id: found.Id,
    orderBy: [],
    query: `${query} ORDER BY Id ASC NULLS FIRST`,
    scope: view.filterScope.toLowerCase(),
    sobjectType: object.name,
    whereCondition: conditions.length === 1 ? conditions[0] : { conditions, conjunction: 'and' },
  });
}

/** `GET /analytics/reports/{id}/describe`: the report's metadata and its report type's columns. */
export function describeReport(org: Org, ctx: RequestContext, id: string): Reply {
  const found = row(org, 'Report', id);
  const report = org.components.reports.get(
    `${String(found.FolderName)}/${String(found.DeveloperName)}`
  ) as ReportMetadata;
  const type = org.components.reportTypes.get(report.reportType.replace(/__c$/, ''));
  return json(200, {
    reportMetadata: {
      id: found.Id,
      name: report.label,
      developerName: report.name,
      description: report.description,
      reportFormat: report.format.toUpperCase(),
      reportType: { type: report.reportType, label: type?.label ?? report.reportType },
      detailColumns: report.columns,
      groupingsDown: report.groupings.map((g) => ({
        name: g.field,
        sortOrder: g.sortOrder,
        dateGranularity: g.dateGranularity,
      })),
      reportFilters: report.filters.map((f) => ({ column: f.column, operator: f.operator, value: f.value })),
      standardDateFilter: report.dateColumn ? { column: report.dateColumn, durationValue: report.dateInterval } : null,
      scope: 'organization',
      aggregates: ['RowCount'],
    },
    reportTypeMetadata: {
      categories: [
        {
          label: type?.label ?? report.reportType,
          columns: Object.fromEntries((type?.columns ?? []).map((c) => [c, {}])),
        },
      ],
    },
  });
}
