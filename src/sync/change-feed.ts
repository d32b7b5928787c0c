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

/** What the feed hands on: record ids to sync, the replay id once they are done, the oldest commit among them. */
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
  onBatch: (batch: ChangeBatch) => Promise<void>;
  /** How long the subscribe may take: Faye's never settles when the server cannot be reached. */
  subscribeTimeoutMs?: number;
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

type FayeClient = {
  subscribe(channel: string, listener: (message: ChangeEvent) => void): PromiseLike<unknown>;
  disconnect(): PromiseLike<unknown> | undefined;
};

/**
 * Disconnects a streaming client and waits, bounded, for the server's answer: until it comes, Faye keeps its
 * long-poll request and retries it every few seconds, which keeps a closing process (or a test run) alive.
 */
export async function endClient(client: Pick<FayeClient, 'disconnect'>, boundMs = 5000): Promise<void> {
  let bound: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.resolve(client.disconnect()).catch(() => undefined),
    new Promise((resolve) => {
      bound = setTimeout(resolve, boundMs);
    }),
  ]);
  clearTimeout(bound);
}

export async function subscribeChangeFeed(options: ChangeFeedOptions): Promise<ChangeFeed> {
  const watched = watchedFields(options.rules);
  const pending = new Map<string, number>();
  let lastReplayId = options.replayFrom;
  /** The newest replay id whose relevant records are all handed on: where a restart may resume. */
  let safeReplayId = options.replayFrom;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  let closed = false;

  const flush = (): void => {
    timer = undefined;
    if (pending.size === 0) return;
    const ids = [...pending.keys()].slice(0, options.maxBatch);
    const oldestCommitMs = Math.min(...ids.map((id) => pending.get(id) ?? Date.now()));
    for (const id of ids) pending.delete(id);
    if (pending.size === 0) safeReplayId = lastReplayId;
    const replayId = safeReplayId;
    flushing = flushing
      .then(() => options.onBatch({ recordIds: ids, replayId, oldestCommitMs }))
      .catch((error: unknown) => options.onError?.(error));
    if (pending.size > 0) timer = setTimeout(flush, 0);
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

  const client = options.connection.streaming.createClient([
    new StreamingExtension.Replay(OPPORTUNITY_CHANGE_CHANNEL, options.replayFrom),
  ]) as unknown as FayeClient;
  let bound: NodeJS.Timeout | undefined;
  const timeoutMs = options.subscribeTimeoutMs ?? 30_000;
  try {
    await Promise.race([
      client.subscribe(OPPORTUNITY_CHANGE_CHANNEL, onMessage),
      new Promise((_resolve, reject) => {
        bound = setTimeout(() => reject(new NoAnswer(timeoutMs)), timeoutMs);
      }),
    ]);
  } catch (error) {
    await endClient(client);
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
  }
  return {
    close: async (): Promise<void> => {
      closed = true;
      if (timer) clearTimeout(timer);
      await endClient(client);
      await flushing;
    },
  };
}
