/**
 * Outbound through Change Data Capture: a real `sf pcsync serve` subscribed to the org's Opportunity change events,
 * with the outbound poll off (--poll-interval 0), so nothing but the event can carry a rep's save across. Two kinds
 * of save, one at a time, each after serve finished the pass of the one before: the flag (a referral create) and an
 * edit of a mapped field on a deal already synced (a referral update). Each is timed from the Salesforce emulator's
 * answer to the rep's save to the Partner Center emulator's answer to the create or update: both request logs, on the
 * machine's clock.
 */
import { CHANGE_FEED_QUIET_MS } from '../../src/webhook/change-listener.js';
import { lastSeq } from './emulators.js';
import { ARRIVAL_BOUND_MS, summarise, type Latencies } from './latency.js';
import { startServe, type Serve } from './serve.js';
import type { World } from './world.js';

export type ChangeEventResult = {
  flags: Latencies;
  edits: Latencies;
  /** Flags and edits together: the figure held against the goal. */
  all: Latencies;
  /** serve's quiet window after a relevant event, as the serve under measure has it. */
  quietMs: number;
  /** The rep's saves after the warm-up, as the bench made them: the measured ones and the closing edit. */
  saves: { flags: number; edits: number };
  /** Partner Center's counters over those saves. */
  partnerCenter: { creates: number; updates: number };
  /** serve's `pass` log records over the same span, by pass name. */
  passes: Record<string, number>;
  /** serve's /metrics at the end: events received, and those it knew as its own writes. */
  events: { received: number; echoes: number };
};

const metric = (text: string, name: string): number => {
  const found = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  if (!found) throw new Error(`serve's /metrics has no ${name}`);
  return Number(found[1]);
};

const sameRecord = (a: string | undefined, b: string): boolean => a?.slice(0, 15) === b.slice(0, 15);

export async function changeEvents(world: World, samples: number): Promise<ChangeEventResult> {
  const { sf, pc } = world;
  await Promise.all([sf.reset(), pc.reset()]);
  const account = await sf.rest<{ id: string }>('POST', '/sobjects/Account', {
    Name: 'Bench Fabrikam',
    BillingCountryCode: 'US',
  });
  // The deals exist, unflagged, before serve subscribes (to new events only): their creation is not measured.
  const deal = async (name: string): Promise<string> =>
    (
      await sf.rest<{ id: string }>('POST', '/sobjects/Opportunity', {
        Name: name,
        StageName: 'Qualification',
        CloseDate: '2027-06-30',
        AccountId: account.id,
        Partner_Center_Solutions__c: 'SOL-34104-EBB',
      })
    ).id;
  const deals: string[] = [];
  // One warm-up deal (serve's first sign-in and connections) and the measured ones.
  for (let i = 0; i <= samples; i++) deals.push(await deal(`Bench co-sell ${i}`));
  const serve = await startServe(world, { pollSeconds: 0, changeEvents: true });
  try {
    const save = saver(world, serve);
    const flag = (id: string): Promise<number> =>
      save(id, { Sync_With_Partner_Center__c: true }, '^POST /referrals$', (referrals) =>
        referrals.some((referral) => sameRecord(referral.externalReferenceId, id))
      );
    const edit = (id: string, notes: string): Promise<number> =>
      save(id, { Description: notes }, '^PATCH /referrals/', (referrals) =>
        referrals.some(
          (referral) =>
            sameRecord(referral.externalReferenceId, id) &&
            (referral.details as { notes?: string } | undefined)?.notes === notes
        )
      );
    await flag(deals[0]);
    await edit(deals[0], 'Bench warm-up scope');
    await Promise.all([sf.resetCounters(), pc.resetCounters()]);
    const before = serve.records('pass').length;
    const flags: number[] = [];
    const edits: number[] = [];
    for (const id of deals.slice(1, samples + 1)) {
      flags.push(await flag(id));
      edits.push(await edit(id, `Bench scope for ${id}`));
    }
    // The closing save, an edit of the warm-up deal (not timed): events come in order, so once its pass ran, the
    // event of every write-back before it was seen and judged, and an echo would have started a pass of its own.
    await edit(deals[0], 'Bench closing save');
    const counters = await pc.counters();
    const passes: Record<string, number> = {};
    for (const record of serve.records('pass').slice(before)) {
      const name = String(record.pass);
      passes[name] = (passes[name] ?? 0) + 1;
    }
    const metrics = await (await fetch(new URL('/metrics', serve.url))).text();
    return {
      flags: summarise(flags),
      edits: summarise(edits),
      all: summarise([...flags, ...edits]),
      quietMs: CHANGE_FEED_QUIET_MS,
      saves: { flags: flags.length, edits: edits.length + 1 },
      partnerCenter: { creates: counters['POST /referrals'] ?? 0, updates: counters['PATCH /referrals/{id}'] ?? 0 },
      passes,
      events: {
        received: metric(metrics, 'pcsync_change_events_received_total'),
        echoes: metric(metrics, 'pcsync_change_events_echoes_total'),
      },
    };
  } finally {
    await serve.stop();
  }
}

type Referrals = Awaited<ReturnType<World['pc']['referrals']>>;

/**
 * A rep's save of one Opportunity, timed to Partner Center's answer to the request (matching `pcRequest`) after
 * which `arrived` holds; resolves once serve logged the pass, so the next save starts on a quiet serve.
 */
function saver(
  world: World,
  serve: Serve
): (
  id: string,
  body: Record<string, unknown>,
  pcRequest: string,
  arrived: (r: Referrals) => boolean
) => Promise<number> {
  const { sf, pc } = world;
  return async (id, body, pcRequest, arrived) => {
    const passes = serve.count('pass');
    const [sfCursor, pcCursor] = [lastSeq(await sf.requests()), lastSeq(await pc.requests())];
    await sf.rest('PATCH', `/sobjects/Opportunity/${id}`, body);
    const [saved] = await sf.waitForRequests(
      `^PATCH /services/data/v[^/]+/sobjects/Opportunity/${id}$`,
      sfCursor,
      ARRIVAL_BOUND_MS
    );
    const savedAt = Date.parse(saved.at) + saved.ms;
    let arrivedAt: number | undefined;
    let cursor = pcCursor;
    while (arrivedAt === undefined) {
      const [request] = await pc.waitForRequests(pcRequest, cursor, ARRIVAL_BOUND_MS);
      cursor = request.seq;
      if (arrived(await pc.referrals())) arrivedAt = Date.parse(request.at);
    }
    await serve.waitForCount('pass', passes + 1, ARRIVAL_BOUND_MS);
    return arrivedAt - savedAt;
  };
}
