/**
 * Leads as a real org keeps them: the LeadStatus setup rows (SOAP API Developer Guide, Object Reference
 * "LeadStatus"), the rule that a converted Lead cannot be edited (without the "View and Edit Converted Leads"
 * permission, off by default — Help: "Let Users View and Edit Converted Leads"; the API answers
 * `CANNOT_UPDATE_CONVERTED_LEAD` "cannot reference converted lead"), and the org's custom field mappings for
 * conversion (Metadata API Developer Guide, "LeadConvertSettings": `objectMapping` of `inputObject` Lead,
 * `outputObject` Account/Contact/Opportunity and `mappingFields` of `inputField`/`outputField`; source format
 * `LeadConvertSettings/LeadConvertSetting.LeadConvertSetting-meta.xml`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { RecordError } from './errors.js';
import { LEAD_STATUSES } from './lead-statuses.js';
import { field, makeObject, type ObjectDef, readOnly, required, systemFields } from './schema.js';
import type { RecordStore, SfRecord } from './store.js';

/** LeadStatus: read-only through the data API (an admin edits it in Setup). */
export function leadStatusObject(): ObjectDef {
  return makeObject(
    'LeadStatus',
    '01J',
    [
      ...systemFields(),
      required('MasterLabel', 'string', { length: 255, label: 'Master Label' }),
      required('ApiName', 'string', { length: 255, label: 'Api Name' }),
      readOnly('SortOrder', 'int', { label: 'Sort Order' }),
      readOnly('IsDefault', 'boolean', { nillable: false, label: 'Is Default' }),
      readOnly('IsConverted', 'boolean', { nillable: false, label: 'Is Converted' }),
      field('Description', 'string', { length: 255 }),
    ],
    { createable: false, updateable: false, deletable: false }
  );
}

/** The LeadStatus rows of a new org, one per status in the Lead `Status` picklist. */
export function seedLeadStatuses(store: RecordStore, object: ObjectDef): void {
  LEAD_STATUSES.forEach((status, index) =>
    store.insert(
      object,
      {
        MasterLabel: status.label,
        ApiName: status.label,
        SortOrder: index + 1,
        IsDefault: status.isDefault,
        IsConverted: status.converted,
      },
      { systemMode: true }
    )
  );
}

/** Whether `label` is a status convertLead() accepts (LeadStatus.IsConverted), by master label or API name. */
export function isConvertedStatus(store: RecordStore, object: ObjectDef, label: string): boolean {
  return store
    .all(object)
    .some((row) => row.IsConverted === true && (row.MasterLabel === label || row.ApiName === label));
}

export const CONVERTED_LEAD_ERROR = 'CANNOT_UPDATE_CONVERTED_LEAD';

/** Refuses a data API edit of a converted Lead, as an org without "View and Edit Converted Leads" does. */
export function checkConvertedLeadEdit(object: ObjectDef, existing: SfRecord): void {
  if (object.name === 'Lead' && existing.IsConverted === true)
    throw RecordError.of(CONVERTED_LEAD_ERROR, 'cannot reference converted lead', []);
}

export type LeadConvertTarget = 'Account' | 'Contact' | 'Opportunity';

/** One custom field mapping of LeadConvertSettings: a Lead field copied to a field of the converted record. */
export type LeadFieldMapping = { outputObject: LeadConvertTarget; inputField: string; outputField: string };

const TARGETS: readonly LeadConvertTarget[] = ['Account', 'Contact', 'Opportunity'];
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'objectMapping' || name === 'mappingFields',
});

/** The field mappings of a LeadConvertSettings file's XML; throws naming what is wrong. */
export function parseLeadConvertSettings(xml: string): LeadFieldMapping[] {
  const root = (parser.parse(xml) as Record<string, unknown>).LeadConvertSettings as
    Record<string, unknown> | undefined;
  if (!root) throw new Error('not a LeadConvertSettings file');
  const mappings: LeadFieldMapping[] = [];
  for (const objectMapping of (root.objectMapping ?? []) as Array<Record<string, unknown>>) {
    const outputObject = objectMapping.outputObject as LeadConvertTarget;
    if (objectMapping.inputObject !== 'Lead' || !TARGETS.includes(outputObject))
      throw new Error(`objectMapping must map Lead to Account, Contact or Opportunity, not ${String(outputObject)}`);
    for (const pair of (objectMapping.mappingFields ?? []) as Array<Record<string, unknown>>) {
      if (typeof pair.inputField !== 'string' || typeof pair.outputField !== 'string')
        throw new Error('mappingFields needs an inputField and an outputField');
      mappings.push({ outputObject, inputField: pair.inputField, outputField: pair.outputField });
    }
  }
  return mappings;
}

/** The LeadConvertSettings of a source-format folder (any `LeadConvertSettings` directory under it). */
export function readSourceLeadConvertSettings(root: string): LeadFieldMapping[] {
  const found: LeadFieldMapping[] = [];
  const visit = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (!statSync(full).isDirectory()) continue;
      if (entry !== 'LeadConvertSettings') {
        visit(full);
        continue;
      }
      for (const file of readdirSync(full)
        .filter((f) => f.endsWith('.LeadConvertSetting-meta.xml'))
        .sort())
        found.push(...parseLeadConvertSettings(readFileSync(path.join(full, file), 'utf8')));
    }
  };
  visit(root);
  return found;
}

/** Mapped fields that do not exist on either side, as a deploy of the settings would refuse them. */
export function leadMappingProblems(
  mappings: readonly LeadFieldMapping[],
  fieldExists: (object: string, name: string) => boolean
): string[] {
  const problems: string[] = [];
  for (const m of mappings) {
    if (!fieldExists('Lead', m.inputField)) problems.push(`no Lead field named ${m.inputField}`);
    if (!fieldExists(m.outputObject, m.outputField)) problems.push(`no ${m.outputObject} field named ${m.outputField}`);
  }
  return problems;
}
