/**
 * `sf pcsync serve` reacting to Opportunity saves through Change Data Capture, through the real sf CLI and the
 * emulator's CometD endpoint: no outbound poll runs (--poll-interval 0), and pcsync's own write-back is an echo that
 * starts no second pass. Without the channel member, serve says so with the fix and polls.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { LEASE, OPP, RUN } from '../../src/salesforce/fields.js';
import { serveArgs } from '../helpers/serve-args.js';
import type { BackgroundSf } from '../helpers/sf-cli.js';
import { withConfigDir } from '../helpers/suite-hooks.js';
import { startSyncWorld, until, type SyncWorld } from '../helpers/sync-world.js';

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
    /** Every serve started here, stopped at the end. */
    const started: BackgroundSf[] = [];
    const configs = withConfigDir('pcsync-cdc-');
    let config: string;
    /** The Opportunity the first case flags; later cases edit it. */
    let firstFlagged: string;
    let firstReferral: string;
    const startServe = (): BackgroundSf => {
      // A short change-feed lease, so a replica takes over from a killed holder in seconds.
      const handle = world.session.start(serveArgs({ reconcile: 3600, poll: 0, config, output: 'json' }));
      started.push(handle);
      return handle;
    };
    const stop = async (handle: BackgroundSf): Promise<void> => {
      handle.child.kill('SIGTERM');
      await handle.exited;
    };
    /** The highest change feed position kept on a run record. */
    const storedReplayId = (): number =>
      Math.max(
        -1,
        ...world.sf.records(RUN.object).map((r) => (r[RUN.replayId] == null ? -1 : Number(r[RUN.replayId])))
      );
    const referralOf = (id: string): string | undefined => {
      const value = world.sf.records('Opportunity').find((r) => r.Id === id)?.[OPP.referralId];
      return typeof value === 'string' && value ? value : undefined;
    };

    before(async () => {
      config = configs.write('c.json', { sync: { leaseSeconds: 6 } });
      // Reps flag deals of one customer more than once here: the duplicate rules would refuse the second Account.
      world = await startSyncWorld({ sf: { duplicateRules: false } });
      serve = startServe();
      await serve.waitFor(/"event":"change-feed-subscribed"/);
    });

    after(async () => {
      for (const handle of started) if (handle.child.exitCode === null) await stop(handle);
      await world?.close();
    });

    it('a rep’s flag reaches Partner Center with no poll, and the write-back starts no second pass', async () => {
      const [flagged] = await world.flag(1);
      firstFlagged = flagged;
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
      firstReferral = String(row[OPP.referralId]);
      // The position of what was sent is in the org.
      expect(storedReplayId()).to.be.greaterThan(0);
    });

    it('stopped while reps work, then restarted, sends every change made meanwhile: replayed, not polled', async () => {
      const stored = storedReplayId();
      await stop(serve);
      const eventsBefore = world.sf.changeEvents().length;
      // While serve is down: three new flags, and edits of a mapped field on the deal already in Partner Center.
      const flagged = await world.flag(3);
      for (const text of ['Down 1', 'Down 2', 'While serve was down'])
        await world.rest('PATCH', `/sobjects/Opportunity/${firstFlagged}`, { Description: text });
      const madeWhileDown = world.sf.changeEvents().length - eventsBefore;
      expect(flagged.every((id) => referralOf(id) === undefined)).to.equal(true);

      serve = startServe();
      await serve.waitFor(/"event":"change-feed-subscribed"/);
      expect(records(serve, 'change-feed-subscribed')[0].replayFrom).to.equal(stored);
      await until(() => flagged.every((id) => referralOf(id)), 60_000, 'the three flags in Partner Center');
      await until(
        () => world.pc.admin.getReferral(firstReferral).details.notes === 'While serve was down',
        60_000,
        'the last edit in Partner Center'
      );
      // Both sides: four Opportunities flagged, four referrals, one each.
      const census = await world.census();
      expect(census.ownReferrals).to.equal(4);
      for (const id of [firstFlagged, ...flagged])
        expect(census.referralsByOpportunity.get(id.slice(0, 15))?.own, id).to.equal(1);
      // Through the change feed: no poll ran (only change event passes), and the events made while down arrived.
      expect(records(serve, 'pass').map((p) => p.pass)).to.satisfy((passes: unknown[]) =>
        passes.every((p) => p === 'change-events')
      );
      const url = String(records(serve, 'listening')[0].url);
      const metrics = await (await fetch(new URL('/metrics', url))).text();
      const received = Number(/^pcsync_change_events_received_total (\d+)$/m.exec(metrics)?.[1]);
      expect(received).to.be.at.least(madeWhileDown);
      expect(storedReplayId()).to.be.greaterThan(stored);
    });

    it('two replicas: exactly one subscribes, and the other takes over when the holder is killed', async () => {
      const channel = '/data/OpportunityChangeEvent';
      const other = startServe();
      // The second replica has tried the lease and stands by: from here on, two subscribers would be a fault.
      await other.waitFor(/"event":"change-feed-standby"/);
      const [flagged] = await world.flag(1);
      await until(() => referralOf(flagged), 30_000, 'the flag in Partner Center with two replicas');
      expect(world.sf.changeEventSubscribers(channel)).to.equal(1);
      expect(records(other, 'change-feed-subscribed')).to.have.length(0);

      serve.child.kill('SIGKILL');
      await serve.exited;
      const stored = storedReplayId();
      await other.waitFor(/"event":"change-feed-subscribed"/, 60_000);
      expect(records(other, 'change-feed-subscribed')[0].replayFrom).to.equal(stored);
      const [next] = await world.flag(1);
      serve = other;
      await until(() => referralOf(next), 30_000, 'a flag in Partner Center after the takeover');
      // The write-back comes before the pass's log line: wait for the line.
      await until(
        () => records(other, 'pass').some((p) => p.pass === 'change-events' && Number(p.outboundCreated) === 1),
        30_000,
        'the taking-over replica’s pass logged'
      );
    });

    it('a stored replay id the org no longer keeps: a notice, one watermark pass that sends the edit, then new events', async () => {
      await stop(serve);
      await world.rest('PATCH', `/sobjects/Opportunity/${firstFlagged}`, { Description: 'After the retention window' });
      // 73 hours later on the org's clock: every retained change event is past the 72-hour window.
      world.sf.setClockSkew(73 * 3600_000);
      expect(world.sf.changeEvents()).to.deep.equal([]);
      serve = startServe();
      await serve.waitFor(/"event":"change-feed-replay-lost"/);
      await until(
        () => world.pc.admin.getReferral(firstReferral).details.notes === 'After the retention window',
        60_000,
        'the edit sent by the watermark pass'
      );
      const notice = await until(
        () =>
          world.sf
            .records(RUN.object)
            .find(
              (r) =>
                ((r[RUN.message] as string | null) ?? '').includes('no longer keeps') && r[RUN.status] !== 'Running'
            ),
        30_000,
        'the watermark pass’s run record'
      );
      expect(notice[RUN.trigger]).to.equal('Change Event');
      // …and the subscription lives on from new events: a new flag goes through it.
      const [flagged] = await world.flag(1);
      await until(() => referralOf(flagged), 30_000, 'a flag after the lost replay id');
    });

    it('an edit of a watched field on a deal not flagged for Partner Center sends nothing', async () => {
      const creates = (): number => world.pc.counters()['POST /referrals'] ?? 0;
      const before = creates();
      const passesBefore = records(serve, 'pass').length;
      const account = await world.rest('POST', '/sobjects/Account', { Name: 'Tailspin', BillingCountry: 'Germany' });
      const unflagged = await world.rest('POST', '/sobjects/Opportunity', {
        Name: 'Not for Microsoft',
        AccountId: account.id,
        StageName: 'Qualification',
        CloseDate: '2027-02-28',
        [OPP.solutions]: 'SOL-34104-EBB',
      });
      await world.rest('PATCH', `/sobjects/Opportunity/${String(unflagged.id)}`, { Description: 'Private notes' });
      // Change events arrive in order: once a later flag has reached Partner Center, the edit was judged.
      const [flagged] = await world.flag(1);
      await until(() => referralOf(flagged), 30_000, 'the later flag in Partner Center');
      // The write-back comes before the pass's log line (and its stored position): wait for the line.
      await until(
        () =>
          records(serve, 'pass')
            .slice(passesBefore)
            .some((p) => Number(p.outboundCreated) > 0),
        30_000,
        'the flag’s pass logged'
      );
      expect(referralOf(String(unflagged.id))).to.equal(undefined);
      expect(creates() - before).to.equal(1);
    });

    it('stopped while the Streaming API has not answered its subscription: stops within the drain bound', async () => {
      // Last here: it stops the running replica. The Streaming API answers nothing for 60 s from now on.
      await stop(serve);
      const channel = '/data/OpportunityChangeEvent';
      // A SIGKILLed replica's client stays subscribed until the server times it out (as in a real org).
      const subscribers = world.sf.changeEventSubscribers(channel);
      world.sf.setLatency(60_000, '^/cometd');
      try {
        const handshakes = (): number => world.sf.counters()['POST /cometd/{version}'] ?? 0;
        const before = handshakes();
        const slow = startServe();
        // Counted as it arrives: from here the handshake is in flight, unanswered.
        await until(() => handshakes() > before, 30_000, 'the new replica’s handshake');
        slow.child.kill('SIGTERM');
        // serve drains for at most 10 s; a subscription in flight must not hold the process past it (it did: Faye's
        // client cannot disconnect before its handshake is answered, and then long-polls for good).
        const exited = await Promise.race([
          slow.exited,
          new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 20_000).unref()),
        ]);
        expect(exited, slow.stdout).to.equal(0);
        expect(records(slow, 'change-feed-subscribed')).to.have.length(0);
        expect(records(slow, 'stopped')).to.have.length(1);
        expect(world.sf.changeEventSubscribers(channel)).to.equal(subscribers);
        // Its lease is given back: the next replica need not wait for it to lapse.
        expect(world.sf.records(LEASE.object).filter((r) => r[LEASE.key] === 'change-feed')).to.have.length(0);
      } finally {
        world.sf.setLatency(0);
      }
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
      serve = world.session.start(serveArgs({ reconcile: 3600, poll: 2, output: 'json' }));
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
