/**
 * Change Data Capture: the org's event bus for `<Object>ChangeEvent`s, as the Change Data Capture Developer Guide
 * describes it ("Change Event Message Structure", "ChangeEventHeader Fields", "Change Event Body Fields"):
 *
 * - an object publishes only once selected, here by a deployed `PlatformEventChannelMember` of the `ChangeEvents`
 *   channel (Metadata API Developer Guide: "PlatformEventChannelMember");
 * - one event per changed record and transaction; `changedFields` (update only) names what changed, including
 *   `LastModifiedDate`; the body carries the new values (create: every non-null field, update: the changed ones,
 *   delete: none);
 * - `changeOrigin` is `com/salesforce/api/<api>/<version>;client=<id>`, the client id taken from the call's
 *   `Sforce-Call-Options` header, empty for changes made outside the API;
 * - replay ids increase (not contiguously in a real org; here by one) and events are kept for 72 hours
 *   (Streaming API Developer Guide: "Message Durability"), after which a replay id names nothing.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from './clock.js';
import type { SfRecord } from './store.js';

/** A committed row change, as the store reports it at the end of a transaction. */
export type RowChange = { object: string; id: string; before: SfRecord | undefined; after: SfRecord | undefined };

export type ChangeEventHeader = {
  entityName: string;
  recordIds: string[];
  changeType: 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE';
  changeOrigin: string;
  transactionKey: string;
  sequenceNumber: number;
  commitTimestamp: number;
  commitNumber: number;
  commitUser: string;
  changedFields: string[];
  diffFields: string[];
  nulledFields: string[];
};

/** An event as a CometD subscriber receives it in `data`. */
export type ChangeEventMessage = {
  schema: string;
  payload: { ChangeEventHeader: ChangeEventHeader } & Record<string, unknown>;
  event: { replayId: number };
};

export type StoredEvent = { channels: string[]; at: number; data: ChangeEventMessage };

/** The documented retention of change events: 72 hours. */
export const DEFAULT_RETENTION_MS = 72 * 60 * 60 * 1000;
/** The standard channel that carries every selected object's change events. */
export const ALL_CHANGE_EVENTS = '/data/ChangeEvents';

/** The system fields a change never lists (they change on every write). */
const UNLISTED = new Set(['SystemModstamp', 'LastModifiedById', 'IsDeleted']);

export class InvalidReplayId extends Error {
  public constructor(public readonly replayId: number) {
    super(
      `The replayId {${replayId}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, ` +
        'or -1 to replay only new events.'
    );
  }
}

export class ChangeEventBus {
  /** Entities selected for Change Data Capture (lower-case API names). */
  private readonly selected = new Set<string>();
  private events: StoredEvent[] = [];
  private nextReplayId = 1;
  private commitNumber = 0;
  private readonly listeners = new Set<(event: StoredEvent) => void>();

  public constructor(
    private readonly clock: Clock,
    public retentionMs = DEFAULT_RETENTION_MS
  ) {}

  /** Selects (a deployed channel member) an entity, e.g. `Opportunity`. */
  public select(entity: string): void {
    this.selected.add(entity.toLowerCase());
  }

  public isSelected(entity: string): boolean {
    return this.selected.has(entity.toLowerCase());
  }

  /** `/data/ChangeEvents`, or `/data/<Object>ChangeEvent` of a selected object. */
  public channelExists(channel: string): boolean {
    if (channel === ALL_CHANGE_EVENTS) return true;
    const m = /^\/data\/(\w+?)ChangeEvent$/.exec(channel);
    return m !== null && this.isSelected(m[1].endsWith('__') ? `${m[1]}c` : m[1]);
  }

  /** The selected entities (lower-case). */
  public selection(): string[] {
    return [...this.selected];
  }

  /** Data reset: the retained events go; `selection` is what stays selected. */
  public reset(selection: string[]): void {
    this.events = [];
    this.selected.clear();
    for (const entity of selection) this.select(entity);
  }

