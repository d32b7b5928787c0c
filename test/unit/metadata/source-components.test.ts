import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import {
  CUSTOM_OBJECTS,
  FIELDS_BY_OBJECT,
  LEAD,
  OPPORTUNITY,
  PERMISSION_SETS,
  qualifiedFieldNames,
} from './expected-metadata.js';
import { children, forceAppDir, readRoot, repoRoot, text } from './metadata-reader.js';

/** The metadata types this part of the project owns; their components must match the expected table exactly. */
const OWN_TYPES = ['CustomField', 'CustomObject', 'PermissionSet'] as const;
/**
 * Types other parts of force-app add (the LWC bundles, the record page, page layouts if used, the app: issue 19, and
 * Change Data Capture's channel member for Opportunity: issue 18, and the Lead conversion field mappings: issue 17).
 */
const OTHER_TYPES = [
  'LightningComponentBundle',
  'FlexiPage',
  'Layout',
  'CustomApplication',
  'CustomTab',
  'ListView',
  'ReportType',
  'ReportFolder',
  'Report',
  'DashboardFolder',
  'Dashboard',
  'PlatformEventChannelMember',
  'CustomNotificationType',
  'LeadConvertSettings',
];

const sourceApiVersion = (
  JSON.parse(readFileSync(path.join(repoRoot, 'sfdx-project.json'), 'utf8')) as {
    sourceApiVersion: string;
  }
).sourceApiVersion;

function expectedComponents(): string[] {
  return [
    ...qualifiedFieldNames().map((name) => `CustomField:${name}`),
    ...CUSTOM_OBJECTS.map((o) => `CustomObject:${o.apiName}`),
    ...PERMISSION_SETS.map((s) => `PermissionSet:${s.apiName}`),
  ].sort();
}

describe('source-deploy-retrieve resolution of force-app', () => {
  // Fields of a custom object shipped with its object-meta.xml are children of the CustomObject component; fields
  // of a standard object (Opportunity, Lead) resolve on their own. Count both, as a deploy does.
  let components: Array<{ type: string; fullName: string }> = [];
  before(() => {
    components = ComponentSet.fromSource(forceAppDir)
      .getSourceComponents()
      .toArray()
      .flatMap((c) => [c, ...c.getChildren()])
      .map((c) => ({ type: c.type.name, fullName: c.fullName }));
  });

  it('resolves exactly the expected CustomField, CustomObject and PermissionSet components', () => {
    const own = components
      .filter((c) => (OWN_TYPES as readonly string[]).includes(c.type))
      .map((c) => `${c.type}:${c.fullName}`)
      .sort();
    const expected = expectedComponents();
    expect({
      missing: expected.filter((c) => !own.includes(c)),
      extra: own.filter((c) => !expected.includes(c)),
    }).to.deep.equal({ missing: [], extra: [] });
  });

  it('resolves nothing of a type no part of the project owns', () => {
    const known = new Set<string>([...OWN_TYPES, ...OTHER_TYPES]);
    expect(components.filter((c) => !known.has(c.type)).map((c) => `${c.type}:${c.fullName}`)).to.deep.equal([]);
  });

  describe('converted to metadata format, as a deploy sends it', () => {
    let outputDir = '';
    let packageDir = '';

    before(async () => {
      outputDir = mkdtempSync(path.join(tmpdir(), 'pcsync-mdapi-'));
      const set = ComponentSet.fromSource(forceAppDir);
      set.sourceApiVersion = sourceApiVersion;
      const result = await new MetadataConverter().convert(set, 'metadata', {
        type: 'directory',
        outputDirectory: outputDir,
        genUniqueDir: false,
      });
      packageDir = result.packagePath ?? outputDir;
    });

    after(() => {
      if (outputDir) rmSync(outputDir, { recursive: true, force: true });
    });

    it(`writes a package.xml at the project's sourceApiVersion (${sourceApiVersion}) listing our components`, () => {
      const pkg = readRoot(path.join(packageDir, 'package.xml'), 'Package');
      expect(text(pkg, 'version')).to.equal(sourceApiVersion);
      const listed = children(pkg, 'types')
        .filter((t) => (OWN_TYPES as readonly string[]).includes(text(t, 'name') ?? ''))
        .flatMap((t) => {
          const members = t.members;
          return (Array.isArray(members) ? members : [members])
            .filter((m): m is string => typeof m === 'string')
            .map((m) => `${text(t, 'name')}:${m}`);
        })
        .sort();
      expect(listed).to.deep.equal(expectedComponents());
    });

    for (const object of Object.keys(FIELDS_BY_OBJECT)) {
      it(`merges ${object}'s fields into objects/${object}.object`, () => {
        const merged = readRoot(path.join(packageDir, 'objects', `${object}.object`), 'CustomObject');
        const fields = children(merged, 'fields')
          .map((f) => text(f, 'fullName'))
          .sort();
        expect(fields).to.deep.equal(FIELDS_BY_OBJECT[object].map((f) => f.apiName).sort());
        if (object !== OPPORTUNITY && object !== LEAD)
          expect(text(merged, 'label'), 'label').to.be.a('string').and.not.empty;
      });
    }
  });
});
