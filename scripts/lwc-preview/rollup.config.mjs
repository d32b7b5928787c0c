// Preview build of the force-app LWCs for a real browser: the open-source LWC compiler (lwc 9.x), the public
// lightning-base-components, global SLDS CSS, and local stubs for the platform modules the org would provide
// (lightning/ui*Api, platformShowToastEvent, refresh, navigation, @salesforce/schema). See lwc-toolchain.md §2.
//
//   npx rollup -c scripts/lwc-preview/rollup.config.mjs      → test-results/lwc-preview/dist
//   node scripts/lwc-preview/serve.mjs                       → http://127.0.0.1:PORT/?state=synced
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import lwc from '@lwc/rollup-plugin';
import replace from '@rollup/plugin-replace';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(here, '../..');
export const defaultOutDir = path.join(projectRoot, 'test-results/lwc-preview/dist');
const lwcDir = path.join(projectRoot, 'force-app/main/default/lwc');

// The panel only uses utility:* and standard:* icons in a left-to-right page: the other icon template libraries
// (about half of the compile time) are replaced by empty ones.
const UNUSED_ICON_LIBRARIES = /^lightning\/iconSvgTemplates\w*$/;
const USED_ICON_LIBRARIES = ['lightning/iconSvgTemplatesUtility', 'lightning/iconSvgTemplatesStandard'];

const PLATFORM_STUBS = [
  'uiRecordApi',
  'uiObjectInfoApi',
  'uiRelatedListApi',
  'platformShowToastEvent',
  'refresh',
  'navigation',
];

/** Directory of an installed package: via its package.json, or (lwc's exports map hides it) its entry point. */
function packageDir(name) {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    let dir = path.dirname(require.resolve(name));
    while (!fs.existsSync(path.join(dir, 'package.json')) || readJson(path.join(dir, 'package.json')).name !== name) {
      const parent = path.dirname(dir);
      if (parent === dir) throw new Error(`package.json of ${name} not found`);
      dir = parent;
    }
    return dir;
  }
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** A package's "lwc.modules" as absolute records: module records resolve from the importer's root otherwise. */
function absoluteLwcModules(name) {
  const dir = packageDir(name);
  return readJson(path.join(dir, 'package.json')).lwc.modules.map((record) => {
    if (record.dir) return { dir: path.resolve(dir, record.dir) };
    if (record.path) return { name: record.name, path: path.resolve(dir, record.path) };
    return record;
  });
}

/**
 * `lwc` (and @lwc/engine-dom), @lwc/synthetic-shadow and @lwc/wire-service as installed for the `lwc` package,
 * as ESM entry files. `lwc`'s own records point at re-export files (`export * from '@lwc/engine-dom'`) that
 * rollup would resolve from the root, where sfdx-lwc-jest's 8.x engine lives.
 */
function lwcRuntimeModules() {
  const lwcRequire = createRequire(path.join(packageDir('lwc'), 'package.json'));
  const entry = (name) => {
    const dir = path.dirname(lwcRequire.resolve(`${name}/package.json`));
    const pkg = readJson(path.join(dir, 'package.json'));
    return path.join(dir, pkg.module || pkg.main);
  };
  return [
    { name: 'lwc', path: entry('@lwc/engine-dom') },
    { name: '@lwc/engine-dom', path: entry('@lwc/engine-dom') },
    { name: '@lwc/synthetic-shadow', path: entry('@lwc/synthetic-shadow') },
    { name: '@lwc/wire-service', path: entry('@lwc/wire-service') },
  ];
}

/** One alias record per force-app bundle: the sfdx layout (lwc/<name>/) has no namespace folder. */
function forceAppModules() {
  return fs
    .readdirSync(lwcDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(lwcDir, entry.name, `${entry.name}.js`)))
    .map((entry) => ({ name: `c/${entry.name}`, path: path.join(lwcDir, entry.name, `${entry.name}.js`) }));
}

/** What the org provides at runtime: UI API adapters, toasts, refresh, navigation, and schema imports. */
function salesforcePlatformStubs() {
  const SCHEMA = '@salesforce/schema/';
  return {
    name: 'salesforce-platform-stubs',
    resolveId(source) {
      if (source.startsWith(SCHEMA)) return `\0schema:${source.slice(SCHEMA.length)}`;
      if (UNUSED_ICON_LIBRARIES.test(source) && !USED_ICON_LIBRARIES.includes(source)) return '\0empty-icons';
      const [ns, name] = source.split('/');
      if (ns === 'lightning' && PLATFORM_STUBS.includes(name)) return path.join(here, 'stubs/lightning', `${name}.js`);
      return null;
    },
    load(id) {
      if (id === '\0empty-icons') return 'export default {};';
      if (!id.startsWith('\0schema:')) return null;
      const ref = id.slice('\0schema:'.length);
      const dot = ref.indexOf('.');
      const value =
        dot < 0 ? { objectApiName: ref } : { objectApiName: ref.slice(0, dot), fieldApiName: ref.slice(dot + 1) };
      return `export default ${JSON.stringify(value)};`;
    },
  };
}

/** The jest data mocks double as preview fixtures. */
function json() {
  return {
    name: 'json',
    transform(code, id) {
      return id.endsWith('.json') ? { code: `export default ${code};`, map: null } : null;
    },
  };
}

export function previewConfig(outDir = defaultOutDir) {
  return {
    input: path.join(here, 'src/main.js'),
    output: {
      dir: outDir,
      format: 'es',
      entryFileNames: 'bundle.js',
      chunkFileNames: 'chunks/[name]-[hash].js',
    },
    onwarn(warning, warn) {
      // LBC's icon templates and a few base components compile with harmless template warnings.
      if (warning.code === 'PLUGIN_WARNING' && /LWC1137|LWC1057/.test(warning.message)) return;
      if (warning.code === 'CIRCULAR_DEPENDENCY') return;
      warn(warning);
    },
    plugins: [
      // before lwc(): their resolveId must win
      salesforcePlatformStubs(),
      json(),
      replace({
        preventAssignment: true,
        values: { 'process.env.NODE_ENV': JSON.stringify('development'), 'import.meta.env.SSR': 'false' },
      }),
      lwc({
        rootDir: here,
        exclude: ['**/*.json', '**/*.mjs'],
        modules: [...forceAppModules(), ...absoluteLwcModules('lightning-base-components')],
        // pin the runtime to lwc 9's own packages: the root @lwc/engine-dom is sfdx-lwc-jest's 8.x
        defaultModules: lwcRuntimeModules(),
        enableSyntheticElementInternals: true,
      }),
    ],
  };
}

export default previewConfig(process.env.LWC_PREVIEW_OUT ? path.resolve(process.env.LWC_PREVIEW_OUT) : defaultOutDir);
