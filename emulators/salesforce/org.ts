/**
 * The org's state: schema, records, the users (the signed-in API user and a sales rep) with their profiles and
 * permission sets, the Organization record, query cursors, seeds.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Access, PROFILES, UserSchema } from './access.js';
import { ChangeEventBus, readSourceChannelMembers } from './change-events.js';
import { RecordError } from './errors.js';
import { IdFactory } from './ids.js';
import { CustomNotifications } from './notifications.js';
import { applyObjectMetadata, readSourceObjects } from './metadata.js';
import {
  permissionSetProblems,
  type PermissionSetMetadata,
  readSourcePermissionSets,
  storePermissionSet,
} from './permission-sets.js';
import { type ObjectDef, SchemaRegistry, type SchemaSnapshot } from './schema.js';
import { storeComponentRows } from './analytics.js';
import {
  componentProblems,
  emptyComponents,
  mergeComponents,
  type OrgComponents,
  readSourceComponents,
} from './org-components.js';
import { COMPONENT_OBJECTS, setupObjects } from './setup-objects.js';
import {
  type LeadFieldMapping,
  leadMappingProblems,
  leadStatusObject,
  readSourceLeadConvertSettings,
  seedLeadStatuses,
} from './leads.js';
import { SoqlEngine } from './soql/index.js';
import { Clock } from './clock.js';
import { RecordStore, type SfRecord } from './store.js';

export const DEFAULT_API_VERSION = '64.0';
export const DEFAULT_USERNAME = 'emu@pcsync.example';
export const DEFAULT_REP_USERNAME = 'rep@pcsync.example';

/** The setup rows an org keeps across a data reset (its permission sets, who holds them, its deployed views). */
const SETUP_TABLES = [
  'PermissionSet',
  'FieldPermissions',
  'ObjectPermissions',
  'PermissionSetAssignment',
  ...COMPONENT_OBJECTS,
];
export const DEFAULT_ACCESS_TOKEN_SECRET = 'AQEAQPCSYNCEMULATOR.LOCAL.ONLY';

/** The repository's force-app (emulators/salesforce → ../../force-app). */
export const REPO_FORCE_APP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'force-app');

/**
 * A seed: records per object (`{ "Account": [{…}], "Opportunity": [{…}] }`, or the same under `records`).
 * A record may carry `attributes.referenceId` (or `@ref`) and later records may point at it with `"@ref"`.
 */
export type SeedData = Record<string, unknown>;

export type QueryCursor = { records: SfRecord[]; totalSize: number; batchSize: number; created: number };

/** How the org is set up at start: a new org's defaults unless told otherwise. */
export type OrgOptions = {
  apiVersion: string;
  username: string;
  /** The second user, a sales rep with the Standard User profile (no session of their own). */
  repUsername?: string;
  /** The API user is a System Administrator who sees everything, instead of a minimum-access integration user. */
  adminUser?: boolean;
  /** A source-format folder whose CustomObject/CustomField metadata is loaded at start. */
  loadMetadata?: string;
  seed?: SeedData;
  /** State and Country/Territory Picklists (default on, as in a new org); fixed for the org's life. */
  stateCountryPicklists?: boolean;
  /** The standard duplicate rules (default active, as in a new org). */
  duplicateRules?: boolean;
  /** The org's clock runs this many ms ahead of this machine's (negative: behind). */
  clockSkewMs?: number;
  /** How long change events are kept for replay (default 72 hours, as documented). */
  changeEventRetentionMs?: number;
};

export class Org {
  public readonly schema: SchemaRegistry;
  /** The org's LeadConvertSettings custom field mappings (loaded with the metadata; leads.ts). */
  public leadConvertMappings: LeadFieldMapping[] = [];
  private initialLeadConvertMappings: LeadFieldMapping[] = [];
  public readonly ids = new IdFactory();
  public readonly clock: Clock;
  public readonly store: RecordStore;
  public readonly soql: SoqlEngine;
  public readonly orgId: string;
  public readonly userId: string;
  public readonly repUserId: string;
  public readonly apiVersion: string;
  public readonly username: string;
  public readonly repUsername: string;
  public readonly adminUser: boolean;
  public readonly stateCountryPicklists: boolean;
  /** What the API user may do (profile and permission sets), and the schema as they see it. */
  public readonly access: Access;
  public readonly view: UserSchema;
  public readonly cursors = new Map<string, QueryCursor>();
  /** Apps, tabs, list views, report types, reports and dashboards deployed so far (org-components.ts). */
  public components: OrgComponents = emptyComponents();
  /** Change Data Capture: the objects selected by deployed channel members, and their retained events. */
  public readonly changeEvents: ChangeEventBus;
  /** Custom notification types (deployed or loaded) and the notifications sent. */
  public readonly notifications: CustomNotifications;
  private readonly loadMetadata: string | undefined;
  private readonly seed: SeedData | undefined;
  private initialSchema: SchemaSnapshot;
  private readonly initialChangeEventEntities: string[];
  private readonly initialPermissionSets: PermissionSetMetadata[];
  private initialComponents = emptyComponents();
  private cursorCounter = 0;

