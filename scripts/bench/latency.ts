/**
 * How long a change takes to cross over, from the change in one system to its arrival in the other, through a real
 * `sf pcsync serve` process. Both ends are read from the emulators' request logs: the emulator's clock is the
 * machine's (no skew is injected), so a change timed here and an arrival timed there share one clock.
 *
 * Inbound: Microsoft accepts a referral → Partner Center delivers a signed webhook → the Opportunity's stage
 * changes. Outbound: a rep saves a flagged Opportunity → serve's outbound poll finds it → the referral exists in
 * Partner Center.
 */
import { isSignIn, lastSeq, total } from './emulators.js';
import { percentile, seededRandom, sleep } from './stats.js';
import { registerWebhook, startServe, type Serve } from './serve.js';
import type { World } from './world.js';

export type Latencies = { samples: number; p50Ms: number; p95Ms: number; maxMs: number; timesMs: number[] };
export type InboundResult = Latencies & { requestsPerChange: number; webhookPasses: number };
export type OutboundResult = Latencies & { pollIntervalSeconds: number; referralsCreated: number };

export const summarise = (times: number[]): Latencies => ({
  samples: times.length,
  p50Ms: percentile(times, 50),
  p95Ms: percentile(times, 95),
  maxMs: Math.max(...times),
  timesMs: times,
});

/** How long one change may take to arrive before the bench gives up on it. */
export const ARRIVAL_BOUND_MS = 60_000;

/** `sf pcsync run --full` to import what Partner Center holds (setup, not measured). */
export async function importAll(world: World): Promise<void> {
  const run = await world.cli.run(['pcsync', 'run', '--target-org', world.cli.alias, '--full']);
  if (run.code !== 0) throw new Error(`the import run failed (${String(run.code)}): ${run.stderr.slice(-2000)}`);
}

/**
 * `changes` referrals accepted one at a time, each after serve finished the pass of the one before. Returns the
 * serve process (still running, its webhook registered) and the referrals, for the receiver measure.
 */
export async function inbound(
  world: World,
  changes: number,
  cpu?: number
): Promise<{ result: InboundResult; serve: Serve; referralIds: string[] }> {
  const { sf, pc } = world;
  await Promise.all([sf.reset(), pc.reset()]);
  // One warm-up referral (the certificate and issuer fetches, the connections) and the measured ones.
  const referralIds: string[] = [];
  for (let i = 0; i <= changes; i++) referralIds.push((await pc.createIncoming('cosell')).id);
  await importAll(world);
  const serve = await startServe(world, cpu === undefined ? {} : { cpu });
  try {
    await registerWebhook(world, serve.url);
    const stage = async (id: string): Promise<unknown> =>
      (await sf.records('Opportunity')).find((row) => row.Referral_Identifier__c === id)?.StageName;
    const change = async (id: string): Promise<number> => {
      const passes = serve.count('pass');
      let cursor = lastSeq(await sf.requests());
      const changedAt = Date.now();
      await pc.transition(id, 'accept');
      let arrivedAt: number | undefined;
      while (arrivedAt === undefined) {
        const [write] = await sf.waitForRequests('^(POST|PATCH) ', cursor, ARRIVAL_BOUND_MS);
        cursor = write.seq;
        if ((await stage(id)) === 'Qualification') arrivedAt = Date.parse(write.at) + write.ms;
      }
      // The pass goes on to write its events and close its run record: the next change starts on a quiet serve.
      await serve.waitForCount('pass', passes + 1, ARRIVAL_BOUND_MS);
      return arrivedAt - changedAt;
    };
    await change(referralIds[0]);
    await Promise.all([sf.resetCounters(), pc.resetCounters()]);
    const passesBefore = serve.count('pass');
    const times: number[] = [];
    for (const id of referralIds.slice(1)) times.push(await change(id));
    const [sfCounters, pcCounters] = await Promise.all([sf.counters(), pc.counters()]);
    const requests = total(sfCounters) + total(pcCounters, (key) => !isSignIn(key));
    return {
      result: {
        ...summarise(times),
        requestsPerChange: requests / changes,
        webhookPasses: serve.count('pass') - passesBefore,
      },
      serve,
      referralIds,
    };
  } catch (error) {
    await serve.stop();
    throw error;
  }
}

/**
 * `samples` flags, each saved at a random moment of the poll cycle (so the wait for the next poll is spread over the
 * interval, as a rep's saves are), each timed until Partner Center answered the referral's create.
 */
export async function outbound(world: World, samples: number, pollIntervalSeconds: number): Promise<OutboundResult> {
  const { sf, pc } = world;
  await Promise.all([sf.reset(), pc.reset()]);
  const account = await sf.rest<{ id: string }>('POST', '/sobjects/Account', {
    Name: 'Bench Tailspin',
    BillingCountryCode: 'US',
  });
  const serve = await startServe(world, { pollSeconds: pollIntervalSeconds });
  const random = seededRandom(18);
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      await sleep(random() * pollIntervalSeconds * 1000);
      const after = lastSeq(await pc.requests());
      const opportunity = await sf.rest<{ id: string }>('POST', '/sobjects/Opportunity', {
        Name: `Bench rollout ${i}`,
        StageName: 'Qualification',
        CloseDate: '2027-05-31',
        AccountId: account.id,
        Sync_With_Partner_Center__c: true,
        Partner_Center_Solutions__c: 'SOL-34104-EBB',
      });
      const savedAt = Date.now();
      const bound = pollIntervalSeconds * 1000 + ARRIVAL_BOUND_MS;
      let arrivedAt: number | undefined;
      let cursor = after;
      while (arrivedAt === undefined) {
        const [create] = await pc.waitForRequests('^POST /referrals$', cursor, bound);
        cursor = create.seq;
        const referrals = await pc.referrals();
        if (referrals.some((referral) => referral.externalReferenceId?.slice(0, 15) === opportunity.id.slice(0, 15)))
          arrivedAt = Date.parse(create.at);
      }
      times.push(arrivedAt - savedAt);
    }
    const referralsCreated = (await pc.referrals()).filter((referral) => referral.externalReferenceId).length;
    return { ...summarise(times), pollIntervalSeconds, referralsCreated };
  } finally {
    await serve.stop();
  }
}
