/**
 * The LWC bundles as a deploy sees them: every folder under lwc/ is a LightningComponentBundle, only the record-page
 * panels (Opportunity and Lead) are exposed, and nothing of the jest tests (__tests__, their JSON mocks, the shared
 * readiness table) is sent.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import { defaultDir, forceAppDir, listFiles, readRoot, text } from './metadata-reader.js';

const lwcDir = path.join(defaultDir, 'lwc');
const RECORD_PAGE_PANELS = new Set(['partnerCenterPanel', 'partnerCenterLeadPanel']);
const bundles = readdirSync(lwcDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('LWC bundles in the deploy', () => {
  let outputDir = '';
  let sent: string[] = [];

  before(async () => {
    outputDir = mkdtempSync(path.join(tmpdir(), 'pcsync-lwc-'));
    const result = await new MetadataConverter().convert(ComponentSet.fromSource(forceAppDir), 'metadata', {
      type: 'directory',
      outputDirectory: outputDir,
      genUniqueDir: false,
    });
    const packageDir = result.packagePath ?? outputDir;
    sent = listFiles(path.join(packageDir, 'lwc'), '').map((file) => path.relative(packageDir, file));
  });

  after(() => {
    if (outputDir) rmSync(outputDir, { recursive: true, force: true });
  });

  it('resolves every folder under lwc/ as a bundle, and each has tests that stay home', () => {
    const resolved = ComponentSet.fromSource(lwcDir)
      .getSourceComponents()
      .toArray()
      .filter((c) => c.type.name === 'LightningComponentBundle')
      .map((c) => c.fullName)
      .sort();
    expect(resolved).to.deep.equal(bundles);
    for (const bundle of bundles) {
      expect(listFiles(path.join(lwcDir, bundle, '__tests__'), '.test.js'), bundle).to.not.be.empty;
    }
  });

  it('sends each bundle without its __tests__ folder or any JSON', () => {
    expect(sent.filter((file) => file.includes('__tests__') || file.endsWith('.json'))).to.deep.equal([]);
    expect(new Set(sent.map((file) => file.split(path.sep)[1]))).to.deep.equal(new Set(bundles));
    expect(sent).to.include(path.join('lwc', 'pcsyncReadiness', 'countries.js'));
  });

  it('exposes only the record-page panels; the children and the utility modules are not exposed', () => {
    for (const bundle of bundles) {
      const meta = readRoot(path.join(lwcDir, bundle, `${bundle}.js-meta.xml`), 'LightningComponentBundle');
      expect(text(meta, 'isExposed'), bundle).to.equal(RECORD_PAGE_PANELS.has(bundle) ? 'true' : 'false');
    }
  });
});
