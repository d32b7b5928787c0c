/**
 * Field-level security: every field the sync reads or writes must be visible to the running user (describe lists
 * only those), and every field it writes must be `createable` and `updateable` for them. A real org's integration
 * user sees a custom field only once a permission set grants it, so each problem names the set that does.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ConfigProblem } from '../config/problems.js';
import type { PcsyncConfig, RuleEvent } from '../config/schema.js';
import { syncMessages } from '../sync/messages.js';
import { EVENT, LEASE, OPP, RUN } from './fields.js';
import { canWrite, type Describer, MAPPED_OBJECT } from './org-check.js';

/** The permission set the README's install assigns to the user the sync runs as. */
export const INTEGRATION_PERMISSION_SET = 'Partner_Center_Integration';

/** `on`: when a mapping rule writes the field (its own fields the sync writes always). */
export type FieldNeed = { object: string; field: string; write: boolean; on?: RuleEvent };
export type AccessProblem = { field: string; message: string };

const own = (fields: Record<string, string>, object: string): FieldNeed[] =>
  Object.entries(fields)
    .filter(([key]) => key !== 'object')
    .map(([, field]) => ({ object, field, write: true }));

/**
 * The fields the sync reads and writes: its own (fields.ts) and the mapping's plain Opportunity fields, but for the
 * rules in `reported` (their field already has a problem of its own, from org-check.ts).
 */
export function syncFieldNeeds(config: PcsyncConfig, reported: ReadonlySet<number> = new Set()): FieldNeed[] {
  const needs = [
    ...own(OPP, MAPPED_OBJECT),
    ...own(RUN, RUN.object),
    ...own(LEASE, LEASE.object),
    ...own(EVENT, EVENT.object),
  ];
  for (const [index, rule] of config.mapping.entries()) {
    if (rule.salesforce === undefined || rule.salesforce.includes('.') || rule.optional || reported.has(index))
      continue;
    needs.push({ object: MAPPED_OBJECT, field: rule.salesforce, write: rule.direction !== 'outbound', on: rule.on });
  }
  return needs;
}

/** Who grants a field, from the project's `**\/permissionsets/*.permissionset-meta.xml` (else the README's set). */
export function permissionSetGranting(need: FieldNeed, projectDir = process.cwd()): string {
  const wanted = `${need.object}.${need.field}`.toLowerCase();
  for (const file of permissionSetFiles(path.join(projectDir, 'force-app'))) {
    const xml = readFileSync(file, 'utf8');
    for (const [, grant] of xml.matchAll(/<fieldPermissions>([\s\S]*?)<\/fieldPermissions>/g)) {
      const field = /<field>([^<]*)<\/field>/.exec(grant)?.[1]?.trim().toLowerCase();
      const editable = /<editable>\s*true\s*<\/editable>/.test(grant);
      if (field === wanted && (editable || !need.write)) return path.basename(file).split('.')[0];
    }
  }
  return INTEGRATION_PERMISSION_SET;
}

function permissionSetFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) return permissionSetFiles(full);
      return entry.endsWith('.permissionset-meta.xml') ? [full] : [];
    });
}

/** Every needed field the running user cannot read, or cannot write where the sync writes it (through describe). */
export async function fieldAccessProblems(
  describe: Describer,
  needs: FieldNeed[],
  projectDir?: string
): Promise<AccessProblem[]> {
  const problems: AccessProblem[] = [];
  for (const need of needs) {
    const described = await describe(need.object);
    const field = described?.fields.find((f) => f.name.toLowerCase() === need.field.toLowerCase());
    const writable = field ? canWrite(field, need.on) : false;
    if (field && (writable || !need.write)) continue;
    const name = `${need.object}.${need.field}`;
    const set = permissionSetGranting(need, projectDir);
    const what = syncMessages.getMessage(field ? 'problem.fieldAccess.cannotEdit' : 'problem.fieldAccess.cannotRead');
    problems.push({ field: name, message: syncMessages.getMessage('problem.fieldAccess', [what, name, set]) });
  }
  return problems;
}

/** Refuses a sync (before any write) when a field it reads or writes is not accessible to the running user. */
export async function requireFieldAccess(describe: Describer, config: PcsyncConfig): Promise<void> {
  const problems = await fieldAccessProblems(describe, syncFieldNeeds(config));
  if (problems.length === 0) return;
  throw syncMessages.createError('error.fieldAccess', [problems.map((p) => `  - ${p.message}`).join('\n')]);
}

/** `config validate --target-org`: the access problems beside the mapping's own (not naming a field twice). */
export async function orgAccessProblems(
  config: PcsyncConfig,
  describe: Describer,
  mappingProblems: readonly ConfigProblem[],
  projectDir: string
): Promise<ConfigProblem[]> {
  const reported = new Set(
    config.mapping.flatMap((_, index) =>
      mappingProblems.some((p) => p.path.endsWith(`mapping[${index}].salesforce`)) ? [index] : []
    )
  );
  const problems = await fieldAccessProblems(describe, syncFieldNeeds(config, reported), projectDir);
  return problems.map(({ field, message }) => ({ path: field, message, severity: 'error' }));
}
