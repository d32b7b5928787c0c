/**
 * The emulator's request log: every request once it is over (answered, dropped, or committed and then dropped), with a
 * sequence number and the count of records it wrote, so a test can wait for the Nth write and stop a client right
 * after it. Waiting is bounded: a timeout answers what was seen.
 */
import type { FaultKind } from './faults.js';

export type RequestLogEntry = {
  /** 1, 2, 3, … for the emulator's life (a cleared log keeps counting). */
  seq: number;
  at: string;
  method: string;
  path: string;
  key: string;
  /** The status sent; 0 when no answer was sent (a dropped connection, a lost response). */
  status: number;
  ms: number;
  /** Rows the request wrote and kept (cascades included); for a Bulk API upload, the CSV's data rows. */
  records: number;
  /** The objects whose rows the request changed and kept, if any (a Composite request may change several). */
  objects?: string[];
  /** The injected fault, if any. */
  fault?: FaultKind;
};

export type WaitOptions = {
  /** A regular expression tested against `METHOD /path` (e.g. `^POST \\S+/composite/sobjects$`); all when absent. */
  match?: string;
  /** How many matching requests to wait for. */
  count: number;
  /** Give up after this long (default 30 s, at most 10 min). */
  timeoutMs?: number;
  /** Only requests after this sequence number. */
  since?: number;
};

export type WaitResult = { requests: RequestLogEntry[]; timedOut: boolean };

const MAX_WAIT_MS = 600_000;

type Waiter = { pattern: RegExp | undefined; since: number; count: number; seen: RequestLogEntry[]; done(): void };

export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private readonly waiters = new Set<Waiter>();
  private seq = 0;

  public constructor(private readonly capacity = 1000) {}

  public add(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const logged = { seq: ++this.seq, ...entry };
    this.entries.push(logged);
    if (this.entries.length > this.capacity) this.entries.shift();
    for (const waiter of this.waiters) this.offer(waiter, logged);
    return logged;
  }

  /** The most recent entries (up to the capacity), oldest first. */
  public list(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  public clear(): void {
    this.entries.length = 0;
  }

  /** Resolves once `count` matching requests are over, or at the timeout with what was seen (`timedOut`). */
  public wait(options: WaitOptions): Promise<WaitResult> {
    if (!Number.isInteger(options.count) || options.count < 1) throw new Error('count must be a whole number ≥ 1');
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!(timeoutMs >= 0 && timeoutMs <= MAX_WAIT_MS))
      throw new Error(`timeoutMs must be between 0 and ${MAX_WAIT_MS} (was ${timeoutMs})`);
    const pattern = options.match ? new RegExp(options.match) : undefined;
    const waiter: Waiter = { pattern, since: options.since ?? 0, count: options.count, seen: [], done: () => {} };
    for (const entry of this.entries) if (waiter.seen.length < waiter.count) this.offer(waiter, entry);
    if (waiter.seen.length >= waiter.count) return Promise.resolve({ requests: waiter.seen, timedOut: false });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve({ requests: waiter.seen, timedOut: true });
      }, timeoutMs);
      waiter.done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve({ requests: waiter.seen, timedOut: false });
      };
      this.waiters.add(waiter);
    });
  }

  private offer(waiter: Waiter, entry: RequestLogEntry): void {
    if (entry.seq <= waiter.since) return;
    if (waiter.pattern && !waiter.pattern.test(`${entry.method} ${entry.path}`)) return;
    waiter.seen.push({ ...entry });
    if (waiter.seen.length === waiter.count) waiter.done();
  }
}
