/** A record's own trail: the line at the top of its Audit field for each sync that touched it. */
import type { RecordOutcome } from './types.js';

/** The Audit field with a new line on top, cut to `max` characters at a line boundary. */
export function prependAudit(current: string | null | undefined, line: string, max: number): string {
  const text = current ? `${line}\n${current}` : line;
  if (text.length <= max) return text;
  const cut = text.lastIndexOf('\n', max);
  return cut > 0 ? text.slice(0, cut) : text.slice(0, max);
}

export function auditLine(at: string, outcome: RecordOutcome): string {
  const arrow = outcome.direction === 'inbound' ? 'Partner Center → Salesforce' : 'Salesforce → Partner Center';
  const words = [outcome.message, ...(outcome.notes ?? [])].filter(Boolean).join(' ');
  return `${at} ${arrow}: ${outcome.outcome}${words ? ` — ${words}` : ''}`;
}
