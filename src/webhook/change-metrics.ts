/**
 * The change event subscription's counters for `/metrics` (Prometheus text, version 0.0.4), beside the webhook's:
 * events received, ignored as pcsync's own writes, and the lag from a save's `commitTimestamp` to the end of the
 * outbound pass that sent it to Partner Center.
 */
import { LAG_BUCKETS_SECONDS } from './metrics.js';

export class ChangeEventMetrics {
  public received = 0;
  public echoes = 0;
  private readonly lagBuckets: number[] = LAG_BUCKETS_SECONDS.map(() => 0);
  private lagCount = 0;
  private lagSum = 0;

  public observe(outcome: 'relevant' | 'echo' | 'ignored'): void {
    this.received++;
    if (outcome === 'echo') this.echoes++;
  }

  /** From the oldest save of a batch (the org's commit time) to the end of its pass. */
  public observeLag(seconds: number): void {
    const value = Math.max(0, seconds);
    this.lagCount++;
    this.lagSum += value;
    LAG_BUCKETS_SECONDS.forEach((bound, i) => {
      if (value <= bound) this.lagBuckets[i]++;
    });
  }

  public render(): string {
    const lag = 'pcsync_change_events_lag_seconds';
    return [
      '# HELP pcsync_change_events_received_total Opportunity change events received (Change Data Capture).',
      '# TYPE pcsync_change_events_received_total counter',
      `pcsync_change_events_received_total ${this.received}`,
      '# HELP pcsync_change_events_echoes_total Change events of pcsync’s own writes, ignored.',
      '# TYPE pcsync_change_events_echoes_total counter',
      `pcsync_change_events_echoes_total ${this.echoes}`,
      `# HELP ${lag} From an Opportunity save (commitTimestamp) to the end of its outbound pass.`,
      `# TYPE ${lag} histogram`,
      ...LAG_BUCKETS_SECONDS.map((bound, i) => `${lag}_bucket{le="${bound}"} ${this.lagBuckets[i]}`),
      `${lag}_bucket{le="+Inf"} ${this.lagCount}`,
      `${lag}_sum ${this.lagSum}`,
      `${lag}_count ${this.lagCount}`,
      '',
    ].join('\n');
  }
}
