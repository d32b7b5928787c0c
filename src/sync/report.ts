/** How a sync result reads for a person: the summary rows, the most common errors, and a dry run's field diffs. */
import type { Outcome, RecordOutcome, SyncResult } from './types.js';

const OUTCOMES: Outcome[] = ['created', 'updated', 'linked', 'unchanged', 'skipped', 'conflict', 'error'];

export function summaryRows(result: SyncResult): Array<Record<string, string | number>> {
  return (['inbound', 'outbound'] as const).map((direction) => ({
    Direction: direction === 'inbound' ? 'Partner Center → Salesforce' : 'Salesforce → Partner Center',
    ...Object.fromEntries(
      OUTCOMES.map((outcome) => [outcome[0].toUpperCase() + outcome.slice(1), result.summary[direction][outcome]])
    ),
  }));
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
      record.opportunityId ?? '(new Opportunity)',
      record.referralId ? `referral ${record.referralId}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(`${arrow} ${record.outcome}: ${who}${record.message ? ` — ${record.message}` : ''}`);
    for (const change of record.changes)
      lines.push(`    ${change.field}: ${show(change.before)} → ${show(change.after)}`);
  }
  return lines;
}
