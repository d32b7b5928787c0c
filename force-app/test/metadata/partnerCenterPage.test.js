// The Opportunity flexipage and the panel's App Builder properties agree with the component.
import { readFileSync } from 'fs';
import { join } from 'path';
import { createElement } from 'lwc';
import PartnerCenterPanel from 'c/partnerCenterPanel';

const root = join(__dirname, '..', '..', 'main', 'default');
const read = (...parts) => readFileSync(join(root, ...parts), 'utf8');
const meta = read('lwc', 'partnerCenterPanel', 'partnerCenterPanel.js-meta.xml');
const flexipage = read('flexipages', 'Opportunity_Partner_Center.flexipage-meta.xml');

function metaProperties() {
    return [...meta.matchAll(/<property\s([^>]*?)\/>/gs)].map(([, attrs]) =>
        Object.fromEntries([...attrs.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]))
    );
}

function pageProperties() {
    const start = flexipage.indexOf('<componentName>partnerCenterPanel</componentName>');
    const instance = flexipage.slice(flexipage.lastIndexOf('<componentInstance>', start), start);
    return Object.fromEntries(
        [...instance.matchAll(/<name>([^<]+)<\/name>\s*<value>([^<]*)<\/value>/g)].map(([, k, v]) => [k, v])
    );
}

describe('partner center page metadata', () => {
    it('exposes the panel on Opportunity record pages', () => {
        expect(meta).toMatch(/<isExposed>true<\/isExposed>/);
        expect(meta).toMatch(/<target>lightning__RecordPage<\/target>/);
        expect(meta).toMatch(/<object>Opportunity<\/object>/);
    });

    it('declares the three stage properties with the component defaults', () => {
        const element = createElement('c-partner-center-panel', { is: PartnerCenterPanel });
        const properties = metaProperties();

        expect(properties.map((p) => p.name)).toEqual(['holdStage', 'acceptedStage', 'declinedStage']);
        properties.forEach((p) => {
            expect(p.type).toBe('String');
            expect(element[p.name]).toBe(p.default);
        });
        expect(element.holdStage).toBe('Prospecting');
        expect(element.acceptedStage).toBe('Qualification');
        expect(element.declinedStage).toBe('Closed Lost');
    });

    it('places the panel on the Opportunity flexipage with only declared properties', () => {
        expect(flexipage).toMatch(/<sobjectType>Opportunity<\/sobjectType>/);
        expect(flexipage).toMatch(/<type>RecordPage<\/type>/);
        const declared = metaProperties().map((p) => p.name);
        const used = pageProperties();
        expect(Object.keys(used).sort()).toEqual([...declared].sort());
        expect(Object.keys(used).every((name) => declared.includes(name))).toBe(true);
    });
});
