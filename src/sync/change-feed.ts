/**
 * Opportunity changes as they are saved: a subscription to Change Data Capture's `/data/OpportunityChangeEvent`
 * through the Streaming API (CometD) with jsforce's streaming client, from a replay position. It decides which events
 * are worth an outbound pass — an update whose `changedFields` touch a field the pass reads for its decision or
 * mapping, or a new or restored record — ignores pcsync's own writes (their `changeOrigin` carries pcsync's
 * `client=` call option) and hands the record ids on in batches, after a short quiet window.
 *
 * Why CometD and not the Pub/Sub API: jsforce, already the org connection, ships the CometD client with the replay
 * extension; the Pub/Sub API needs gRPC and Avro decoding, two more dependencies for the same events.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { StreamingExtension } from '@jsforce/jsforce-node/lib/api/streaming.js';
import type { FieldRule } from '../config/schema.js';
import { OPP } from '../salesforce/fields.js';
import { CALL_OPTIONS } from '../salesforce/instrument.js';
import { createStreamingClient, endClient } from './streaming-client.js';

export const OPPORTUNITY_CHANGE_CHANNEL = '/data/OpportunityChangeEvent';
/** Replay from the events published after subscribing (Streaming API replay extension). */
export const REPLAY_NEW = -1;

export type ChangeEventHeader = {
  entityName: string;
  recordIds: string[];
  changeType: string;
  changeOrigin?: string;
  changedFields?: string[];
  commitTimestamp: number;
};
export type ChangeEvent = { payload: { ChangeEventHeader: ChangeEventHeader }; event: { replayId: number } };

/**
 * What the feed hands on: record ids to sync, the replay id to keep once they are sent (negative: none yet), the
 * oldest commit among them.
 */
export type ChangeBatch = { recordIds: string[]; replayId: number; oldestCommitMs: number };

export type ChangeFeedOptions = {
  connection: Connection;
  rules: readonly FieldRule[];
  /** A stored replay id, or REPLAY_NEW. */
  replayFrom: number;
  /** Quiet time after the last relevant event before a batch goes (a rep's saves in a row become one pass). */
  quietMs: number;
  /** Most ids in one batch; more start the next one. */
  maxBatch: number;
  /** Sends a batch; resolves to the ids it could not send (after its own bounded retries), which wait for the next. */
  onBatch: (batch: ChangeBatch) => Promise<readonly string[] | void>;
  /** How long the subscribe may take: Faye's never settles when the server cannot be reached. */
  subscribeTimeoutMs?: number;
  /** Stops a subscribe still under way (the process is stopping): the client is ended, SubscribeStopped thrown. */
  signal?: AbortSignal;
  onEvent?: (outcome: 'relevant' | 'echo' | 'ignored', event: ChangeEvent) => void;
  onError?: (error: unknown) => void;
};

export type ChangeFeed = { close(): Promise<void> };

/** The subscribe was refused: the channel does not exist (no channel member) or the replay id is gone. */
export class ChangeFeedRefused extends Error {
  public constructor(
    message: string,
    public readonly reason: 'unknown-channel' | 'invalid-replay-id' | 'no-answer' | 'other'
  ) {
    super(message);
    this.name = 'ChangeFeedRefused';
  }
}

/** The Opportunity fields whose change can change what the outbound pass sends or whether it sends. */
export function watchedFields(rules: readonly FieldRule[]): Set<string> {
  const fields = new Set<string>([OPP.syncWith, OPP.resync, OPP.dealType, OPP.help, OPP.solutions, 'StageName']);
  // A relationship path (Account.BillingCountryCode) changes on the other object: the reconcile pass covers it.
  // A constant (no Salesforce side) has nothing to watch.
  for (const rule of rules)
    if (rule.direction !== 'inbound' && rule.salesforce && !rule.salesforce.includes('.')) fields.add(rule.salesforce);
  return fields;
}

/** Whether an event is pcsync's own write (no echo back to Partner Center). */
export function isOwnChange(header: ChangeEventHeader): boolean {
  return (header.changeOrigin ?? '').split(';').some((part) => part.trim() === CALL_OPTIONS);
}

export function classify(event: ChangeEvent, watched: ReadonlySet<string>): 'relevant' | 'echo' | 'ignored' {
  const header = event.payload.ChangeEventHeader;
  if (isOwnChange(header)) return 'echo';
  if (header.changeType === 'CREATE' || header.changeType === 'UNDELETE') return 'relevant';
  if (header.changeType !== 'UPDATE' && !header.changeType.startsWith('GAP_')) return 'ignored';
  // A gap event names no fields: the records changed somehow, so they are looked at.
  if (header.changeType.startsWith('GAP_')) return 'relevant';
  return (header.changedFields ?? []).some((f) => watched.has(f)) ? 'relevant' : 'ignored';
}

