import { Connection } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { validateConfig } from '../../../src/config/index.js';
import { OPP } from '../../../src/salesforce/fields.js';
import type { SyncContext } from '../../../src/sync/context.js';
import { alertsOf, notifyOwners } from '../../../src/sync/notify.js';
import type { RecordOutcome } from '../../../src/sync/types.js';

const ALL = ['error', 'conflict', 'accepted', 'declined'] as const;
const outcome = (id: string, fields: Partial<RecordOutcome>): RecordOutcome => ({
  direction: 'outbound',
  outcome: 'error',
  opportunityId: id,
  changes: [],
  message: 'why',
  ...fields,
});

describe('sync notifications: which transitions notify', () => {
  it('an Error or Conflict notifies only when the record was not already in it', () => {
    const prior = new Map([
      ['006000000000001', 'Error'],
      ['006000000000002', 'Synced'],
      ['006000000000003', 'Error'],
    ]);
    const alerts = alertsOf(
      [
        outcome('006000000000001AAA', {}),
        outcome('006000000000002AAA', {}),
        outcome('006000000000003AAA', { outcome: 'conflict' }),
        outcome('006000000000004AAA', {}),
        outcome('006000000000005AAA', { repeated: true }),
      ],
      prior,
      ALL
    );
    expect(alerts.map((a) => [a.opportunityId.slice(0, 15), a.event])).to.deep.equal([
      ['006000000000002', 'error'],
      ['006000000000003', 'conflict'],
      ['006000000000004', 'error'],
    ]);
  });

  it("Microsoft's answer notifies when its substatus changes to Accepted or Declined, as configured", () => {
    const answer = (before: string | null, after: string): RecordOutcome =>
      outcome('006000000000009AAA', {
        direction: 'inbound',
        outcome: 'updated',
        changes: [{ field: OPP.microsoftStatus, before, after }],
      });
    expect(alertsOf([answer(null, 'Active/Accepted')], new Map(), ALL).map((a) => a.event)).to.deep.equal(['accepted']);
    expect(alertsOf([answer('Active/Accepted', 'Closed/Declined')], new Map(), ALL).map((a) => a.event)).to.deep.equal([
      'declined',
    ]);
    expect(alertsOf([answer('New/Pending', 'Active/Received')], new Map(), ALL)).to.deep.equal([]);
    expect(alertsOf([answer(null, 'Closed/Declined')], new Map(), ['error'])).to.deep.equal([]);
  });
});

describe('sync notifications: sending', function () {
  this.timeout(30_000);
  let sf: SalesforceEmulator;
  let connection: Connection;
  let opportunityId: string;

  const context = (notices = new Set<string>()): SyncContext =>
    ({
      connection,
      config: validateConfig({}),
      dryRun: false,
      notices,
      priorStates: new Map(),
    }) as unknown as SyncContext;

  const start = async (loadMetadata: boolean): Promise<void> => {
    sf = await startSalesforceEmulator({ port: 0, adminUser: true, loadMetadata });
    connection = new Connection({ instanceUrl: sf.url, accessToken: sf.accessToken, version: '64.0' });
    const created = await connection.sobject('Opportunity').create({
      Name: 'Owned',
      StageName: 'Prospecting',
      CloseDate: '2027-01-31',
    });
    opportunityId = String((created as { id: string }).id);
  };
  afterEach(async () => sf?.close());

  it('sends one notification per transition to the owner, batched in one action call', async () => {
    await start(true);
    const notices = new Set<string>();
    const outcomes = [outcome(opportunityId, {}), outcome(opportunityId, { outcome: 'conflict' })];
    await notifyOwners(context(notices), alertsOf(outcomes, new Map(), ALL), outcomes.length);
    expect(notices).to.deep.equal(new Set());
    expect(sf.notifications().map((n) => [n.recipientId, n.title])).to.deep.equal([
      [sf.userId, 'Partner Center sync failed: Owned'],
      [sf.userId, 'Partner Center sync conflict: Owned'],
    ]);
    const calls = sf.requests().filter((r) => r.path.endsWith('/actions/standard/customNotificationAction'));
    expect(calls).to.have.length(1);
  });

  it('an org without the notification type gets one notice naming the fix, and the sync goes on', async () => {
    await start(false);
    const notices = new Set<string>();
    await notifyOwners(context(notices), alertsOf([outcome(opportunityId, {})], new Map(), ALL), 1);
    expect([...notices]).to.have.length(1);
    expect([...notices][0])
      .to.include('Partner_Center_Sync_Alert')
      .and.include('sf project deploy start');
  });

  it('a refused notification is a notice, never an error', async () => {
    await start(true);
    // The owner leaves the company: a real org refuses an inactive recipient.
    await connection.sobject('User').update({ Id: sf.userId, IsActive: false });
    const notices = new Set<string>();
    await notifyOwners(context(notices), alertsOf([outcome(opportunityId, {})], new Map(), ALL), 1);
    expect([...notices].join(' ')).to.match(/1 of 1 notifications .* could not be sent: INVALID_ID_FIELD/);
    expect(sf.notifications()).to.deep.equal([]);
  });
});
