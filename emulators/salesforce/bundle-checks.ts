/**
 * What a real org's deploy refuses in Lightning components and Lightning pages, which the emulator would otherwise
 * take as "Succeeded":
 *
 * - An LWC module importing another bundle that is neither in the deploy nor in the org (Lightning Web Components
 *   Developer Guide, "Import and export modules": `c/name` resolves to a component in the org's namespace; the deploy
 *   fails with "No MODULE named markup://c:name found"), or a `@salesforce/schema` field the org lacks ("Import
 *   references to Salesforce objects and fields": the platform checks the reference on save — "Invalid reference
 *   Object.Field of type sobjectField in file x.js").
 * - A FlexiPage naming a component that does not exist, or a region its template does not have (Metadata API
 *   Developer Guide, "FlexiPage": `componentName`, `flexiPageRegions`; the record page template
 *   `flexipage:recordHomeTemplateDesktop` has the regions header, main and sidebar).
 *
 * Known gaps (README): only the record page template's regions are known; other templates take any region; standard
 * component names are accepted by namespace (`force:`, `flexipage:`, `runtime_…`, `lst:`, `forceChatter:` …).
 */
import type { SchemaRegistry } from './schema.js';

export type BundleProblem = { componentType: string; fullName: string; fileName: string; problem: string };

const TEMPLATE_REGIONS: Record<string, readonly string[]> = {
  'flexipage:recordHomeTemplateDesktop': ['header', 'main', 'sidebar'],
};

/** Namespaces of components a real org provides itself. */
const STANDARD_COMPONENT =
  /^(force|flexipage|lightning|runtime_[a-z_]+|lst|forceChatter|forceCommunity|console|wave):/i;

const IMPORT = /\bimport\s+(?:[\w*{}\s,]+\s+from\s+)?['"]([^'"]+)['"]/g;

export type Bundles = {
  /** LWC bundle names in this deploy, and their files: `lwc/<bundle>/<file>` → text. */
  lwc: Map<string, Map<string, string>>;
  /** FlexiPages in this deploy: name → XML. */
  flexipages: Map<string, string>;
};

export function bundleProblems(
  bundles: Bundles,
  deployedLwc: ReadonlySet<string>,
  schema: SchemaRegistry
): BundleProblem[] {
  const problems: BundleProblem[] = [];
  const exists = (name: string): boolean => bundles.lwc.has(name) || deployedLwc.has(name.toLowerCase());
  for (const [bundle, files] of bundles.lwc) {
    for (const [file, text] of files) {
      if (!file.endsWith('.js')) continue;
      const add = (problem: string): void => {
        problems.push({
          componentType: 'LightningComponentBundle',
          fullName: bundle,
          fileName: `lwc/${bundle}/${file}`,
          problem,
        });
      };
      for (const match of text.matchAll(IMPORT)) {
        const source = match[1];
        const local = /^c\/(\w+)$/.exec(source);
        if (local && !exists(local[1])) add(`No MODULE named markup://c:${local[1]} found`);
        const field = /^@salesforce\/schema\/(\w+)\.(\w+)$/.exec(source);
        if (field) {
          const object = schema.object(field[1]);
          if (!object || !schema.field(object, field[2]))
            add(`Invalid reference ${field[1]}.${field[2]} of type sobjectField in file ${file}`);
        }
      }
    }
  }
  for (const [page, xml] of bundles.flexipages) {
    const add = (problem: string): void => {
      problems.push({ componentType: 'FlexiPage', fullName: page, fileName: `flexipages/${page}.flexipage`, problem });
    };
    const template = /<template>\s*<name>([^<]+)<\/name>/.exec(xml)?.[1];
    const regions = template ? TEMPLATE_REGIONS[template] : undefined;
    for (const region of xml.matchAll(/<flexiPageRegions>([\s\S]*?)<\/flexiPageRegions>/g)) {
      const body = region[1];
      const name = /<name>([^<]+)<\/name>\s*<type>Region<\/type>/.exec(body)?.[1];
      if (name && regions && !regions.includes(name))
        add(`Invalid region '${name}' for the template ${template}. Valid regions: ${regions.join(', ')}`);
      for (const component of body.matchAll(/<componentName>([^<]+)<\/componentName>/g)) {
        const componentName = component[1];
        if (STANDARD_COMPONENT.test(componentName)) continue;
        const bundle = componentName.replace(/^c:/, '');
        if (!exists(bundle)) add(`Component [${componentName}] not found`);
      }
    }
  }
  return problems;
}
