/**
 * The emulators are the test oracle: they model Microsoft's and Salesforce's services from their documentation, so
 * nothing under emulators/ may import pcsync's own code (src/, or its build in lib/ and the package's own name).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const EMULATORS = path.join(ROOT, 'emulators');
const FORBIDDEN = [path.join(ROOT, 'src'), path.join(ROOT, 'lib')];
const PACKAGE_NAME = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string }).name;
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every module specifier in a file: static and type imports, re-exports, side-effect and dynamic imports, require. */
function specifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((ref) => ref.fileName);
}

/** The file a relative or absolute specifier names (a `.js` specifier may name the `.ts` source beside it). */
function resolve(from: string, specifier: string): string | undefined {
  const target = specifier.startsWith('file:')
    ? new URL(specifier).pathname
    : path.isAbsolute(specifier)
      ? specifier
      : specifier.startsWith('.')
        ? path.resolve(path.dirname(from), specifier)
        : undefined;
  if (target === undefined) return undefined;
  const candidates = [target, target.replace(/\.(m|c)?js$/, '.$1ts'), `${target}.ts`, path.join(target, 'index.ts')];
  return candidates.find((candidate) => existsSync(candidate)) ?? target;
}

function violation(file: string, specifier: string): string | undefined {
  const bare = specifier
    .split('/')
    .slice(0, PACKAGE_NAME.startsWith('@') ? 2 : 1)
    .join('/');
  if (bare === PACKAGE_NAME) return `${path.relative(ROOT, file)} imports ${specifier} (pcsync itself)`;
  const target = resolve(file, specifier);
  if (target && FORBIDDEN.some((dir) => target === dir || target.startsWith(dir + path.sep))) {
    return `${path.relative(ROOT, file)} imports ${specifier} (${path.relative(ROOT, target)})`;
  }
  return undefined;
}

describe('emulators import nothing from src/', () => {
  it('finds every kind of import specifier', () => {
    const text = [
      "import a from './a.js';",
      "import type { B } from '../b.js';",
      "export { c } from './c.js';",
      "import './d.js';",
      "const e = await import('./e.js');",
      "const f = require('./f.cjs');",
    ].join('\n');
    expect(specifiers(text)).to.have.members(['./a.js', '../b.js', './c.js', './d.js', './e.js', './f.cjs']);
  });

  it('no file under emulators/ reaches into src/ or lib/, or imports the plugin package', () => {
    const files = sourceFiles(EMULATORS);
    expect(files.length, 'files scanned').to.be.greaterThan(20);
    const problems: string[] = [];
    let relative = 0;
    for (const file of files) {
      for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
        const problem = violation(file, specifier);
        if (problem) problems.push(problem);
        if (specifier.startsWith('.')) {
          relative++;
          const target = resolve(file, specifier);
          expect(
            target && existsSync(target),
            `${path.relative(ROOT, file)}: ${specifier} resolves to a file`
          ).to.equal(true);
        }
      }
    }
    expect(relative, 'relative imports resolved').to.be.greaterThan(20);
    expect(problems).to.deep.equal([]);
  });
});
