/**
 * The Streaming API's CometD endpoint, `/cometd/<version>`, for Change Data Capture channels. Bayeux itself
 * (handshake, long-polling connect, subscribe, unsubscribe, disconnect, client ids and queues) is Faye's Node server
 * — the same project as the Faye client jsforce's streaming API is built on, so the two speak the same dialect.
 * What is Salesforce's own is added here as a Faye extension, after the Streaming API Developer Guide:
 *
 * - every message needs the session (`Authorization: OAuth <token>`); without one the handshake answers
 *   `403::Handshake denied` with `ext.sfdc.failureReason` `401::Authentication invalid` and `advice.reconnect: none`
 *   ("Streaming API Error Codes"; jsforce's `AuthFailure` extension looks for exactly that);
 * - long polling only ("Clients and Timeouts": `supportedConnectionTypes: ["long-polling"]`, a 110-second timeout),
 *   the handshake says `ext.replay: true`;
 * - only `/data/ChangeEvents` and `/data/<Object>ChangeEvent` of a selected object exist; others answer
 *   `403::Unknown channel`; clients do not publish to them;
 * - the replay extension (`ext.replay: { <channel>: <replayId> }`, "Message Durability"): -1 new events only, -2 all
 *   retained, a retained replay id the events after it; an id no longer retained fails the subscribe with `400::The
 *   replayId {…} you provided was invalid…`.
 */
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ChangeEventBus, InvalidReplayId, type StoredEvent } from './change-events.js';

type BayeuxMessage = {
  channel: string;
  clientId?: string;
  subscription?: string | string[];
  successful?: boolean;
  error?: string;
  ext?: Record<string, unknown>;
  advice?: Record<string, unknown>;
  supportedConnectionTypes?: string[];
  connectionType?: string;
  data?: unknown;
};
type Next = (message: BayeuxMessage) => void;
type Extension = {
  incoming: (message: BayeuxMessage, request: IncomingMessage | null, next: Next) => void;
  outgoing: (message: BayeuxMessage, request: IncomingMessage | null, next: Next) => void;
};
/** The parts of Faye's server this endpoint uses: its public adapter, and the engine's per-client queue. */
type FayeAdapter = {
  addExtension(extension: Extension): void;
  handle(request: IncomingMessage, response: ServerResponse): void;
  close(): void;
  _server: {
    _engine: {
      publish(message: { channel: string; data: unknown }): void;
      _engine: { _messages: Map<string, unknown[]>; emptyQueue(clientId: string): void };
    };
  };
};
type Faye = { NodeAdapter: new (options: { mount: string; timeout: number }) => FayeAdapter };

const faye = createRequire(import.meta.url)('faye') as Faye;

/** Salesforce holds a long-polling connect up to 110 seconds ("Clients and Timeouts"). */
const CONNECT_TIMEOUT_SECONDS = 110;
/** The oldest API version whose CometD endpoint serves durable (replayable) events. */
const MIN_VERSION = 37;

export class CometdEndpoint {
  private readonly adapter: FayeAdapter;
  /** Replay positions asked for by subscribes under way, `clientId channel` → replay id. */
  private readonly pendingReplays = new Map<string, number>();
  private readonly stopListening: () => void;

  public constructor(
    private readonly bus: ChangeEventBus,
    private readonly authorized: (request: IncomingMessage) => boolean,
    private readonly maxVersion: string
  ) {
    this.adapter = new faye.NodeAdapter({ mount: '/cometd', timeout: CONNECT_TIMEOUT_SECONDS });
    this.adapter.addExtension({
      incoming: (message, request, next) => next(this.incoming(message, request)),
      outgoing: (message, request, next) => next(this.outgoing(message, request)),
    });
    this.stopListening = bus.onPublish((event) => {
      for (const channel of event.channels) this.adapter._server._engine.publish({ channel, data: event.data });
    });
  }

  /** Serves one HTTP request under `/cometd/`. */
  public handle(request: IncomingMessage, response: ServerResponse, path: string): void {
    const version = /^\/cometd\/(\d+\.\d)\/?$/.exec(path)?.[1];
    const refuse = (message: string): void => {
      response.writeHead(400, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify([{ error: `400::${message}`, successful: false }]));
      request.resume();
    };
    const uri = `URI format: '/cometd/${this.maxVersion}'`;
    if (!version) refuse(`API version in the URI is mandatory. ${uri}`);
    else if (Number(version) < MIN_VERSION || Number(version) > Number(this.maxVersion))
      refuse(`Unsupported API version. Only API versions '${MIN_VERSION}.0' and later are supported. ${uri}`);
    else this.adapter.handle(request, response);
  }

  public close(): void {
    this.stopListening();
    this.adapter.close();
  }

  private incoming(message: BayeuxMessage, request: IncomingMessage | null): BayeuxMessage {
    if (request === null) return message;
    if (!this.authorized(request)) {
      message.error = message.channel === '/meta/handshake' ? '403::Handshake denied' : '401::Authentication invalid';
      return message;
    }
    if (message.channel === '/meta/connect' && message.connectionType !== 'long-polling') {
      message.error = `400::Invalid connection type ${String(message.connectionType)}`;
      return message;
    }
    if (!message.channel.startsWith('/meta/')) {
      message.error = `403:${message.channel}:Forbidden channel`;
      return message;
    }
    if (message.channel !== '/meta/subscribe') return message;
    const replays = (message.ext?.replay ?? {}) as Record<string, unknown>;
    for (const channel of [message.subscription ?? []].flat()) {
      if (!this.bus.channelExists(channel)) {
        message.error = '403::Unknown channel';
        return message;
      }
      const asked = replays[channel];
      const replayId = asked === undefined || asked === null ? -1 : Number(asked);
      try {
        this.bus.replay(channel, replayId);
      } catch (error) {
        if (!(error instanceof InvalidReplayId)) throw error;
        message.error = `400::${error.message}`;
        return message;
      }
      this.pendingReplays.set(`${message.clientId ?? ''} ${channel}`, replayId);
    }
    return message;
  }

  private outgoing(message: BayeuxMessage, request: IncomingMessage | null): BayeuxMessage {
    if (request === null) return message;
    if (message.channel === '/meta/handshake' || message.channel === '/meta/connect') {
      if (!this.authorized(request)) {
        message.advice = { reconnect: 'none' };
        message.ext = { sfdc: { failureReason: '401::Authentication invalid' }, replay: true };
      } else if (message.channel === '/meta/handshake' && message.successful) {
        message.supportedConnectionTypes = ['long-polling'];
        message.ext = { replay: true, 'payload.format': true };
      }
    }
    if (message.channel === '/meta/subscribe') {
      for (const channel of [message.subscription ?? []].flat()) {
        const key = `${message.clientId ?? ''} ${channel}`;
        const replayId = this.pendingReplays.get(key);
        this.pendingReplays.delete(key);
        // Subscribed by now (Faye answers after its engine subscribed): the retained events go first in the queue.
        if (message.successful && message.clientId && replayId !== undefined)
          this.queue(message.clientId, channel, this.bus.replay(channel, replayId));
      }
    }
    return message;
  }

  /** Queues events for one client only (a replay is the subscriber's own, not a publish to the channel). */
  private queue(clientId: string, channel: string, events: StoredEvent[]): void {
    if (events.length === 0) return;
    const engine = this.adapter._server._engine._engine;
    const queue = engine._messages.get(clientId) ?? [];
    queue.push(...events.map((event) => ({ channel, data: structuredClone(event.data) })));
    engine._messages.set(clientId, queue);
    engine.emptyQueue(clientId);
  }
}
