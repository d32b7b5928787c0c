/**
 * What a run keeps of its records' outcomes until its end. A pass in one window is kept whole: its events are
 * written at the end and `--json` lists each of its records. A pass over several windows (sync.windowSize) hands each
 * window here once its events are written, and the run keeps only what its end needs — the counts, the failures
 * (errors and conflicts, which the summary table and `--json` list) and the notifications owed — so a backfill of
 * 100,000 referrals does not keep 100,000 outcomes.
 */
import type { NotifyEvent } from '../config/schema.js';
import { OwnerAlerts, type Alert } from './notify.js';
import { emptySummaries, summarize, type RecordOutcome, type SyncResult } from './types.js';

/** A record that needs someone's attention: what `--json` still lists of a pass over several windows. */
const isFailure = (outcome: RecordOutcome): boolean => outcome.outcome === 'error' || outcome.outcome === 'conflict';

/** What the run keeps of a failure whose event is written: all but its changes (the event holds them). */
const settledOutcome = (outcome: RecordOutcome): RecordOutcome => ({ ...outcome, changes: [] });

export type AlertSource = {
  /** The owners' notifications are owed only when sent (not a dry run, notifications on), for these events. */
  events: readonly NotifyEvent[] | undefined;
  priorStates: ReadonlyMap<string, string | null>;
};

export class RunOutcomes {
  public readonly summary: SyncResult['summary'] = emptySummaries();
  /** Every record's outcome counted, in every pass. */
  public processed = 0;
  /** Records that failed, Leads included. */
  public errors = 0;
  /** Records the run changed or failed: what makes it a backfill for the notifications. */
  public touched = 0;
  /** A failure the next run retries by itself: the change feed's position is kept back. */
  public retry = false;
  /** A Lead was among the records. */
  public metLeads = false;
  /** What `--json` lists: every record of a pass in one window, the failures of a pass over several. */
  public readonly records: RecordOutcome[] = [];
  /** Outcomes whose events are still to be written (at the run's end). */
  public readonly unwritten: RecordOutcome[] = [];
  private readonly alerts = new OwnerAlerts();

  public constructor(private readonly source: AlertSource) {}

  /** A pass's outcomes, their events still to be written: kept whole. */
  public add(outcomes: readonly RecordOutcome[]): void {
    this.count(outcomes);
    this.records.push(...outcomes);
    this.unwritten.push(...outcomes);
  }

  /** A window's outcomes, their events written: counted, its notifications noted, only its failures kept. */
  public settle(outcomes: readonly RecordOutcome[]): void {
    this.count(outcomes);
    for (const outcome of outcomes) if (isFailure(outcome)) this.records.push(settledOutcome(outcome));
  }

  public owedAlerts(): Alert[] {
    return this.alerts.list();
  }

  private count(outcomes: readonly RecordOutcome[]): void {
    summarize(outcomes, this.summary);
    this.processed += outcomes.length;
    for (const outcome of outcomes) {
      if (outcome.outcome === 'error') this.errors++;
      if (outcome.outcome !== 'unchanged' && outcome.outcome !== 'skipped') this.touched++;
      this.retry ||= Boolean(outcome.retry);
      this.metLeads ||= outcome.leadId !== undefined || outcome.lead !== undefined;
    }
    if (this.source.events) this.alerts.note(outcomes, this.source.priorStates, this.source.events);
  }
}
