/**
 * Every Partner Center API and authority request the emulator saw, in the order they finished, each with a sequence
 * number that only grows (also across resets), and a bounded long-poll: wait until N matching requests have been
 * answered — or, for a lost response, committed — so a test can kill a client right after its Nth write.
 * Named as in the Salesforce emulator (`requests()`, `waitForRequests({ match, count, timeoutMs })`).
 */
export type RequestRecord = {
  /** 1, 2, 3… in the order requests finished. */
  seq: number;
  /** When the request finished, on the emulator's clock. */
  at: string;
  method: string;
  /** The counter key, e.g. `POST /referrals`, `PATCH /referrals/{id}`, `POST /token`. */
  endpoint: string;
  path: string;
  requestId?: string;
  correlationId?: string;
  /** The status answered; 0 when the connection was dropped without an answer. */
  status: number;
  ms: number;
  /** The fault injected into this request, if any. */
  fault?: 'throttle' | 'unavailable' | 'lost-response';
  /** For a lost response: whether the request was processed with success before the connection was dropped. */
  committed?: boolean;
};

export type WaitOptions = {
  /** A regular expression tested against `METHOD path` and the counter key (`METHOD /endpoint`). */
  match?: string | RegExp;
  /** How many matching requests to wait for (default 1). */
  count?: number;
  /** Only requests with a larger sequence number count (default 0: all in the log). */
  after?: number;
  /** Bound of the wait (default 10 s, at most 10 minutes). */
  timeoutMs?: number;
};

export class WaitTimeout extends Error {
  public constructor(
    public readonly seen: RequestRecord[],
    count: number,
    timeoutMs: number
  ) {
    super(`timed out after ${timeoutMs} ms: ${seen.length} of ${count} matching requests seen`);
  }
}

const MAX_ENTRIES = 100_000;
const MAX_WAIT_MS = 600_000;

type Waiter = {
  test: (entry: RequestRecord) => boolean;
  wanted: number;
  seen: RequestRecord[];
  done: () => void;
  fail: (error: Error) => void;
};

export class RequestLog {
  private entries: RequestRecord[] = [];
  private seq = 0;
  private readonly waiters = new Set<Waiter>();

  public add(entry: Omit<RequestRecord, 'seq'>): RequestRecord {
    const record: RequestRecord = { seq: ++this.seq, ...entry };
    this.entries.push(record);
    if (this.entries.length > MAX_ENTRIES) this.entries = this.entries.slice(-MAX_ENTRIES / 2);
    for (const waiter of this.waiters) {
      if (!waiter.test(record)) continue;
      waiter.seen.push(record);
      if (waiter.seen.length >= waiter.wanted) waiter.done();
    }
    return record;
  }

  public list(): RequestRecord[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  /** Empties the log; sequence numbers go on from where they were, so a cursor (`after`) stays meaningful. */
  public clear(): void {
    this.entries = [];
  }

  /** Ends every wait under way (the emulator is closing). */
  public close(): void {
    for (const waiter of [...this.waiters]) waiter.fail(new Error('the emulator was closed'));
  }

  public get lastSeq(): number {
    return this.seq;
  }

  /** Resolves with the first `count` matching requests once they have been answered or committed. */
  public async wait(options: WaitOptions = {}): Promise<RequestRecord[]> {
    const count = options.count ?? 1;
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer (was ${count})`);
    if (!(timeoutMs >= 0 && timeoutMs <= MAX_WAIT_MS))
      throw new RangeError(`timeoutMs must be between 0 and ${MAX_WAIT_MS} (was ${timeoutMs})`);
    const pattern = options.match === undefined ? undefined : new RegExp(options.match);
    const after = options.after ?? 0;
    const test = (entry: RequestRecord): boolean =>
      entry.seq > after &&
      (entry.status > 0 || entry.committed === true) &&
      (!pattern || pattern.test(`${entry.method} ${entry.path}`) || pattern.test(entry.endpoint));
    const seen = this.entries.filter(test).slice(0, count);
    if (seen.length >= count) return seen.map((entry) => ({ ...entry }));
    return new Promise<RequestRecord[]>((resolve, reject) => {
      const waiter: Waiter = {
        test,
        wanted: count,
        seen,
        done: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(waiter.seen.map((entry) => ({ ...entry })));
        },
        fail: (error) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          reject(error);
        },
      };
      const timer = setTimeout(() => waiter.fail(new WaitTimeout(waiter.seen, count, timeoutMs)), timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
