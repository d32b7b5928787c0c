/**
 * A run's book in the org, from its lease to its end: its run record opened, the records other runs left Running
 * finished, its events written a window at a time, and its record closed with the run's counts and watermarks.
 */
import { randomUUID } from 'node:crypto';
import type { Connection } from '@jsforce/jsforce-node';
import type { LeaseRecord } from '../salesforce/lease.js';
import { syncMessages as messages } from './messages.js';
import { openReadingUnclosed, unclosedRuns } from './prior-runs.js';
import { closeRun, finishUnclosed, openRun, toWatermark, writeEvents, type UnclosedRun } from './run-record.js';
import type { RunOutcomes } from './run-outcomes.js';
import type { RecordOutcome, SyncResult, SyncTrigger } from './types.js';

export type RunEnd = {
  outcomes: RunOutcomes;
  /** What stopped the run, if anything did. */
  failure: unknown;
  notices: Iterable<string>;
  /** The requests the run made so far, both systems. */
  requests: () => number;
  /** The Leads left awaiting a decision (null: not known). */
  openLeads: number | null;
  /** The change feed position the run completes: kept only if it leaves nothing to retry. */
  replayId?: number;
  /** Throws when the run no longer holds the sync lease. */
  checkpoint: () => void;
};

export class RunBook {
  private eventsWritten = 0;
  /** The sweep of other runs' records, while it has not gone through. */
  private unswept?: () => Promise<unknown>;

  private constructor(
    private readonly connection: Connection,
    public readonly key: string,
    public readonly id: string,
    private readonly bulkThreshold: number
  ) {}

  /**
   * Opens the run's record, then finishes every other one still Running. Only the holder of the sync lease opens
   * one, and every run holds the lease from before it opens its record until after it closes it, so none of those
   * runs is still going: its process stopped (the lease it held went stale: `stale`, taken over now), or its close
   * never reached the org (a run whose close failed says so as it ends).
   */
  public static async open(
    connection: Connection,
    run: {
      trigger: SyncTrigger;
      startedAt: string;
      bulkThreshold: number;
      stale?: LeaseRecord;
      /** The records found still Running once the lease was held (priorRuns); read here when not given. */
      unclosed?: readonly UnclosedRun[];
    }
  ): Promise<RunBook> {
    const key = randomUUID();
    // Read with the watermarks, or else in the request that opens the run's record.
    const { id, unclosed } = run.unclosed
      ? { id: await openRun(connection, key, run.trigger, run.startedAt), unclosed: run.unclosed }
      : await openReadingUnclosed(connection, key, run.trigger, run.startedAt);
    const book = new RunBook(connection, key, id, run.bulkThreshold);
    // The runs the stale lease's holder started died with it; any older one ended without its close.
    const { stale } = run;
    const staleSince = seconds(stale?.acquiredAt);
    const why = (startedAt: string | null): string =>
      stale && !(seconds(startedAt) < staleSince)
        ? messages.getMessage('run.interrupted', [stale.holder, key])
        : messages.getMessage('run.unclosed', [key]);
    const sweep = async (found?: readonly UnclosedRun[]): Promise<unknown> =>
      finishUnclosed(connection, id, found ?? (await unclosedRuns(connection)), why);
    // Never a reason to stop this run: tried again (read afresh) as it closes, and by the next run after that.
    book.unswept = await sweep(unclosed).then(
      () => undefined,
      () => () => sweep()
    );
    return book;
  }

  /** A window's events, numbered on from the last window's. */
  public async writeEvents(outcomes: readonly RecordOutcome[], at: string): Promise<void> {
    this.eventsWritten += await writeEvents(this.connection, this, outcomes, at, {
      bulkThreshold: this.bulkThreshold,
      first: this.eventsWritten,
    });
  }

  /**
   * Writes the events still owed and closes the record. Answers the run's failure (the events' own, if they could
   * not be written and nothing failed before); a close that does not reach the org, retries and all, throws.
   */
  public async close(result: SyncResult, end: RunEnd): Promise<unknown> {
    let { failure } = end;
    const { outcomes } = end;
    const reason = failure instanceof Error ? failure.message : 'sync failed';
    const message = [
      failure ? reason : messages.getMessage('run.summary', [outcomes.processed, outcomes.errors]),
      ...end.notices,
    ].join(' ');
    await this.writeEvents(outcomes.unwritten, result.finishedAt).catch((error: Error) => {
      result.status = result.status === 'Failed' ? 'Failed' : 'Partially Succeeded';
      failure ??= error;
    });
    // Past this position only once every record of it is sent: a failure, or a record left to retry, keeps it back.
    const complete = !failure && result.status !== 'Failed' && !outcomes.retry;
    const replayId = complete ? end.replayId : undefined;
    // Only while the lease is still held: once taken over, a record still Running may be the new holder's.
    if (this.unswept)
      await Promise.resolve()
        .then(end.checkpoint)
        .then(this.unswept)
        .catch(() => undefined);
    try {
      // The run's own closing write is counted with the rest.
      await closeRun(this.connection, this.key, result, end.requests() + 1, message, {
        openLeads: end.openLeads,
        replayId,
      });
    } catch (error) {
      // In words only: a TypeError given as the cause would make the exit code 10 (the CLI's own failure).
      throw messages.createError('error.runNotClosed', [this.id, describe(error), message]);
    }
    return failure;
  }
}

/** An error and what caused it, in words (`fetch failed: other side closed`). */
const describe = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
};

/** A date-time from the org, in whole seconds since the epoch (NaN when there is none). */
const seconds = (value: string | null | undefined): number => Date.parse(toWatermark(value) ?? '') / 1000;
