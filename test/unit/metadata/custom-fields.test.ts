import path from 'node:path';
import { expect } from 'chai';
import { FIELDS_BY_OBJECT, type ExpectedField, type FieldType, qualifiedFieldNames } from './expected-metadata.js';
import {
  child,
  children,
  parseCaseFormula,
  readCustomFields,
  repoRoot,
  text,
  type CustomFieldFile,
  type XmlNode,
} from './metadata-reader.js';

/** Salesforce's limits on the two texts a rep reads. */
const MAX_DESCRIPTION = 1000;
const MAX_HELP_TEXT = 510;

const COMMON_ELEMENTS = ['fullName', 'description', 'inlineHelpText', 'label', 'type', 'trackTrending'];

/** The elements each kind of field may carry; anything else would be rejected or ignored by a deploy. */
const ALLOWED_ELEMENTS: Record<FieldType | 'Formula', readonly string[]> = {
  Text: ['length', 'externalId', 'unique', 'caseSensitive', 'required', 'trackHistory'],
  Formula: ['formula', 'formulaTreatBlanksAs', 'externalId', 'unique', 'required'],
  Checkbox: ['defaultValue', 'externalId', 'trackHistory'],
  Picklist: ['valueSet', 'externalId', 'required', 'trackHistory'],
  LongTextArea: ['length', 'visibleLines', 'trackHistory'],
  Url: ['externalId', 'unique', 'required', 'trackHistory'],
  DateTime: ['externalId', 'required', 'trackHistory'],
  Number: ['precision', 'scale', 'externalId', 'unique', 'required', 'trackHistory'],
  Lookup: [
    'referenceTo',
    'relationshipLabel',
    'relationshipName',
    'deleteConstraint',
    'externalId',
    'required',
    'trackHistory',
  ],
};

const rel = (file: string): string => path.relative(repoRoot, file);

function picklistValues(field: XmlNode): XmlNode[] {
  return children(child(child(field, 'valueSet'), 'valueSetDefinition'), 'value');
}

function expectTypeElements(actual: CustomFieldFile, expected: ExpectedField): void {
  const { field } = actual;
  const where = `${actual.object}.${actual.name}`;
  switch (expected.type) {
    case 'Text':
      if (expected.formula) {
        expect(text(field, 'length'), `${where} <length> (formula)`).to.equal(undefined);
      } else {
        expect(text(field, 'length'), `${where} <length>`).to.equal(String(expected.length));
        expect(Number(text(field, 'length')), `${where} <length> ≤ 255`).to.be.at.most(255);
        expect(text(field, 'formula'), `${where} <formula>`).to.equal(undefined);
      }
      break;
    case 'LongTextArea':
      expect(text(field, 'length'), `${where} <length>`).to.equal(String(expected.length));
      expect(text(field, 'visibleLines'), `${where} <visibleLines>`).to.match(/^[1-9]\d*$/);
      break;
    case 'Checkbox':
      expect(text(field, 'defaultValue'), `${where} <defaultValue>`).to.equal('false');
      break;
    case 'Number':
      expect(text(field, 'precision'), `${where} <precision>`).to.equal(String(expected.precision));
      expect(text(field, 'scale'), `${where} <scale>`).to.equal(String(expected.scale));
      break;
    case 'Picklist': {
      const valueSet = child(field, 'valueSet');
      expect(text(valueSet, 'restricted'), `${where} <valueSet><restricted>`).to.equal('true');
      const values = picklistValues(field);
      expect(
        values.map((v) => text(v, 'fullName')),
        `${where} values`
      ).to.deep.equal(expected.values);
      expect(
        values.map((v) => text(v, 'label')),
        `${where} value labels`
      ).to.deep.equal(expected.values);
      const defaults = values.filter((v) => text(v, 'default') === 'true').map((v) => text(v, 'fullName'));
      expect(defaults, `${where} default value`).to.deep.equal(expected.defaultValue ? [expected.defaultValue] : []);
      break;
    }
    case 'Lookup':
      expect(text(field, 'referenceTo'), `${where} <referenceTo>`).to.equal(expected.referenceTo);
      expect(text(field, 'relationshipName'), `${where} <relationshipName>`).to.equal(expected.relationshipName);
      expect(text(field, 'relationshipLabel'), `${where} <relationshipLabel>`).to.be.a('string').and.not.empty;
      expect(text(field, 'deleteConstraint'), `${where} <deleteConstraint>`).to.equal('SetNull');
      break;
    case 'Url':
    case 'DateTime':
      break;
  }
}

