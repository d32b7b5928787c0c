// ISO 3166-1 alpha-2 codes and English country names from the browser's own CLDR data (Intl.DisplayNames), read as
// the sync reads them (src/mapping/countries.ts): "United States", "us" and "USA" are all US on both sides. English
// names only: "Deutschland" is not a country here, nor for the sync.

// Reserved, private-use and grouping codes that Intl names all the same.
const NOT_COUNTRIES = new Set([
    'AA',
    'QM',
    'QN',
    'QO',
    'QP',
    'QQ',
    'QR',
    'QS',
    'QT',
    'QU',
    'QV',
    'QW',
    'QX',
    'QY',
    'QZ',
    'XA',
    'XB',
    'XK',
    'ZZ',
    'EU',
    'EZ',
    'UN',
    'UK'
]);

const ALIASES = {
    USA: 'US',
    'United States of America': 'US',
    UK: 'GB',
    'Great Britain': 'GB',
    England: 'GB',
    'Republic of Korea': 'KR',
    'South Korea': 'KR',
    Russia: 'RU',
    'Czech Republic': 'CZ',
    Holland: 'NL',
    UAE: 'AE'
};

let codes;
let codeByName;

/** Letters only, lower case, accents dropped: "Côte d’Ivoire" and "Cote d'Ivoire" read the same. */
function normalise(value) {
    return value
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z]/g, '');
}

function build() {
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    codes = new Set();
    codeByName = new Map();
    for (let a = 65; a <= 90; a++) {
        for (let b = 65; b <= 90; b++) {
            const code = String.fromCharCode(a, b);
            const name = names.of(code);
            if (name && name !== code && !NOT_COUNTRIES.has(code)) {
                codes.add(code);
                codeByName.set(normalise(name), code);
            }
        }
    }
    Object.entries(ALIASES).forEach(([alias, code]) => codeByName.set(normalise(alias), code));
}

/** The ISO-2 code for a code or an English country name, or undefined when it is neither. */
export function toCountryCode(value) {
    if (!codes) {
        build();
    }
    const trimmed = String(value ?? '').trim();
    if (/^[A-Za-z]{2}$/.test(trimmed) && codes.has(trimmed.toUpperCase())) {
        return trimmed.toUpperCase();
    }
    return codeByName.get(normalise(trimmed));
}
