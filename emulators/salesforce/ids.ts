/**
 * Salesforce record Ids: 3-character key prefix, 12 more characters, and the 3-character case-safe suffix that
 * turns a case-sensitive 15-character Id into a case-insensitive 18-character one.
 */

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The 3-character suffix of an 18-character Id, computed from the case of the 15-character Id. */
export function caseSafeSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id15.charAt(chunk * 5 + i);
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

/** The 18-character form of a 15- or 18-character Id (an 18-character Id is recomputed from its first 15). */
export function to18(id: string): string {
  const id15 = id.slice(0, 15);
  return id15 + caseSafeSuffix(id15);
}

/** True when the string has the shape of a Salesforce Id (15 or 18 alphanumerics, and a valid suffix when 18). */
export function isValidId(value: string): boolean {
  if (!/^[a-zA-Z0-9]{15}$|^[a-zA-Z0-9]{18}$/.test(value)) return false;
  if (value.length === 18) return caseSafeSuffix(value.slice(0, 15)).toUpperCase() === value.slice(15).toUpperCase();
  return true;
}

/** Normalises a 15- or 18-character Id to the 18-character form with the canonical (upper-case) suffix. */
export function normalizeId(value: string): string | undefined {
  return isValidId(value) ? to18(value) : undefined;
}

/** Issues Ids per key prefix; the body mixes cases (as real Ids do) so the suffix matters. */
export class IdFactory {
  private readonly counters = new Map<string, number>();

  /** `pod` is the 3 characters after the prefix (a real org has its instance code there). */
  public constructor(private readonly pod = '5g0') {}

  public next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return IdFactory.make(prefix, this.pod, n);
  }

  /** Makes sure later Ids never collide with an Id loaded from a seed. */
  public observe(id: string): void {
    const prefix = id.slice(0, 3);
    const body = id.slice(6, 15);
    let n = 0;
    for (const ch of body) {
      const digit = BASE62.indexOf(ch);
      if (digit < 0) return;
      n = n * 62 + digit;
    }
    if (n > (this.counters.get(prefix) ?? 0)) this.counters.set(prefix, n);
  }

  public reset(): void {
    this.counters.clear();
  }

  public static make(prefix: string, pod: string, n: number): string {
    let body = '';
    let rest = n;
    while (rest > 0) {
      body = BASE62.charAt(rest % 62) + body;
      rest = Math.floor(rest / 62);
    }
    const id15 = prefix + pod + body.padStart(9, '0');
    return id15 + caseSafeSuffix(id15);
  }
}