  public constructor(options: OrgOptions) {
    this.apiVersion = options.apiVersion;
    this.username = options.username;
    this.loadMetadata = options.loadMetadata;
    this.seed = options.seed;
    this.repUsername = options.repUsername ?? DEFAULT_REP_USERNAME;
    this.adminUser = options.adminUser ?? false;
    this.stateCountryPicklists = options.stateCountryPicklists ?? true;
    this.schema = new SchemaRegistry({ stateCountryPicklists: this.stateCountryPicklists }, [
      ...setupObjects(),
      leadStatusObject(),
    ]);
    this.clock = new Clock(options.clockSkewMs ?? 0);
    this.orgId = IdFactory.make('00D', '5g0', 1);
    this.userId = IdFactory.make('005', '5g0', 1);
    this.repUserId = IdFactory.make('005', '5g0', 2);
    this.store = new RecordStore(this.schema, this.ids, this.clock, this.userId, this.apiVersion);
    this.store.duplicateRules = options.duplicateRules ?? true;
    this.changeEvents = new ChangeEventBus(this.clock, options.changeEventRetentionMs);
    this.store.onCommit = (changes, call): void =>
      this.changeEvents.publishTransaction(changes, call.changeOrigin, this.store.userId);
    this.access = new Access(
      this.schema,
      this.store,
      () => this.userId,
      () => this.adminUser
    );
    this.store.access = this.access;
    this.view = new UserSchema(this.schema, this.access);
    this.soql = new SoqlEngine(this.view, this.store, () => this.apiVersion);
    this.initialPermissionSets = [];
    this.notifications = new CustomNotifications(this.schema, this.store, () => this.clock.stamp());
    if (this.loadMetadata) {
      const problems = applyObjectMetadata(this.schema, readSourceObjects(this.loadMetadata)).map(
        (p) => `${p.fullName}: ${p.problem}`
      );
      this.initialComponents = readSourceComponents(this.loadMetadata);
      problems.push(
        ...componentProblems(this.initialComponents, emptyComponents(), this.schema).map(
          (p) => `${p.fullName}: ${p.problem}`
        )
      );
      this.initialPermissionSets = readSourcePermissionSets(this.loadMetadata);
      this.initialLeadConvertMappings = readSourceLeadConvertSettings(this.loadMetadata);
      this.leadConvertMappings = [...this.initialLeadConvertMappings];
      problems.push(
        ...leadMappingProblems(this.initialLeadConvertMappings, (object, name) => {
          const def = this.schema.object(object);
          return def !== undefined && this.schema.field(def, name) !== undefined;
        }).map((p) => `LeadConvertSettings: ${p}`)
      );
      for (const set of this.initialPermissionSets)
        problems.push(
          ...permissionSetProblems(set, this.schema, this.initialComponents).map((p) => `${set.name}: ${p}`)
        );
      problems.push(...this.notifications.loadSource(this.loadMetadata));
      if (problems.length > 0)
        throw new Error(`metadata in ${this.loadMetadata} does not load: ${problems.join('; ')}`);
      for (const entity of readSourceChannelMembers(this.loadMetadata)) this.changeEvents.select(entity);
    }
    this.initialChangeEventEntities = this.changeEvents.selection();
    this.initialSchema = this.schema.snapshot();
    this.resetData(this.initialPermissionSets, []);
    // The start data was there before anyone subscribed: no events for it.
    this.changeEvents.reset(this.initialChangeEventEntities);
  }

  public get orgId15(): string {
    return this.orgId.slice(0, 15);
  }

  /**
   * Back to the start state: seed data, and (unless kept) the schema loaded at start. Kept with the schema: the
   * permission sets and their assignments (the org's setup); otherwise the permission sets loaded at start, unassigned.
   */
  public reset(options: { keepSchema?: boolean } = {}): void {
    this.notifications.reset(Boolean(options.keepSchema));
    if (options.keepSchema) {
      const kept = SETUP_TABLES.map((name) => ({ name, rows: this.store.all(this.standardObject(name)) }));
      this.resetData([], kept);
      this.changeEvents.reset(this.changeEvents.selection());
      return;
    }
    this.schema.restore(this.initialSchema);
    this.leadConvertMappings = [...this.initialLeadConvertMappings];
    this.resetData(this.initialPermissionSets, []);
    this.changeEvents.reset(this.initialChangeEventEntities);
  }

  private standardObject(name: string): ObjectDef {
    const object = this.schema.object(name);
    if (!object) throw new Error(`standard object ${name} missing`);
    return object;
  }

