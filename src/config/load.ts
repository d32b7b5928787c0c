/**
 * Finds, parses and validates the pcsync configuration. A bad configuration fails here, before any API call,
 * with every problem listed by key path, value and what is allowed.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Messages, SfError } from '@salesforce/core';
import type { z } from 'zod';
import { DEFAULT_MAPPING } from '../mapping/defaults.js';
import { readEnvironment } from './env.js';
import { errorsOf, formatPath, type ConfigProblem } from './problems.js';
import { checkRules } from '../mapping/validate.js';
import { checkLeadRules } from '../mapping/lead-validate.js';
import { pcsyncConfigSchema, type PcsyncConfig } from './schema.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'config');

export const PROJECT_FILE = 'sfdx-project.json';
const PROJECT_PREFIX = 'plugins.pcsync';

export type ConfigSource =
  { kind: 'project'; file: string } | { kind: 'file'; file: string } | { kind: 'defaults'; file?: string };

export type LoadedConfig = {
  config: PcsyncConfig;
  source: ConfigSource;
  /** The project's sfdx-project.json, when there is one (also with --config), and its package directories. */
  project?: { file: string; packageDirectories: string[] };
};

export type LoadConfigOptions = {
  /** Where to look for sfdx-project.json (it is searched for upwards). Default: the current directory. */
  projectDir?: string;
  /** A JSON file holding the pcsync section itself, instead of sfdx-project.json's `plugins.pcsync`. */
  configFile?: string;
  /** Environment for the PCSYNC_* overrides. Default: process.env. */
  env?: NodeJS.ProcessEnv;
};

/** Thrown for any configuration that cannot be used; `data` carries the problems for `--json`. */
export class ConfigError extends SfError<{ file?: string; problems: ConfigProblem[] }> {}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<PcsyncConfig> {
  return (await loadConfigWithSource(options)).config;
}

export async function loadConfigWithSource(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const { raw, source, prefix } = await readRaw(options);
  const config = validateConfig(raw, prefix, source.file);
  const projectFile = findProjectFile(options.projectDir ?? process.cwd());
  const project = projectFile
    ? { file: projectFile, packageDirectories: await readPackageDirectories(projectFile) }
    : undefined;
  return { config: applyEnvironment(config, env), source, ...(project ? { project } : {}) };
}

/** Validates an already-parsed pcsync section; `prefix` is how its keys are named in errors. */
export function validateConfig(raw: unknown, prefix = PROJECT_PREFIX, file?: string): PcsyncConfig {
  const parsed = pcsyncConfigSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!parsed.success)
    throw configError(
      file,
      parsed.error.issues.map((issue) => fromZodIssue(issue, prefix))
    );
  const config: PcsyncConfig = {
    ...parsed.data,
    mapping: parsed.data.mapping ?? DEFAULT_MAPPING.map((rule) => ({ ...rule })),
  };
  const problems = errorsOf([...checkRules(config, prefix), ...checkLeadRules(config.leads, prefix)]);
  if (problems.length > 0) throw configError(file, problems);
  return config;
}

export function configError(file: string | undefined, problems: ConfigProblem[]): ConfigError {
  const where = file ?? messages.getMessage('info.defaults');
  const list = problems.map((problem) => `  - ${problem.path}: ${problem.message}`).join('\n');
  const error = new ConfigError(
    messages.getMessage('error.invalid', [where, list]),
    'PcsyncConfigError',
    messages.getMessages('error.invalid.actions'),
    1
  );
  error.setData({ file, problems });
  return error;
}

async function readRaw(options: LoadConfigOptions): Promise<{ raw: unknown; source: ConfigSource; prefix: string }> {
  if (options.configFile) {
    const file = path.resolve(options.configFile);
    const json = await readJson(file);
    return { raw: json, source: { kind: 'file', file }, prefix: '' };
  }
  const file = findProjectFile(options.projectDir ?? process.cwd());
  if (!file) return { raw: {}, source: { kind: 'defaults' }, prefix: PROJECT_PREFIX };

  const project = await readJson(file);
  if (typeof project !== 'object' || project === null || Array.isArray(project)) {
    throw configError(file, [{ path: '(top level)', message: 'must be a JSON object', severity: 'error' }]);
  }
  const plugins = (project as Record<string, unknown>).plugins;
  if (plugins !== undefined && (typeof plugins !== 'object' || plugins === null || Array.isArray(plugins))) {
    throw configError(file, [
      { path: 'plugins', message: `must be an object, not ${describeType(plugins)}`, severity: 'error' },
    ]);
  }
  const section = (plugins as Record<string, unknown> | undefined)?.pcsync;
  if (section === undefined) return { raw: {}, source: { kind: 'defaults', file }, prefix: PROJECT_PREFIX };
  return { raw: section, source: { kind: 'project', file }, prefix: PROJECT_PREFIX };
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(messages.getMessage('error.unreadable', [file, code]), 'PcsyncConfigNotFound', [], 1);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ConfigError(
      messages.getMessage('error.malformedJson', [file, (cause as Error).message]),
      'PcsyncConfigMalformed',
      messages.getMessages('error.malformedJson.actions'),
      1
    );
  }
}

async function readPackageDirectories(projectFile: string): Promise<string[]> {
  const project = (await readJson(projectFile)) as { packageDirectories?: Array<{ path?: unknown }> } | null;
  const dirs = (Array.isArray(project?.packageDirectories) ? project.packageDirectories : [])
    .map((entry) => entry?.path)
    .filter((dir): dir is string => typeof dir === 'string');
  return dirs.length > 0 ? dirs : ['force-app'];
}

function findProjectFile(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, PROJECT_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function fromZodIssue(issue: z.core.$ZodIssue, prefix: string): ConfigProblem {
  const at = formatPath(prefix, issue.path);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
  } else if (issue.code === 'invalid_type') {
    const got = (issue as { input?: unknown }).input;
    message = `expected ${issue.expected}, got ${describeType(got)}`;
  }
  return { path: at || '(top level)', message, severity: 'error' };
}

function describeType(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The PCSYNC_* overrides (endpoints, tenant and client ids) win over the file. */
function applyEnvironment(config: PcsyncConfig, env: NodeJS.ProcessEnv): PcsyncConfig {
  return { ...config, partnerCenter: { ...config.partnerCenter, ...readEnvironment(env).partnerCenter } };
}
