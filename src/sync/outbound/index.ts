/**
 * Outbound: Opportunities a rep flagged (Sync with Partner Center) that changed since the watermark, or asked
 * for a resync, go to Partner Center: Partner Center's rules are checked first (no call when they fail); a new one
 * becomes a referral (`create.ts`); an existing one gets a JSON Patch of only what changed, guarded by its eTag
 * (`update.ts`, planned by the pure `plan.ts`); every result is written back in one batch (`write-back.ts`).
 */
import { accountField, MATCH_PATHS } from '../../mapping/customer.js';
import { rowValue, textOf, type OpportunityRow } from '../../mapping/pairing.js';
import { OPP } from '../../salesforce/fields.js';
import type { SyncContext } from '../context.js';
import { rememberStates } from '../notify.js';
import { toWatermark } from '../run-record.js';
import { readinessProblems, type ReadinessInput } from '../readiness.js';
import type { RecordOutcome, SettleWindow } from '../types.js';
import { completeCoSells, needsInvitation } from './co-sell.js';
import { createReferrals } from './create.js';
import { salesforceSideChanged } from './plan.js';
import { candidateWindows, readContacts, type OutboundSelection } from './select.js';
import { updateReferral } from './update.js';
import { refused, writeBack, type Settled } from './write-back.js';

export type { OutboundSelection };

/** The record as the readiness rules read it, through the Account fields the mapping names. */
function readinessInput(ctx: SyncContext, row: OpportunityRow, contactCount: number): ReadinessInput {
  const account = (path: string): string | undefined => {
    const field = accountField(ctx.rules, path);
    return field ? textOf(rowValue(row, `Account.${field}`)) || undefined : undefined;
  };
  return {
    accountName: account(MATCH_PATHS.name),
    billingCountry: account(MATCH_PATHS.country),
    solutionsText: row[OPP.solutions] as string | null,
    helpRequested: Boolean(row[OPP.help]),
    dealType: textOf(row[OPP.dealType]) || null,
    contactCount,
  };
}

/**
 * The pass over the flagged Opportunities to send, a window (sync.windowSize) at a time, as the inbound pass: a pass of
 * one window answers every outcome; past one window, each window's are given to `settle` as it is done (its events
 * written, the run's tally noted), and the pass answers none of them.
 */
export async function outboundPass(
  ctx: SyncContext,
  selection: OutboundSelection,
  settle?: SettleWindow
): Promise<{ outcomes: RecordOutcome[]; watermark?: string }> {
  // The org's clock just before the candidates are read: the next incremental pass starts here.
  const readAt = toWatermark(ctx.traffic.serverNow('salesforce') ?? ctx.now());
  const outcomes: RecordOutcome[] = [];
  let windowed = false;
  let held: string | undefined; // the oldest SystemModstamp of a record whose result could not be written back
  const asRead = new UnchangedAsRead(ctx);
  const windows = candidateWindows(ctx, selection, ctx.config.sync.windowSize, (row) => asRead.trim(row));
  for await (const { rows, more } of windows) {
    windowed ||= more && settle !== undefined;
    const done = await outboundWindow(ctx, rows, asRead);
    for (const stamp of done.unwritten) if (!held || stamp < held) held = stamp;
    if (windowed) await settle?.(done.outcomes);
    else for (const outcome of done.outcomes) outcomes.push(outcome);
  }
  // A record whose result could not be written back is read again next time: hold the watermark before it.
  const watermark = held ? toWatermark(new Date(Date.parse(held.replace(/\+0000$/, 'Z')) - 1000)) : readAt;
  return { outcomes, ...(watermark ? { watermark } : {}) };
}

/**
 * The candidates that need nothing — they hold their referral, need no co-sell invitation, and nothing the sync sends
 * moved since the snapshot both sides agreed on — known as each row is read, and each kept as only what its outcome
 * and notifications read: a backfill's outbound read is mostly the rows its inbound pass just wrote, and a window of
 * them held whole (snapshot, audit trail) is tens of megabytes the pass never uses.
 */
class UnchangedAsRead {
  private readonly rows = new WeakSet<OpportunityRow>();

  public constructor(private readonly ctx: SyncContext) {}

  public trim(row: OpportunityRow): OpportunityRow {
    if (!row[OPP.referralId] || needsInvitation(row) || salesforceSideChanged(this.ctx.rules, row)) return row;
    const kept: OpportunityRow = { Id: row.Id, SystemModstamp: row.SystemModstamp };
    for (const field of [OPP.referralId, OPP.state]) kept[field] = row[field];
    this.rows.add(kept);
    return kept;
  }

  public has(row: OpportunityRow): boolean {
    return this.rows.has(row);
  }
}

/** One window of candidates sent: its outcomes, and the SystemModstamp of each record left to read again. */
async function outboundWindow(
  ctx: SyncContext,
  rows: readonly OpportunityRow[],
  asRead: UnchangedAsRead
): Promise<{ outcomes: RecordOutcome[]; unwritten: string[] }> {
  rememberStates(ctx, rows);
  ctx.progress({ phase: 'outbound: reading Opportunities', done: rows.length, total: rows.length });
  const at = ctx.now().toISOString();
  const settled: Settled[] = [];
  const toCreate: OpportunityRow[] = [];
  const toUpdate: OpportunityRow[] = [];

  const toInvite: OpportunityRow[] = [];
  const contactsByOpp = await readContacts(
    ctx,
    rows.filter((row) => !row[OPP.referralId] || needsInvitation(row))
  );
  const unchanged = (row: OpportunityRow): Settled => ({
    row,
    outcome: {
      direction: 'outbound',
      outcome: 'unchanged',
      opportunityId: row.Id,
      referralId: String(row[OPP.referralId]),
      changes: [],
    },
  });
  for (const row of rows) {
    if (asRead.has(row)) settled.push(unchanged(row));
    else if (!row[OPP.referralId]) {
      const problems = readinessProblems(
        readinessInput(ctx, row, contactsByOpp.get(String(row.Id))?.length ?? 0),
        ctx.rules
      );
      if (problems.length > 0) settled.push(refused(ctx, row, problems.map((p) => p.message).join(' '), at));
      else toCreate.push(row);
    } else if (needsInvitation(row)) toInvite.push(row);
    else toUpdate.push(row); // a row with nothing moved was kept small as it was read (UnchangedAsRead)
  }

  settled.push(...(await createReferrals(ctx, toCreate, contactsByOpp, at)));
  // A co-sell invitation settles its record; one on a referral the partner did not make goes the usual way.
  const invited = await completeCoSells(ctx, toInvite, contactsByOpp, at);
  toInvite.forEach((row, index) => {
    const done = invited[index];
    if (done) settled.push(done);
    else if (salesforceSideChanged(ctx.rules, row)) toUpdate.push(row);
    else settled.push(unchanged(row));
  });
  settled.push(...(await Promise.all(toUpdate.map((row) => updateReferral(ctx, row, at)))));
  ctx.progress({ phase: 'outbound: sent to Partner Center', done: settled.length, total: rows.length });
  ctx.checkpoint();
  await writeBack(ctx, settled);
  const unwritten = settled.filter((entry) => entry.outcome.retry).map((entry) => String(entry.row.SystemModstamp));
  return { outcomes: settled.map((entry) => entry.outcome), unwritten };
}
