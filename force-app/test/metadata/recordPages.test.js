// Every Lightning record page of force-app places our panels where a real org takes them: a custom component on a
// record page must target lightning__RecordPage and, when its targetConfig lists objects, the page's object
// (LWC Developer Guide, "lightning__RecordPage Target": the objects tag restricts where App Builder offers it), and
// it may set only the properties that targetConfig declares.
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const root = join(__dirname, '..', '..', 'main', 'default');
const read = (...parts) => readFileSync(join(root, ...parts), 'utf8');
const pages = readdirSync(join(root, 'flexipages')).filter((name) => name.endsWith('.flexipage-meta.xml'));
const all = (xml, tag) => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map(([, value]) => value);

/** The custom components a page places, with the properties each instance sets and the region it is in. */
function placements(page) {
    return [...page.matchAll(/<flexiPageRegions>([\s\S]*?)<\/flexiPageRegions>/g)].flatMap(([, region]) => {
        const regionName = /<name>([^<]+)<\/name>\s*<type>Region<\/type>/.exec(region)[1];
        return [...region.matchAll(/<componentInstance>([\s\S]*?)<\/componentInstance>/g)]
            .map(([, instance]) => ({
                region: regionName,
                component: /<componentName>([^<]+)<\/componentName>/.exec(instance)[1],
                properties: [...instance.matchAll(/<name>([^<]+)<\/name>\s*<value>/g)].map(([, name]) => name)
            }))
            .filter(({ component }) => !component.includes(':'));
    });
}

function recordPageConfig(bundle) {
    const meta = read('lwc', bundle, `${bundle}.js-meta.xml`);
    const config = /<targetConfig targets="[^"]*lightning__RecordPage[^"]*">([\s\S]*?)<\/targetConfig>/.exec(meta);
    return {
        exposed: /<isExposed>true<\/isExposed>/.test(meta),
        targets: all(meta, 'target'),
        objects: config ? all(config[1], 'object') : [],
        properties: config ? [...config[1].matchAll(/<property\s[^>]*name="([^"]+)"/g)].map(([, name]) => name) : []
    };
}

describe('record pages', () => {
    it('finds the Opportunity and the Lead page', () => {
        expect(pages.sort()).toEqual([
            'Lead_Partner_Center.flexipage-meta.xml',
            'Opportunity_Partner_Center.flexipage-meta.xml'
        ]);
    });

    it.each(pages)('%s places only exposed record-page components that support its object', (name) => {
        const page = read('flexipages', name);
        const object = /<sobjectType>([^<]+)<\/sobjectType>/.exec(page)[1];
        const placed = placements(page);

        expect(page).toMatch(/<type>RecordPage<\/type>/);
        expect(placed).not.toHaveLength(0);
        placed.forEach(({ component, properties }) => {
            const config = recordPageConfig(component);
            expect(config.exposed).toBe(true);
            expect(config.targets).toContain('lightning__RecordPage');
            expect(config.objects).toContain(object);
            expect(properties.filter((property) => !config.properties.includes(property))).toEqual([]);
        });
    });

    it('puts the Lead panel, offered on Lead pages only, in the Lead page’s sidebar', () => {
        const page = read('flexipages', 'Lead_Partner_Center.flexipage-meta.xml');

        expect(page).toMatch(/<sobjectType>Lead<\/sobjectType>/);
        expect(placements(page)).toEqual([{ region: 'sidebar', component: 'partnerCenterLeadPanel', properties: [] }]);
        expect(recordPageConfig('partnerCenterLeadPanel').objects).toEqual(['Lead']);
    });
});
