/**
 * The org as the sync writes to it, read through describe as the running user sees it: the API version, pcsync's
 * own objects and fields, the mapping's fields, and whether the user may create and edit what the sync writes. With
 * field-level security a field the user cannot see is absent from describe, and one it may only read is
 * `updateable: false` (SOAP API Developer Guide, "DescribeSObjectResult" / "Field").
 */
import type { DescribeSObjectResult } from '@jsforce/jsforce-node';
import { checkAgainstOrg } from '../salesforce/org-check.js';
import { EVENT, LEASE, OPP, RUN } from '../salesforce/fields.js';
import { outcome } from './outcome.js';
import type { Check, CheckOutcome, DoctorContext } from './types.js';

/**
 * The oldest API version the sync can use: it upserts through sObject Collections, "available in API version 46 and
 * later" (REST API Developer Guide, "Upsert Records Using sObject Collections").
 */
export const MIN_API_VERSION = '46.0';

const versionNumber = (version: string): number => Number.parseFloat(version);

async function apiVersion(ctx: DoctorContext): Promise<CheckOutcome> {
  const offered = (await ctx.connection.request<Array<{ version: string }>>('/services/data')).map((v) => v.version);
  const newest = offered.reduce((max, v) => (versionNumber(v) > versionNumber(max) ? v : max), '0.0');
  const using = ctx.connection.version;
  const fix = { key: 'apiVersion', tokens: [newest] };
  if (!offered.includes(using)) return outcome('fail', 'apiVersionNotOffered', [using, newest], fix);
  if (versionNumber(using) < versionNumber(MIN_API_VERSION)) {
    return outcome('fail', 'apiVersionTooOld', [using, MIN_API_VERSION], fix);
  }
  return outcome('pass', 'apiVersion', [using, newest, MIN_API_VERSION]);
}

type Needed = {
  object: string;
  fields: readonly string[];
  /** What the running user must be allowed to do with the object's records. */
  access: ReadonlyArray<'createable' | 'updateable' | 'deletable'>;
};

const fieldsOf = (names: Record<string, string>): string[] =>
  Object.entries(names)
    .filter(([key]) => key !== 'object')
    .map(([, field]) => field);

/** What the sync itself reads and writes (src/salesforce/fields.ts), and what it does with each object's records. */
function syncNeeds(ctx: DoctorContext): Needed[] {
  const { accounts } = ctx.config;
  return [
    { object: 'Opportunity', fields: Object.values(OPP), access: ['createable', 'updateable'] },
    { object: RUN.object, fields: fieldsOf(RUN), access: ['createable', 'updateable'] },
    { object: EVENT.object, fields: fieldsOf(EVENT), access: ['createable', 'updateable'] },
    // A stale lease is taken over by deleting its record (src/salesforce/lease.ts).
    { object: LEASE.object, fields: fieldsOf(LEASE), access: ['createable', 'updateable', 'deletable'] },
    ...(accounts.createMissing ? [{ object: 'Account', fields: [], access: ['createable'] } as const] : []),
    ...(accounts.contacts.create
      ? [
          { object: 'Contact', fields: [], access: ['createable'] } as const,
          { object: 'OpportunityContactRole', fields: [], access: ['createable'] } as const,
        ]
      : []),
  ];
}

async function described(ctx: DoctorContext): Promise<Array<Needed & { describe?: DescribeSObjectResult }>> {
  return Promise.all(
    syncNeeds(ctx).map(async (needed) => ({ ...needed, describe: await ctx.describe(needed.object) }))
  );
}

async function syncSchema(ctx: DoctorContext): Promise<CheckOutcome> {
  const missing: string[] = [];
  let fields = 0;
  for (const { object, fields: names, describe } of await described(ctx)) {
    if (!describe) {
      missing.push(object);
      continue;
    }
    const present = new Set(describe.fields.map((field) => field.name.toLowerCase()));
    for (const name of names) {
      if (present.has(name.toLowerCase())) fields++;
      else missing.push(`${object}.${name}`);
    }
  }
  if (missing.length > 0) return outcome('fail', 'syncSchemaMissing', [missing.join(', ')], { key: 'deploy' });
  return outcome('pass', 'syncSchema', [fields]);
}

async function mappedFields(ctx: DoctorContext): Promise<CheckOutcome> {
  const problems = await checkAgainstOrg(ctx.config, ctx.describe);
  const list = (severity: 'error' | 'warning'): string =>
    problems
      .filter((problem) => problem.severity === severity)
      .map((problem) => `${problem.path}: ${problem.message}`)
      .join('; ');
  if (list('error')) return outcome('fail', 'mappingProblems', [list('error')], { key: 'mapping' });
  // Only optional rules warn (src/salesforce/org-check.ts): the sync skips them in this org, as they are meant to be.
  if (list('warning')) return outcome('info', 'mappingOptionalSkipped', [ctx.config.mapping.length, list('warning')]);
  return outcome('pass', 'mapping', [ctx.config.mapping.length]);
}

const VERB: Record<Needed['access'][number], string> = {
  createable: 'create',
  updateable: 'edit',
  deletable: 'delete',
};

async function permissions(ctx: DoctorContext): Promise<CheckOutcome> {
  const refused: string[] = [];
  for (const { object, fields, access, describe } of await described(ctx)) {
    // A missing object or field is the schema check's to report.
    if (!describe) continue;
    const objectRefused = access.filter((flag) => !describe[flag]).map((flag) => VERB[flag]);
    if (objectRefused.length > 0) refused.push(`${object} (${objectRefused.join(', ')})`);
    for (const field of describe.fields) {
      if (!fields.some((name) => name.toLowerCase() === field.name.toLowerCase())) continue;
      const fieldRefused = (['createable', 'updateable'] as const).filter((flag) => !field[flag]).map((f) => VERB[f]);
      if (fieldRefused.length > 0) refused.push(`${object}.${field.name} (${fieldRefused.join(', ')})`);
    }
  }
  if (refused.length > 0) return outcome('fail', 'permissionsRefused', [refused.join(', ')], { key: 'permissionSet' });
  return outcome('pass', 'permissions', []);
}

export const ORG_SCHEMA_CHECKS: readonly Check[] = [
  { id: 'sf-api-version', run: apiVersion },
  { id: 'sf-sync-schema', run: syncSchema },
  { id: 'sf-mapped-fields', run: mappedFields },
  { id: 'sf-permissions', run: permissions },
];
