import { expect } from 'chai';
import { CUSTOM_OBJECTS, FIELDS_BY_OBJECT } from './expected-metadata.js';
import {
  child,
  listObjectDirs,
  readCustomFields,
  readCustomObjects,
  text,
  type CustomObjectFile,
} from './metadata-reader.js';

describe('custom objects', () => {
  let objects: CustomObjectFile[] = [];
  before(() => {
    objects = readCustomObjects();
  });

  it('has one objects/ folder per object with shipped fields, and nothing else', () => {
    expect(listObjectDirs()).to.deep.equal(Object.keys(FIELDS_BY_OBJECT).sort());
  });

  it('defines exactly the expected custom objects (Opportunity is standard: fields only)', () => {
    expect(objects.map((o) => o.name)).to.deep.equal(CUSTOM_OBJECTS.map((o) => o.apiName).sort());
  });

  for (const expected of CUSTOM_OBJECTS) {
    it(`${expected.apiName}: labelled, deployed, reportable, shared read/write, named by auto-number`, () => {
      const actual = objects.find((o) => o.name === expected.apiName);
      expect(actual, `${expected.apiName}.object-meta.xml`).to.not.equal(undefined);
      const object = actual?.object;

      expect(text(object, 'label'), 'label').to.equal(expected.label);
      expect(text(object, 'pluralLabel'), 'pluralLabel').to.equal(expected.pluralLabel);
      expect(text(object, 'description'), 'description').to.have.length.within(20, 1000);
      expect(text(object, 'deploymentStatus'), 'deploymentStatus').to.equal('Deployed');
      expect(text(object, 'sharingModel'), 'sharingModel').to.equal('ReadWrite');
      expect(text(object, 'enableReports'), 'enableReports').to.equal('true');

      const nameField = child(object, 'nameField');
      expect(text(nameField, 'type'), 'nameField type').to.equal('AutoNumber');
      expect(text(nameField, 'displayFormat'), 'nameField displayFormat').to.equal(expected.nameFormat);
      expect(text(nameField, 'label'), 'nameField label').to.be.a('string').and.not.empty;
    });
  }

  it('gives each lookup to the same object its own relationship name', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const f of readCustomFields().filter((x) => text(x.field, 'type') === 'Lookup')) {
      const key = `${text(f.field, 'referenceTo')}.${text(f.field, 'relationshipName')}`;
      const other = seen.get(key);
      if (other) clashes.push(`${other} and ${f.object}.${f.name} share ${key}`);
      seen.set(key, `${f.object}.${f.name}`);
    }
    expect(clashes, clashes.join('\n')).to.deep.equal([]);
  });
});
