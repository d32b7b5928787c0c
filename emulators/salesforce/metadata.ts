/**
 * CustomObject / CustomField metadata → schema. Used by the Metadata REST deploy (mdapi format: `objects/X.object`
 * holding `<fields>`) and by `--load-metadata` (source format: `objects/X/X.object-meta.xml` +
 * `fields/*.field-meta.xml`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { field, type FieldDef, type FieldType, picklist, type SchemaRegistry } from './schema.js';

export type XmlNode = Record<string, unknown>;

const ARRAY_TAGS = new Set([
  'fields',
  'value',
  'types',
  'members',
  'picklistValues',
  'referenceTo',
  'fieldPermissions',
  'objectPermissions',
  'flexiPageRegions',
  'itemInstances',
  'componentInstanceProperties',
  'target',
  'targetConfig',
]);

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ARRAY_TAGS.has(name),
});

export function parseXml(text: string): XmlNode {
  return parser.parse(text) as XmlNode;
}

export function str(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  return undefined;
}

export function bool(node: unknown): boolean {
  return str(node)?.toLowerCase() === 'true';
}

function num(node: unknown): number | undefined {
  const s = str(node);
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

export function asNode(value: unknown): XmlNode | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as XmlNode) : undefined;
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** One object's worth of metadata: object-level settings (when the CustomObject itself is deployed) and fields. */
export type ObjectMetadata = {
  objectName: string;
  object?: XmlNode;
  fields: XmlNode[];
  fileName: string;
};

export type MetadataProblem = { componentType: string; fullName: string; fileName: string; problem: string };

const TYPE_MAP: Record<string, FieldType> = {
  text: 'string',
  textarea: 'textarea',
  longtextarea: 'textarea',
  html: 'textarea',
  encryptedtext: 'encryptedstring',
  checkbox: 'boolean',
  picklist: 'picklist',
  multiselectpicklist: 'multipicklist',
  number: 'double',
  currency: 'currency',
  percent: 'percent',
  date: 'date',
  datetime: 'datetime',
  time: 'time',
  url: 'url',
  email: 'email',
  phone: 'phone',
  lookup: 'reference',
  masterdetail: 'reference',
  autonumber: 'string',
  summary: 'double',
  hierarchy: 'reference',
};

