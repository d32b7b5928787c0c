/**
 * PermissionSet metadata (Metadata API Developer Guide, "PermissionSet"): read from a deploy or from a
 * source-format folder, checked against the schema as a deploy would check it, and stored as the PermissionSet,
 * FieldPermissions and ObjectPermissions rows a real org keeps. A deploy replaces the set's whole content ("when
 * you deploy a permission set, you must include all of its metadata to avoid accidentally overwriting" it).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { asArray, asNode, bool, parseXml, str, type XmlNode } from './metadata.js';
import { emptyComponents, type OrgComponents, tabExists } from './org-components.js';
import type { SchemaRegistry } from './schema.js';
import type { RecordStore, SfRecord } from './store.js';

export type PermissionSetMetadata = {
  name: string;
  label: string;
  description: string | null;
  hasActivationRequired: boolean;
  fields: Array<{ field: string; readable: boolean; editable: boolean }>;
  objects: Array<{ object: string; read: boolean; create: boolean; edit: boolean; delete: boolean }>;
  /** `tabSettings` tab names and `applicationVisibilities` app names: each must name one the org has. */
  tabs: string[];
  apps: string[];
  /** Where it came from (`permissionsets/X.permissionset`), for deploy messages. */
  fileName: string;
};

export function parsePermissionSet(name: string, xml: string, fileName: string): PermissionSetMetadata {
  const root = asNode(parseXml(xml).PermissionSet) ?? {};
  const nodes = (value: unknown): XmlNode[] =>
    asArray(value)
      .map((v) => asNode(v))
      .filter((v): v is XmlNode => v !== undefined);
  return {
    name,
    label: str(root.label) ?? name,
    description: str(root.description) ?? null,
    hasActivationRequired: bool(root.hasActivationRequired),
    fields: nodes(root.fieldPermissions).map((n) => ({
      field: str(n.field) ?? '',
      readable: bool(n.readable),
      editable: bool(n.editable),
    })),
    objects: nodes(root.objectPermissions).map((n) => ({
      object: str(n.object) ?? '',
      read: bool(n.allowRead),
      create: bool(n.allowCreate),
      edit: bool(n.allowEdit),
      delete: bool(n.allowDelete),
    })),
    tabs: nodes(root.tabSettings).map((n) => str(n.tab) ?? ''),
    apps: nodes(root.applicationVisibilities).map((n) => str(n.application) ?? ''),
    fileName,
  };
}

/** Every `permissionsets/*.permissionset-meta.xml` under a source-format folder (force-app). */
export function readSourcePermissionSets(root: string): PermissionSetMetadata[] {
  const found: PermissionSetMetadata[] = [];
  const visit = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir).sort()) {
      const full = path.join(dir, entry);
      if (!statSync(full).isDirectory() || entry === 'node_modules' || entry.startsWith('.')) continue;
      if (entry !== 'permissionsets') {
        visit(full);
        continue;
      }
      for (const file of readdirSync(full).filter((f) => f.endsWith('.permissionset-meta.xml'))) {
        const name = file.replace(/\.permissionset-meta\.xml$/, '');
        found.push(parsePermissionSet(name, readFileSync(path.join(full, file), 'utf8'), path.join(full, file)));
      }
    }
  };
  visit(root);
  return found;
}

/**
 * The problems a deploy reports for a permission set, in the Metadata API's words: a field or object that does
 * not exist ("In field: field - no CustomField named Opportunity.X__c found"), a required field ("You cannot
 * deploy to a required field").
 */
export function permissionSetProblems(
  set: PermissionSetMetadata,
  schema: SchemaRegistry,
  components: Pick<OrgComponents, 'tabs' | 'apps'> = emptyComponents()
): string[] {
  const problems: string[] = [];
  for (const grant of set.fields) {
    const [objectName, fieldName] = grant.field.split('.');
    const object = objectName ? schema.object(objectName) : undefined;
    const f = object && fieldName ? schema.field(object, fieldName) : undefined;
    if (!f) problems.push(`In field: field - no CustomField named ${grant.field} found`);
    else if (f.custom && !f.permissionable) problems.push(`You cannot deploy to a required field: ${grant.field}`);
  }
  for (const grant of set.objects) {
    if (!schema.object(grant.object)) problems.push(`In field: object - no CustomObject named ${grant.object} found`);
  }
  for (const tab of set.tabs.filter((t) => !tabExists(t, components.tabs, schema)))
    problems.push(`In field: tab - no CustomTab named ${tab} found`);
  // Standard apps (`standard__Sales`, …) come with every org.
  for (const app of set.apps.filter((a) => !a.startsWith('standard__') && !components.apps.has(a)))
    problems.push(`In field: application - no CustomApplication named ${app} found`);
  return problems;
}

/** Stores a permission set as a real org's rows (system mode), replacing what the set held before. */
export function storePermissionSet(set: PermissionSetMetadata, schema: SchemaRegistry, store: RecordStore): void {
  const table = (name: string): NonNullable<ReturnType<SchemaRegistry['object']>> => {
    const object = schema.object(name);
    if (!object) throw new Error(`setup object ${name} missing`);
    return object;
  };
  const permissionSet = table('PermissionSet');
  const values: SfRecord = {
    Name: set.name,
    Label: set.label,
    Description: set.description,
    HasActivationRequired: set.hasActivationRequired,
    Type: 'Regular',
  };
  const existing = store.all(permissionSet).find((row) => String(row.Name).toLowerCase() === set.name.toLowerCase());
  const parentId = existing
    ? (store.update(permissionSet, existing.Id as string, values, { systemMode: true }).Id as string)
    : (store.insert(permissionSet, values, { systemMode: true }).Id as string);
  for (const name of ['FieldPermissions', 'ObjectPermissions']) {
    const object = table(name);
    for (const row of store.all(object).filter((r) => r.ParentId === parentId))
      store.delete(object, row.Id as string, { systemMode: true });
  }
  for (const grant of set.fields) {
    store.insert(
      table('FieldPermissions'),
      {
        ParentId: parentId,
        SobjectType: grant.field.split('.')[0],
        Field: grant.field,
        PermissionsRead: grant.readable || grant.editable,
        PermissionsEdit: grant.editable,
      },
      { systemMode: true }
    );
  }
  for (const grant of set.objects) {
    store.insert(
      table('ObjectPermissions'),
      {
        ParentId: parentId,
        SobjectType: grant.object,
        PermissionsRead: grant.read,
        PermissionsCreate: grant.create,
        PermissionsEdit: grant.edit,
        PermissionsDelete: grant.delete,
      },
      { systemMode: true }
    );
  }
}