  private resetData(permissionSets: PermissionSetMetadata[], kept: Array<{ name: string; rows: SfRecord[] }>): void {
    this.store.clear();
    this.cursors.clear();
    this.ids.observe(this.orgId);
    const org = this.standardObject('Organization');
    const user = this.standardObject('User');
    const profile = this.standardObject('Profile');
    const profileIds = new Map<string, string>();
    Object.values(PROFILES).forEach((name, index) => {
      const id = IdFactory.make('00e', '5g0', index + 1);
      profileIds.set(name, id);
      this.store.insert(profile, { Id: id, Name: name, UserType: 'Standard' }, { systemMode: true });
    });
    const person = (id: string, username: string, first: string, last: string, profileName: string): SfRecord => ({
      Id: id,
      Username: username,
      FirstName: first,
      LastName: last,
      Email: username,
      Alias: first.toLowerCase().slice(0, 8),
      IsActive: true,
      TimeZoneSidKey: 'GMT',
      LocaleSidKey: 'en_US',
      LanguageLocaleKey: 'en_US',
      UserType: 'Standard',
      ProfileId: profileIds.get(profileName),
    });
    const apiProfile = this.adminUser ? PROFILES.admin : PROFILES.integration;
    this.store.insert(user, person(this.userId, this.username, 'Emu', 'User', apiProfile), { systemMode: true });
    this.store.insert(user, person(this.repUserId, this.repUsername, 'Rep', 'User', PROFILES.standard), {
      systemMode: true,
    });
    this.store.insert(
      org,
      {
        Id: this.orgId,
        Name: 'pcsync Emulated Org',
        InstanceName: 'EMU1',
        IsSandbox: false,
        TrialExpirationDate: null,
        NamespacePrefix: null,
        OrganizationType: 'Developer Edition',
        Country: 'US',
        DefaultLocaleSidKey: 'en_US',
        LanguageLocaleKey: 'en_US',
        TimeZoneSidKey: 'GMT',
      },
      { systemMode: true }
    );
    seedLeadStatuses(this.store, this.standardObject('LeadStatus'));
    for (const set of permissionSets) storePermissionSet(set, this.schema, this.store);
    if (kept.length === 0) {
      // Back to what was loaded at start (a copy: later deploys add to it).
      this.components = emptyComponents();
      mergeComponents(this.components, this.initialComponents);
      storeComponentRows(this, this.components);
    }
    for (const { name, rows } of kept) {
      for (const row of rows) this.store.insert(this.standardObject(name), row, { systemMode: true });
    }
    if (this.seed) this.loadSeed(this.seed);
    this.store.endCall();
  }

  /** Inserts seed records (all or nothing); returns how many went in per object. */
  public loadSeed(seed: SeedData): Record<string, number> {
    const groups = (seed.records && typeof seed.records === 'object' ? seed.records : seed) as Record<string, unknown>;
    this.store.beginCall();
    const refs = new Map<string, string>();
    const counts: Record<string, number> = {};
    this.store.transaction(() => {
      for (const [objectName, rows] of Object.entries(groups)) {
        const object = this.schema.object(objectName);
        if (!object) throw RecordError.of('INVALID_TYPE', `seed: sObject type '${objectName}' is not supported`);
        if (!Array.isArray(rows))
          throw RecordError.of('INVALID_TYPE', `seed: ${objectName} must be an array of records`);
        for (const row of rows as Array<Record<string, unknown>>) {
          const attributes = (row.attributes ?? {}) as Record<string, unknown>;
          const ref = (attributes.referenceId ?? row['@ref']) as string | undefined;
          const input: SfRecord = {};
          for (const [key, value] of Object.entries(row)) {
            if (key === 'attributes' || key === '@ref') continue;
            input[key] =
              typeof value === 'string' && value.startsWith('@') && refs.has(value.slice(1))
                ? refs.get(value.slice(1))
                : value;
          }
          const record = this.store.insert(object, input, { systemMode: true });
          if (ref) refs.set(ref, record.Id as string);
          counts[object.name] = (counts[object.name] ?? 0) + 1;
        }
      }
    });
    this.store.endCall();
    return counts;
  }

  public static readSeedFile(file: string): SeedData {
    return JSON.parse(readFileSync(file, 'utf8')) as SeedData;
  }

  public newCursor(cursor: QueryCursor): string {
    this.cursorCounter++;
    // Query locators look like `01gD0000002HU6KIAW`; keep at most 200 open cursors, as orgs cap them too.
    const locator = IdFactory.make('01g', '5g0', this.cursorCounter);
    this.cursors.set(locator, cursor);
    if (this.cursors.size > 200) this.cursors.delete(this.cursors.keys().next().value as string);
    return locator;
  }
}
