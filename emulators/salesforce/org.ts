/**
 * The org's state: schema, records, the signed-in user and the Organization record, query cursors, seeds.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordError } from './errors.js';
import { IdFactory } from './ids.js';
import { applyObjectMetadata, readSourceObjects } from './metadata.js';
import { SchemaRegistry, type SchemaSnapshot } from './schema.js';
import { SoqlEngine } from './soql/index.js';
import { Clock } from './clock.js';
import { RecordStore, type SfRecord } from './store.js';

export const DEFAULT_API_VERSION = '64.0';
export const DEFAULT_USERNAME = 'emu@pcsync.example';
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
  /** A source-format folder whose CustomObject/CustomField metadata is loaded at start. */
  loadMetadata?: string;
  seed?: SeedData;
  /** State and Country/Territory Picklists (default on, as in a new org); fixed for the org's life. */
  stateCountryPicklists?: boolean;
  /** The standard duplicate rules (default active, as in a new org). */
  duplicateRules?: boolean;
  /** The org's clock runs this many ms ahead of this machine's (negative: behind). */
  clockSkewMs?: number;
};

export class Org {
  public readonly schema: SchemaRegistry;
  public readonly ids = new IdFactory();
  public readonly clock: Clock;
  public readonly store: RecordStore;
  public readonly soql: SoqlEngine;
  public readonly orgId: string;
  public readonly userId: string;
  public readonly apiVersion: string;
  public readonly username: string;
  public readonly stateCountryPicklists: boolean;
  public readonly cursors = new Map<string, QueryCursor>();
  private readonly loadMetadata: string | undefined;
  private readonly seed: SeedData | undefined;
  private initialSchema: SchemaSnapshot;
  private cursorCounter = 0;

  public constructor(options: OrgOptions) {
    this.apiVersion = options.apiVersion;
    this.username = options.username;
    this.loadMetadata = options.loadMetadata;
    this.seed = options.seed;
    this.stateCountryPicklists = options.stateCountryPicklists ?? true;
    this.schema = new SchemaRegistry({ stateCountryPicklists: this.stateCountryPicklists });
    this.clock = new Clock(options.clockSkewMs ?? 0);
    this.orgId = IdFactory.make('00D', '5g0', 1);
    this.userId = IdFactory.make('005', '5g0', 1);
    this.store = new RecordStore(this.schema, this.ids, this.clock, this.userId, this.apiVersion);
    this.store.duplicateRules = options.duplicateRules ?? true;
    this.soql = new SoqlEngine(this.schema, this.store, () => this.apiVersion);
    if (this.loadMetadata) {
      const problems = applyObjectMetadata(this.schema, readSourceObjects(this.loadMetadata));
      if (problems.length > 0) {
        throw new Error(
          `metadata in ${this.loadMetadata} does not load: ${problems.map((p) => `${p.fullName}: ${p.problem}`).join('; ')}`
        );
      }
    }
    this.initialSchema = this.schema.snapshot();
    this.resetData();
  }

  public get orgId15(): string {
    return this.orgId.slice(0, 15);
  }

  /** Back to the start state: seed data, and (unless kept) the schema loaded at start. */
  public reset(options: { keepSchema?: boolean } = {}): void {
    if (!options.keepSchema) this.schema.restore(this.initialSchema);
    this.resetData();
  }

  private resetData(): void {
    this.store.clear();
    this.cursors.clear();
    this.ids.observe(this.orgId);
    this.ids.observe(this.userId);
    const org = this.schema.object('Organization');
    const user = this.schema.object('User');
    if (!org || !user) throw new Error('standard objects missing');
    this.store.insert(
      user,
      {
        Id: this.userId,
        Username: this.username,
        FirstName: 'Emu',
        LastName: 'User',
        Email: this.username,
        Alias: 'emu',
        IsActive: true,
        TimeZoneSidKey: 'GMT',
        LocaleSidKey: 'en_US',
        LanguageLocaleKey: 'en_US',
        UserType: 'Standard',
      },
      { systemMode: true }
    );
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
    if (this.seed) this.loadSeed(this.seed);
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
