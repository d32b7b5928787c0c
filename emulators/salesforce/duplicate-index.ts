/**
 * Where a matching rule looks for candidates. Salesforce does not compare a new record with every stored one: match
 * keys built from the rule's normalised fields narrow the search to likely duplicates before the matching equation
 * runs (Help: "How Match Keys Are Generated and Used in Matching Rules"), so a save's cost does not grow with the org.
 * This index narrows the same way but loses nothing: for each group of the equation it looks up one criterion that
 * every match of that group must meet — the same normalised value (Exact), a shared piece of the value (Edit
 * Distance: with at most k edits, n of k + n pieces of a value survive whole in the other, as in "Pass-Join", Li
 * et al., VLDB 2011), or any value at all (a criterion that never matches a blank) — and the equation then runs on
 * those candidates only, in the order the store holds them, so the results are the scan's.
 */
import { editSimilarity, similarityBounds } from './matching.js';
import type { SfRecord } from './store.js';

/** What the index needs of a matching rule's criterion (duplicates.ts). */
export type IndexedCriterion = {
  normalize: (value: string) => string;
  threshold: number;
  /** "Blank Fields": `match` treats two blanks as a match; `no-match` never matches a blank. */
  blank: 'match' | 'no-match';
  /** How the criterion is looked up: its score is Exact, Edit Distance, or another (any non-blank value). */
  lookup: 'exact' | 'edit' | 'present';
};

/** What the index needs of a matching rule: the entity it searches, per group of its equation the key to look up. */
export type IndexedRule = {
  entity: string;
  criteria: Record<string, IndexedCriterion>;
  /** Per group of the equation, a criterion of that group read from the row itself (not a parent's Name). */
  lookupKeys: string[];
  /** The row's values as the rule reads them (only the lookup keys are used here). */
  rowKeys: (row: SfRecord) => Record<string, string | null>;
};

/** A stored row: its place in the store's order, its posting keys, and its looked-up values, normalised. */
type Entry = { row: SfRecord; order: number; keys: string[]; values: Record<string, string> };

/**
 * A value is cut into k + SURVIVING_PIECES pieces, k the edits allowed: k edits touch at most k pieces, so a
 * partner holds at least this many of them whole. Several rather than one: the street type (" street", " avenue")
 * alone fills a piece or two that thousands of streets share.
 */
const SURVIVING_PIECES = 3;

/** The largest edit distance between strings of which the longer has `length` characters that still scores ≥ t. */
function maxEdits(length: number, threshold: number): number {
  let edits = 0;
  while (edits < length && Math.round((1 - (edits + 1) / Math.max(length, 1)) * 100) >= threshold) edits++;
  return edits;
}

/**
 * How a stored value of `length` characters is cut for the Edit Distance lookup: into k + 1 pieces, k the most
 * edits any partner (shorter or longer) may be away while still reaching the threshold.
 */
function pieces(length: number, threshold: number): Array<{ start: number; size: number }> {
  let longest = length;
  while (longest + 1 - length <= maxEdits(longest + 1, threshold)) longest++;
  // Fewer characters than pieces leaves some empty: an empty piece survives in every value, as it should.
  const count = maxEdits(longest, threshold) + SURVIVING_PIECES;
  const base = Math.floor(length / count);
  const longer = length % count;
  const out: Array<{ start: number; size: number }> = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const size = base + (i >= count - longer ? 1 : 0);
    out.push({ start, size });
    start += size;
  }
  return out;
}

/** The lengths a stored value may have to be within the threshold's edit distance of a value of `length`. */
function partnerLengths(length: number, threshold: number): number[] {
  const out: number[] = [];
  for (let other = 1; ; other++) {
    const longer = Math.max(length, other);
    if (Math.abs(length - other) <= maxEdits(longer, threshold)) out.push(other);
    else if (other > length) return out;
  }
}

export class DuplicateIndex {
  /** Per entity: its rows by Id. */
  private readonly entries = new Map<string, Map<string, Entry>>();
  /** Every row by its place in the store's order (a number: counting pieces per row is then an array's work). */
  private readonly byOrder = new Map<number, Entry>();
  /** `entity \0 criterion \0 lookup key` → the places of the rows listed under it. */
  private readonly postings = new Map<string, Set<number>>();
  private order = 0;
  private pieceCounts = new Uint8Array(1024);

  public constructor(private readonly rules: readonly IndexedRule[]) {
    // One rule per entity: a row's looked-up values are kept by criterion key.
    if (new Set(rules.map((r) => r.entity)).size !== rules.length) throw new Error('one matching rule per entity');
  }

  public clear(): void {
    this.entries.clear();
    this.byOrder.clear();
    this.postings.clear();
  }

  /** The row was stored (inserted, updated, or put back by a rollback). */
  public add(entity: string, row: SfRecord): void {
    const rule = this.rules.find((r) => r.entity === entity);
    if (!rule) return;
    const id = row.Id as string;
    const table = this.table(entity);
    const previous = table.get(id);
    if (previous) this.drop(previous);
    const values: Record<string, string> = {};
    const keys = this.keysOf(rule, row, values);
    // An Id already stored keeps its place (a Map keeps the first insertion's position); a new one goes last.
    const entry = { row, order: previous?.order ?? ++this.order, keys, values };
    table.set(id, entry);
    this.byOrder.set(entry.order, entry);
    for (const key of keys) {
      let places = this.postings.get(key);
      if (!places) this.postings.set(key, (places = new Set()));
      places.add(entry.order);
    }
  }

