/**
 * Ending jsforce's streaming (Faye) client in whatever state it is in. Faye's own `disconnect()` does nothing unless
 * the client is connected: a client stopped mid-handshake goes on, connects when the answer comes and long-polls for
 * good, and one whose handshake got no answer retries it every few seconds — either keeps a stopping `serve` alive.
 * Its HTTP transport's `close()` is a no-op too, so a long poll in flight holds the process until the server answers
 * it (up to 110 s on Salesforce). So the client is made without the WebSocket probe Faye would otherwise open (and
 * never close while unanswered), told to disconnect when it is connected (the server frees its client id at once),
 * then every request still in flight is aborted and nothing is sent again.
 *
 * This reaches into Faye's client and dispatcher (faye 1.4, the version jsforce ships): the one place that does.
 */
import { createRequire } from 'node:module';
import type { Connection } from '@jsforce/jsforce-node';

type Envelope = {
  request?: PromiseLike<{ abort?: () => void } | undefined> | null;
  timer?: NodeJS.Timeout | null;
  scheduler?: { abort?: () => void };
};

type FayeInternals = {
  _state?: number;
  CONNECTED?: number;
  DISCONNECTED?: number;
  _dispatcher?: {
    close?: () => void;
    sendMessage?: (...args: unknown[]) => void;
    selectTransport?: (...args: unknown[]) => void;
    _envelopes?: { forEach(fn: (envelope: Envelope) => void): void; clear(): void };
  };
};

export type StreamingClient = { disconnect(): PromiseLike<unknown> | undefined };

/** The client as pcsync uses it: subscribe (its caller knows the message shape), and what making it takes. */
export type FayeClient = StreamingClient & {
  subscribe(channel: string, listener: (message: never) => void): PromiseLike<unknown>;
  disable(feature: string): void;
  setHeader(name: string, value: string): void;
  addExtension(extension: unknown): void;
  _dispatcher: { selectTransport(type: string): void; _transport?: { batching: boolean } };
};

/**
 * A CometD client for the org's Streaming API, made as jsforce's `streaming.createClient` makes it (its endpoint,
 * the session's token, long polling one message per request) but without the WebSocket transport: Salesforce offers
 * long polling only ("supportedConnectionTypes"), and Faye, when the transport is not disabled before the first
 * one is chosen, opens a WebSocket to the endpoint to probe it, a socket no API of Faye's can close while the
 * server has not answered it. Faye is loaded here, on first use: only `serve`'s change feed needs it.
 */
export function createStreamingClient(connection: Connection, extensions: readonly unknown[]): FayeClient {
  const faye = createRequire(import.meta.url)('faye') as { Client: new (url: string, options: object) => FayeClient };
  const client = new faye.Client(`${connection.instanceUrl}/cometd/${connection.version}`, {});
  client.disable('websocket');
  client.setHeader('Authorization', `OAuth ${connection.accessToken ?? ''}`);
  for (const extension of extensions) client.addExtension(extension);
  client._dispatcher.selectTransport('long-polling');
  if (client._dispatcher._transport) client._dispatcher._transport.batching = false;
  return client;
}

/** Whether the client may be connected: finished its handshake and not disconnected (or a state Faye does not show). */
const mayBeConnected = (client: StreamingClient): boolean => {
  const internals = client as FayeInternals;
  return typeof internals._state !== 'number' || internals._state === internals.CONNECTED;
};

/** Aborts what the client has in flight and stops it sending anything again (no handshake retry, no long poll). */
export function abandonClient(client: StreamingClient): void {
  const internals = client as FayeInternals;
  if (internals.DISCONNECTED !== undefined) internals._state = internals.DISCONNECTED;
  const dispatcher = internals._dispatcher;
  dispatcher?._envelopes?.forEach((envelope) => {
    if (envelope.timer) clearTimeout(envelope.timer);
    envelope.scheduler?.abort?.();
    void Promise.resolve(envelope.request).then(
      (request) => request?.abort?.(),
      () => undefined
    );
  });
  dispatcher?._envelopes?.clear();
  if (!dispatcher) return;
  // Nothing is sent again: a message still passing through the extensions (a handshake just begun) is dropped, no
  // transport is chosen again, and a retry timer already set finds none.
  dispatcher.sendMessage = (): void => undefined;
  dispatcher.selectTransport = (): void => undefined;
  dispatcher.close?.();
}

/**
 * Disconnects a connected client, waiting at most `boundMs` for the server's answer, then abandons whatever is left
 * in flight, so nothing of the client keeps the process alive.
 */
export async function endClient(client: StreamingClient, boundMs = 5000): Promise<void> {
  if (mayBeConnected(client)) {
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.resolve(client.disconnect()).catch(() => undefined),
      new Promise((resolve) => {
        bound = setTimeout(resolve, boundMs);
      }),
    ]);
    clearTimeout(bound);
  }
  abandonClient(client);
}
