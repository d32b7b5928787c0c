/** What the outbound pass reads from Salesforce: the candidate Opportunities and their customer contacts. */
import type { OpportunityRow } from '../../mapping/pairing.js';
import type { Member } from '../../partner-center/referral-types.js';
import { ownValues, type BulkRow } from '../../salesforce/bulk-csv.js';
import { bulkQueryPages, typedRecord } from '../../salesforce/bulk-query.js';
import { OPP } from '../../salesforce/fields.js';
import type { FieldLimits } from '../../salesforce/limits.js';
import { inClauses, queryAll } from '../../salesforce/records.js';
import { opportunitySelect, type SyncContext } from '../context.js';
import { isCoSell } from '../deal-type.js';
import { withOverlap } from '../run-record.js';

export type OutboundSelection = {
  since?: string;
  recordIds?: string[];
  /**
   * Flagged Opportunities this run already made (its inbound pass): all of them are in the read, so at least this
   * many rows come back — known without asking the org how many.
   */
  made?: number;
};

/** An Opportunity flagged to sync as a co-sell: its referral and Microsoft's invitation are the outbound pass's. */
export const isFlaggedCoSell = (row: OpportunityRow): boolean => row[OPP.syncWith] === true && isCoSell(row);

type ContactRoleRow = {
  OpportunityId: string;
  IsPrimary: boolean;
  Contact?: { FirstName?: string; LastName?: string; Email?: string; Phone?: string };
};

/** One window of the candidates; `more`: another window follows. */
export type CandidateWindow = { rows: OpportunityRow[]; more: boolean };

/**
 * The given records if flagged, or the flagged Opportunities changed since the watermark (less the overlap window
 * every incremental pass re-reads) or waiting for a resync, in windows of at most `size` rows. The flag is the rep's
 * consent to share: a record named by id (a change event, `--record-id`) that is not flagged is never read, so never
 * sent. A backfill's read — a query job — is read a window at a time, each results page once the window before is
 * done; a REST read (a few records, an incremental pass) is read whole, then handed on in windows. Each row goes
 * through `trim` as it is read: a row the pass will only count, kept small.
 */
export async function* candidateWindows(
  ctx: SyncContext,
  selection: OutboundSelection,
  size: number,
  trim: (row: OpportunityRow) => OpportunityRow = (row): OpportunityRow => row
): AsyncGenerator<CandidateWindow, void, undefined> {
  const select = opportunitySelect(ctx.rules);
  if (selection.recordIds?.length) {
    const rows: OpportunityRow[] = [];
    for (const clause of inClauses(selection.recordIds)) {
      const soql = `SELECT ${select} FROM Opportunity WHERE ${OPP.syncWith} = true AND Id IN ${clause}`;
      rows.push(...(await queryAll<OpportunityRow>(ctx.connection, soql)));
    }
    yield* inWindows(rows.map(trim), size);
    return;
  }
  const since = withOverlap(selection.since, ctx.config.sync.overlapSeconds * 1000);
  const changed = since ? ` AND (SystemModstamp >= ${since} OR ${OPP.resync} = true)` : '';
  const soql = `SELECT ${select} FROM Opportunity WHERE ${OPP.syncWith} = true${changed}`;
  const made = selection.made ?? 0;
  if (made > ctx.config.sync.bulkThreshold) {
    // Above sync.bulkThreshold, read as the writes went: one Bulk API 2.0 query job (3 requests, and one more per
    // window past the first) instead of REST pages — of 2,000 rows at most, and of 200 for this select, which names
    // two custom long text fields (SOQL and SOSL Reference, "Change the Batch Size in Queries"), so above 600 rows the
    // job is the cheaper: at the default threshold, always. Without ORDER BY, which turns off the job's chunking
    // (Bulk API 2.0 Developer Guide, "Understanding Bulk API 2.0 Query"): each window's rows are put in order here.
    const read = await rowReader(ctx, soql);
    // What a row keeps, copied off the body it was read from (ownValues): the rest is dropped with it.
    const pages = bulkQueryPages(ctx.connection, soql, made, (row) => ownValues(trim(read(row))), size);
    for await (const { page, more } of pages) {
      yield { rows: page.sort((a, b) => String(a.SystemModstamp).localeCompare(String(b.SystemModstamp))), more };
    }
    return;
  }
  const rows = await queryAll<OpportunityRow>(ctx.connection, `${soql} ORDER BY SystemModstamp`);
  yield* inWindows(rows.map(trim), size);
}

function* inWindows(rows: OpportunityRow[], size: number): Generator<CandidateWindow, void, undefined> {
  if (rows.length === 0) return;
  for (let start = 0; start < rows.length; start += size) {
    yield { rows: rows.slice(start, start + size), more: start + size < rows.length };
  }
}

/**
 * Query job rows as the REST read gives them, typed by the describes the run already holds: the Opportunity's, and
 * for each `Relationship.Field` the query selects, the describe of the object the relationship points at.
 */
async function rowReader(ctx: SyncContext, soql: string): Promise<(row: BulkRow) => OpportunityRow> {
  const described = await ctx.schema.describe('Opportunity');
  const parents = new Map<string, FieldLimits>();
  for (const field of described.fields) {
    const object = field.referenceTo?.[0];
    if (field.relationshipName && object && new RegExp(`\\b${field.relationshipName}\\.`).test(soql))
      parents.set(field.relationshipName.toLowerCase(), await ctx.schema.limits(object));
  }
  return typedRecord<OpportunityRow>(ctx.limits, parents);
}

/** The customer team of each Opportunity from its contact roles (primary first), keyed by the row's Id. */
export async function readContacts(ctx: SyncContext, rows: readonly OpportunityRow[]): Promise<Map<string, Member[]>> {
  const byOpp = new Map<string, Member[]>();
  const fields = 'OpportunityId, IsPrimary, Contact.FirstName, Contact.LastName, Contact.Email, Contact.Phone';
  for (const clause of inClauses(rows.map((row) => String(row.Id)))) {
    const soql = `SELECT ${fields} FROM OpportunityContactRole WHERE OpportunityId IN ${clause}`;
    const roles = await queryAll<ContactRoleRow>(ctx.connection, soql);
    for (const role of roles.sort((a, b) => Number(b.IsPrimary) - Number(a.IsPrimary))) {
      if (!role.Contact?.Email) continue;
      // A value the Contact lacks is left out: the swagger's member fields are strings, never null.
      const { FirstName: firstName, LastName: lastName, Email: email, Phone: phoneNumber } = role.Contact;
      const member: Member = {
        ...(firstName ? { firstName } : {}),
        ...(lastName ? { lastName } : {}),
        email,
        ...(phoneNumber ? { phoneNumber } : {}),
      };
      const key = role.OpportunityId.slice(0, 15);
      byOpp.set(key, [...(byOpp.get(key) ?? []), member]);
    }
  }
  // Keyed by the 15-character Id so 15/18-character forms agree.
  return new Map([...rows].map((row) => [String(row.Id), byOpp.get(String(row.Id).slice(0, 15)) ?? []]));
}
