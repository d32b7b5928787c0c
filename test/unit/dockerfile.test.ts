/**
 * The Dockerfile, checked statically: there is no Docker engine on the machines that run these tests, so the image is
 * never built here. dockerfile-utils (the parser and validator behind the VS Code Docker extension) reads it as
 * Docker would and reports any syntax problem; the rest holds the image to what `serve` in production needs and to
 * the versions the tests run with.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { CLI_ENV, repoRoot } from '../../scripts/cli-env.js';

const read = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8');
const text = read('Dockerfile');
const dockerfile = DockerfileParser.parse(text);
const lines = text.split('\n');

type Range = ReturnType<Instruction['getRange']>;

/** The text a parser range covers. */
function slice(range: Range): string {
  if (range.start.line === range.end.line) {
    return lines[range.start.line].slice(range.start.character, range.end.character);
  }
  return [
    lines[range.start.line].slice(range.start.character),
    ...lines.slice(range.start.line + 1, range.end.line),
    lines[range.end.line].slice(0, range.end.character),
  ].join('\n');
}

/** Of these instructions, those in the image that is shipped: the last stage. */
const lastFrom = dockerfile.getFROMs().at(-1)!.getRange().start.line;
const inFinalStage = <T extends Instruction>(instructions: T[]): T[] =>
  instructions.filter((instruction) => instruction.getRange().start.line > lastFrom);
const ofKind = (keyword: string): Instruction[] =>
  inFinalStage(dockerfile.getInstructions()).filter((instruction) => instruction.getKeyword() === keyword);
const finalEnv = (): Record<string, string | null> =>
  Object.fromEntries(
    inFinalStage(dockerfile.getENVs())
      .flatMap((env) => env.getProperties())
      .map((property) => [property.getName(), property.getValue()])
  );
const args = (instruction: Instruction): string[] => instruction.getArguments().map((arg) => arg.getValue());
const globalArg = (name: string): string | null | undefined =>
  dockerfile
    .getInitialARGs()
    .flatMap((arg) => arg.getProperties())
    .find((property) => property.getName() === name)
    ?.getValue();

describe('Dockerfile', () => {
  it('is valid Dockerfile syntax, with no warning either', () => {
    expect(
      validate(text).map((problem) => `line ${problem.range.start.line + 1}: ${JSON.stringify(problem.message)}`)
    ).to.deep.equal([]);
  });

  it('builds on the Node major the project pins and installs the sf CLI version the tests run', () => {
    const pinnedNode = (JSON.parse(read('package.json')) as { devDependencies: Record<string, string> }).devDependencies
      .node;
    expect(globalArg('NODE_IMAGE')).to.match(new RegExp(`^node:${/\d+/.exec(pinnedNode)![0]}-`));
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version: string }> };
    expect(globalArg('SF_CLI_VERSION')).to.equal(lock.packages['node_modules/@salesforce/cli'].version);
    expect(ofKind('RUN').map((run) => run.getArgumentsContent())).to.satisfy((runs: string[]) =>
      runs.some((run) => run.includes('npm install --global') && run.includes('"@salesforce/cli@${SF_CLI_VERSION}"'))
    );
  });

  it('runs as a non-root user, under tini, and the entry script hands over to serve with exec', () => {
    const entrypoint = inFinalStage(dockerfile.getENTRYPOINTs()).at(-1)!;
    const users = ofKind('USER').filter((user) => user.getRange().start.line < entrypoint.getRange().start.line);
    expect(users.at(-1)?.getArgumentsContent())
      .to.be.a('string')
      .and.not.match(/^(root|0)(:|$)/);
    const [init, separator, script] = entrypoint.getJSONStrings().map((arg) => arg.getJSONValue());
    expect([init, separator]).to.deep.equal(['/usr/bin/tini', '--']);
    expect(ofKind('RUN').some((run) => /apt-get install .*\btini\b/.test(run.getArgumentsContent() ?? ''))).to.equal(
      true
    );

    // The script comes from a heredoc: it signs in with the JWT bearer flow and then becomes serve itself, so
    // tini's SIGTERM reaches Node (a shell left in between would swallow it).
    const copy = inFinalStage(dockerfile.getCOPYs()).find((instruction) => args(instruction).includes(script))!;
    const heredoc = copy.getHeredocs()[0];
    const body = slice(heredoc.getContentRange()!);
    expect(body).to.match(/^sf org login jwt /m);
    expect(body).to.match(/^exec sf pcsync serve --target-org \S+ --host 0\.0\.0\.0 --port "\$PORT"/m);
  });

  it('checks health on /healthz, at the port serve listens on', () => {
    const [healthcheck] = inFinalStage(dockerfile.getHEALTHCHECKs());
    expect(healthcheck.getArgumentsContent()).to.include('/healthz').and.include('process.env.PORT');
    expect(finalEnv().PORT).to.equal('8080');
  });

  it('gives sf the environment every sf of this project gets (scripts/cli-env.json)', () => {
    expect(finalEnv()).to.include(CLI_ENV);
  });

  it('.dockerignore lets in everything npm pack builds the package from, and nothing else', () => {
    const rules = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(rules[0]).to.equal('**');
    const allowed = rules.slice(1).map((rule) => rule.replace(/^!/, '').replace(/\/$/, ''));
    const pkg = JSON.parse(read('package.json')) as { files: string[] };
    const tsconfig = JSON.parse(read('tsconfig.json')) as { compilerOptions: { outDir: string; rootDir: string } };
    // Built by prepack (tsc's outDir, the oclif manifest), so not in the context; the rest is read from it.
    const built = [tsconfig.compilerOptions.outDir, 'oclif.manifest.json'];
    const sources = pkg.files.map((entry) => entry.replace(/^\//, '')).filter((entry) => !built.includes(entry));
    expect(allowed).to.include.members([
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      tsconfig.compilerOptions.rootDir,
      ...sources,
    ]);
  });
});
