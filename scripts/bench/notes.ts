/** What the bench's Markdown states beside its table: the machine and settings, and how each figure is taken. */
import os from 'node:os';
import type { Minimum } from './economy.js';
import { ms } from './rows.js';

export type Setting = {
  quick: boolean;
  latencyMs: number;
  bulkThreshold: number;
  pollSeconds: number;
  cpu: number | undefined;
  sfVersion: string;
  /** 1-, 5- and 15-minute load averages at the start and the end: the machine may be shared. */
  load: { start: number[]; end: number[] };
};

const join = (...parts: string[]): string => parts.join(' ');
const loads = (values: number[]): string => values.map((n) => n.toFixed(2)).join(' / ');

export function settingLines(s: Setting): string[] {
  const cpus = os.cpus();
  const machine = `${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GB`;
  const pinned = s.cpu === undefined ? 'unpinned' : `pinned to CPU ${s.cpu} (taskset)`;
  return [
    `Machine: ${machine}, ${os.type()} ${os.release()}; Node ${process.version}; @salesforce/cli ${s.sfVersion}.`,
    `Load average (1, 5, 15 min): ${loads(s.load.start)} at the start, ${loads(s.load.end)} at the end.`,
    join(
      `Settings: ${s.quick ? 'quick (small sizes: a check of the harness, not a measurement)' : 'full'};`,
      `${s.latencyMs} ms injected per API request on both emulators (--latency-ms);`,
      `sync.bulkThreshold ${s.bulkThreshold}; outbound poll every ${s.pollSeconds} s (none in the Change Data Capture`,
      'row);',
      `serve ${pinned} for the inbound and receiver rows.`
    ),
    join(
      'Processes: `npm run emulate:salesforce -- --load-metadata` and `npm run emulate:partner-center`, each in its',
      'own process; `sf pcsync run` and `sf pcsync serve` from node_modules/.bin/sf with this plugin linked under a',
      'throwaway HOME (scripts/cli-env.ts).'
    ),
  ];
}

export function noteLines(
  latencyMs: number,
  minimum: Minimum,
  sequentialTrips: number,
  cliStartMs: number,
  quietMs: number
): string[] {
  const parts = Object.entries(minimum.partnerCenter.parts)
    .concat(Object.entries(minimum.salesforce.parts))
    .map(([part, n]) => `${part} ${n}`)
    .join('; ');
  return [
    join(
      "Latencies run from the change (the emulator admin call that makes it, or the answer to the rep's save) to its",
      "arrival, both on the machine's clock: inbound, the end of the Salesforce write after which the Opportunity",
      "shows the new stage (request log: start + duration); outbound, Partner Center's answer to the referral's create."
    ),
    join(
      'Inbound floor: the round trips a change needs — the webhook delivery (no injected latency: the emulator',
      `delays API calls only), one referral read and one Salesforce write, ${latencyMs} ms each.`,
      'Outbound (poll) floor: half the poll interval (a save lands at a random moment of the cycle)',
      "plus the poll's query and the create."
    ),
    join(
      'Change Data Capture: serve subscribed to /data/OpportunityChangeEvent, with --poll-interval 0 (the',
      'other rows run serve with --no-change-events). Deals exist unflagged before it subscribes; per deal the rep',
      "flags it (a referral create), then edits Description, mapped to the referral's notes (a referral update), each",
      "save after serve logged the pass of the one before; a warm-up deal (serve's first sign-in) is not timed, nor",
      'a closing edit of it, after whose pass every write-back before was judged an echo or not (events keep order).',
      "Timed from the Salesforce emulator's answer to the save (request log: start + duration) to Partner Center's",
      `answer to the create or update. Floor: 3 round trips × ${latencyMs} ms (the event's delivery, one Salesforce`,
      `read, one Partner Center write) + serve's quiet window of ${ms(quietMs)} after an event`,
      '(CHANGE_FEED_QUIET_MS, src/webhook/change-listener.ts). The emulator delays a request as it arrives,',
      `so an event answering a long poll already waiting pays none of its ${latencyMs} ms: the floor counts it anyway.`
    ),
    join(
      `Backfill minimum, per side, from the input sizes: ${parts}.`,
      'A write above sync.bulkThreshold rows is one Bulk API 2.0 job of 5 requests (create, upload, UploadComplete,',
      'one status poll, successful results); below, ceil(rows/200) sObject Collections requests.',
      'One describe of the objects written (field-level security and missing fields are known before writing), and',
      'the outbound read of every Opportunity written: the outbound pass cannot tell a mid-run edit from its own',
      'write without reading the row (SOQL cannot compare two fields), at the fewer of ceil(rows/2000) REST pages and',
      'one Bulk API 2.0 query job (create, one status poll, one results page).',
      'Sign-in requests are counted on neither side.'
    ),
    join(
      `Latency floor of the backfill: ${sequentialTrips} round trips that must follow one another (lease and run`,
      'record, each list page and the re-read, the writes in dependency order: Accounts; Contacts and Opportunities;',
      "contact roles and events — a bulk job's 5 in sequence — then the outbound read of what they wrote, then",
      'closing the run record and the lease)',
      `× ${latencyMs} ms. The wall time is the sf process's, start-up included`,
      `(${ms(cliStartMs)} for \`sf pcsync config show\`).`
    ),
    join(
      "Request_Count__c: the run's own count of its requests; the emulators' data requests (sign-in aside) up to and",
      'including the write that closes the run record must equal it. What comes after the close (the lease release)',
      'is not in it.'
    ),
    join(
      'Naive baseline: per referral, GET the referral, query its Opportunity, upsert it by Referral_Identifier__c —',
      'sequential plain HTTP from the bench, counted by the emulators, extrapolated linearly.'
    ),
    join(
      "Receiver: Partner Center's own signed referral-updated deliveries, captured once and replayed round robin to",
      'serve over 8 connections; the first of each is new work, the rest are verified in full and dropped as',
      "duplicates; every tenth is a tampered copy serve must refuse. Per CPU-second: deliveries ÷ serve's user +",
      'system time (/proc/PID/stat) over the replay.'
    ),
    join(
      'Peak RSS: the sf process tree only (the emulators run in other processes), the largest of Σ VmRSS sampled',
      'every 50 ms from /proc and each process\'s VmHWM. "The sf CLI alone" is `sf pcsync config show --json`,',
      "which loads the plugin and syncs nothing. The 100,000 run has the org's duplicate rules off: the emulator",
      'looks each new Account up by match keys (duplicate-index.ts), yet its cost per row still grows as Accounts',
      "accrue, and the sync's memory does not depend on it. Each referral has a customer of its own.",
      'The inbound pass works in windows of sync.windowSize referrals (10,000), so its memory is bounded by one window.'
    ),
  ];
}