class NoAnswer extends Error {
  public constructor(ms: number) {
    super(`The Streaming API did not answer the subscribe within ${ms} ms`);
  }
}

/** The subscribe was given up because its caller stopped (`signal`), not refused. */
export class SubscribeStopped extends Error {
  public constructor() {
    super('The change feed subscription was stopped before it was made');
    this.name = 'SubscribeStopped';
  }
}

export async function subscribeChangeFeed(options: ChangeFeedOptions): Promise<ChangeFeed> {
  const watched = watchedFields(options.rules);
  /** Record ids to send, in order, with the commit time of their first unsent change. */
  const pending = new Map<string, number>();
  let lastReplayId = options.replayFrom;
  /** The newest position whose relevant records were all sent: where a restart may resume. */
  let safeReplayId = options.replayFrom;
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> = Promise.resolve();
  let closed = false;

  /** One batch, taken when its turn comes (not when its timer fired), so ids an earlier batch left go first. */
  const sendNext = async (): Promise<void> => {
    if (pending.size === 0) return;
    const taken = new Map([...pending].slice(0, options.maxBatch));
    for (const id of taken.keys()) pending.delete(id);
    // Every event up to lastReplayId is in this batch or needed nothing, unless ids are still waiting: then the
    // position stays where it was, and a later batch moves it.
    const complete = pending.size === 0;
    const replayId = complete ? lastReplayId : safeReplayId;
    const recordIds = [...taken.keys()];
    let unsent: readonly string[];
    try {
      unsent = (await options.onBatch({ recordIds, replayId, oldestCommitMs: Math.min(...taken.values()) })) ?? [];
    } catch (error) {
      options.onError?.(error);
      unsent = recordIds;
    }
    if (unsent.length > 0) {
      // Back to the front: they go with the next batch, and no stored position passes them until they are sent.
      const waiting = [...pending];
      pending.clear();
      for (const id of unsent) pending.set(id, taken.get(id) ?? Date.now());
      for (const [id, at] of waiting) if (!pending.has(id)) pending.set(id, at);
    } else if (complete) safeReplayId = replayId;
  };

  const flush = (): void => {
    timer = undefined;
    sending = sending.then(sendNext).then(() => {
      // Ids beyond one batch (not ids left unsent: those wait for the next event) go on at once.
      if (!closed && pending.size > options.maxBatch && !timer) timer = setTimeout(flush, 0);
    });
  };

  const onMessage = (event: ChangeEvent): void => {
    if (closed) return;
    const outcome = classify(event, watched);
    options.onEvent?.(outcome, event);
    lastReplayId = event.event.replayId;
    if (outcome !== 'relevant') return;
    for (const id of event.payload.ChangeEventHeader.recordIds) {
      if (!pending.has(id)) pending.set(id, event.payload.ChangeEventHeader.commitTimestamp);
    }
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, pending.size >= options.maxBatch ? 0 : options.quietMs);
  };

  if (options.signal?.aborted) throw new SubscribeStopped();
  const client = createStreamingClient(options.connection, [
    new StreamingExtension.Replay(OPPORTUNITY_CHANGE_CHANNEL, options.replayFrom),
  ]);
  let bound: NodeJS.Timeout | undefined;
  let stop: (() => void) | undefined;
  const timeoutMs = options.subscribeTimeoutMs ?? 30_000;
  try {
    await Promise.race([
      client.subscribe(OPPORTUNITY_CHANGE_CHANNEL, onMessage),
      new Promise((_resolve, reject) => {
        bound = setTimeout(() => reject(new NoAnswer(timeoutMs)), timeoutMs);
        stop = (): void => reject(new SubscribeStopped());
        if (options.signal?.aborted) stop();
        else options.signal?.addEventListener('abort', stop, { once: true });
      }),
    ]);
  } catch (error) {
    await endClient(client);
    if (error instanceof SubscribeStopped) throw error;
    if (error instanceof NoAnswer) throw new ChangeFeedRefused(error.message, 'no-answer');
    const message = (error as { message?: string }).message ?? String(error);
    const reason = /unknown channel/i.test(message)
      ? 'unknown-channel'
      : /replayId/i.test(message)
        ? 'invalid-replay-id'
        : 'other';
    throw new ChangeFeedRefused(message, reason);
  } finally {
    clearTimeout(bound);
    if (stop) options.signal?.removeEventListener('abort', stop);
  }
  return {
    close: async (): Promise<void> => {
      closed = true;
      if (timer) clearTimeout(timer);
      await endClient(client);
      await sending;
    },
  };
}
