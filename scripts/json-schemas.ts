/**
 * The JSON schemas of every command's `--json` result: `schemas/<command id>.json`, draft-07, `$ref` to
 * `#/definitions/<ResultType>`, the file names and layout of @oclif/plugin-command-snapshot's `schema:generate`.
 *
 *   tsx scripts/json-schemas.ts generate   writes schemas/ from the result types in src/commands
 *   tsx scripts/json-schemas.ts compare    exits 1, naming each difference, when schemas/ is not what they give
 *
 * Why not that plugin's own `schema:*` commands (its `snapshot:*` ones guard the flags): they read types with
 * ts-json-schema-generator, which parses declarations syntactically and fails on types inferred from zod
 * (`PcsyncConfig` in `config show`'s result). typescript-json-schema asks the TypeScript checker instead.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import * as TJS from 'typescript-json-schema';

type Schema = TJS.Definition;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const commandsDir = path.join(root, 'src', 'commands');
const schemasDir = path.join(root, 'schemas');

/** The result type a command's `run()` promises (the type `--json` prints), as the plugin finds it. */
const RUN_SIGNATURE = /async\s+run\(\):\s*Promise<(\w+)>/;

type Command = { id: string; file: string; resultType: string };

function commandFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return commandFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function commands(): Command[] {
  return commandFiles(commandsDir)
    .map((file) => {
      const match = RUN_SIGNATURE.exec(readFileSync(file, 'utf8'));
      if (!match) throw new Error(`${path.relative(root, file)}: no "async run(): Promise<ResultType>" found`);
      const id = path.relative(commandsDir, file).replace(/\.ts$/, '').split(path.sep).join(':');
      return { id, file, resultType: match[1] };
    })
    .filter((command) => command.resultType !== 'void')
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** oclif's naming: ":" becomes "-", and a "-" inside a part becomes "__". */
const fileName = (id: string): string => `${id.replaceAll('-', '__').replaceAll(':', '-')}.json`;

function generateSchemas(): Map<string, Schema> {
  const list = commands();
  const program = TJS.programFromConfig(
    path.join(root, 'tsconfig.json'),
    list.map((command) => command.file)
  );
  // Everything inline: the names typescript-json-schema gives nested types follow how the checker prints them
  // (`__type`, `import("/abs/path").X`), which would tie the files to one checkout.
  const generator = TJS.buildGenerator(program, {
    required: true,
    noExtraProps: true,
    ref: false,
    strictNullChecks: true,
  });
  if (!generator) throw new Error('the TypeScript program has errors; run "npm run compile" to see them');
  const schemas = new Map<string, Schema>();
  for (const command of list) {
    const { $schema, ...body } = generator.getSchemaForSymbol(command.resultType);
    schemas.set(fileName(command.id), {
      $schema,
      $ref: `#/definitions/${command.resultType}`,
      definitions: { [command.resultType]: body },
    });
  }
  return schemas;
}

/** Where `latest` differs from `stored`, path by path, for a message a person can act on. */
function differences(stored: unknown, latest: unknown, at = ''): string[] {
  if (isDeepStrictEqual(stored, latest)) return [];
  const where = at || '(the whole schema)';
  if (stored === undefined) return [`${where} added`];
  if (latest === undefined) return [`${where} removed`];
  const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';
  if (!isObject(stored) || !isObject(latest) || Array.isArray(stored) !== Array.isArray(latest)) {
    return [`${where} changed`];
  }
  const keys = [...new Set([...Object.keys(stored), ...Object.keys(latest)])];
  return keys.flatMap((key) => differences(stored[key], latest[key], at ? `${at}.${key}` : key));
}

function compare(latest: Map<string, Schema>): string[] {
  let stored: string[];
  try {
    stored = readdirSync(schemasDir).filter((name) => name.endsWith('.json'));
  } catch {
    return ['schemas/ is missing'];
  }
  const problems = stored.filter((name) => !latest.has(name)).map((name) => `schemas/${name}: no command has it`);
  for (const [name, schema] of latest) {
    if (!stored.includes(name)) {
      problems.push(`schemas/${name}: missing`);
      continue;
    }
    const existing = JSON.parse(readFileSync(path.join(schemasDir, name), 'utf8')) as unknown;
    problems.push(...differences(existing, schema).map((change) => `schemas/${name}: ${change}`));
  }
  return problems;
}

function main(mode: string | undefined): number {
  const latest = generateSchemas();
  if (mode === 'generate') {
    rmSync(schemasDir, { recursive: true, force: true });
    mkdirSync(schemasDir, { recursive: true });
    for (const [name, schema] of latest) {
      writeFileSync(path.join(schemasDir, name), `${JSON.stringify(schema, null, 2)}\n`);
      console.log(`Generated JSON schema file "schemas/${name}"`);
    }
    return 0;
  }
  if (mode === 'compare') {
    const problems = compare(latest);
    if (problems.length === 0) {
      console.log(`No changes have been detected in ${latest.size} command result schemas.`);
      return 0;
    }
    console.log(['The --json results changed:', ...problems.map((problem) => `  - ${problem}`)].join('\n'));
    console.log('If intended, regenerate them with "npm run schemas:generate" and commit schemas/.');
    return 1;
  }
  console.error('usage: tsx scripts/json-schemas.ts generate|compare');
  return 2;
}

process.exitCode = main(process.argv[2]);