/** Turns a `<fields>` node into a field definition, or a problem in the words a deploy would use. */
export function fieldFromMetadata(
  objectName: string,
  node: XmlNode,
  schema: SchemaRegistry,
  deployingObjects: Set<string>
): FieldDef | string {
  const fullName = str(node.fullName);
  if (!fullName) return 'Must specify a non-empty value for the fullName of a field';
  if (!/^[A-Za-z][A-Za-z0-9_]*__c$/.test(fullName))
    return `Invalid custom field name: ${fullName} (a custom field name must end with __c)`;
  const rawType = str(node.type);
  const formula = str(node.formula);
  if (!rawType) return `${fullName}: Must specify a type for the field`;
  const type = TYPE_MAP[rawType.toLowerCase()];
  if (!type) return `${fullName}: Invalid field type: ${rawType}`;
  const label = str(node.label) ?? fullName.replace(/__c$/, '').replace(/_/g, ' ');
  const options: Partial<FieldDef> = { label, custom: true };
  const lower = rawType.toLowerCase();
  const length = num(node.length);
  const missing = requiredElementMissing(lower, node, Boolean(formula));
  if (missing) return `Must specify '${missing}' for a CustomField of type ${rawType}`;
  switch (lower) {
    case 'text':
    case 'encryptedtext':
      if (!formula) {
        if (length === undefined) return `${fullName}: Must specify the length of a Text field`;
        if (length < 1 || length > 255)
          return `${fullName}: Length must be between 1 and 255 for a Text field (was ${length})`;
        options.length = length;
      } else options.length = 1300;
      break;
    case 'textarea':
      options.length = 255;
      break;
    case 'longtextarea':
    case 'html':
      if (length === undefined) return `${fullName}: Must specify the length of a Long Text Area field`;
      if (length < 256 || length > 131_072)
        return `${fullName}: Length must be between 256 and 131072 for a Long Text Area (was ${length})`;
      options.length = length;
      break;
    case 'number':
    case 'currency':
    case 'percent': {
      const precision = num(node.precision) ?? 18;
      const scale = num(node.scale) ?? 0;
      if (precision < 1 || precision > 18 || scale < 0 || scale > precision)
        return `${fullName}: Invalid precision/scale ${precision}/${scale}`;
      options.precision = precision;
      options.scale = scale;
      break;
    }
    case 'checkbox': {
      const def = str(node.defaultValue);
      options.defaultValue = def?.toLowerCase() === 'true';
      options.nillable = false;
      options.defaultedOnCreate = true;
      break;
    }
    case 'picklist':
    case 'multiselectpicklist': {
      const valueSet = asNode(node.valueSet);
      const definition = asNode(valueSet?.valueSetDefinition);
      const values = asArray(definition?.value)
        .map((v) => asNode(v))
        .filter((v): v is XmlNode => v !== undefined);
      if (!valueSet?.valueSetName && values.length === 0 && !formula)
        return `${fullName}: Picklist must have a value set`;
      const names = values.map((v) => str(v.fullName) ?? '').filter((v) => v !== '');
      const defaultValue = values.find((v) => bool(v.default));
      options.picklistValues = picklist(names, defaultValue ? str(defaultValue.fullName) : undefined);
      for (const pv of options.picklistValues) {
        const source = values.find((v) => str(v.fullName) === pv.value);
        pv.label = str(source?.label) ?? pv.value;
      }
      options.restrictedPicklist = bool(valueSet?.restricted);
      if (defaultValue) {
        options.defaultValue = str(defaultValue.fullName);
        options.defaultedOnCreate = true;
      }
      break;
    }
    case 'lookup':
    case 'masterdetail': {
      const to = str(asArray(node.referenceTo)[0]);
      if (!to) return `${fullName}: Must specify referenceTo for a relationship field`;
      if (!schema.object(to) && !deployingObjects.has(to.toLowerCase())) {
        return `${fullName}: referenceTo value of '${to}' does not resolve to a valid sObject type`;
      }
      options.referenceTo = [schema.object(to)?.name ?? to];
      options.relationshipName = fullName.replace(/__c$/, '__r');
      const child = str(node.relationshipName);
      options.childRelationshipName = child ? `${child}__r` : null;
      if (lower === 'masterdetail') {
        options.nillable = false;
        options.updateable = bool(node.reparentableMasterDetail);
      }
      break;
    }
    case 'summary':
      // Roll-up summaries are computed by the org; the emulator answers null.
      options.calculated = true;
      options.createable = false;
      options.updateable = false;
      options.precision = 18;
      options.scale = 2;
      break;
    case 'hierarchy':
      options.referenceTo = ['User'];
      options.relationshipName = fullName.replace(/__c$/, '__r');
      break;
    case 'autonumber':
      options.autoNumber = true;
      options.displayFormat = str(node.displayFormat) ?? '{0}';
      options.createable = false;
      options.updateable = false;
      options.nillable = false;
      options.defaultedOnCreate = true;
      options.length = 30;
      break;
    case 'url':
      options.length = 255;
      break;
    default:
      break;
  }
  if (formula) {
    options.calculated = true;
    options.calculatedFormula = formula;
    options.createable = false;
    options.updateable = false;
    options.nillable = true;
    options.defaultedOnCreate = false;
  }
  if (bool(node.required) && !formula && lower !== 'checkbox') options.nillable = false;
  if (bool(node.externalId)) {
    if (!['text', 'number', 'email', 'autonumber'].includes(lower))
      return `${fullName}: Only Text, Number, Email and Auto Number fields can be External IDs`;
    options.externalId = true;
    options.idLookup = true;
  }
  if (bool(node.unique)) {
    options.unique = true;
    options.idLookup = true;
    options.caseSensitive = bool(node.caseSensitive);
  }
  const defaultValue = str(node.defaultValue);
  if (defaultValue !== undefined && !['checkbox', 'picklist', 'multiselectpicklist'].includes(lower)) {
    const literal = /^"(.*)"$/.exec(defaultValue) ?? /^'(.*)'$/.exec(defaultValue);
    if (literal) options.defaultValue = literal[1];
    else if (/^-?\d+(\.\d+)?$/.test(defaultValue)) options.defaultValue = Number(defaultValue);
    else if (/^(true|false)$/i.test(defaultValue)) options.defaultValue = defaultValue.toLowerCase() === 'true';
    if (options.defaultValue !== undefined && options.defaultValue !== null) options.defaultedOnCreate = true;
  }
  void objectName;
  return field(fullName, type, options);
}

