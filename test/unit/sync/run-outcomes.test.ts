/**
 * What a run keeps of its outcomes: a pass in one window whole; a pass over several windows only its counts, its
 * failures (without their changes) and the notifications it owes, noted against the states its window read.
 */
import { expect } from 'chai';
import { OPP } from '../../../src/salesforce/fields.js';
import { RunOutcomes } from '../../../src/sync/run-outcomes.js';
import type { RecordOutcome } from '../../../src/sync/types.js';

const ALL = ['error', 'conflict', 'accepted', 'declined'] as const;
const outcome = (n: number, fields: Partial<RecordOutcome>): RecordOutcome => ({
  direction: 'inbound',
  outcome: 'created',
  referralId: `r${n}`,
  opportunityId: `006${String(n).padStart(12, '0')}AAA`,
  changes: [{ field: 'Name', before: null, after: `Deal ${n}` }],
  ...fields,
});

/** A window of `size` outcomes from `first` on: every tenth an error, every 25th a conflict, the rest created. */
const window = (first: number, size: number): RecordOutcome[] =>
  Array.from({ length: size }, (_, i) => {
    const n = first + i;
    if (n % 10 === 0) return outcome(n, { outcome: 'error', message: 'why', retry: n === 20 });
    if (n % 25 === 0) return outcome(n, { outcome: 'conflict' });
    return outcome(n, {});
  });

describe('sync: what a run keeps of its outcomes', () => {
  it('over several windows: every record counted, only the failures kept, without their changes', () => {
    const priorStates = new Map<string, string | null>();
    const kept = new RunOutcomes({ events: ALL, priorStates });
    for (let first = 1; first <= 300; first += 100) kept.settle(window(first, 100));
    const failures = window(1, 300).filter((o) => o.outcome !== 'created');
    expect(kept.summary.inbound).to.include({ created: 300 - failures.length, error: 30, conflict: 6 });
    expect([kept.processed, kept.errors, kept.touched, kept.retry]).to.deep.equal([300, 30, 300, true]);
    expect(kept.records).to.deep.equal(failures.map((o) => ({ ...o, changes: [] })));
    expect(kept.unwritten).to.deep.equal([]);
  });

  it("notes each window's notifications against the states that window read", () => {
    const priorStates = new Map<string, string | null>();
    const kept = new RunOutcomes({ events: ALL, priorStates });
    // Deal 10 was in Error before the run: its error says nothing new. Deal 20 was not.
    priorStates.set('006000000000010', 'Error');
    priorStates.set('006000000000020', 'Synced');
    kept.settle(window(1, 20));
    priorStates.clear(); // the next window reads its own
    priorStates.set('006000000000030', 'Error');
    const answered = outcome(31, {
      outcome: 'updated',
      changes: [{ field: OPP.microsoftStatus, before: 'New/Pending', after: 'Active/Accepted' }],
    });
    kept.settle([...window(21, 10), answered]);
    expect(kept.owedAlerts().map((alert) => [alert.opportunityId.slice(3, 15), alert.event])).to.deep.equal([
      ['000000000020', 'error'],
      ['000000000025', 'conflict'],
      ['000000000031', 'accepted'],
    ]);
    expect(kept.records.map((o) => o.referralId)).to.deep.equal(['r10', 'r20', 'r25', 'r30']);
  });

  it('one window: kept whole, its events still to write; no notifications owed when none are sent', () => {
    const kept = new RunOutcomes({ events: undefined, priorStates: new Map() });
    const outcomes = window(1, 30);
    kept.add(outcomes);
    kept.add([outcome(31, { direction: 'outbound', outcome: 'updated', lead: 'updated', leadId: '00Q1' })]);
    expect(kept.records).to.have.length(31);
    expect(kept.records.slice(0, 30)).to.deep.equal(outcomes);
    expect(kept.unwritten).to.deep.equal(kept.records);
    expect([kept.summary.leads.updated, kept.summary.outbound.updated, kept.metLeads]).to.deep.equal([1, 0, true]);
    expect(kept.owedAlerts()).to.deep.equal([]);
  });
});
