import { reduceErrors } from 'c/ldsUtils';

describe('c-lds-utils reduceErrors', () => {
    it('reads a UI API error body', () => {
        expect(reduceErrors({ body: { message: 'The requested resource does not exist' }, status: 404 })).toEqual([
            'The requested resource does not exist'
        ]);
    });

    it('reads a list body', () => {
        expect(reduceErrors({ body: [{ message: 'a' }, { message: 'b' }] })).toEqual(['a', 'b']);
    });

    it('prefers record save field and output errors over the generic message', () => {
        expect(
            reduceErrors({
                body: {
                    message: 'An error occurred while trying to update the record. Please try again.',
                    output: {
                        errors: [{ message: 'Record is locked' }],
                        fieldErrors: { StageName: [{ message: 'Stage: bad value for restricted picklist' }] }
                    }
                }
            })
        ).toEqual(['Record is locked', 'Stage: bad value for restricted picklist']);
    });

    it('reads page errors', () => {
        expect(reduceErrors({ body: { pageErrors: [{ message: 'Insufficient access' }] } })).toEqual([
            'Insufficient access'
        ]);
    });

    it('reads JavaScript errors, strings and network errors', () => {
        expect(reduceErrors([new TypeError('boom'), 'plain text', { statusText: 'Service Unavailable' }])).toEqual([
            'boom',
            'plain text',
            'Service Unavailable'
        ]);
    });

    it('drops empty values and duplicates', () => {
        expect(reduceErrors([undefined, null, {}, { body: { message: 'x' } }, { body: { message: 'x' } }])).toEqual([
            'x'
        ]);
        expect(reduceErrors(undefined)).toEqual([]);
    });
});