/**
 * The element a field type cannot do without (Metadata API Developer Guide, "CustomField": `visibleLines` for Long
 * Text and Rich Text Areas, `defaultValue` for a Checkbox that is not a formula, `relationshipName` for a Lookup or
 * Master-Detail), or undefined.
 */
function requiredElementMissing(type: string, node: XmlNode, formula: boolean): string | undefined {
  if ((type === 'longtextarea' || type === 'html') && num(node.visibleLines) === undefined) return 'visibleLines';
  if (type === 'checkbox' && !formula && str(node.defaultValue) === undefined) return 'defaultValue';
  if ((type === 'lookup' || type === 'masterdetail') && !str(node.relationshipName)) return 'relationshipName';
  return undefined;
}

/**
 * The plain field names a formula reads: outside string literals, not a function (followed by `(`), not a `$`
 * global, not TRUE/FALSE/NULL. Relationship paths (`Account.Name`) are not followed here.
 */
export function formulaFieldNames(formula: string): string[] {
  const code = formula.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  const names = new Set<string>();
  for (const m of code.matchAll(/(\$?)([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)(\s*\()?/g)) {
    const [, global, name, call] = m;
    if (global || call || name.includes('.') || /^(true|false|null)$/i.test(name)) continue;
    names.add(name);
  }
  return [...names];
}

/** The name field of a custom object from its `<nameField>`. */
function nameFieldFromMetadata(objectName: string, node: XmlNode | undefined): FieldDef {
  const label = str(node?.label) ?? `${objectName.replace(/__c$/, '').replace(/_/g, ' ')} Name`;
  if (str(node?.type)?.toLowerCase() === 'autonumber') {
    return field('Name', 'string', {
      label,
      custom: false,
      length: 80,
      autoNumber: true,
      displayFormat: str(node?.displayFormat) ?? '{0}',
      createable: false,
      updateable: false,
      nillable: false,
      defaultedOnCreate: true,
    });
  }
  return field('Name', 'string', { label, custom: false, length: 80 });
}

/**
 * Validates then applies a set of object metadata to the schema, all or nothing. Returns the problems (empty when it
 * applied). `fieldsOnly` objects (a standard object, or a custom one not in the deploy) only get fields merged.
 */
export function applyObjectMetadata(
  schema: SchemaRegistry,
  items: ObjectMetadata[],
  options: { checkOnly?: boolean } = {}
): MetadataProblem[] {
  const problems: MetadataProblem[] = [];
  const deployingObjects = new Set(items.filter((i) => i.object).map((i) => i.objectName.toLowerCase()));
  const snapshot = schema.snapshot();
  for (const item of items) {
    const existing = schema.object(item.objectName);
    if (!existing && !item.object) {
      problems.push({
        componentType: 'CustomObject',
        fullName: item.objectName,
        fileName: item.fileName,
        problem: `Entity type: 'CustomObject' named '${item.objectName}' not found`,
      });
      continue;
    }
    if (!existing && !item.objectName.endsWith('__c')) {
      problems.push({
        componentType: 'CustomObject',
        fullName: item.objectName,
        fileName: item.fileName,
        problem: `Cannot create a new standard object: ${item.objectName}`,
      });
      continue;
    }
    const object = item.object
      ? item.objectName.endsWith('__c')
        ? schema.ensureCustomObject(item.objectName, {
            label: str(item.object.label),
            labelPlural: str(item.object.pluralLabel),
            nameField: nameFieldFromMetadata(item.objectName, asNode(item.object.nameField)),
          })
        : existing
      : existing;
    if (!object) continue;
    for (const node of item.fields) {
      const def = fieldFromMetadata(item.objectName, node, schema, deployingObjects);
      const fullName = `${object.name}.${str(node.fullName) ?? '?'}`;
      if (typeof def === 'string') {
        problems.push({ componentType: 'CustomField', fullName, fileName: item.fileName, problem: def });
        continue;
      }
      const current = schema.field(object, def.name);
      if (current && !current.custom) {
        problems.push({
          componentType: 'CustomField',
          fullName,
          fileName: item.fileName,
          problem: `Cannot modify standard field ${def.name}`,
        });
        continue;
      }
      schema.setField(object, def);
    }
  }
  // Formulas compile against the schema as the whole deploy leaves it ("Field X does not exist. Check spelling.").
  for (const item of items) {
    const object = schema.object(item.objectName);
    for (const node of object ? item.fields : []) {
      const formula = str(node.formula);
      const unknown = formula ? formulaFieldNames(formula).filter((name) => !schema.field(object!, name)) : [];
      for (const name of unknown) {
        problems.push({
          componentType: 'CustomField',
          fullName: `${item.objectName}.${str(node.fullName) ?? '?'}`,
          fileName: item.fileName,
          problem: `Field ${name} does not exist. Check spelling.`,
        });
      }
    }
  }
  if (problems.length > 0 || options.checkOnly) schema.restore(snapshot);
  return problems;
}

/** Reads a source-format project (any folder holding `objects/<Obj>/…`), e.g. force-app. */
export function readSourceObjects(root: string): ObjectMetadata[] {
  const items: ObjectMetadata[] = [];
  const visit = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (!statSync(full).isDirectory()) continue;
      if (entry === 'objects') {
        for (const objectName of readdirSync(full)) {
          const objectDir = path.join(full, objectName);
          if (!statSync(objectDir).isDirectory()) continue;
          const objectFile = path.join(objectDir, `${objectName}.object-meta.xml`);
          const object = existsSync(objectFile)
            ? (asNode(parseXml(readFileSync(objectFile, 'utf8')).CustomObject) ?? {})
            : undefined;
          const fieldsDir = path.join(objectDir, 'fields');
          const fields: XmlNode[] = [];
          if (existsSync(fieldsDir)) {
            for (const file of readdirSync(fieldsDir)
              .filter((f) => f.endsWith('.field-meta.xml'))
              .sort()) {
              const node = asNode(parseXml(readFileSync(path.join(fieldsDir, file), 'utf8')).CustomField);
              if (node) fields.push({ fullName: file.replace(/\.field-meta\.xml$/, ''), ...node });
            }
          }
          // A standard object's file does not create it; custom objects need their file (or exist already).
          items.push({
            objectName,
            object: objectName.endsWith('__c') ? (object ?? {}) : undefined,
            fields,
            fileName: objectDir,
          });
        }
      } else if (entry !== 'node_modules' && !entry.startsWith('.')) {
        visit(full);
      }
    }
  };
  visit(root);
  // Objects first, so lookups between custom objects resolve whatever the directory order.
  return items.sort((a, b) => Number(Boolean(b.object)) - Number(Boolean(a.object)));
}

/** Parses an mdapi-format `objects/X.object` file. */
export function readMdapiObject(
  objectName: string,
  xml: string,
  fileName: string,
  deployObject: boolean
): ObjectMetadata {
  const root = asNode(parseXml(xml).CustomObject) ?? {};
  const fields = asArray(root.fields)
    .map((f) => asNode(f))
    .filter((f): f is XmlNode => f !== undefined);
  return { objectName, object: deployObject ? root : undefined, fields, fileName };
}
