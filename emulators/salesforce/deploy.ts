/**
 * The Metadata REST deploy (`SF_ORG_METADATA_REST_DEPLOY=true`): `POST …/metadata/deployRequest` with a multipart
 * body (`file`: the zip, `entity_content`: `{deployOptions}`), then `GET …/deployRequest/{id}?includeDetails=true`.
 * CustomObject and CustomField components change the schema and PermissionSet components are stored with their field
 * and object permissions, all or nothing (a permission set naming a missing field fails the whole deploy, as
 * `rollbackOnError` does on a real org). LWC bundles and pages are checked (bundle-checks.ts); apps, tabs, list views,
 * report types, reports and dashboards are checked and stored (org-components.ts, analytics.ts); other components
 * are accepted.
 */
import { bundleProblems, type Bundles } from './bundle-checks.js';
import { parseChannelMember } from './change-events.js';
import JSZip from 'jszip';
import { ApiError, notFound } from './errors.js';
import { type Reply, type RequestContext, json } from './http.js';
import { IdFactory } from './ids.js';
import {
  applyObjectMetadata,
  type MetadataProblem,
  type ObjectMetadata,
  parseXml,
  readMdapiObject,
  str,
  type XmlNode,
} from './metadata.js';
import { type LeadFieldMapping, leadMappingProblems, parseLeadConvertSettings } from './leads.js';
import { readNotificationTypes } from './notifications.js';
import type { Org } from './org.js';
import { componentProblems, emptyComponents, mergeComponents, readComponents } from './org-components.js';
import { storeComponentRows } from './analytics.js';
import {
  parsePermissionSet,
  type PermissionSetMetadata,
  permissionSetProblems,
  storePermissionSet,
} from './permission-sets.js';

type Part = { name: string; filename?: string; contentType?: string; data: Buffer };

/** Splits a multipart/form-data body into its parts. */
export function parseMultipart(body: Buffer, contentType: string | undefined): Part[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!m)
    throw new ApiError(400, 'INVALID_MULTIPART_REQUEST', 'Content-Type must be multipart/form-data with a boundary');
  const boundary = Buffer.from(`--${(m[1] ?? m[2]).trim()}`);
  const parts: Part[] = [];
  let start = body.indexOf(boundary);
  while (start >= 0) {
    const afterBoundary = start + boundary.length;
    if (body.subarray(afterBoundary, afterBoundary + 2).toString() === '--') break;
    const headerStart = afterBoundary + 2;
    const headerEnd = body.indexOf('\r\n\r\n', headerStart);
    if (headerEnd < 0) break;
    const next = body.indexOf(boundary, headerEnd + 4);
    if (next < 0) break;
    const headers = body.subarray(headerStart, headerEnd).toString('utf8');
    const data = body.subarray(headerEnd + 4, next - 2);
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const type = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1];
    parts.push({ name, filename, contentType: type, data });
    start = next;
  }
  return parts;
}

type ComponentMessage = Record<string, unknown>;

export type DeployRecord = {
  id: string;
  options: Record<string, unknown>;
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed';
  createdDate: string;
  startDate: string | null;
  completedDate: string | null;
  total: number;
  successes: ComponentMessage[];
  failures: ComponentMessage[];
  errorMessage: string | null;
};

const FOLDERS: Record<string, { folder: string; suffix: string }> = {
  CustomObject: { folder: 'objects', suffix: '.object' },
  PermissionSet: { folder: 'permissionsets', suffix: '.permissionset' },
  FlexiPage: { folder: 'flexipages', suffix: '.flexipage' },
  Layout: { folder: 'layouts', suffix: '.layout' },
  LightningComponentBundle: { folder: 'lwc', suffix: '' },
  ApexClass: { folder: 'classes', suffix: '.cls' },
  CustomTab: { folder: 'tabs', suffix: '.tab' },
  CustomApplication: { folder: 'applications', suffix: '.app' },
  ReportType: { folder: 'reportTypes', suffix: '.reportType' },
  Report: { folder: 'reports', suffix: '.report' },
  Dashboard: { folder: 'dashboards', suffix: '.dashboard' },
  PlatformEventChannelMember: { folder: 'platformEventChannelMembers', suffix: '.platformEventChannelMember' },
  CustomNotificationType: { folder: 'notificationtypes', suffix: '.notiftype' },
};