  public onPublish(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publishes the changes of one committed transaction. */
  public publishTransaction(changes: RowChange[], changeOrigin: string, commitUser: string): void {
    const relevant = changes.filter((c) => this.isSelected(c.object));
    if (relevant.length === 0) return;
    const transactionKey = randomUUID().replace(/-/g, '').slice(0, 20);
    const commitTimestamp = this.clock.nowMs();
    const commitNumber = ++this.commitNumber;
    // A row written twice in one transaction is one change, from its first state to its last.
    const merged = new Map<string, RowChange>();
    for (const change of relevant) {
      const first = merged.get(change.id);
      merged.set(change.id, first ? { ...change, before: first.before } : change);
    }
    let sequenceNumber = 0;
    for (const change of merged.values()) {
      const { changeType, fields } = describeChange(change);
      if (changeType === 'UPDATE' && fields.length === 0) continue;
      const body: Record<string, unknown> = {};
      if (change.after && changeType !== 'DELETE') for (const f of fields) body[f] = change.after[f];
      const header: ChangeEventHeader = {
        entityName: change.object,
        recordIds: [change.id],
        changeType,
        changeOrigin,
        transactionKey,
        sequenceNumber: ++sequenceNumber,
        commitTimestamp,
        commitNumber,
        commitUser,
        changedFields: changeType === 'UPDATE' ? fields : [],
        diffFields: [],
        nulledFields: changeType === 'UPDATE' ? fields.filter((f) => change.after?.[f] === null) : [],
      };
      const replayId = this.nextReplayId++;
      const event: StoredEvent = {
        channels: [`/data/${changeEventName(change.object)}`, ALL_CHANGE_EVENTS],
        at: this.clock.nowMs(),
        data: { schema: schemaId(change.object), payload: { ChangeEventHeader: header, ...body }, event: { replayId } },
      };
      this.events.push(event);
      for (const listener of this.listeners) listener(event);
    }
  }

  /**
   * The retained events of `channel` after `replayId` (-2: all retained, -1: none). A positive id must be one the
   * bus still keeps; an expired (or never issued) id is refused, as the Streaming API refuses it.
   */
  public replay(channel: string, replayId: number): StoredEvent[] {
    this.expire();
    if (replayId === -1) return [];
    const onChannel = this.events.filter((e) => e.channels.includes(channel));
    if (replayId === -2) return onChannel;
    if (!this.events.some((e) => e.data.event.replayId === replayId)) throw new InvalidReplayId(replayId);
    return onChannel.filter((e) => e.data.event.replayId > replayId);
  }

  /** Retained events, oldest first (for assertions). */
  public retained(): StoredEvent[] {
    this.expire();
    return [...this.events];
  }

  private expire(): void {
    const oldest = this.clock.nowMs() - this.retentionMs;
    this.events = this.events.filter((e) => e.at >= oldest);
  }
}

/** The entities selected by a source folder's `platformEventChannelMembers` of the `ChangeEvents` channel. */
export function readSourceChannelMembers(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.platformEventChannelMember-meta.xml')) {
        const member = parseChannelMember(readFileSync(full, 'utf8'));
        if (member) found.push(member);
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

/** The selected entity of a `PlatformEventChannelMember` of `ChangeEvents`, or undefined. */
export function parseChannelMember(xml: string): string | undefined {
  const channel = /<eventChannel>\s*([^<\s]+)\s*<\/eventChannel>/.exec(xml)?.[1];
  const entity = /<selectedEntity>\s*([^<\s]+)\s*<\/selectedEntity>/.exec(xml)?.[1];
  if (channel !== 'ChangeEvents' || !entity) return undefined;
  // The member names the change event (`OpportunityChangeEvent`); the entity is the object it follows.
  return entity.replace(/__ChangeEvent$/, '__c').replace(/ChangeEvent$/, '');
}

/** `OpportunityChangeEvent`, `Partner_Center_Sync_Run__ChangeEvent`. */
export function changeEventName(entity: string): string {
  return entity.endsWith('__c') ? `${entity.slice(0, -3)}__ChangeEvent` : `${entity}ChangeEvent`;
}

/** The `changeOrigin` of a call made through `api` (rest, bulkapi, soap) with its `Sforce-Call-Options` header. */
export function changeOrigin(api: string, version: string, callOptions: string | undefined): string {
  const client = /(?:^|[;,\s])client=([^;,]*)/.exec(callOptions ?? '')?.[1]?.trim();
  return `com/salesforce/api/${api}/${version}${client ? `;client=${client}` : ''}`;
}

function describeChange(change: RowChange): { changeType: ChangeEventHeader['changeType']; fields: string[] } {
  const { before, after } = change;
  if (!after) return { changeType: 'DELETE', fields: [] };
  const names = Object.keys(after).filter((f) => f !== 'Id' && !UNLISTED.has(f));
  if (!before)
    return { changeType: 'CREATE', fields: names.filter((f) => after[f] !== null && after[f] !== undefined) };
  if (before.IsDeleted === true) return { changeType: 'UNDELETE', fields: [] };
  return { changeType: 'UPDATE', fields: names.filter((f) => !sameValue(before[f], after[f])) };
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** A stable schema id per entity (a real org's is an opaque hash of the event schema). */
function schemaId(entity: string): string {
  let hash = 0;
  for (const ch of entity) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `${hash.toString(36)}CDC${entity.length}`.padEnd(22, 'A');
}
