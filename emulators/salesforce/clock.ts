/**
 * The org's own clock. A real org stamps records with its servers' time, not the client's, and stores datetimes to
 * the second ("Valid Date and DateTime Formats", SOAP API Developer Guide: `yyyy-MM-ddTHH:mm:ss.SSS+/-HH:mm`, where
 * `SystemModstamp` always reads `.000`). `skewMs` puts this clock ahead of (or behind) the machine's, so tests can
 * see what a client that trusts its own clock gets wrong.
 */
export class Clock {
  private current: number | undefined;

  public constructor(public skewMs = 0) {}

  /** The org's time now, in ms (the machine's time plus the skew). */
  public nowMs(): number {
    return Date.now() + this.skewMs;
  }

  /**
   * Starts a transaction (an API call, or a 200-row Bulk API chunk): every write in it shares one time, to the
   * second. Two calls in the same second share that second, as in a real org.
   */
  public tick(): number {
    this.current = Math.floor(this.nowMs() / 1000) * 1000;
    return this.current;
  }

  /** The current transaction's time (starts one when there is none yet). */
  public now(): number {
    return this.current ?? this.tick();
  }

  /** The org's time now, to the second, as the API writes it (job and deploy dates outside a record write). */
  public stamp(): string {
    return formatDateTime(Math.floor(this.nowMs() / 1000) * 1000);
  }

  /** The `Date` response header: the org's time, as every HTTP server sends its own. */
  public httpDate(): string {
    return new Date(this.nowMs()).toUTCString();
  }
}

/** A datetime as the REST API writes it: `2027-01-31T09:15:02.000+0000`. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
