/**
 * `sf pcsync serve` reacting to Opportunity saves through Change Data Capture, through the real sf CLI and the
 * emulator's CometD endpoint: no outbound poll runs (--poll-interval 0), and pcsync's own write-back is an echo that
 * starts no second pass. Without the channel member, serve says so with the fix and polls.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { OPP } from '../../src/salesforce/fields.js';
import type { BackgroundSf } from '../helpers/sf-cli.js';
import { startSyncWorld, until, type SyncWorld } from '../helpers/sync-world.js';

const serveArgs = (...extra: string[]): string[] => [
  'pcsync',
  'serve',
  '--target-org',
  'emu',
  '--port',
  '0',
  '--reconcile-interval',
  '3600',
  '--json',
  ...extra,
];

/** The log records of one kind serve printed so far (under --json, one JSON object per stdout line). */
const records = (serve: BackgroundSf, event: string): Array<Record<string, unknown>> =>
  serve.stdout
    .split('\n')
    .filter((line) => line.includes(`"event":"${event}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('e2e: sf pcsync serve with Change Data Capture', function () {
  this.timeout(120_000);

  describe('with the channel member deployed', () => {
    let world: SyncWorld;
    let serve: BackgroundSf;

    before(async () => {
      world = await startSyncWorld();
      serve = world.session.start(serveArgs('--poll-interval', '0'));
      await serve.waitFor(/"event":"change-feed-subscribed"/);
    });

    after(async () => {
      if (serve && serve.child.exitCode === null) {
        serve.child.kill('SIGTERM');
        await serve.exited;
      }
      await world?.close();
    });

    it('a rep’s flag reaches Partner Center with no poll, and the write-back starts no second pass', async () => {
      const [flagged] = await world.flag(1);
      const row = await until(
        () => world.sf.records('Opportunity').find((r) => r.Id === flagged && r[OPP.referralId]),
        30_000,
        'the referral id written back'
      );
      expect(world.pc.admin.getReferral(String(row[OPP.referralId])).externalReferenceId).to.equal(flagged);
      // The write-back's own change event is on the bus before the rep's next save, so once that save's pass ran,
      // the echo was seen and had its chance to start a pass.
      await world.rest('PATCH', `/sobjects/Opportunity/${flagged}`, { Description: 'Bigger scope' });
      await until(
        () => world.pc.admin.getReferral(String(row[OPP.referralId])).details.notes === 'Bigger scope',
        30_000,
        'the rep’s edit in Partner Center'
      );
      await until(
        () => records(serve, 'pass').some((p) => Number(p.outboundUpdated) > 0),
        30_000,
        'the edit’s pass logged'
      );
      const passes = records(serve, 'pass');
      // Two rep saves, two passes, both from change events: no poll, and no pass for the echo.
      expect(passes.map((p) => p.pass)).to.deep.equal(['change-events', 'change-events']);
      // …and the write-back was known as pcsync's own (changeOrigin), not merely a field nobody watches.
      const url = String(records(serve, 'listening')[0].url);
      const metrics = await (await fetch(new URL('/metrics', url))).text();
      expect(Number(/^pcsync_change_events_echoes_total (\d+)$/m.exec(metrics)?.[1])).to.be.greaterThan(0);
      expect(Number(/^pcsync_change_events_lag_seconds_count (\d+)$/m.exec(metrics)?.[1])).to.equal(2);
    });
  });

  describe('without the channel member', () => {
    let world: SyncWorld;
    let serve: BackgroundSf;
    let metadata: string;

    before(async () => {
      // force-app without its platformEventChannelMembers: Change Data Capture is off for Opportunity.
      metadata = mkdtempSync(path.join(tmpdir(), 'pcsync-no-cdc-'));
      cpSync('force-app', metadata, { recursive: true });
      rmSync(path.join(metadata, 'main', 'default', 'platformEventChannelMembers'), { recursive: true });
      world = await startSyncWorld({ sf: { loadMetadata: metadata } });
      serve = world.session.start(serveArgs('--poll-interval', '2'));
    });

    after(async () => {
      if (serve && serve.child.exitCode === null) {
        serve.child.kill('SIGTERM');
        await serve.exited;
      }
      await world?.close();
      rmSync(metadata, { recursive: true, force: true });
    });

    it('says so once, with the fix, and a flag reaches Partner Center through the poll', async () => {
      await serve.waitFor(/"event":"change-feed-unavailable"/);
      const [flagged] = await world.flag(1);
      await until(
        () => world.sf.records('Opportunity').find((r) => r.Id === flagged && r[OPP.referralId]),
        30_000,
        'the referral id written back by the poll'
      );
      await until(
        () => records(serve, 'pass').some((p) => p.pass === 'outbound-poll' && Number(p.outboundCreated) > 0),
        30_000,
        'the poll’s pass logged'
      );
      const told = records(serve, 'change-feed-unavailable');
      expect(told).to.have.length(1);
      expect(String(told[0].message)).to.match(/deploy force-app/i);
    });
  });
});
