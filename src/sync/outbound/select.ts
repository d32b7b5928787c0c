/** What the outbound pass reads from Salesforce: the candidate Opportunities and their customer contacts. */
import type { OpportunityRow } from '../../mapping/pairing.js';
import type { Member } from '../../partner-center/referral-types.js';
import { OPP } from '../../salesforce/fields.js';
import { inClauses, queryAll } from '../../salesforce/records.js';
import { opportunitySelect, type SyncContext } from '../context.js';
import { isCoSell } from '../deal-type.js';
import { withOverlap } from '../run-record.js';

export type OutboundSelection = { since?: string; recordIds?: string[] };

/** An Opportunity flagged to sync as a co-sell: its referral and Microsoft's invitation are the outbound pass's. */
export const isFlaggedCoSell = (row: OpportunityRow): boolean => row[OPP.syncWith] === true && isCoSell(row);

type ContactRoleRow = {
  OpportunityId: string;
  IsPrimary: boolean;
  Contact?: { FirstName?: string; LastName?: string; Email?: string; Phone?: string };
};

/**
 * The given records if flagged, or the flagged Opportunities changed since the watermark (less the overlap window
 * every incremental pass re-reads) or waiting for a resync. The flag is the rep's consent to share: a record named by
 * id (a change event, `--record-id`) that is not flagged is never read, so never sent.
 */
export async function readCandidates(ctx: SyncContext, selection: OutboundSelection): Promise<OpportunityRow[]> {
  const select = opportunitySelect(ctx.rules);
  if (selection.recordIds?.length) {
    const rows: OpportunityRow[] = [];
    for (const clause of inClauses(selection.recordIds)) {
      const soql = `SELECT ${select} FROM Opportunity WHERE ${OPP.syncWith} = true AND Id IN ${clause}`;
      rows.push(...(await queryAll<OpportunityRow>(ctx.connection, soql)));
    }
    return rows;
  }
  const since = withOverlap(selection.since, ctx.config.sync.overlapSeconds * 1000);
  const changed = since ? ` AND (SystemModstamp >= ${since} OR ${OPP.resync} = true)` : '';
  return queryAll<OpportunityRow>(
    ctx.connection,
    `SELECT ${select} FROM Opportunity WHERE ${OPP.syncWith} = true${changed} ORDER BY SystemModstamp`
  );
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
