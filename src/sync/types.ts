/** The sync's result types: what `sf pcsync run --json` returns and what the serve receiver reports. */

export type SyncDirection = 'inbound' | 'outbound';
export type SyncTrigger = 'Manual' | 'Schedule' | 'Webhook' | 'Change Event' | 'Reconcile';
/** `linked`: a referral and an Opportunity that already existed were found to belong together (by the Id the
 * referral carries as externalReferenceId) and were joined, not created again. */
export type Outcome = 'created' | 'updated' | 'linked' | 'unchanged' | 'skipped' | 'conflict' | 'error';

export type FieldChange = { field: string; before: unknown; after: unknown };

/** One record's outcome in one direction. */
export type RecordOutcome = {
  direction: SyncDirection;
  outcome: Outcome;
  referralId?: string;
  opportunityId?: string;
  name?: string;
  /** In a pass over several windows (sync.windowSize) only Microsoft's status: the record's event holds the rest. */
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

export type DirectionSummary = Record<Outcome, number>;

export type SyncResult = {
  runId?: string;
  dryRun: boolean;
  trigger: SyncTrigger;
  startedAt: string;
  finishedAt: string;
  status: 'Succeeded' | 'Partially Succeeded' | 'Failed' | 'Interrupted';
  summary: { inbound: DirectionSummary; outbound: DirectionSummary };
  watermarks: { inbound?: string; outbound?: string };
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

export type ProgressEvent = { phase: string; done: number; total?: number };
export type Progress = (event: ProgressEvent) => void;