  /** The row left the store (deleted, or its insert rolled back). */
  public remove(entity: string, id: string): void {
    const table = this.entries.get(entity);
    const entry = table?.get(id);
    if (!table || !entry) return;
    this.drop(entry);
    table.delete(id);
    this.byOrder.delete(entry.order);
  }

  /** Rows of the rule's entity that may match `mine` under some group of its equation, in the store's order. */
  public candidates(rule: Omit<IndexedRule, 'rowKeys'>, mine: Record<string, string | null>): SfRecord[] {
    const found = new Set<number>();
    for (const key of new Set(rule.lookupKeys)) {
      const postings = new Set(this.lookups(rule, key, mine[key]));
      if (rule.criteria[key].lookup !== 'edit' || this.normalized(rule, key, mine[key]) === '') {
        for (const posting of postings) for (const place of this.postings.get(posting) ?? []) found.add(place);
        continue;
      }
      // Each posting is one piece of one stored row: count the pieces each row has here. A row with enough of them
      // is a candidate when it passes the criterion itself (a group holds only if each of its criteria does).
      const value = this.normalized(rule, key, mine[key]);
      const threshold = rule.criteria[key].threshold;
      if (this.pieceCounts.length <= this.order) this.pieceCounts = new Uint8Array(this.order * 2);
      const counts = this.pieceCounts;
      const touched: number[] = [];
      for (const posting of postings) {
        for (const place of this.postings.get(posting) ?? []) {
          if (counts[place] === 0) touched.push(place);
          if (++counts[place] !== SURVIVING_PIECES) continue;
          const stored = (this.byOrder.get(place) as Entry).values[key];
          // The bound first: it costs a count of characters, the distance a table of them.
          if (Math.round(similarityBounds(value, stored).edit) < threshold) continue;
          if (editSimilarity(value, stored) >= threshold) found.add(place);
        }
      }
      for (const place of touched) counts[place] = 0;
    }
    return [...found].sort((a, b) => a - b).map((place) => (this.byOrder.get(place) as Entry).row);
  }

  private table(entity: string): Map<string, Entry> {
    let table = this.entries.get(entity);
    if (!table) this.entries.set(entity, (table = new Map<string, Entry>()));
    return table;
  }

  private drop(entry: Entry): void {
    for (const key of entry.keys) {
      const places = this.postings.get(key);
      places?.delete(entry.order);
      if (places?.size === 0) this.postings.delete(key);
    }
  }

  private normalized(rule: Omit<IndexedRule, 'rowKeys'>, key: string, value: string | null): string {
    return value === null ? '' : rule.criteria[key].normalize(value);
  }

  /** The posting keys a stored row is listed under. */
  private keysOf(rule: IndexedRule, row: SfRecord, normalized: Record<string, string>): string[] {
    const values = rule.rowKeys(row);
    const out: string[] = [];
    for (const key of new Set(rule.lookupKeys)) {
      const c = rule.criteria[key];
      const value = this.normalized(rule, key, values[key]);
      normalized[key] = value;
      const prefix = `${rule.entity}\0${key}\0`;
      if (value === '') {
        if (c.blank === 'match') out.push(`${prefix}blank`);
      } else if (c.lookup === 'exact') out.push(`${prefix}=${value}`);
      else if (c.lookup === 'present') out.push(`${prefix}present`);
      else {
        pieces(value.length, c.threshold).forEach((piece, i) =>
          out.push(`${prefix}${value.length}:${i}:${value.slice(piece.start, piece.start + piece.size)}`)
        );
      }
    }
    return out;
  }

  /** The posting keys under which every row matching `value` on criterion `key` is listed. */
  private lookups(rule: Omit<IndexedRule, 'rowKeys'>, key: string, raw: string | null): string[] {
    const c = rule.criteria[key];
    const value = this.normalized(rule, key, raw);
    const prefix = `${rule.entity}\0${key}\0`;
    // A blank matches only a blank, and only when the criterion says blanks match.
    if (value === '') return c.blank === 'match' ? [`${prefix}blank`] : [];
    if (c.lookup === 'exact') return [`${prefix}=${value}`];
    if (c.lookup === 'present') return [`${prefix}present`];
    const out: string[] = [];
    for (const length of partnerLengths(value.length, c.threshold)) {
      // A piece no edit touched moves by the insertions less the deletions before it: at most `edits` places.
      const edits = maxEdits(Math.max(length, value.length), c.threshold);
      pieces(length, c.threshold).forEach((piece, i) => {
        const last = Math.min(value.length - piece.size, piece.start + edits);
        for (let start = Math.max(0, piece.start - edits); start <= last; start++) {
          out.push(`${prefix}${length}:${i}:${value.slice(start, start + piece.size)}`);
        }
      });
    }
    return out;
  }
}
