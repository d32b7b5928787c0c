/**
 * The receiver's counters, rendered in Prometheus text format (version 0.0.4) for `/metrics`.
 */

export const LAG_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600] as const;

/** API request counts from elsewhere (the Partner Center and Salesforce clients), by API name. */
export type ApiRequestCounter = () => Readonly<Record<string, number>>;

export type MetricsSnapshot = {
  received: number;
  rejected: Record<string, number>;
  deduplicated: number;
  coalesced: number;
  ignored: number;
  processed: number;
  failed: number;
  batches: number;
  lag: { count: number; sum: number };
};

const escapeLabel = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class WebhookMetrics {
  public received = 0;
  public deduplicated = 0;
  public coalesced = 0;
  public ignored = 0;
  /** Referral ids handed to `processBatch` that completed. */
  public processed = 0;
  /** Referral ids whose batch failed (the next reconcile pass picks them up). */
  public failed = 0;
  public batches = 0;
  private readonly rejectedByReason = new Map<string, number>();
  private readonly lagBuckets: number[] = LAG_BUCKETS_SECONDS.map(() => 0);
  private lagCount = 0;
  private lagSum = 0;

  public reject(reason: string): void {
    this.rejectedByReason.set(reason, (this.rejectedByReason.get(reason) ?? 0) + 1);
  }

  /** End-to-end lag of one referral: from its (earliest coalesced) `ResourceChangeUtcDate` to the end of its sync. */
  public observeLag(seconds: number): void {
    const value = Math.max(0, seconds);
    this.lagCount++;
    this.lagSum += value;
    LAG_BUCKETS_SECONDS.forEach((bound, i) => {
      if (value <= bound) this.lagBuckets[i]++;
    });
  }

  public snapshot(): MetricsSnapshot {
    return {
      received: this.received,
      rejected: Object.fromEntries(this.rejectedByReason),
      deduplicated: this.deduplicated,
      coalesced: this.coalesced,
      ignored: this.ignored,
      processed: this.processed,
      failed: this.failed,
      batches: this.batches,
      lag: { count: this.lagCount, sum: this.lagSum },
    };
  }

  public render(gauges: { queueDepth: number; inFlight: number }, apiRequests?: ApiRequestCounter): string {
    const lines: string[] = [];
    const metric = (name: string, type: 'counter' | 'gauge' | 'histogram', help: string, samples: string[]): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples);
    };
    metric('pcsync_webhook_events_received_total', 'counter', 'Deliveries received on the webhook path.', [
      `pcsync_webhook_events_received_total ${this.received}`,
    ]);
    metric(
      'pcsync_webhook_events_rejected_total',
      'counter',
      'Deliveries refused, by reason.',
      [...this.rejectedByReason].map(
        ([reason, n]) => `pcsync_webhook_events_rejected_total{reason="${escapeLabel(reason)}"} ${n}`
      )
    );
    metric('pcsync_webhook_events_deduplicated_total', 'counter', 'Verified deliveries already accepted before.', [
      `pcsync_webhook_events_deduplicated_total ${this.deduplicated}`,
    ]);
    metric('pcsync_webhook_events_coalesced_total', 'counter', 'Events folded into a referral already waiting.', [
      `pcsync_webhook_events_coalesced_total ${this.coalesced}`,
    ]);
    metric(
      'pcsync_webhook_events_ignored_total',
      'counter',
      'Verified events acknowledged without a sync (unknown or test events).',
      [`pcsync_webhook_events_ignored_total ${this.ignored}`]
    );
    metric('pcsync_webhook_referrals_processed_total', 'counter', 'Referrals synced from events.', [
      `pcsync_webhook_referrals_processed_total ${this.processed}`,
    ]);
    metric('pcsync_webhook_referrals_failed_total', 'counter', 'Referrals whose event-driven sync failed.', [
      `pcsync_webhook_referrals_failed_total ${this.failed}`,
    ]);
    metric('pcsync_webhook_batches_total', 'counter', 'Batches handed to the sync engine.', [
      `pcsync_webhook_batches_total ${this.batches}`,
    ]);
    metric('pcsync_webhook_queue_depth', 'gauge', 'Referrals waiting for a sync.', [
      `pcsync_webhook_queue_depth ${gauges.queueDepth}`,
    ]);
    metric('pcsync_webhook_in_flight', 'gauge', 'Referrals being synced.', [
      `pcsync_webhook_in_flight ${gauges.inFlight}`,
    ]);
    metric('pcsync_webhook_lag_seconds', 'histogram', 'From the change in Partner Center to the end of its sync.', [
      ...LAG_BUCKETS_SECONDS.map(
        (bound, i) => `pcsync_webhook_lag_seconds_bucket{le="${bound}"} ${this.lagBuckets[i]}`
      ),
      `pcsync_webhook_lag_seconds_bucket{le="+Inf"} ${this.lagCount}`,
      `pcsync_webhook_lag_seconds_sum ${this.lagSum}`,
      `pcsync_webhook_lag_seconds_count ${this.lagCount}`,
    ]);
    if (apiRequests) {
      let counts: Readonly<Record<string, number>> = {};
      try {
        counts = apiRequests();
      } catch {
        counts = {};
      }
      metric(
        'pcsync_api_requests_total',
        'counter',
        'Requests made to Partner Center and Salesforce, by API.',
        Object.entries(counts).map(([api, n]) => `pcsync_api_requests_total{api="${escapeLabel(api)}"} ${n}`)
      );
    }
    return `${lines.join('\n')}\n`;
  }
}
