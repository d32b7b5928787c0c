/** The sync's result types: what `sf pcsync run --json` returns and what the serve receiver reports. */

export type SyncDirection = 'inbound' | 'outbound';
export type SyncTrigger = 'Manual' | 'Schedule' | 'Webhook' | 'Change Event' | 'Reconcile';
/** `linked`: a referral and an Opportunity that already existed were found to belong together (by the Id the
 * referral carries as externalReferenceId) and were joined, not created again. */
export type Outcome = 'created' | 'updated' | 'linked' | 'unchanged' | 'skipped' | 'conflict' | 'error';

/**
 * What a run did to a Lead (a lead referral before it is a deal): the summary's Lead row, the run record's Lead
 * counts and the Action of the Lead's events all name these.
 */
export const LEAD_ACTIONS = ['created', 'updated', 'converted', 'closed', 'failed'] as const;
export type LeadAction = (typeof LEAD_ACTIONS)[number];

export type FieldChange = { field: string; before: unknown; after: unknown };

/** One record's outcome in one direction. */
export type RecordOutcome = {
  direction: SyncDirection;
  outcome: Outcome;
  referralId?: string;
  opportunityId?: string;
  /** The Lead of a lead referral (and `lead`, what was done to it); a converted one also has `opportunityId`. */
  leadId?: string;
  lead?: LeadAction;
  name?: string;
  /** None for a failure of a pass over several windows (sync.windowSize): the record's event holds them. */
  changes: FieldChange[];
  message?: string;
  httpStatus?: number;
  correlationId?: string;
  /** Adjustments made to fit the target (a text cut to its field's length), for the Audit line and the event. */
  notes?: string[];
  /** The failure may pass by itself (no answer, the service busy): the next run retries it. */
  retry?: boolean;
  /** The record already says so (the same error as before): nothing written, no new event. */
  repeated?: boolean;
};

/**
 * Takes a pass's window of outcomes as it is done (its events written, the run's tally noted) when the pass runs over
 * several windows (sync.windowSize): the pass keeps none of them.
 */
export type SettleWindow = (outcomes: RecordOutcome[]) => Promise<void>;

export type DirectionSummary = Record<Outcome, number>;
export type LeadSummary = Record<LeadAction, number>;

export type SyncResult = {
  runId?: string;
  dryRun: boolean;
  trigger: SyncTrigger;
  startedAt: string;
  finishedAt: string;
  status: 'Succeeded' | 'Partially Succeeded' | 'Failed' | 'Interrupted';
  /** A Lead's outcome counts in `leads` only, not in its direction's row. */
  summary: { inbound: DirectionSummary; outbound: DirectionSummary; leads: LeadSummary };
  watermarks: { inbound?: string; outbound?: string };
  /**
   * Each record's outcome; of a pass over several windows (sync.windowSize) only the failures (errors and conflicts):
   * the summary counts every record, and each record's event holds what was done to it.
   */
  records: RecordOutcome[];
  /** What the run had to work around, in words (also in the run record's message). */
  notices?: string[];
};

export const emptySummary = (): DirectionSummary => ({
  created: 0,
  updated: 0,
  linked: 0,
  unchanged: 0,
  skipped: 0,
  conflict: 0,
  error: 0,
});

export const emptyLeadSummary = (): LeadSummary =>
  Object.fromEntries(LEAD_ACTIONS.map((action) => [action, 0])) as LeadSummary;

/** A summary with nothing counted yet. */
export const emptySummaries = (): SyncResult['summary'] => ({
  inbound: emptySummary(),
  outbound: emptySummary(),
  leads: emptyLeadSummary(),
});

/** Counts each outcome once: a Lead's in the Lead row, any other in its direction's (added to `summary`, if given). */
export function summarize(
  outcomes: readonly RecordOutcome[],
  summary: SyncResult['summary'] = emptySummaries()
): SyncResult['summary'] {
  for (const outcome of outcomes) {
    if (outcome.lead) summary.leads[outcome.lead]++;
    else summary[outcome.direction][outcome.outcome]++;
  }
  return summary;
}

/** How many records failed, Leads included. */
export const failures = (summary: SyncResult['summary']): number =>
  summary.inbound.error + summary.outbound.error + summary.leads.failed;

export type ProgressEvent = { phase: string; done: number; total?: number };
export type Progress = (event: ProgressEvent) => void;
