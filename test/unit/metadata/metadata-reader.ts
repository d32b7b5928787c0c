/**
 * Reads the source-format metadata under force-app with fast-xml-parser, for checks that need no org.
 * Values come back as strings exactly as written (no number or boolean coercion), so `'false'` stays `'false'`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const forceAppDir = path.join(repoRoot, 'force-app');
export const defaultDir = path.join(forceAppDir, 'main', 'default');
export const objectsDir = path.join(defaultDir, 'objects');
export const permissionSetsDir = path.join(defaultDir, 'permissionsets');

export const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

export type XmlValue = string | XmlNode | XmlValue[];
export type XmlNode = { [key: string]: XmlValue | undefined };

/** Elements that repeat, always read as arrays (even when a file has only one). */
const ARRAY_PATHS = new Set([
  'CustomField.valueSet.valueSetDefinition.value',
  'PermissionSet.fieldPermissions',
  'PermissionSet.objectPermissions',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (_name, jpath) => ARRAY_PATHS.has(String(jpath)),
});

export class MetadataXmlError extends Error {
  public constructor(
    public readonly file: string,
    message: string
  ) {
    super(`${path.relative(repoRoot, file)}: ${message}`);
    this.name = 'MetadataXmlError';
  }
}

/** Every file under `dir` (recursively) whose name ends with `suffix`, sorted. */
export function listFiles(dir: string, suffix: string): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(suffix)) found.push(full);
    }
  };
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory()) walk(dir);
  return found.sort();
}

/** Validates then parses an XML file; throws a MetadataXmlError naming the file, line and column otherwise. */
export function readXml(file: string): XmlNode {
  const text = readFileSync(file, 'utf8');
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new MetadataXmlError(file, `${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  }
  return parser.parse(text) as XmlNode;
}

/** The single root element of a metadata file (the declaration aside), checked to be `expectedRoot`. */
export function readRoot(file: string, expectedRoot: string): XmlNode {
  const doc = readXml(file);
  const roots = Object.keys(doc).filter((key) => key !== '?xml');
  if (roots.length !== 1 || roots[0] !== expectedRoot) {
    throw new MetadataXmlError(
      file,
      `expected one <${expectedRoot}> root element, found ${roots.join(', ') || 'none'}`
    );
  }
  const root = doc[expectedRoot];
  return isNode(root) ? root : {};
}

export function isNode(value: XmlValue | undefined): value is XmlNode {
  return typeof value === 'object' && !Array.isArray(value);
}

/** A child element's text, or undefined when absent (or not a leaf). */
export function text(node: XmlNode | undefined, key: string): string | undefined {
  const value = node?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** A child element that must be a single nested element. */
export function child(node: XmlNode | undefined, key: string): XmlNode | undefined {
  const value = node?.[key];
  return isNode(value) ? value : undefined;
}

/** A repeated child element as an array of nodes. */
export function children(node: XmlNode | undefined, key: string): XmlNode[] {
  const value = node?.[key];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter(isNode);
}

/** The name a source-format file gives its component: `Foo__c.field-meta.xml` → `Foo__c`. */
export function componentName(file: string, suffix: string): string {
  return path.basename(file).slice(0, -suffix.length);
}

export type CustomFieldFile = { object: string; name: string; file: string; field: XmlNode };

/** Every `objects/<Object>/fields/<Field>.field-meta.xml`, parsed. */
export function readCustomFields(): CustomFieldFile[] {
  return listFiles(objectsDir, '.field-meta.xml').map((file) => ({
    object: path.basename(path.dirname(path.dirname(file))),
    name: componentName(file, '.field-meta.xml'),
    file,
    field: readRoot(file, 'CustomField'),
  }));
}

/** Directories under objects/ (one per object that has shipped metadata). */
export function listObjectDirs(): string[] {
  return readdirSync(objectsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

export type CustomObjectFile = { name: string; file: string; object: XmlNode };

/** Every `objects/<Object>/<Object>.object-meta.xml`, parsed. */
export function readCustomObjects(): CustomObjectFile[] {
  return listFiles(objectsDir, '.object-meta.xml').map((file) => ({
    name: componentName(file, '.object-meta.xml'),
    file,
    object: readRoot(file, 'CustomObject'),
  }));
}

export type PermissionSetFile = { name: string; file: string; permissionSet: XmlNode };

/** Every `permissionsets/<Name>.permissionset-meta.xml`, parsed. */
export function readPermissionSets(): PermissionSetFile[] {
  return listFiles(permissionSetsDir, '.permissionset-meta.xml').map((file) => ({
    name: componentName(file, '.permissionset-meta.xml'),
    file,
    permissionSet: readRoot(file, 'PermissionSet'),
  }));
}

/**
 * The raw text of every leaf element in a file, as written (before any parser trimming), so checks can catch
 * values a formatter has wrapped onto several indented lines.
 */
export function rawLeafValues(file: string): Array<{ element: string; value: string }> {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/<([A-Za-z][\w.-]*)>([^<]*)<\/\1>/g)].map((match) => ({
    element: match[1],
    value: match[2],
  }));
}

export type CaseFormula = { reads: string; results: Record<string, string>; otherwise: string };

/**
 * Reads a formula of the form `CASE(Field__c, "a", "A", "b", "B", …, "else")` (string literals only), so a check
 * can compare what it yields for each value with what the spec says. Throws on anything else.
 */
export function parseCaseFormula(formula: string): CaseFormula {
  const match = /^\s*CASE\s*\(([\s\S]*)\)\s*$/i.exec(formula);
  if (!match) throw new Error(`not a CASE(...) formula: ${formula}`);
  const args: string[] = [];
  const pattern = /\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_][\w.]*))\s*(,|$)/y;
  const body = match[1];
  let position = 0;
  while (position < body.length) {
    pattern.lastIndex = position;
    const arg = pattern.exec(body);
    if (!arg) throw new Error(`cannot read CASE argument at: ${body.slice(position)}`);
    args.push(arg[1] !== undefined ? arg[1].replace(/\\(.)/g, '$1') : `field:${arg[2]}`);
    position = pattern.lastIndex;
    if (arg[3] === '') break;
  }
  const [first, ...pairs] = args;
  if (!first?.startsWith('field:') || pairs.length % 2 !== 1) {
    throw new Error(`CASE needs a field, value/result pairs and an else result: ${formula}`);
  }
  const results: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) results[pairs[i]] = pairs[i + 1];
  return { reads: first.slice('field:'.length), results, otherwise: pairs[pairs.length - 1] };
}
