/**
 * A describe of the project instead of an org: the standard fields plus the custom fields in the project's
 * package directories (force-app). `config validate` without --target-org checks the mapping against it.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DescribeSObjectResult, Field } from '@jsforce/jsforce-node';
import { XMLParser } from 'fast-xml-parser';
import type { Describer } from './org-check.js';
import { STANDARD_FIELDS, type LocalField } from './standard-fields.js';

/** Metadata field types → the type an org's describe reports. */
const DESCRIBE_TYPE: Record<string, string> = {
  Text: 'string',
  TextArea: 'textarea',
  LongTextArea: 'textarea',
  Html: 'textarea',
  Checkbox: 'boolean',
  Picklist: 'picklist',
  MultiselectPicklist: 'multipicklist',
  Number: 'double',
  Currency: 'currency',
  Percent: 'percent',
  Date: 'date',
  DateTime: 'datetime',
  Url: 'url',
  Email: 'email',
  Phone: 'phone',
  Lookup: 'reference',
  MasterDetail: 'reference',
  AutoNumber: 'string',
};

type ValueXml = { fullName?: string; isActive?: string };
type FieldXml = {
  CustomField?: {
    type?: string;
    formula?: string;
    referenceTo?: string;
    relationshipName?: string;
    valueSet?: { restricted?: string; valueSetDefinition?: { value?: ValueXml | ValueXml[] } };
  };
};

/** A picklist's own values (Metadata API `ValueSet`): the active ones, and whether it is restricted to them. */
function picklistOf(
  xml: NonNullable<FieldXml['CustomField']>
): Pick<LocalField, 'picklistValues' | 'restrictedPicklist'> {
  const defined = xml.valueSet?.valueSetDefinition?.value;
  if (!defined) return {};
  const values = (Array.isArray(defined) ? defined : [defined])
    .filter((value) => value.isActive !== 'false' && typeof value.fullName === 'string')
    .map((value) => String(value.fullName));
  return { picklistValues: values, restrictedPicklist: xml.valueSet?.restricted === 'true' };
}

/** Reads every `objects/<Object>/fields/<Field>.field-meta.xml` under the package directories. */
export async function readProjectFields(
  projectDir: string,
  packageDirs: readonly string[]
): Promise<Map<string, LocalField[]>> {
  const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false });
  const byObject = new Map<string, LocalField[]>();
  for (const dir of packageDirs) {
    for (const file of await findFieldFiles(path.resolve(projectDir, dir))) {
      const objectName = path.basename(path.dirname(path.dirname(file)));
      const name = path.basename(file, '.field-meta.xml');
      const xml = (parser.parse(await readFile(file, 'utf8')) as FieldXml).CustomField ?? {};
      const formula = typeof xml.formula === 'string' && xml.formula.length > 0;
      const local: LocalField = {
        name,
        type: DESCRIBE_TYPE[xml.type ?? ''] ?? String(xml.type ?? 'string').toLowerCase(),
        updateable: !formula,
        ...picklistOf(xml),
        ...(xml.referenceTo
          ? { referenceTo: [xml.referenceTo], relationshipName: xml.relationshipName ?? name.replace(/__c$/, '__r') }
          : {}),
      };
      byObject.set(objectName, [...(byObject.get(objectName) ?? []), local]);
    }
  }
  return byObject;
}

async function findFieldFiles(root: string): Promise<string[]> {
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter(
      (entry) =>
        entry.isFile() && entry.name.endsWith('.field-meta.xml') && path.basename(entry.parentPath) === 'fields'
    )
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** A Describer over the standard fields and the project's custom fields. */
export async function projectDescriber(projectDir: string, packageDirs: readonly string[]): Promise<Describer> {
  const custom = await readProjectFields(projectDir, packageDirs);
  return (objectName) => {
    const fields = [...(STANDARD_FIELDS[objectName] ?? []), ...(custom.get(objectName) ?? [])];
    if (fields.length === 0) return Promise.resolve(undefined);
    const describe = {
      name: objectName,
      fields: fields.map(
        (local) =>
          ({
            name: local.name,
            type: local.type,
            updateable: local.updateable,
            createable: local.updateable,
            relationshipName: local.relationshipName ?? null,
            referenceTo: local.referenceTo ?? [],
            picklistValues: (local.picklistValues ?? []).map((value) => ({ value, label: value, active: true })),
            restrictedPicklist: local.restrictedPicklist ?? false,
          }) as unknown as Field
      ),
    } as unknown as DescribeSObjectResult;
    return Promise.resolve(describe);
  };
}
