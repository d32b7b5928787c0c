/**
 * The emulator's own clock: the machine's, shifted by a skew that can be set at start (`--clock-skew-ms`) or at run
 * time. Every time the service states — a referral's createdDateTime/updatedDateTime, a webhook's
 * ResourceChangeUtcDate, a validation result's dateTimeUtc, the HTTP Date header — comes from it, so a client can be
 * tested against a Partner Center whose clock is ahead of or behind its own.
 */
export class Clock {
  public constructor(private skew = 0) {}

  public get skewMs(): number {
    return this.skew;
  }

  public set skewMs(ms: number) {
    if (!Number.isFinite(ms)) throw new RangeError(`clock skew must be a finite number of ms (was ${ms})`);
    this.skew = Math.trunc(ms);
  }

  /** Milliseconds since the epoch on the emulator's clock. */
  public now(): number {
    return Date.now() + this.skew;
  }

  public iso(): string {
    return new Date(this.now()).toISOString();
  }

  /** The value of an HTTP `Date` header (RFC 9110 IMF-fixdate). */
  public httpDate(): string {
    return new Date(this.now()).toUTCString();
  }
}
