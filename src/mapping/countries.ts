/**
 * ISO 3166-1 alpha-2 codes ↔ English country names, from the runtime's own CLDR data (Intl.DisplayNames),
 * so a Billing Country typed as "United States" or "us" becomes "US" without a table of our own.
 */
let byName: Map<string, string> | undefined;
let codes: Set<string> | undefined;

function build(): void {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  byName = new Map();
  codes = new Set();
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      const name = names.of(code);
      if (!name || name === code) continue;
      // Reserved and private-use codes have names too; keep the officially assigned ones only.
      if (
        [
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
          'UK',
        ].includes(code)
      )
        continue;
      codes.add(code);
      byName.set(normalise(name), code);
    }
  }
  for (const [alias, code] of Object.entries(ALIASES)) byName.set(normalise(alias), code);
}

const ALIASES: Record<string, string> = {
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
  UAE: 'AE',
};

const normalise = (value: string): string =>
  value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

/** The ISO-2 code for a code or an English country name, or undefined when it is neither. */
export function toCountryCode(value: string): string | undefined {
  if (!byName || !codes) build();
  const trimmed = value.trim();
  if (/^[A-Za-z]{2}$/.test(trimmed) && codes!.has(trimmed.toUpperCase())) return trimmed.toUpperCase();
  return byName!.get(normalise(trimmed));
}

export function isCountryCode(value: string): boolean {
  if (!codes) build();
  return codes!.has(value);
}

/** The English name of an ISO-2 code (the default integration value of Salesforce's country picklist). */
export function countryName(code: string): string | undefined {
  if (!isCountryCode(code.toUpperCase())) return undefined;
  return new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' }).of(code.toUpperCase());
}
