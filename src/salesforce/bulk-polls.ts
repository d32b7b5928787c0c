/**
 * When to look at a Bulk API 2.0 job's state (ingest or query): each look is a request, so as few as the job's end
 * allows — ideally one, once its rows should have been processed.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { retrying } from './results.js';

/** What a job's state answer carries that the polls use (Bulk API 2.0 Developer Guide, "Get Job Info"). */
export type JobInfo = {
  state: string;
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
  /** Milliseconds the org spent processing the job, not counting its wait in the queue (ingest jobs). */
  apiActiveProcessingTime?: number;
  errorMessage?: string;
};

/**
 * Polling: a first look after a pause, then a pause as long as the rest should take at the rate the job has shown,
 * with a margin so the next look is the last; with no progress shown yet, twice the pause before. A poll that comes
 * too early is a request spent for nothing, so the first pause of a job is as long as its rows took the org in the
 * jobs before it (the same org, the same connection): after the first job, most take one poll.
 *
 * Which rate: a job waits in the org's queue between UploadComplete and InProgress, and is processed in batches of
 * 10,000 rows (Bulk API 2.0 Developer Guide, "How Requests Are Processed" and "Understanding Bulk API 2.0 Ingest"), so
 * the rows processed over the time since UploadComplete understate the rate by that unknown queue time: one look that
 * sees a little progress just after a long queue would put the next minutes past the end. The rate is trusted only
 * between two looks that both saw the job processing (rows at the first, more at the second). Until then a pause is
 * no longer than the time since UploadComplete (twice that while no row is processed yet, the doubling above), so the
 * end is seen within twice the job's own duration after it; the look after a first sign of progress measures the rate.
 */
const FIRST_PAUSE = 1000;
/**
 * At most 5 minutes between looks: Salesforce gives each batch of a job 5 minutes before it retries it (Bulk API 2.0
 * Developer Guide, "Understanding Bulk API 2.0 Ingest"), so a longer job shows its progress at least that often.
 */
const PAUSE_BOUNDS = [250, 300_000] as const;
/** How much longer than the estimate to wait: an early look costs a request, a late one only the overshoot. */
const MARGIN = 1.3;
/**
 * The margin on a rate two looks measured: the rest of a job may go slower than it did so far, as the org fills
 * (duplicate rules match each row against more stored rows), and two looks cannot tell by how much. In the emulator a
 * first job of 9,867 Accounts, looked at 1.1 s and 2.4 s after UploadComplete, was still running at 9.2 s, where its
 * rate then with the plain margin put the end: a fourth look.
 */
const MEASURED_MARGIN = 1.6;
const POLL_TIMEOUT = 30 * 60_000;
/**
 * Milliseconds a row took the org, as its earlier jobs of the kind showed (waitForEnd says how it is learned). Per
 * kind: a query job reads rows far faster than an ingest job writes them. Per object, and for the connection whatever
 * the object (key ''): a job of an object seen before goes at that object's pace, the first of an object at the
 * connection's.
 */
const paceOf = {
  ingest: new WeakMap<Connection, Map<string, number>>(),
  query: new WeakMap<Connection, Map<string, number>>(),
};

/** What a look at the job saw: the milliseconds since UploadComplete and the rows processed by then. */
type Look = { elapsed: number; processed: number };

function nextPause(previous: number, looks: readonly Look[], rows: number): number {
  const last = looks[looks.length - 1];
  const before = looks.length > 1 ? looks[looks.length - 2] : undefined;
  const bounded = (ms: number): number => Math.min(PAUSE_BOUNDS[1], Math.max(PAUSE_BOUNDS[0], ms));
  if (before && before.processed > 0 && last.processed > before.processed) {
    const rate = (last.processed - before.processed) / Math.max(last.elapsed - before.elapsed, 1);
    return bounded(((rows - last.processed) / rate + 250) * MEASURED_MARGIN);
  }
  // Processed over the time since UploadComplete, queue time included: the rate is at least this, maybe far more.
  const lowest = last.processed / Math.max(last.elapsed, 1);
  const [estimate, longest] =
    lowest > 0 ? [(rows - last.processed) / lowest + 250, last.elapsed] : [previous * 2, 2 * last.elapsed];
  return bounded(Math.min(estimate * MARGIN, longest));
}

/**
 * The first look, by the pace of the jobs before, comes within 30 s all the same: a job of another object may go much
 * faster than theirs (no duplicate matching), and a slower one is timed by the rate that look shows.
 */
const FIRST_LOOK_BOUND = 30_000;
const firstPause = (pace: number | undefined, rows: number): number =>
  pace === undefined ? FIRST_PAUSE : Math.min(FIRST_LOOK_BOUND, Math.max(PAUSE_BOUNDS[0], pace * rows * MARGIN));
const TERMINAL = new Set(['JobComplete', 'Failed', 'Aborted']);

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Polls until the job ends; undefined when its state cannot be read (a read that keeps failing) or in time. The time
 * the end took is remembered as the pace: the time the org says it spent processing the job if it says so
 * ("apiActiveProcessingTime", without the job's wait in the queue; Bulk API 2.0 Developer Guide, "Get Information
 * About an Ingest Job"), so a look that came late does not make every later job's first look as late; else the time
 * until the end was seen. The connection's pace is learned only from jobs it timed, and never goes above what it was
 * when the first poll already found the job ended (the job may have ended well before; the pace only comes down then)
 * — nor down to that job's processing time: jobs of other objects take the org far less or far more per row (in a
 * 10,000-referral backfill in the emulator, the first job's Accounts 1 ms, with duplicate rules; the later jobs 0.03
 * to 0.27 ms), and a look at the faster pace would come before a slower job ended.
 */
export async function waitForEnd<Info extends JobInfo>(
  connection: Connection,
  check: () => Promise<Info>,
  rows: number,
  kind: keyof typeof paceOf = 'ingest',
  object = ''
): Promise<Info | undefined> {
  const closedAt = Date.now();
  const paces = paceOf[kind].get(connection) ?? new Map<string, number>();
  paceOf[kind].set(connection, paces);
  const own = object === '' ? undefined : paces.get(object);
  const pace = own ?? paces.get('');
  let wait = firstPause(pace, rows);
  const looks: Look[] = [];
  for (let polls = 1; Date.now() - closedAt < POLL_TIMEOUT; polls++) {
    await pause(wait);
    let info: Info;
    try {
      info = await retrying(check);
    } catch {
      return undefined;
    }
    if (TERMINAL.has(info.state)) {
      const seen = (Date.now() - closedAt) / Math.max(rows, 1);
      const active = (info.apiActiveProcessingTime ?? 0) / Math.max(rows, 1);
      const took = active > 0 ? Math.min(active, seen) : seen;
      const learned = polls === 1 && pace !== undefined ? Math.min(pace, seen) : took;
      if (own === undefined) paces.set('', learned);
      if (object !== '') paces.set(object, active > 0 ? took : learned);
      return info;
    }
    if (info.state === 'Open') return info; // UploadComplete never arrived: the job makes nothing
    looks.push({ elapsed: Date.now() - closedAt, processed: info.numberRecordsProcessed ?? 0 });
    wait = nextPause(wait, looks, rows);
  }
  return undefined;
}
