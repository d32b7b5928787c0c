/**
 * What the emulator does to requests for tests and benchmarks: injected latency, injected faults (503,
 * REQUEST_LIMIT_EXCEEDED, dropped connection, a write committed whose answer is lost), the daily API request limit,
 * and per-endpoint request counters.
 */
import { seededRandom } from '../shared/random.js';

/**
 * `lost-response`: a write (POST/PATCH/PUT/DELETE) is processed in full, then the connection is destroyed without an
 * answer, as when a network path fails after the org committed; a read given this kind is just dropped.
 */
export type FaultKind = 'unavailable' | 'limit' | 'drop' | 'lost-response';

export const FAULT_KINDS: FaultKind[] = ['unavailable', 'limit', 'drop', 'lost-response'];

/** The kinds a random fault is drawn from unless told: the ones that leave no doubt about what happened. */
const DEFAULT_KINDS: FaultKind[] = ['unavailable', 'limit', 'drop'];

export type FaultOptions = {
  /** Probability (0..1) that a request fails. */
  rate?: number;
  /** The kinds a random fault is drawn from (default: unavailable, limit, drop). */
  kinds?: FaultKind[];
  /** Only requests whose path contains this string (or matches this regular expression source) can fault. */
  match?: string;
  /** Faults for the next matching requests, in order, before any random ones. */
  next?: FaultKind[];
  /**
   * How many matching requests pass untouched before any fault (queued or random) is drawn: with `match`, a fault
   * aimed at a later request to the same resource, such as a record's closing write after the one that created it.
   */
  skip?: number;
  /** Seed of the random draw (deterministic runs). */
  seed?: number;
  /** Probability (0..1) of a `lost-response`, drawn apart from `rate` (`--lost-response-rate`). */
  lostResponseRate?: number;
};

export class Faults {
  private rate = 0;
  private lostResponseRate = 0;
  private kinds: FaultKind[] = DEFAULT_KINDS;
  private match: RegExp | undefined;
  private queue: FaultKind[] = [];
  private skip = 0;
  private random: () => number = seededRandom(1);

  public constructor(options: FaultOptions = {}) {
    this.set(options);
  }

  public set(options: FaultOptions): void {
    if (options.rate !== undefined) {
      if (!(options.rate >= 0 && options.rate <= 1))
        throw new Error(`fault rate must be between 0 and 1 (was ${options.rate})`);
      this.rate = options.rate;
    }
    if (options.lostResponseRate !== undefined) {
      if (!(options.lostResponseRate >= 0 && options.lostResponseRate <= 1))
        throw new Error(`lost-response rate must be between 0 and 1 (was ${options.lostResponseRate})`);
      this.lostResponseRate = options.lostResponseRate;
    }
    if (options.kinds) {
      const bad = options.kinds.filter((k) => !FAULT_KINDS.includes(k));
      if (bad.length > 0) throw new Error(`unknown fault kind: ${bad.join(', ')} (allowed: ${FAULT_KINDS.join(', ')})`);
      this.kinds = options.kinds.length > 0 ? options.kinds : DEFAULT_KINDS;
    }
    if (options.match !== undefined) this.match = options.match === '' ? undefined : new RegExp(options.match);
    if (options.next) {
      const bad = options.next.filter((k) => !FAULT_KINDS.includes(k));
      if (bad.length > 0) throw new Error(`unknown fault kind: ${bad.join(', ')} (allowed: ${FAULT_KINDS.join(', ')})`);
      this.queue = [...options.next];
    }
    if (options.skip !== undefined) {
      if (!(Number.isInteger(options.skip) && options.skip >= 0))
        throw new Error(`skip must be a whole number ≥ 0 (was ${options.skip})`);
      this.skip = options.skip;
    }
    if (options.seed !== undefined) this.random = seededRandom(options.seed);
  }

  public clear(): void {
    this.rate = 0;
    this.lostResponseRate = 0;
    this.kinds = DEFAULT_KINDS;
    this.match = undefined;
    this.queue = [];
    this.skip = 0;
  }

  public state(): {
    rate: number;
    kinds: FaultKind[];
    match: string | null;
    next: FaultKind[];
    skip: number;
    lostResponseRate: number;
  } {
    return {
      rate: this.rate,
      kinds: this.kinds,
      match: this.match?.source ?? null,
      next: [...this.queue],
      skip: this.skip,
      lostResponseRate: this.lostResponseRate,
    };
  }

  /** The fault to inject for this request, if any. */
  public draw(path: string): FaultKind | undefined {
    if (this.match && !this.match.test(path)) return undefined;
    if (this.skip > 0) {
      this.skip--;
      return undefined;
    }
    const queued = this.queue.shift();
    if (queued) return queued;
    if (this.rate > 0 && this.random() < this.rate)
      return this.kinds[Math.floor(this.random() * this.kinds.length)] ?? 'unavailable';
    if (this.lostResponseRate > 0 && this.random() < this.lostResponseRate) return 'lost-response';
    return undefined;
  }
}

export class Counters {
  private readonly counts = new Map<string, number>();

  public add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  public snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  public total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  public reset(): void {
    this.counts.clear();
  }
}

/** The org's daily API request allowance, reported in `Sforce-Limit-Info` and enforced with REQUEST_LIMIT_EXCEEDED. */
export class ApiLimit {
  public used = 0;
  public constructor(public max: number) {}

  /** Counts one API request; false when the allowance is spent. */
  public take(): boolean {
    if (this.used >= this.max) return false;
    this.used++;
    return true;
  }

  public header(): string {
    return `api-usage=${this.used}/${this.max}`;
  }
}
