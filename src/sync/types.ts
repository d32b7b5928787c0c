/** The sync's result types: what `sf pcsync run --json` returns and what the serve receiver reports. */

export type SyncDirection = 'inbound' | 'outbound';
export type SyncTrigger = 'Manual' | 'Schedule' | 'Webhook' | 'Reconcile';
export type Outcome = 'created' | 'updated' | 'unchanged' | 'skipped' | 'conflict' | 'error';

export type FieldChange = { field: string; before: unknown; after: unknown };

/** One record's outcome in one direction. */
export type RecordOutcome = {
  direction: SyncDirection;
  outcome: Outcome;
  referralId?: string;
  opportunityId?: string;
  name?: string;
  changes: FieldChange[];
  message?: string;
  httpStatus?: number;
  correlationId?: string;
};

export type DirectionSummary = Record<Outcome, number>;

export type SyncResult = {
  runId?: string;
  dryRun: boolean;
  trigger: SyncTrigger;
  startedAt: string;
  finishedAt: string;
  status: 'Succeeded' | 'Partially Succeeded' | 'Failed';
  summary: { inbound: DirectionSummary; outbound: DirectionSummary };
  watermarks: { inbound?: string; outbound?: string };
  records: RecordOutcome[];
};

export const emptySummary = (): DirectionSummary => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  skipped: 0,
  conflict: 0,
  error: 0,
});

export type ProgressEvent = { phase: string; done: number; total?: number };
export type Progress = (event: ProgressEvent) => void;
