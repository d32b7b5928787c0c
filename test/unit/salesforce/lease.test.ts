/**
 * The org's lease against the org emulator: a holder that ran on this machine and whose process is gone (a crashed
 * or killed run) is taken over at once, long before its expiry; a live holder of this machine, or any holder of
 * another machine, keeps it until it expires. Real processes: one that has exited, and one still running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { expect } from 'chai';
import { Connection } from '@jsforce/jsforce-node';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { LEASE } from '../../../src/salesforce/fields.js';
import { OrgLease } from '../../../src/salesforce/lease.js';

const sleeper = (): ChildProcess =>
  spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });

describe('salesforce: the org lease, taken over from a holder that died', function () {
  this.timeout(60_000);
  let org: SalesforceEmulator;
  let connection: Connection;
  const running: ChildProcess[] = [];

  before(async () => {
    org = await startSalesforceEmulator({ port: 0, loadMetadata: true, adminUser: true });
    connection = new Connection({ instanceUrl: org.url, accessToken: org.accessToken, version: '64.0' });
  });
  beforeEach(() => org.reset({ keepSchema: true }));
  after(async () => {
    for (const child of running) child.kill('SIGKILL');
    await org?.close();
  });

  /** A lease record as another process left it: held by `pid` on `host`, expiring in ten minutes. */
  async function heldBy(host: string, pid: number): Promise<void> {
    const now = Date.now();
    await connection.sobject(LEASE.object).create({
      [LEASE.key]: 'sync',
      [LEASE.holder]: `sf pcsync run (pid ${pid} on ${host})`,
      [LEASE.token]: `${host}:${pid}:00000000-0000-0000-0000-000000000000`,
      [LEASE.acquiredAt]: new Date(now).toISOString(),
      [LEASE.expiresAt]: new Date(now + 600_000).toISOString(),
    });
  }

  const contender = (): OrgLease =>
    new OrgLease(connection, { key: 'sync', holder: 'test', ttlMs: 300_000, clock: () => new Date() });

  /** The pid of a process of this machine that has exited. */
  async function deadPid(): Promise<number> {
    const child = sleeper();
    const pid = child.pid as number;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    return pid;
  }

  it("a crashed run's lease, on this machine, is taken over at once; its record is the stale one", async () => {
    const pid = await deadPid();
    await heldBy(hostname(), pid);
    const taken = await contender().tryAcquire();
    expect(taken.acquired).to.equal(true);
    expect(taken.acquired && taken.stale?.token).to.match(new RegExp(`^${hostname()}:${pid}:`));
    expect(org.records(LEASE.object).map((row) => row[LEASE.token])).to.have.length(1);
  });

  it("a live holder's lease on this machine is not taken, nor a holder's of another machine", async () => {
    const live = sleeper();
    running.push(live);
    await heldBy(hostname(), live.pid as number);
    const first = await contender().tryAcquire();
    expect(first.acquired, 'a live process of this machine').to.equal(false);

    org.reset({ keepSchema: true });
    // Its pid is dead here, but it ran elsewhere: only its expiry frees it.
    await heldBy(`not-${hostname()}`, await deadPid());
    const second = await contender().tryAcquire();
    expect(second.acquired, 'a process of another machine').to.equal(false);
  });
});