/**
 * A folder is listed in package.xml under its content's type, its name ending in a slash (`Report: Sync/`), and its
 * file is `reports/Sync-meta.xml` (Metadata API Developer Guide, "Folder"); the deploy result names it by the folder
 * type (ReportFolder, DashboardFolder …), as source-deploy-retrieve expects when it matches results to local files.
 */
const FOLDER_TYPES: Record<string, string> = {
  Report: 'ReportFolder',
  Dashboard: 'DashboardFolder',
  Document: 'DocumentFolder',
  EmailTemplate: 'EmailFolder',
};

function folderOf(member: {
  type: string;
  fullName: string;
}): { type: string; name: string; file: string } | undefined {
  const type = FOLDER_TYPES[member.type];
  const name = member.fullName.replace(/\/$/, '');
  if (!type || name.includes('/')) return undefined;
  return { type, name, file: `${FOLDERS[member.type]?.folder ?? member.type.toLowerCase()}/${name}-meta.xml` };
}

/** The files org-components.ts reads (list views live in the object files). */
const COMPONENT_FILE =
  /^(objects\/[^/]+\.object|tabs\/.+\.tab|applications\/.+\.app|reportTypes\/.+|reports\/.+|dashboards\/.+)$/;

const CHILD_TYPES = new Set([
  'CustomField',
  'ValidationRule',
  'ListView',
  'RecordType',
  'CompactLayout',
  'WebLink',
  'FieldSet',
  'BusinessProcess',
]);

export class DeployService {
  private readonly deploys = new Map<string, DeployRecord>();
  private readonly deployed = new Set<string>();
  /** LWC bundles the org has (deployed earlier), by lower-case name. */
  private readonly deployedLwc = new Set<string>();
  private counter = 0;

  public constructor(private readonly org: Org) {}

  public reset(): void {
    this.deploys.clear();
    this.deployed.clear();
    this.deployedLwc.clear();
  }

  public async start(ctx: RequestContext): Promise<Reply> {
    const parts = parseMultipart(ctx.body, ctx.headers['content-type']);
    const file = parts.find((p) => p.name === 'file');
    if (!file)
      throw new ApiError(
        400,
        'INVALID_MULTIPART_REQUEST',
        "The multipart request must have a part named 'file' holding the zip"
      );
    const entity = parts.find((p) => p.name === 'entity_content');
    let options: Record<string, unknown> = {
      rollbackOnError: true,
      ignoreWarnings: false,
      checkOnly: false,
      singlePackage: true,
      purgeOnDelete: false,
    };
    if (entity) {
      try {
        const parsed = JSON.parse(entity.data.toString('utf8')) as { deployOptions?: Record<string, unknown> };
        options = { ...options, ...(parsed.deployOptions ?? {}) };
      } catch {
        throw new ApiError(400, 'JSON_PARSER_ERROR', 'entity_content is not valid JSON');
      }
    }
    const record = await this.begin(file.data, options);
    return json(201, this.view(record, ctx.version, false));
  }

  /** Starts a deploy of a zip (shared by the REST and SOAP front ends); processing runs right after. */
  public async begin(zipBytes: Buffer, deployOptions: Record<string, unknown>): Promise<DeployRecord> {
    const options = {
      rollbackOnError: true,
      ignoreWarnings: false,
      checkOnly: false,
      singlePackage: true,
      purgeOnDelete: false,
      ...deployOptions,
    };
    let zip: JSZip;
    try {
      zip = await JSZip.loadAsync(zipBytes);
    } catch {
      throw new ApiError(400, 'INVALID_ZIP', 'The file part is not a valid zip archive');
    }
    this.counter++;
    const id = IdFactory.make('0Af', '5g0', this.counter);
    const now = this.org.clock.stamp();
    const record: DeployRecord = {
      id,
      options,
      status: 'Pending',
      createdDate: now,
      startDate: null,
      completedDate: null,
      total: 0,
      successes: [],
      failures: [],
      errorMessage: null,
    };
    this.deploys.set(id, record);
    // Processed right after the answer, so the first status poll already sees the outcome.
    setImmediate(() => {
      this.process(record, zip).catch((error: unknown) => {
        record.status = 'Failed';
        record.errorMessage = (error as Error).message;
        record.completedDate = this.org.clock.stamp();
      });
    });
    return record;
  }

