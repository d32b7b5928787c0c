/**
 * `sf pcsync doctor` through the real sf CLI against both emulators: a healthy setup passes (and nothing is written
 * in either service), and real faults turn their rows red in the table and in --json, with exit code 1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { DoctorResult } from '../../src/commands/pcsync/doctor.js';
import type { CheckId, CheckRow } from '../../src/doctor/index.js';
import { REFERRAL_EVENTS, VALIDATION_EVENT } from '../../src/partner-center/events.js';
import { startSyncWorld, type SyncWorld } from '../helpers/sync-world.js';
import { clientsFor } from '../unit/partner-center/helpers.js';

const RECEIVER = 'https://pcsync.example.com/webhooks/partner-center';

describe('e2e: sf pcsync doctor', function () {
  this.timeout(300_000);
  let world: SyncWorld;
  let folder: string;
  let healthy: string;

  /** A configuration file: serve trusts the emulator's signing chain, as `serve --signing-root …` would. */
  const configFile = (name: string, content: Record<string, unknown>): string => {
    const file = path.join(folder, name);
    writeFileSync(file, JSON.stringify(content));
    return file;
  };
  const serveSettings = (): Record<string, unknown> => ({
    certificateUrlAllowList: [new URL('/certs/', world.pc.url).href],
    issuerUrlAllowList: [new URL('/pkiops/', world.pc.url).href],
    signingRoot: world.pc.signingRootPath,
  });

  const register = async (url: string, events: string[]): Promise<void> => {
    const { webhooks } = clientsFor(world.pc);
    if (await webhooks.show()) await webhooks.update({ url, events });
    else await webhooks.register({ url, events });
  };

  const doctorArgs = (config: string): string[] => [
    'pcsync',
    'doctor',
    '--target-org',
    'emu',
    '--config',
    config,
    '--receiver-url',
    RECEIVER,
    '--certificate-url',
    world.pc.certificateUrl,
  ];

  const rowsById = (result: DoctorResult | undefined): Record<CheckId, CheckRow> =>
    Object.fromEntries((result?.checks ?? []).map((row) => [row.id, row])) as Record<CheckId, CheckRow>;

  before(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'pcsync-doctor-e2e-'));
    world = await startSyncWorld();
    healthy = configFile('healthy.json', { serve: serveSettings() });
    await register(RECEIVER, [...REFERRAL_EVENTS, VALIDATION_EVENT]);
    // A run that finished: the last-run row has something to report.
    world.pc.admin.seedReferrals(3, 'microsoft-co-sell');
    const run = await world.run('--config', healthy);
    expect(run.exitCode, run.stderr).to.equal(0);
  });
  after(async () => {
    await world?.close();
    rmSync(folder, { recursive: true, force: true });
  });
  afterEach(() => {
    world.pc.setStrictOData(false);
    world.pc.setClockSkew(0);
  });

  it('a healthy setup: exit 0, no row fails, and neither service saw a write', async () => {
    const pcSeq = world.pc.requests().at(-1)?.seq ?? 0;
    const sfSeq = world.sf.requests().at(-1)?.seq ?? 0;
    const doctor = await world.session.runJson<DoctorResult>(doctorArgs(healthy));
    expect(doctor.exitCode, doctor.stderr).to.equal(0);
    const result = doctor.json.result!;
    expect(result.ok, JSON.stringify(result.checks, null, 2)).to.equal(true);
    expect(result.counts.fail).to.equal(0);
    const rows = rowsById(result);
    for (const id of ['pc-incremental-list', 'pc-reference-lookup', 'pc-webhook-registration'] as const) {
      expect(rows[id].status, rows[id].result).to.equal('pass');
    }
    expect(rows['pc-signing-certificate'].status, rows['pc-signing-certificate'].result).to.equal('pass');
    expect(rows['sf-last-run'].status, rows['sf-last-run'].result).to.equal('pass');
    // Not modelled by the Salesforce emulator, and said so.
    expect(rows['sf-duplicate-rules'].status).to.equal('warn');
    expect(rows['sf-change-data-capture'].status).to.equal('warn');

    const pcWrites = world.pc.requests().filter((r) => r.seq > pcSeq && r.method !== 'GET');
    expect(pcWrites.map((r) => r.endpoint)).to.satisfy((endpoints: string[]) =>
      endpoints.every((endpoint) => endpoint === 'POST /token')
    );
    const sfRequests = world.sf.requests().filter((r) => r.seq > sfSeq);
    expect(sfRequests.length).to.be.greaterThan(0);
    expect(sfRequests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).to.deep.equal([]);
    expect(JSON.stringify(doctor.json)).to.not.match(/pcemu-(at|rt)\./);
  });

  it('Partner Center refusing the sync filters (--strict-odata): the table says so and the exit code is 1', async () => {
    world.pc.setStrictOData(true);
    const doctor = await world.session.run(doctorArgs(healthy));
    expect(doctor.exitCode, doctor.stderr).to.equal(1);
    // oclif's table title-cases the headings.
    expect(doctor.stdout).to.include('What To Do').and.include('FAIL');
    expect(doctor.stdout.replace(/\s*│\s*/g, ' ')).to.include('Partner Center refused');
    expect(doctor.stdout).to.match(/\d+ passed, \d+ informational, \d+ warnings, 2 failed, 0 not checked\./);
  });

  it('clocks 10 minutes apart, a registration elsewhere, an untrusted chain, a mapping to a missing field', async () => {
    world.pc.setClockSkew(10 * 60_000);
    await register('https://old-receiver.example.com/hooks', [...REFERRAL_EVENTS]);
    const broken = configFile('broken.json', {
      serve: { ...serveSettings(), signingRoot: undefined },
      mapping: [{ partnerCenter: 'details.notes', salesforce: 'Partner_Notes__c', owner: 'salesforce' }],
    });
    const doctor = await world.session.runJson<DoctorResult>(doctorArgs(broken));
    expect(doctor.exitCode).to.equal(1);
    expect(doctor.json.status).to.equal(1);
    const rows = rowsById(doctor.json.result);
    const failed = Object.values(rows)
      .filter((row) => row.status === 'fail')
      .map((row) => row.id)
      .sort();
    expect(failed).to.deep.equal(
      [
        'clock-partner-center-referrals',
        'clock-partner-center-webhooks',
        'pc-signing-certificate',
        'pc-webhook-registration',
        'sf-mapped-fields',
      ].sort()
    );
    expect(rows['pc-webhook-registration'].result).to.include('https://old-receiver.example.com/hooks');
    expect(rows['pc-signing-certificate'].result).to.include('certificate-untrusted');
    expect(rows['sf-mapped-fields'].result).to.include('Partner_Notes__c');
    expect(rows['clock-partner-center-referrals'].result).to.include('ahead of this machine');
    await register(RECEIVER, [...REFERRAL_EVENTS, VALIDATION_EVENT]);
  });
});
