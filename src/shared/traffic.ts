/**
 * Every API request pcsync makes, counted per system and endpoint, and each server's clock as its `Date` header
 * last told it. Run records carry the counts (`Request_Count__c`), `serve` exports them on `/metrics`, and
 * watermarks are taken from the servers' clocks, never this machine's.
 */
export type ApiSystem = 'salesforce' | 'partner-center';

export type TrafficSnapshot = Record<ApiSystem, Record<string, number>>;

export class Traffic {
  private readonly counts: Record<ApiSystem, Map<string, number>> = {
    salesforce: new Map(),
    'partner-center': new Map(),
  };
  /** Per system: the server's time at the last response, and this machine's time then. */
  private readonly clocks = new Map<ApiSystem, { server: number; local: number }>();

  public constructor(private readonly localNow: () => number = Date.now) {}

  public record(system: ApiSystem, endpoint: string, dateHeader?: string | null): void {
    const counts = this.counts[system];
    counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1);
    const server = dateHeader ? Date.parse(dateHeader) : Number.NaN;
    if (!Number.isNaN(server)) this.clocks.set(system, { server, local: this.localNow() });
  }

  /** The server's current time, estimated from its last `Date` header (undefined before any response). */
  public serverNow(system: ApiSystem): Date | undefined {
    const clock = this.clocks.get(system);
    return clock ? new Date(clock.server + (this.localNow() - clock.local)) : undefined;
  }

  /** How far the server's clock is ahead of this machine's (ms; HTTP dates have whole seconds). */
  public skewMs(system: ApiSystem): number | undefined {
    const clock = this.clocks.get(system);
    return clock ? clock.server - clock.local : undefined;
  }

  public total(system?: ApiSystem): number {
    const systems: ApiSystem[] = system ? [system] : ['salesforce', 'partner-center'];
    return systems.reduce((sum, name) => sum + [...this.counts[name].values()].reduce((a, b) => a + b, 0), 0);
  }

  public snapshot(): TrafficSnapshot {
    return {
      salesforce: Object.fromEntries(this.counts.salesforce),
      'partner-center': Object.fromEntries(this.counts['partner-center']),
    };
  }

  /** The requests made since `before` (a snapshot taken earlier), per system. */
  public since(before: TrafficSnapshot): TrafficSnapshot {
    const diff = (system: ApiSystem): Record<string, number> =>
      Object.fromEntries(
        [...this.counts[system]]
          .map(([endpoint, n]) => [endpoint, n - (before[system][endpoint] ?? 0)] as const)
          .filter(([, n]) => n > 0)
      );
    return { salesforce: diff('salesforce'), 'partner-center': diff('partner-center') };
  }
}

export const totalOf = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
