/**
 * Both emulators in this process and the real `sf` CLI with this plugin linked, logged in to the Salesforce
 * emulator as `emu`: the world the end-to-end sync tests run in. `census()` counts what both sides hold, so a test
 * asserts on both: referrals per Opportunity (the partner's own and Microsoft's invitations), Opportunities,
 * Accounts, Contacts, contact roles and run records.
 */
import { Connection } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import {
  startPartnerCenterEmulator,
  type PartnerCenterEmulator,
  type PartnerCenterEmulatorOptions,
} from '../../emulators/partner-center/server.js';
import {
  startSalesforceEmulator,
  type SalesforceEmulator,
  type SalesforceEmulatorOptions,
} from '../../emulators/salesforce/index.js';
import { assignPermissionSet as assignOverApi } from '../../scripts/assign-permset.js';
import type { RunResult } from '../../src/commands/pcsync/run.js';
import type { Referral } from '../../src/partner-center/referral-types.js';
import { OPP, RUN } from '../../src/salesforce/fields.js';
import { clientsFor } from '../unit/partner-center/helpers.js';
import { partnerCenterEnv } from './partner-center-env.js';
import { expectNoSecretsIn, TEST_CLIENT_SECRET } from './secrets.js';
import { SfSession, type SfJsonResult } from './sf-cli.js';

type Row = Record<string, unknown> & { Id: string };

export type Census = {
  /** Per Opportunity Id: how many of the partner's own referrals, and of Microsoft's invitations, carry it. */
  referralsByOpportunity: Map<string, { own: number; microsoft: number }>;
  ownReferrals: number;
  invitations: number;
  opportunities: number;
  accounts: number;
  contacts: number;
  contactRoles: number;
  runs: Record<string, number>;
};

export type SyncWorld = {
  pc: PartnerCenterEmulator;
  sf: SalesforceEmulator;
  session: SfSession;
  /** `sf pcsync run --target-org emu ARGS --json`. */
  run(...args: string[]): Promise<SfJsonResult<RunResult>>;
  /** A REST call as a rep's edit (or an admin's) would arrive. */
  rest<T = { id?: string }>(method: string, resource: string, body?: unknown): Promise<T>;
  /**
   * Flags `count` Opportunities for Partner Center on one Account with a contact; every `coSellEvery`th asks Microsoft
   * for help.
   */
  flag(count: number, coSellEvery?: number): Promise<string[]>;
  /** A customer as a rep enters one: the Account Litware (Germany) and its Contact, by Id. */
  customer(): Promise<{ account: string; contact: string }>;
  census(): Promise<Census>;
  /** No secret of the world in any command's output or serve log, nor in the org's run records and events. */
  expectNoSecrets(): void;
  close(): Promise<void>;
};

/**
 * The README's install, step 2, for the user the sync runs as: `sf org assign permset --name NAME`. (loadMetadata
 * stands in for step 1's deploy, which deploys the same force-app: see install.test.ts for the deploy itself.)
 */
export async function assignPermissionSet(session: SfSession, name: string, alias = 'emu'): Promise<void> {
  const assigned = await session.run(['org', 'assign', 'permset', '--name', name, '--target-org', alias, '--json']);
  expect(assigned.exitCode, `${assigned.stdout}\n${assigned.stderr}`).to.equal(0);
}