  public find(id: string): DeployRecord | undefined {
    return this.deploys.get(id) ?? [...this.deploys.values()].find((d) => d.id.slice(0, 15) === id.slice(0, 15));
  }

  /** The DeployResult as the REST resource answers it (`{id, deployOptions, deployResult}`). */
  public result(record: DeployRecord, version: string, includeDetails: boolean): Record<string, unknown> {
    return this.view(record, version, includeDetails);
  }

  public status(ctx: RequestContext, id: string): Reply {
    const record = this.find(id);
    if (!record) throw notFound(`The requested resource does not exist`);
    return json(200, this.view(record, ctx.version, true));
  }

  private async process(record: DeployRecord, zip: JSZip): Promise<void> {
    record.status = 'InProgress';
    record.startDate = this.org.clock.stamp();
    const packageXml = zip.file(/(^|\/)package\.xml$/)[0];
    const root = packageXml ? packageXml.name.replace(/package\.xml$/, '') : '';
    const members: Array<{ type: string; fullName: string }> = [];
    if (packageXml) {
      const pkg = parseXml(await packageXml.async('string')).Package as XmlNode | undefined;
      for (const t of (pkg?.types as XmlNode[] | undefined) ?? []) {
        const type = str(t.name) ?? '';
        for (const m of (t.members as unknown[] | undefined) ?? []) {
          const name = str(m);
          if (name) members.push({ type, fullName: name });
        }
      }
    }
    const files = Object.keys(zip.files).filter((name) => !zip.files[name].dir);
    const fileFor = (type: string, fullName: string): string => {
      if (CHILD_TYPES.has(type)) return `objects/${fullName.split('.')[0]}.object`;
      const known = FOLDERS[type];
      if (known) {
        const candidate = `${known.folder}/${fullName}${known.suffix}`;
        if (known.suffix === '' || files.includes(root + candidate)) return candidate;
      }
      const found = files.find((f) => f.slice(root.length).split('/').pop()?.split('.')[0] === fullName);
      return found ? found.slice(root.length) : `${known?.folder ?? type}/${fullName}`;
    };
    // Object metadata: `objects/X.object`, fields merged into it. The object itself only when package.xml lists it.
    const objectItems: ObjectMetadata[] = [];
    const deployedObjects = new Set(
      members.filter((m) => m.type === 'CustomObject').map((m) => m.fullName.toLowerCase())
    );
    const listedFields = new Set(members.filter((m) => m.type === 'CustomField').map((m) => m.fullName.toLowerCase()));
    for (const name of files) {
      const m = new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}objects/([^/]+)\\.object$`).exec(name);
      if (!m) continue;
      const objectName = m[1];
      const item = readMdapiObject(
        objectName,
        await (zip.file(name) as JSZip.JSZipObject).async('string'),
        `objects/${objectName}.object`,
        deployedObjects.has(objectName.toLowerCase())
      );
      if (!item.object && listedFields.size > 0) {
        item.fields = item.fields.filter((f) =>
          listedFields.has(`${objectName}.${str(f.fullName) ?? ''}`.toLowerCase())
        );
      }
      objectItems.push(item);
    }
    objectItems.sort((a, b) => Number(Boolean(b.object)) - Number(Boolean(a.object)));
    const checkOnly = record.options.checkOnly === true;
    const before = this.org.schema.snapshot();
    const problems: MetadataProblem[] = applyObjectMetadata(this.org.schema, objectItems);
    // Apps, tabs, list views, report types, reports and dashboards, against the schema as this deploy leaves it.
    const componentFiles = new Map<string, string>();
    for (const name of files) {
      const relative = name.slice(root.length);
      if (!name.startsWith(root) || !COMPONENT_FILE.test(relative)) continue;
      componentFiles.set(relative, await (zip.file(name) as JSZip.JSZipObject).async('string'));
    }
    const components = readComponents(componentFiles);
    problems.push(...componentProblems(components, this.org.components, this.org.schema));
    const reachable = emptyComponents();
    mergeComponents(reachable, this.org.components);
    mergeComponents(reachable, components);
    // Permission sets are checked against the schema as this deploy leaves it (fields deployed with them count).
    const permissionSets: PermissionSetMetadata[] = [];
    for (const name of files) {
      const m = /^permissionsets\/([^/]+)\.permissionset$/.exec(name.slice(root.length));
      if (!m || !name.startsWith(root)) continue;
      const fileName = `permissionsets/${m[1]}.permissionset`;
      const set = parsePermissionSet(m[1], await (zip.file(name) as JSZip.JSZipObject).async('string'), fileName);
      permissionSets.push(set);
      for (const problem of permissionSetProblems(set, this.org.schema, reachable))
        problems.push({ componentType: 'PermissionSet', fullName: set.name, fileName, problem });
    }
    // Lead conversion field mappings (leads.ts), against the schema as this deploy leaves it.
    let leadConvertMappings: LeadFieldMapping[] | undefined;
    for (const name of files) {
      if (!/^LeadConvertSettings\/[^/]+\.LeadConvertSetting$/.test(name.slice(root.length)) || !name.startsWith(root))
        continue;
      const fileName = name.slice(root.length);
      try {
        leadConvertMappings = parseLeadConvertSettings(await (zip.file(name) as JSZip.JSZipObject).async('string'));
        for (const problem of leadMappingProblems(leadConvertMappings, (object, field) => {
          const def = this.org.schema.object(object);
          return def !== undefined && this.org.schema.field(def, field) !== undefined;
        }))
          problems.push({ componentType: 'LeadConvertSettings', fullName: 'LeadConvertSetting', fileName, problem });
      } catch (error) {
        problems.push({
          componentType: 'LeadConvertSettings',
          fullName: 'LeadConvertSetting',
          fileName,
          problem: (error as Error).message,
        });
      }
    }
    // Lightning components and pages, against the org as this deploy leaves it.
    const bundles: Bundles = { lwc: new Map(), flexipages: new Map() };
    for (const name of files) {
      if (!name.startsWith(root)) continue;
      const relative = name.slice(root.length);
      const lwc = /^lwc\/([^/]+)\/(.+)$/.exec(relative);
      const page = /^flexipages\/([^/]+)\.flexipage$/.exec(relative);
      if (!lwc && !page) continue;
      const text = await (zip.file(name) as JSZip.JSZipObject).async('string');
      if (lwc) bundles.lwc.set(lwc[1], (bundles.lwc.get(lwc[1]) ?? new Map<string, string>()).set(lwc[2], text));
      if (page) bundles.flexipages.set(page[1], text);
    }
    problems.push(...bundleProblems(bundles, this.deployedLwc, this.org.schema));
    // Change Data Capture selections (PlatformEventChannelMember of the ChangeEvents channel).
    const changeEventEntities: string[] = [];
    for (const name of files) {
      if (!name.startsWith(root) || !/^platformEventChannelMembers\/[^/]+$/.test(name.slice(root.length))) continue;
      const entity = parseChannelMember(await (zip.file(name) as JSZip.JSZipObject).async('string'));
      if (entity) changeEventEntities.push(entity);
    }
    const notificationTypes = await readNotificationTypes(zip, root, problems);
    if (checkOnly || problems.length > 0) this.org.schema.restore(before);
    else {
      this.org.store.reindex();
      for (const set of permissionSets) storePermissionSet(set, this.org.schema, this.org.store);
      if (leadConvertMappings) this.org.leadConvertMappings = leadConvertMappings;
      for (const bundle of bundles.lwc.keys()) this.deployedLwc.add(bundle.toLowerCase());
      mergeComponents(this.org.components, components);
      storeComponentRows(this.org, components);
      for (const entity of changeEventEntities) this.org.changeEvents.select(entity);
      for (const type of notificationTypes) this.org.notifications.deploy(type);
    }
    const now = this.org.clock.stamp();
    const message = (
      type: string,
      fullName: string,
      fileName: string,
      extra: Record<string, unknown>
    ): ComponentMessage => ({
      changed: false,
      componentType: type,
      created: false,
      createdDate: now,
      deleted: false,
      fileName,
      fullName,
      id: type === '' ? null : IdFactory.make('0X0', '5g0', ++this.counter),
      knownPackagingProblem: false,
      problem: null,
      problemType: null,
      requiresProductionTestRun: false,
      success: true,
      warning: false,
      forPackageManifestFile: type === '',
      columnNumber: null,
      lineNumber: null,
      ...extra,
    });
    const failed = problems.length > 0;
    record.total = members.length;
    for (const p of problems) {
      record.failures.push(
        message(
          p.componentType,
          p.fullName,
          p.fileName.includes('/') ? p.fileName : fileFor(p.componentType, p.fullName),
          {
            success: false,
            problem: p.problem,
            problemType: 'Error',
            lineNumber: 1,
            columnNumber: 1,
            id: null,
          }
        )
      );
    }
    if (!failed) {
      record.successes.push(message('', 'package.xml', 'package.xml', {}));
      for (const member of members) {
        const key = `${member.type}#${member.fullName}`.toLowerCase();
        const existed = this.deployed.has(key);
        if (!checkOnly) this.deployed.add(key);
        const folder = folderOf(member);
        record.successes.push(
          message(
            folder?.type ?? member.type,
            folder?.name ?? member.fullName,
            folder?.file ?? fileFor(member.type, member.fullName),
            {
              created: !existed,
              changed: existed,
            }
          )
        );
      }
    }
    record.status = failed ? 'Failed' : 'Succeeded';
    record.completedDate = this.org.clock.stamp();
  }

  private view(record: DeployRecord, version: string, includeDetails: boolean): Record<string, unknown> {
    const done = record.status === 'Succeeded' || record.status === 'Failed';
    return {
      id: record.id,
      validatedDeployRequestId: null,
      url: `/services/data/v${version}/metadata/deployRequest/${record.id}`,
      deployOptions: record.options,
      deployResult: {
        id: record.id,
        checkOnly: record.options.checkOnly === true,
        ignoreWarnings: record.options.ignoreWarnings === true,
        rollbackOnError: record.options.rollbackOnError !== false,
        status: record.status,
        numberComponentsDeployed: done && record.status === 'Succeeded' ? record.total : 0,
        numberComponentsTotal: record.total,
        numberComponentErrors: record.failures.length,
        numberTestsCompleted: 0,
        numberTestsTotal: 0,
        numberTestErrors: 0,
        details: includeDetails
          ? {
              componentSuccesses: record.successes,
              componentFailures: record.failures,
              runTestResult: {
                numFailures: 0,
                numTestsRun: 0,
                totalTime: 0,
                codeCoverage: [],
                codeCoverageWarnings: [],
                failures: [],
                flowCoverage: [],
                flowCoverageWarnings: [],
                successes: [],
              },
            }
          : { componentSuccesses: [], componentFailures: [] },
        createdDate: record.createdDate,
        startDate: record.startDate,
        lastModifiedDate: record.completedDate ?? record.startDate ?? record.createdDate,
        completedDate: record.completedDate,
        errorStatusCode: record.errorMessage ? 'UNKNOWN_EXCEPTION' : null,
        errorMessage: record.errorMessage,
        stateDetail: null,
        createdBy: this.org.userId,
        createdByName: 'Emu User',
        canceledBy: null,
        canceledByName: null,
        isRunTestsEnabled: false,
        runTestsEnabled: false,
        done,
        success: record.status === 'Succeeded',
      },
    };
  }
}
