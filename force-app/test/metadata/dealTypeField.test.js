// c/pcsyncDealType knows the values of Partner_Center_Deal_Type__c as deployed, in the field's order.
import { readFileSync } from 'fs';
import { join } from 'path';
import { DEAL_TYPES } from 'c/pcsyncDealType';

const field = readFileSync(
    join(
        __dirname,
        '..',
        '..',
        'main',
        'default',
        'objects',
        'Opportunity',
        'fields',
        'Partner_Center_Deal_Type__c.field-meta.xml'
    ),
    'utf8'
);

describe('deal type field metadata', () => {
    it('has exactly the values c/pcsyncDealType knows, in order, restricted and without a default', () => {
        const values = [...field.matchAll(/<value>\s*<fullName>([^<]+)<\/fullName>/g)].map(([, name]) => name);

        expect(values).toEqual([...DEAL_TYPES]);
        expect(field).toMatch(/<restricted>true<\/restricted>/);
        expect(field).not.toMatch(/<default>true<\/default>/);
    });
});