export async function startSyncWorld(
  options: { pc?: PartnerCenterEmulatorOptions; sf?: SalesforceEmulatorOptions } = {}
): Promise<SyncWorld> {
  const pc = await startPartnerCenterEmulator({ port: 0, clientSecret: TEST_CLIENT_SECRET, ...options.pc });
  const sf = await startSalesforceEmulator({ port: 0, loadMetadata: true, ...options.sf });
  let session: SfSession | undefined;
  try {
    session = SfSession.create({ env: partnerCenterEnv(pc) });
    const login = await session.run(
      ['org', 'login', 'access-token', '--instance-url', sf.url, '--no-prompt', '--alias', 'emu'],
      { env: { SF_ACCESS_TOKEN: sf.accessToken } }
    );
    expect(login.exitCode, login.stderr).to.equal(0);
    // The requests `sf org assign permset` sends, from this process: one sf start-up (~2.4 s CPU) less per world.
    // install.test.ts, run.test.ts, serve.test.ts and notifications.test.ts still run the command itself.
    const connection = new Connection({ instanceUrl: sf.url, accessToken: sf.accessToken, version: '64.0' });
    await assignOverApi(connection, 'Partner_Center_Integration', sf.username);
  } catch (error) {
    // A world that never started still closes its servers: open listeners would keep mocha from exiting.
    session?.clean();
    await pc.close();
    await sf.close();
    throw error;
  }

  const rest = async <T = { id?: string }>(method: string, resource: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${sf.url}/services/data/v64.0${resource}`, {
      method,
      headers: { Authorization: `Bearer ${sf.accessToken}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status, `${method} ${resource}: ${await response.clone().text()}`).to.be.lessThan(300);
    return (response.status === 204 ? {} : await response.json()) as T;
  };

  const customer = async (): Promise<{ account: string; contact: string }> => {
    const account = String(
      (await rest('POST', '/sobjects/Account', { Name: 'Litware', BillingCountry: 'Germany' })).id
    );
    const contact = await rest('POST', '/sobjects/Contact', {
      LastName: 'Buyer',
      Email: 'buyer@litware.example',
      AccountId: account,
    });
    return { account, contact: String(contact.id) };
  };

  const flag = async (count: number, coSellEvery = 0): Promise<string[]> => {
    const { account, contact } = await customer();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const coSell = coSellEvery > 0 && i % coSellEvery === 0;
      const created = await rest('POST', '/sobjects/Opportunity', {
        Name: `Flagged ${i}`,
        StageName: 'Qualification',
        CloseDate: '2027-02-28',
        Amount: 1000 + i,
        AccountId: account,
        [OPP.syncWith]: true,
        [OPP.solutions]: 'SOL-34104-EBB',
        ...(coSell ? { [OPP.help]: 'General or other' } : {}),
      });
      if (coSell) {
        await rest('POST', '/sobjects/OpportunityContactRole', {
          OpportunityId: created.id,
          ContactId: contact,
          IsPrimary: true,
        });
      }
      ids.push(String(created.id));
    }
    return ids;
  };

  const census = async (): Promise<Census> => {
    const referrals: Referral[] = [];
    for await (const referral of clientsFor(pc).referrals.list()) referrals.push(referral);
    const referralsByOpportunity = new Map<string, { own: number; microsoft: number }>();
    for (const referral of referrals) {
      const key = referral.externalReferenceId;
      if (!key) continue;
      const entry = referralsByOpportunity.get(key.slice(0, 15)) ?? { own: 0, microsoft: 0 };
      if (referral.target?.some((target) => target.id === 'msft')) entry.microsoft++;
      else entry.own++;
      referralsByOpportunity.set(key.slice(0, 15), entry);
    }
    const runs: Record<string, number> = {};
    for (const run of sf.records(RUN.object) as Row[]) {
      const status = String(run[RUN.status]);
      runs[status] = (runs[status] ?? 0) + 1;
    }
    const entries = [...referralsByOpportunity.values()];
    return {
      referralsByOpportunity,
      ownReferrals: entries.reduce((sum, entry) => sum + entry.own, 0),
      invitations: entries.reduce((sum, entry) => sum + entry.microsoft, 0),
      opportunities: sf.records('Opportunity').length,
      accounts: sf.records('Account').length,
      contacts: sf.records('Contact').length,
      contactRoles: sf.records('OpportunityContactRole').length,
      runs,
    };
  };

  return {
    pc,
    sf,
    session,
    run: (...args) => session.runJson<RunResult>(['pcsync', 'run', '--target-org', 'emu', ...args]),
    rest,
    flag,
    customer,
    census,
    expectNoSecrets: () => expectNoSecretsIn({ session, pc, sf }),
    close: async () => {
      session.clean();
      await pc.close();
      await sf.close();
    },
  };
}

/** Waits (bounded) until `check` gives something truthy; fails with `what` when it never does. */
export async function until<T>(check: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
