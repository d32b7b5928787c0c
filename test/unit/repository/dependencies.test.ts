/**
 * Runtime `dependencies` hold exactly what the shipped library imports at run time: a package that only tests,
 * emulators or scripts use is a devDependency, so it never ships to a user.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '../../helpers/sf-cli.js';

const packageOf = (specifier: string): string =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];

/** Bare packages a source file imports for its value (type-only imports are erased by tsc). */
export function runtimeImports(source: string): string[] {
  const found: string[] = [];
  const pattern = /^\s*(import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) {
    const specifier = match[2];
    if (!specifier.startsWith('.') && !specifier.startsWith('node:')) found.push(packageOf(specifier));
  }
  // import('x'), and a CommonJS package loaded on first use: createRequire(import.meta.url)('x') or require('x').
  const loaded = /(?:\bimport|\brequire|createRequire\([^)]*\))\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of source.matchAll(loaded)) {
    if (!match[1].startsWith('.') && !match[1].startsWith('node:')) found.push(packageOf(match[1]));
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('package dependencies', () => {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const imported = new Set(
    sourceFiles(path.join(repoRoot, 'src')).flatMap((file) => runtimeImports(readFileSync(file, 'utf8')))
  );

  it('every runtime dependency is imported by the library', () => {
    expect(Object.keys(pkg.dependencies).filter((name) => !imported.has(name))).to.deep.equal([]);
  });

  it('every package the library imports is a runtime dependency', () => {
    expect([...imported].filter((name) => !Object.hasOwn(pkg.dependencies, name)).sort()).to.deep.equal([]);
  });

  it('reads value imports and ignores type-only ones', () => {
    expect(
      runtimeImports(
        "import type { A } from 'pkg-a';\nimport { b } from '@scope/b/sub';\nimport 'side';\nexport * from 'c';"
      )
    ).to.deep.equal(['@scope/b', 'side', 'c']);
  });

  it('reads packages loaded on first use: import(), createRequire and require', () => {
    expect(
      runtimeImports(
        "const a = await import('lazy-a');\nconst b = createRequire(import.meta.url)('cjs-b');\nrequire('@s/c/x');"
      )
    ).to.deep.equal(['lazy-a', 'cjs-b', '@s/c']);
  });
});
