import { toCountryCode } from 'c/pcsyncReadiness';

describe('c-pcsync-readiness countries', () => {
    it.each([
        ['US', 'US'],
        ['us', 'US'],
        ['United States', 'US'],
        ['united states of america', 'US'],
        ['Germany', 'DE'],
        ['Türkiye', 'TR'],
        ["Cote d'Ivoire", 'CI'],
        ['UK', 'GB'],
        ['England', 'GB']
    ])('%s is %s', (value, code) => {
        expect(toCountryCode(value)).toBe(code);
    });

    it.each(['Deutschland', 'Narnia', 'EU', 'ZZ', 'XK', '', '   ', null])('%p is no country', (value) => {
        expect(toCountryCode(value)).toBeUndefined();
    });
});
