/**
 * Injected faults for the Partner Center APIs (never the authority or the emulator's own endpoints): throttling (429
 * with Retry-After, as api-throttling-guidance shows), a failing service (500/503) and a lost response (the request
 * is processed in full, then the connection is dropped before the answer). Random draws come from a seeded source so
 * a run can be replayed; `next` queues faults for the next matching requests, before any random ones.
 * The option names (`match`, `next`, `seed`, the `lost-response` kind) are the Salesforce emulator's.
 */
import { seededRandom } from '../shared/random.js';

export const FAULT_KINDS = ['throttle', 'unavailable', 'lost-response'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultSettings = {
  /** Probability that an API call is answered 429 with Retry-After. */
  rate429: number;
  /** Probability that an API call is answered 500 or 503. */
  rate5xx: number;
  /** Probability that a write (POST, PATCH, PUT) is committed and its response then dropped. */
  lostResponseRate: number;
  /** Retry-After seconds on injected 429s. */
  retryAfterSeconds: number;
  /** Delay added to every API call. */
  latencyMs: number;
  /** Only requests whose `METHOD path` or counter key matches this regular expression can fault (null: all). */
  match: string | null;
  /** Faults for the next matching requests, in order. */
  next: FaultKind[];
};

export type FaultOptions = Partial<FaultSettings> & {
  /** Total rate of 429 and 5xx, split evenly between the two. */
  faultRate?: number;
  /** Seed of the random draw. */
  seed?: number;
};

export type Fault = { kind: 'throttle' } | { kind: 'unavailable'; status: 500 | 503 } | { kind: 'lost-response' };

const RATES = ['rate429', 'rate5xx', 'lostResponseRate'] as const;

export class Faults {
  private settings: FaultSettings;
  private pattern: RegExp | undefined;
  private random: () => number;

  public constructor(private readonly defaults: FaultOptions = {}) {
    this.settings = Faults.initial();
    this.random = seededRandom(1);
    this.set(defaults);
  }

  private static initial(): FaultSettings {
    return { rate429: 0, rate5xx: 0, lostResponseRate: 0, retryAfterSeconds: 1, latencyMs: 0, match: null, next: [] };
  }

  /** Changes the given settings only; throws (nothing changed) when one is out of range. */
  public set(options: FaultOptions): void {
    const next: FaultSettings = { ...this.settings, next: [...this.settings.next] };
    if (options.faultRate !== undefined) {
      const rate = checkRate('faultRate', options.faultRate);
      next.rate429 = rate / 2;
      next.rate5xx = rate / 2;
    }
    for (const name of RATES) if (options[name] !== undefined) next[name] = checkRate(name, options[name]);
    for (const name of ['retryAfterSeconds', 'latencyMs'] as const) {
      const value = options[name];
      if (value === undefined) continue;
      if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`${name} must be a number ≥ 0 (was ${value})`);
      next[name] = value;
    }
    let pattern = this.pattern;
    if (options.match !== undefined) {
      next.match = options.match === null || options.match === '' ? null : options.match;
      pattern = next.match === null ? undefined : new RegExp(next.match);
    }
    if (options.next !== undefined) {
      const unknown = options.next.filter((kind) => !(FAULT_KINDS as readonly string[]).includes(kind));
      if (unknown.length)
        throw new RangeError(`unknown fault kind: ${unknown.join(', ')} (allowed: ${FAULT_KINDS.join(', ')})`);
      next.next = [...options.next];
    }
    if (options.seed !== undefined) this.random = seededRandom(options.seed);
    this.settings = next;
    this.pattern = pattern;
  }

  /** Back to the start-up options (and the start-up seed). */
  public reset(): void {
    this.settings = Faults.initial();
    this.pattern = undefined;
    this.random = seededRandom(1);
    this.set(this.defaults);
  }

  public state(): FaultSettings {
    return { ...this.settings, next: [...this.settings.next] };
  }

  public get latencyMs(): number {
    return this.settings.latencyMs;
  }

  public get retryAfterSeconds(): number {
    return this.settings.retryAfterSeconds;
  }

  /** The fault for this request, if any. `keys` are what `match` is tested against; `write`: POST, PATCH or PUT. */
  public draw(keys: readonly string[], write: boolean): Fault | undefined {
    if (this.pattern && !keys.some((key) => this.pattern!.test(key))) return undefined;
    const queued = this.settings.next.shift();
    if (queued) return queued === 'unavailable' ? { kind: queued, status: 503 } : { kind: queued };
    const { rate429, rate5xx, lostResponseRate } = this.settings;
    const roll = this.random();
    if (roll < rate429) return { kind: 'throttle' };
    if (roll < rate429 + rate5xx) return { kind: 'unavailable', status: roll < rate429 + rate5xx / 2 ? 500 : 503 };
    // A second draw only when lost responses are on, so seeded runs without them replay as before.
    if (write && lostResponseRate > 0 && this.random() < lostResponseRate) return { kind: 'lost-response' };
    return undefined;
  }
}

function checkRate(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be between 0 and 1 (was ${value})`);
  return value;
}
