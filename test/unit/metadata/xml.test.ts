import path from 'node:path';
import { expect } from 'chai';
import {
  forceAppDir,
  listFiles,
  METADATA_NAMESPACE,
  objectsDir,
  permissionSetsDir,
  rawLeafValues,
  readXml,
  repoRoot,
  text,
  type XmlNode,
} from './metadata-reader.js';

const rel = (file: string): string => path.relative(repoRoot, file);

describe('force-app XML', () => {
  const xmlFiles = listFiles(forceAppDir, '.xml');

  it('finds the metadata to check', () => {
    expect(xmlFiles.length, 'XML files under force-app').to.be.greaterThan(0);
  });

  it('parses every XML file under force-app', () => {
    const failures: string[] = [];
    for (const file of xmlFiles) {
      try {
        readXml(file);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    expect(failures, failures.join('\n')).to.deep.equal([]);
  });

  it('gives every -meta.xml file an XML declaration and one root in the metadata namespace', () => {
    const problems: string[] = [];
    for (const file of xmlFiles.filter((f) => f.endsWith('-meta.xml'))) {
      const doc = readXml(file);
      const declaration = doc['?xml'] as XmlNode | undefined;
      if (text(declaration, '@_version') !== '1.0' || text(declaration, '@_encoding')?.toUpperCase() !== 'UTF-8') {
        problems.push(`${rel(file)}: missing <?xml version="1.0" encoding="UTF-8"?>`);
      }
      const roots = Object.keys(doc).filter((key) => key !== '?xml');
      const root = roots.length === 1 ? (doc[roots[0]] as XmlNode) : undefined;
      if (text(root, '@_xmlns') !== METADATA_NAMESPACE) {
        problems.push(`${rel(file)}: root must be one element with xmlns="${METADATA_NAMESPACE}"`);
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('keeps every value in objects/ and permissionsets/ on one line with no padding (a formatter has not wrapped it)', () => {
    // Salesforce stores text values as written: a description wrapped onto indented lines shows those line breaks
    // and spaces to users, and a wrapped picklist value or field name no longer matches. Formulas may span lines.
    const problems: string[] = [];
    for (const file of [...listFiles(objectsDir, '.xml'), ...listFiles(permissionSetsDir, '.xml')]) {
      for (const { element, value } of rawLeafValues(file)) {
        if (element === 'formula') continue;
        if (value !== value.trim() || /[\r\n\t]/.test(value) || value.includes('  ')) {
          problems.push(`${rel(file)}: <${element}> ${JSON.stringify(value)}`);
        }
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
