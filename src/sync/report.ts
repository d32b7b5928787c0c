/** How a sync result reads for a person: the summary rows, the most common errors, and a dry run's field diffs. */
import { LEAD_ACTIONS, type Outcome, type RecordOutcome, type SyncResult } from './types.js';

const OUTCOMES: Outcome[] = ['created', 'updated', 'linked', 'unchanged', 'skipped', 'conflict', 'error'];
const title = (word: string): string => word[0].toUpperCase() + word.slice(1);

/**
 * One row per direction, then — when the run touched a Lead — the Leads' row, whose columns are what can happen
 * to a Lead (a Lead that failed is counted under Error, like any record).
 */
export function summaryRows(result: SyncResult): Array<Record<string, string | number>> {
  const rows: Array<Record<string, string | number>> = (['inbound', 'outbound'] as const).map((direction) => ({
    Direction: direction === 'inbound' ? 'Partner Center → Salesforce' : 'Salesforce → Partner Center',
    ...Object.fromEntries(OUTCOMES.map((outcome) => [title(outcome), result.summary[direction][outcome]])),
  }));
  const { leads } = result.summary;
  if (LEAD_ACTIONS.every((action) => leads[action] === 0)) return rows;
  const leadColumn = (action: string): string => (action === 'failed' ? 'Error' : title(action));
  const extra = Object.fromEntries(
    LEAD_ACTIONS.map(leadColumn)
      .filter((column) => !(column in rows[0]))
      .map((column) => [column, ''])
  );
  return [
    ...rows.map((row) => ({ ...row, ...extra })),
    {
      Direction: 'Leads',
      ...Object.fromEntries(OUTCOMES.map((outcome) => [title(outcome), ''])),
      ...Object.fromEntries(LEAD_ACTIONS.map((action) => [leadColumn(action), leads[action]])),
    },
  ];
}

/** The most frequent error messages, with how many records each hit. */
export function topErrors(
  records: readonly RecordOutcome[],
  limit = 5
): Array<{ message: string; count: number; example?: string }> {
  const byMessage = new Map<string, { count: number; example?: string }>();
  for (const record of records) {
    if (record.outcome !== 'error' && record.outcome !== 'conflict') continue;
    const message = record.message ?? record.outcome;
    const entry = byMessage.get(message) ?? { count: 0, example: record.opportunityId ?? record.referralId };
    entry.count++;
    byMessage.set(message, entry);
  }
  return [...byMessage.entries()]
    .sort((a, b) => b[1].count - a[1].count)
    .slice(0, limit)
    .map(([message, entry]) => ({ message, count: entry.count, ...(entry.example ? { example: entry.example } : {}) }));
}

const show = (value: unknown): string =>
  value === null || value === undefined || value === '' ? '(blank)' : JSON.stringify(value);

/** One block per planned change: the record, then `field: before → after` lines. */
export function planLines(records: readonly RecordOutcome[]): string[] {
  const lines: string[] = [];
  for (const record of records) {
    if (record.outcome === 'unchanged') continue;
    const arrow = record.direction === 'inbound' ? 'PC → SF' : 'SF → PC';
    const who = [
      record.name,
      record.lead ? (record.leadId ?? '(new Lead)') : undefined,
      record.opportunityId ?? (record.lead && record.lead !== 'converted' ? undefined : '(new Opportunity)'),
      record.referralId ? `referral ${record.referralId}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    const what = record.lead ? `Lead ${record.lead}` : record.outcome;
    lines.push(`${arrow} ${what}: ${who}${record.message ? ` — ${record.message}` : ''}`);
    for (const change of record.changes)
      lines.push(`    ${change.field}: ${show(change.before)} → ${show(change.after)}`);
  }
  return lines;
}
