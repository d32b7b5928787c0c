import { expect } from 'chai';
import { CUSTOM_OBJECTS, FIELDS_BY_OBJECT, PERMISSION_SETS } from './expected-metadata.js';
import {
  children,
  readCustomFields,
  readPermissionSets,
  text,
  type PermissionSetFile,
  type XmlNode,
} from './metadata-reader.js';

type Grant = { field: string; readable: boolean; editable: boolean };

function fieldGrants(permissionSet: XmlNode): Grant[] {
  return children(permissionSet, 'fieldPermissions').map((p) => ({
    field: text(p, 'field') ?? '',
    readable: text(p, 'readable') === 'true',
    editable: text(p, 'editable') === 'true',
  }));
}

describe('permission sets', () => {
  let sets: PermissionSetFile[] = [];
  let fieldFiles = new Map<string, XmlNode>();
  before(() => {
    sets = readPermissionSets();
    fieldFiles = new Map(readCustomFields().map((f) => [`${f.object}.${f.name}`, f.field]));
  });

  it('ships exactly the two permission sets', () => {
    expect(sets.map((s) => s.name)).to.deep.equal(PERMISSION_SETS.map((s) => s.apiName).sort());
  });

  for (const expected of PERMISSION_SETS) {
    describe(expected.apiName, () => {
      let permissionSet: XmlNode = {};
      let grants: Grant[] = [];
      before(() => {
        permissionSet = sets.find((s) => s.name === expected.apiName)?.permissionSet ?? {};
        grants = fieldGrants(permissionSet);
      });

      it(`is labelled "${expected.label}" and described`, () => {
        expect(text(permissionSet, 'label')).to.equal(expected.label);
        expect(text(permissionSet, 'description')).to.have.length.within(20, 255);
      });

      it('lists every shipped custom field once, and no other field', () => {
        const listed = grants.map((g) => g.field);
        const expectedFields = Object.entries(FIELDS_BY_OBJECT).flatMap(([object, fields]) =>
          fields.filter((field) => expected.fieldAccess(object, field)).map((field) => `${object}.${field.apiName}`)
        );
        expect({
          missing: expectedFields.filter((f) => !listed.includes(f)),
          extra: listed.filter((f) => !expectedFields.includes(f)),
          duplicated: listed.filter((f, i) => listed.indexOf(f) !== i),
        }).to.deep.equal({ missing: [], extra: [], duplicated: [] });
      });

      it('grants each field exactly the access its editor needs', () => {
        const wrong: string[] = [];
        for (const [object, fields] of Object.entries(FIELDS_BY_OBJECT)) {
          for (const field of fields) {
            const name = `${object}.${field.apiName}`;
            const grant = grants.find((g) => g.field === name);
            const want = expected.fieldAccess(object, field);
            if (grant && want && (grant.readable !== want.readable || grant.editable !== want.editable)) {
              wrong.push(
                `${name}: readable=${grant.readable} editable=${grant.editable}, want ${JSON.stringify(want)}`
              );
            }
          }
        }
        expect(wrong, wrong.join('\n')).to.deep.equal([]);
      });

      it('never makes a formula or required field editable, nor grants edit without read', () => {
        const invalid = grants
          .filter((g) => {
            const field = fieldFiles.get(g.field);
            return (
              (g.editable && !g.readable) ||
              (g.editable && text(field, 'formula') !== undefined) ||
              text(field, 'required') === 'true'
            );
          })
          .map((g) => g.field);
        expect(invalid, invalid.join('\n')).to.deep.equal([]);
      });

      it('grants the expected object access on the custom objects (and View All where the sync needs it), nothing broader', () => {
        const actual = children(permissionSet, 'objectPermissions').map((p) => ({
          object: text(p, 'object'),
          read: text(p, 'allowRead'),
          create: text(p, 'allowCreate'),
          edit: text(p, 'allowEdit'),
          delete: text(p, 'allowDelete'),
          viewAll: text(p, 'viewAllRecords'),
          modifyAll: text(p, 'modifyAllRecords'),
        }));
        const want = CUSTOM_OBJECTS.flatMap((o): Array<Record<string, string>> => {
          const access = expected.objectAccess(o.apiName);
          if (!access) return [];
          return [
            {
              object: o.apiName,
              read: String(access.read),
              create: String(access.create),
              edit: String(access.edit),
              delete: String(access.delete),
              viewAll: 'false',
              modifyAll: 'false',
            },
          ];
        });
        for (const { object, access, viewAll } of expected.standardObjectAccess)
          want.push({
            object,
            read: String(access.read),
            create: String(access.create),
            edit: String(access.edit),
            delete: String(access.delete),
            viewAll: String(viewAll),
            modifyAll: 'false',
          });
        const byObject = (a: { object?: string }, b: { object?: string }): number =>
          (a.object ?? '').localeCompare(b.object ?? '');
        expect(actual.sort(byObject)).to.deep.equal(want.sort(byObject));
      });
    });
  }
});