describe('custom fields', () => {
  // Read in a hook, not while mocha collects tests, so an unreadable file fails here rather than aborting the run.
  let actualFields: CustomFieldFile[] = [];
  let byName = new Map<string, CustomFieldFile>();
  before(() => {
    actualFields = readCustomFields();
    byName = new Map(actualFields.map((f) => [`${f.object}.${f.name}`, f]));
  });

  it('ships exactly the fields of the expected table, no more and no fewer', () => {
    const expected = qualifiedFieldNames();
    const actual = [...byName.keys()];
    expect({
      missing: expected.filter((name) => !byName.has(name)),
      extra: actual.filter((name) => !expected.includes(name)),
    }).to.deep.equal({ missing: [], extra: [] });
  });

  it('names every field after its file (fullName)', () => {
    const mismatched = actualFields
      .filter((f) => text(f.field, 'fullName') !== undefined && text(f.field, 'fullName') !== f.name)
      .map((f) => rel(f.file));
    expect(mismatched, mismatched.join('\n')).to.deep.equal([]);
  });

  it('never makes a field required (required fields cannot be granted in permission sets)', () => {
    expect(actualFields.filter((f) => text(f.field, 'required') === 'true').map((f) => rel(f.file))).to.deep.equal([]);
  });

  it('marks only the expected fields External ID or unique', () => {
    const expected = Object.entries(FIELDS_BY_OBJECT)
      .flatMap(([object, fields]) => fields.filter((f) => f.externalIdUnique).map((f) => `${object}.${f.apiName}`))
      .sort();
    const flagged = (element: string): string[] =>
      actualFields
        .filter((f) => text(f.field, element) === 'true')
        .map((f) => `${f.object}.${f.name}`)
        .sort();
    expect(flagged('externalId'), 'externalId').to.deep.equal(expected);
    expect(flagged('unique'), 'unique').to.deep.equal(expected);
  });

  for (const [object, fields] of Object.entries(FIELDS_BY_OBJECT)) {
    describe(object, () => {
      for (const expected of fields) {
        const kind = expected.formula ? 'Formula (Text)' : expected.type;
        it(`${expected.apiName}: ${kind} "${expected.label}" with the elements its type needs`, () => {
          const actual = byName.get(`${object}.${expected.apiName}`);
          expect(actual, `${object}/fields/${expected.apiName}.field-meta.xml`).to.not.equal(undefined);
          if (!actual) return;
          const { field } = actual;

          expect(text(field, 'label'), 'label').to.equal(expected.label);
          expect(text(field, 'type'), 'type').to.equal(expected.type);

          const description = text(field, 'description') ?? '';
          const help = text(field, 'inlineHelpText') ?? '';
          expect(description, 'description').to.have.length.within(20, MAX_DESCRIPTION);
          expect(help, 'inlineHelpText').to.have.length.within(20, MAX_HELP_TEXT);

          const allowed = new Set([
            ...COMMON_ELEMENTS,
            ...ALLOWED_ELEMENTS[expected.formula ? 'Formula' : expected.type],
          ]);
          expect(
            Object.keys(field).filter((key) => !key.startsWith('@_') && !allowed.has(key)),
            'elements this type cannot have'
          ).to.deep.equal([]);

          expectTypeElements(actual, expected);

          if (expected.externalIdUnique) {
            expect(text(field, 'externalId'), 'externalId').to.equal('true');
            expect(text(field, 'unique'), 'unique').to.equal('true');
            expect(text(field, 'caseSensitive'), 'caseSensitive').to.equal('false');
          }

          if (expected.formula) {
            const formula = text(field, 'formula');
            expect(formula, 'formula').to.be.a('string');
            expect(text(field, 'formulaTreatBlanksAs'), 'formulaTreatBlanksAs').to.equal('BlankAsZero');
            const parsed = parseCaseFormula(formula ?? '');
            expect(parsed.reads, 'the field the formula reads').to.equal(expected.formula.reads);
            expect(parsed.results, 'what the formula shows for each value').to.deep.equal(expected.formula.results);
            expect(parsed.otherwise, 'what the formula shows otherwise').to.equal('');
          } else {
            expect(text(field, 'formula'), 'formula').to.equal(undefined);
          }
        });
      }
    });
  }
});
