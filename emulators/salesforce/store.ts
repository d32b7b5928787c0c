/**
 * In-memory records with what a real org enforces on every write: known and writable fields, types and lengths,
 * required fields, restricted picklists, unique external ids, references, and system fields maintained per write.
 */
import { Access } from './access.js';
import { type Clock, formatDateTime } from './clock.js';
import { syncAddresses } from './address.js';
import { DUPLICATE_ALERT, duplicateIndex, findDuplicates } from './duplicates.js';
import { NOT_MODELLED, RecordError, type SaveError } from './errors.js';
import { evaluateFormula, formatAutoNumber } from './formula.js';
import { IdFactory, isValidId, to18 } from './ids.js';
import { checkConvertedLeadEdit } from './leads.js';
import { type FieldDef, type ObjectDef, OPPORTUNITY_STAGES, type SchemaRegistry } from './schema.js';
import { SETUP_OBJECTS } from './setup-objects.js';
import { asText } from './text.js';
import type { RowChange } from './change-events.js';

export type SfRecord = Record<string, unknown>;

export type WriteOptions = {
  /** Seeds may set read-only fields (CreatedDate…) and their own Ids. */
  systemMode?: boolean;
  /** Bulk CSV semantics: strings everywhere; `#N/A` clears a field. */
  csv?: boolean;
};

/** What the API call being served asks of its writes, from its request headers. */
export type CallContext = {
  /** `Sforce-Duplicate-Rule-Header: allowSave=true`: save despite a duplicate rule's alert. */
  allowDuplicates: boolean;
  /** `includeRecordDetails=true`: duplicate matches carry every field, not just the Id. */
  includeRecordDetails: boolean;
  /** The API version in the request path (for record URLs). */
  version: string;
  /** Change Data Capture's `changeOrigin` of the call's writes (empty: not through an API). */
  changeOrigin: string;
};

type JournalEntry = { object: string; id: string; before: SfRecord | undefined };

export class RecordStore {
  private readonly tables = new Map<string, Map<string, SfRecord>>();
  /** `object.field` (lower-case) → value key → Ids, for unique and external-id fields. */
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly deletedRows = new Map<string, Map<string, SfRecord>>();
  /** The rows the duplicate rules search, looked up by their match criteria (duplicate-index.ts). */
  private readonly duplicateCandidates = duplicateIndex();
  private journal: JournalEntry[] | undefined;
  private autoNumbers = new Map<string, number>();
  /** The standard duplicate rules are active (a new org's default). */
  public duplicateRules = true;
  private call: CallContext;
  private readonly insertedThisCall = new Set<string>();
  /** Rows written (inserted, updated or deleted, cascades included) and kept; rollbacks take theirs back. */
  public writes = 0;
  /** The row changes of the call being served, reported at its end (Change Data Capture); rollbacks drop theirs. */
  private changes: RowChange[] = [];
  /** Told the changes of each finished call that wrote something. */
  public onCommit: ((changes: RowChange[], call: CallContext) => void) | undefined;
  /** Bumped whenever a setup row (a permission set, an assignment…) changes, so access.ts recomputes grants. */
  public setupVersion = 0;
  /** The running user's object and field permissions; writes outside system mode honour them. */
  public access: Access | undefined;

  public constructor(
    public readonly schema: SchemaRegistry,
    public readonly ids: IdFactory,
    public readonly clock: Clock,
    public userId: string,
    private readonly apiVersion: string
  ) {
    this.call = { allowDuplicates: false, includeRecordDetails: false, version: apiVersion, changeOrigin: '' };
  }

  /** Starts an API call (or a Bulk API chunk of 200 rows): one transaction time, the call's headers. */
  public beginCall(context: Partial<CallContext> = {}): void {
    this.endCall();
    this.clock.tick();
    this.call = {
      allowDuplicates: false,
      includeRecordDetails: false,
      version: this.apiVersion,
      changeOrigin: '',
      ...context,
    };
    this.insertedThisCall.clear();
  }

  /** Ends the call being served: its kept changes are committed (and reported). */
  /** Ends the API call being served: its changes go to Change Data Capture. Answers the objects it changed. */
  public endCall(): string[] {
    const changes = this.changes;
    this.changes = [];
    if (changes.length > 0) this.onCommit?.(changes, this.call);
    return [...new Set(changes.map((change) => change.object))];
  }

  public clear(): void {
    this.changes = [];
    this.setupVersion++;
    this.tables.clear();
    this.deletedRows.clear();
    this.indexes.clear();
    this.duplicateCandidates.clear();
    this.autoNumbers.clear();
    this.ids.reset();
  }

  public table(object: ObjectDef): Map<string, SfRecord> {
    const key = object.name.toLowerCase();
    let table = this.tables.get(key);
    if (!table) {
      table = new Map();
      this.tables.set(key, table);
    }
    return table;
  }

  public all(object: ObjectDef): SfRecord[] {
    return [...this.table(object).values()];
  }

  public get(object: ObjectDef, id: string): SfRecord | undefined {
    return isValidId(id) ? this.table(object).get(to18(id)) : undefined;
  }

  /** Finds the object of an Id by its key prefix. */
  public findById(id: string): { object: ObjectDef; record: SfRecord } | undefined {
    if (!isValidId(id)) return undefined;
    const object = this.schema.objectByPrefix(id.slice(0, 3));
    const record = object ? this.table(object).get(to18(id)) : undefined;
    return object && record ? { object, record } : undefined;
  }

  /** Runs `fn` all or nothing: any throw restores every record it touched. */
  public transaction<T>(fn: () => T): T {
    const outer = this.journal;
    const journal: JournalEntry[] = [];
    this.journal = journal;
    const changesMark = this.changes.length;
    try {
      const result = fn();
      this.journal = outer;
      outer?.push(...journal);
      return result;
    } catch (error) {
      this.journal = outer;
      this.rollback(journal, changesMark);
      throw error;
    }
  }

  /** Starts an explicit journal (for allOrNone collections that collect per-record results). */
  public begin(): { rollback: () => void; commit: () => void } {
    const journal: JournalEntry[] = [];
    const outer = this.journal;
    this.journal = journal;
    const changesMark = this.changes.length;
    return {
      rollback: (): void => {
        this.journal = outer;
        this.rollback(journal, changesMark);
      },
      commit: (): void => {
        this.journal = outer;
        outer?.push(...journal);
      },
    };
  }

  private rollback(journal: JournalEntry[], changesMark: number): void {
    this.writes -= journal.length;
    this.changes.length = Math.min(this.changes.length, changesMark);
    for (const entry of journal.reverse()) {
      const object = this.schema.object(entry.object);
      if (!object) continue;
      this.touched(object);
      const current = this.table(object).get(entry.id);
      if (current) this.unindex(object, current);
      if (entry.before) {
        this.tombstones(object).delete(entry.id);
        this.table(object).set(entry.id, entry.before);
        this.index(object, entry.before);
        this.duplicateCandidates.add(object.name, entry.before);
      } else {
        this.table(object).delete(entry.id);
        this.duplicateCandidates.remove(object.name, entry.id);
      }
    }
  }

  private put(object: ObjectDef, record: SfRecord): void {
    const id = record.Id as string;
    const table = this.table(object);
    const before = table.get(id);
    this.journal?.push({ object: object.name, id, before });
    this.changes.push({ object: object.name, id, before, after: record });
    this.writes++;
    this.touched(object);
    if (before) this.unindex(object, before);
    table.set(id, record);
    this.index(object, record);
    this.duplicateCandidates.add(object.name, record);
  }

  private remove(object: ObjectDef, id: string): void {
    const table = this.table(object);
    const before = table.get(id);
    if (!before) return;
    this.journal?.push({ object: object.name, id, before });
    this.changes.push({ object: object.name, id, before, after: undefined });
    this.writes++;
    this.touched(object);
    this.unindex(object, before);
    table.delete(id);
    this.duplicateCandidates.remove(object.name, id);
    // Deleted rows stay visible to queryAll and getDeleted (a real org keeps them in the recycle bin).
    this.tombstones(object).set(id, { ...before, IsDeleted: true, SystemModstamp: formatDateTime(this.clock.now()) });
  }

  private touched(object: ObjectDef): void {
    if (SETUP_OBJECTS.has(object.name.toLowerCase())) this.setupVersion++;
  }

  private tombstones(object: ObjectDef): Map<string, SfRecord> {
    const key = object.name.toLowerCase();
    let map = this.deletedRows.get(key);
    if (!map) {
      map = new Map();
      this.deletedRows.set(key, map);
    }
    return map;
  }

  /** Deleted rows of an object (IsDeleted = true). */
  public deleted(object: ObjectDef): SfRecord[] {
    return [...this.tombstones(object).values()];
  }

  private indexedFields(object: ObjectDef): FieldDef[] {
    return [...object.fields.values()].filter((f) => f.unique || f.externalId);
  }

  private indexFor(object: ObjectDef, f: FieldDef): Map<string, Set<string>> {
    const key = `${object.name}.${f.name}`.toLowerCase();
    let index = this.indexes.get(key);
    if (!index) {
      index = new Map();
      this.indexes.set(key, index);
    }
    return index;
  }

  private static valueKey(f: FieldDef, value: unknown): string | undefined {
    if (value === null || value === undefined || value === '') return undefined;
    const s = typeof value === 'number' ? String(value) : (value as string);
    return f.caseSensitive ? s : s.toLowerCase();
  }

  private index(object: ObjectDef, record: SfRecord): void {
    for (const f of this.indexedFields(object)) {
      const key = RecordStore.valueKey(f, record[f.name]);
      if (key === undefined) continue;
      const index = this.indexFor(object, f);
      const ids = index.get(key) ?? new Set<string>();
      ids.add(record.Id as string);
      index.set(key, ids);
    }
  }

  private unindex(object: ObjectDef, record: SfRecord): void {
    for (const f of this.indexedFields(object)) {
      const key = RecordStore.valueKey(f, record[f.name]);
      if (key === undefined) continue;
      const ids = this.indexFor(object, f).get(key);
      ids?.delete(record.Id as string);
      if (ids?.size === 0) this.indexFor(object, f).delete(key);
    }
  }

  /** After a schema change: backfill new fields on existing rows and rebuild the unique/external-id indexes. */
  public reindex(): void {
    this.indexes.clear();
    this.duplicateCandidates.clear();
    for (const object of this.schema.allObjects()) {
      for (const record of this.table(object).values()) {
        for (const f of object.fields.values()) {
          if (!(f.name in record)) record[f.name] = f.type === 'boolean' ? Boolean(f.defaultValue) : null;
        }
        this.index(object, record);
        this.duplicateCandidates.add(object.name, record);
      }
    }
  }

  /** Records whose field equals the value (through the index for unique and external-id fields). */
  public findBy(object: ObjectDef, f: FieldDef, value: unknown): SfRecord[] {
    const wanted = RecordStore.valueKey(f, value);
    if (wanted === undefined) return [];
    if (f.unique || f.externalId) {
      const table = this.table(object);
      return [...(this.indexFor(object, f).get(wanted) ?? [])]
        .map((id) => table.get(id))
        .filter((r): r is SfRecord => r !== undefined);
    }
    return this.all(object).filter((r) => RecordStore.valueKey(f, r[f.name]) === wanted);
  }

  // ---------------------------------------------------------------- writes

  public insert(object: ObjectDef, input: SfRecord, options: WriteOptions = {}): SfRecord {
    if (!options.systemMode) this.checkObject(object, 'create');
    const now = formatDateTime(this.clock.now());
    const errors: SaveError[] = [];
    const values = this.coerceAll(object, input, 'insert', options, errors);
    let id: string | undefined;
    if (options.systemMode && typeof input.Id === 'string' && isValidId(input.Id)) {
      id = to18(input.Id);
      this.ids.observe(id);
    }
    const record: SfRecord = {};
    for (const f of object.fields.values()) {
      if (f.name === 'Id') continue;
      if (f.name in values) record[f.name] = values[f.name];
      else if (f.defaultValue !== null && f.defaultValue !== undefined) record[f.name] = f.defaultValue;
      else if (f.type === 'boolean') record[f.name] = false;
      else record[f.name] = null;
    }
    // A field whose value was refused is not also "missing".
    const refused = new Set(errors.flatMap((e) => e.fields));
    const missing = [...object.fields.values()]
      .filter(
        (f) =>
          f.createable &&
          !f.nillable &&
          !f.defaultedOnCreate &&
          !refused.has(f.name) &&
          (record[f.name] === null || record[f.name] === undefined)
      )
      .map((f) => f.name);
    syncAddresses(object, values, record, true, errors);
    if (missing.length > 0)
      errors.push({
        statusCode: 'REQUIRED_FIELD_MISSING',
        message: `Required fields are missing: [${missing.join(', ')}]`,
        fields: missing,
      });
    if (errors.length > 0) throw new RecordError(errors);
    record.Id = id ?? this.ids.next(object.keyPrefix);
    const system = (name: string, value: unknown): void => {
      if (
        object.fields.has(name.toLowerCase()) &&
        (!options.systemMode || record[name] === null || record[name] === undefined)
      )
        record[name] = value;
    };
    system('CreatedDate', now);
    system('LastModifiedDate', now);
    system('SystemModstamp', now);
    system('CreatedById', this.userId);
    system('LastModifiedById', this.userId);
    // OwnerId is createable and defaults to the creating user (SOAP API Developer Guide, "System Fields": OwnerId).
    if (object.fields.has('ownerid') && (record.OwnerId === null || record.OwnerId === undefined))
      record.OwnerId = this.userId;
    record.IsDeleted = false;
    this.derive(object, record, values, true);
    if (this.duplicateRules && !options.systemMode && !this.call.allowDuplicates) this.checkDuplicates(object, record);
    this.checkUnique(object, record);
    this.checkAssignment(object, record);
    this.put(object, record);
    this.insertedThisCall.add(record.Id as string);
    return record;
  }

  public update(object: ObjectDef, id: string, input: SfRecord, options: WriteOptions = {}): SfRecord {
    const existing = this.get(object, id);
    if (!existing) {
      if (isValidId(id) && id.slice(0, 3) !== object.keyPrefix) {
        throw RecordError.of('MALFORMED_ID', `${object.label} ID: id value of incorrect type: ${id}`, ['Id']);
      }
      throw RecordError.of('ENTITY_IS_DELETED', 'entity is deleted', []);
    }
    if (!options.systemMode) this.checkObject(object, 'edit');
    if (!options.systemMode) checkConvertedLeadEdit(object, existing);
    const errors: SaveError[] = [];
    const values = this.coerceAll(object, input, 'update', options, errors);
    const refused = new Set(errors.flatMap((e) => e.fields));
    const nulled = Object.keys(values).filter((name) => {
      const f = this.schema.field(object, name);
      return (
        f &&
        !f.nillable &&
        f.type !== 'boolean' &&
        !refused.has(f.name) &&
        (values[name] === null || values[name] === undefined)
      );
    });
    if (nulled.length > 0)
      errors.push({
        statusCode: 'REQUIRED_FIELD_MISSING',
        message: `Required fields are missing: [${nulled.join(', ')}]`,
        fields: nulled,
      });
    const record: SfRecord = { ...existing, ...values };
    syncAddresses(object, values, record, false, errors);
    if (errors.length > 0) throw new RecordError(errors);
    const now = formatDateTime(this.clock.now());
    if (!options.systemMode || !('LastModifiedDate' in values)) record.LastModifiedDate = now;
    if (!options.systemMode || !('SystemModstamp' in values)) record.SystemModstamp = now;
    if (!options.systemMode || !('LastModifiedById' in values)) record.LastModifiedById = this.userId;
    this.derive(object, record, values, false);
    this.checkUnique(object, record);
    this.put(object, record);
    return record;
  }

  public delete(object: ObjectDef, id: string, options: WriteOptions = {}): void {
    if (!options.systemMode) this.checkObject(object, 'delete');
    const existing = this.get(object, id);
    if (!existing) throw RecordError.of('ENTITY_IS_DELETED', 'entity is deleted', []);
    this.transaction(() => {
      // Cascade deletes of master-detail children and of Opportunity Contact Roles, as a real org does.
      for (const child of this.schema.childRelationships(object)) {
        const childObject = this.schema.object(child.childSObject);
        const childField = childObject ? this.schema.field(childObject, child.field) : undefined;
        if (!childObject || !childField) continue;
        const cascade = !childField.nillable || childObject.name === 'OpportunityContactRole';
        for (const row of this.all(childObject)) {
          if (row[childField.name] !== existing.Id) continue;
          if (cascade) this.remove(childObject, row.Id as string);
          else this.put(childObject, { ...row, [childField.name]: null });
        }
      }
      this.remove(object, existing.Id as string);
    });
  }

  /** Upsert by an external id (or `Id`): updates the single match, creates when none, refuses when several. */
  public upsert(
    object: ObjectDef,
    extField: FieldDef,
    extValue: unknown,
    input: SfRecord,
    options: WriteOptions = {}
  ): { record: SfRecord; created: boolean } {
    if (extField.name === 'Id') {
      const existing = typeof extValue === 'string' ? this.get(object, extValue) : undefined;
      if (!existing)
        throw RecordError.of(
          'NOT_FOUND',
          `Provided external ID field does not exist or is not accessible: ${String(extValue)}`
        );
      return { record: this.update(object, existing.Id as string, input, options), created: false };
    }
    const body = { ...input };
    for (const key of Object.keys(body)) if (key.toLowerCase() === extField.name.toLowerCase()) delete body[key];
    const errors: SaveError[] = [];
    const coerced = this.coerce(object, extField, extValue, errors, options);
    if (errors.length > 0) throw new RecordError(errors);
    if (coerced === null || coerced === undefined || coerced === '') {
      throw RecordError.of('MISSING_ARGUMENT', `${extField.name} not specified`, [extField.name]);
    }
    const matches = this.findBy(object, extField, coerced);
    if (matches.length > 1) {
      throw RecordError.of(
        'DUPLICATE_EXTERNAL_ID',
        `${extField.label}: more than one record found for external id field: ${matches.map((m) => String(m.Id)).join(', ')}`,
        [extField.name]
      );
    }
    if (matches.length === 1) {
      return { record: this.update(object, matches[0].Id as string, body, options), created: false };
    }
    return { record: this.insert(object, { ...body, [extField.name]: coerced }, options), created: true };
  }

  // ---------------------------------------------------------------- validation

  private coerceAll(
    object: ObjectDef,
    input: SfRecord,
    mode: 'insert' | 'update',
    options: WriteOptions,
    errors: SaveError[]
  ): SfRecord {
    const values: SfRecord = {};
    const readOnly: string[] = [];
    for (const [key, raw] of Object.entries(input)) {
      if (key === 'attributes' || (key.toLowerCase() === 'id' && mode === 'update')) continue;
      if (key.toLowerCase() === 'id' && !options.systemMode) {
        errors.push({
          statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
          message: 'Record ID: cannot specify Id in an insert call',
          fields: ['Id'],
        });
        continue;
      }
      if (key.toLowerCase() === 'id') continue;
      const f = this.schema.field(object, key);
      // A field the user cannot read does not exist for them (Help: "Field-Level Security").
      if (!f || (!options.systemMode && this.access && !this.access.canRead(object, f))) {
        errors.push({
          statusCode: 'INVALID_FIELD',
          message: `No such column '${key}' on sobject of type ${object.name}`,
          fields: [key],
        });
        continue;
      }
      if (options.csv && raw === '') continue;
      const writable =
        (mode === 'insert' ? f.createable : f.updateable) && (!this.access || this.access.canEdit(object, f));
      if (!writable && !options.systemMode) {
        readOnly.push(f.name);
        continue;
      }
      values[f.name] = this.coerce(object, f, options.csv && raw === '#N/A' ? null : raw, errors, options);
    }
    if (readOnly.length > 0) {
      errors.push({
        statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        message: `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        fields: readOnly,
      });
    }
    return values;
  }

  private coerce(object: ObjectDef, f: FieldDef, raw: unknown, errors: SaveError[], options: WriteOptions): unknown {
    const fail = (statusCode: string, message: string): null => {
      errors.push({ statusCode, message, fields: [f.name] });
      return null;
    };
    if (raw === null || raw === undefined || (raw === '' && f.type !== 'boolean'))
      return f.type === 'boolean' ? false : null;
    if (typeof raw === 'object')
      return fail(
        'JSON_PARSER_ERROR',
        `Cannot deserialize instance of ${f.type} from START_OBJECT value for field ${f.name}`
      );
    const text = asText(raw);
    const typeError = (): null =>
      fail('INVALID_TYPE_ON_FIELD_IN_RECORD', `${f.label}: value not of required type: ${text}`);
    switch (f.type) {
      case 'boolean': {
        if (typeof raw === 'boolean') return raw;
        const lower = text.toLowerCase();
        if (['true', '1', 'yes'].includes(lower)) return true;
        if (['false', '0', 'no', ''].includes(lower)) return false;
        return typeError();
      }
      case 'double':
      case 'currency':
      case 'percent':
      case 'int': {
        const n = typeof raw === 'number' ? raw : text.trim() === '' ? NaN : Number(text);
        if (!Number.isFinite(n)) return typeError();
        const scale = f.type === 'int' ? 0 : f.scale;
        const rounded = Number(n.toFixed(scale));
        const digits = Math.trunc(Math.abs(rounded)).toString().length;
        if (f.precision > 0 && digits > f.precision - scale) {
          return fail(
            'NUMBER_OUTSIDE_VALID_RANGE',
            `${f.label}: value outside of valid range on numeric field: ${text}`
          );
        }
        return rounded;
      }
      case 'date': {
        const m = /^(\d{4})-(\d{2})-(\d{2})(T.*)?$/.exec(text);
        if (
          !m ||
          Number.isNaN(Date.parse(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`)) ||
          new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`).getUTCDate() !== Number(m[3])
        ) {
          return typeError();
        }
        return `${m[1]}-${m[2]}-${m[3]}`;
      }
      case 'datetime': {
        const normalized = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
        const ms = /^\d{4}-\d{2}-\d{2}$/.test(text)
          ? Date.parse(`${text}T00:00:00Z`)
          : /^\d{4}-\d{2}-\d{2}T/.test(text)
            ? Date.parse(normalized)
            : NaN;
        if (Number.isNaN(ms)) return typeError();
        // Stored to the second: a real org drops the milliseconds.
        return formatDateTime(Math.floor(ms / 1000) * 1000);
      }
      case 'reference': {
        if (!isValidId(text)) return fail('MALFORMED_ID', `${f.label}: id value of incorrect type: ${text}`);
        const id = to18(text);
        const target = this.schema.objectByPrefix(id.slice(0, 3));
        if (!target || !f.referenceTo.some((t) => t.toLowerCase() === target.name.toLowerCase())) {
          return fail('FIELD_INTEGRITY_EXCEPTION', `${f.label}: id value of incorrect type: ${text}`);
        }
        if (!this.table(target).has(id) && !options.systemMode) {
          return fail('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`);
        }
        return id;
      }
      case 'picklist': {
        // Address codes are checked against their country in address.ts (and are case-insensitive).
        if (f.restrictedPicklist && !f.addressCode && !f.picklistValues.some((v) => v.value === text)) {
          return fail(
            'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
            `${f.label}: bad value for restricted picklist field: ${text}`
          );
        }
        if (text.length > 255)
          return fail('STRING_TOO_LONG', `${f.label}: data value too large: ${text.slice(0, 40)}... (max length=255)`);
        return text;
      }
      case 'multipicklist': {
        const parts = text.split(';').filter((p) => p !== '');
        const bad = f.restrictedPicklist ? parts.filter((p) => !f.picklistValues.some((v) => v.value === p)) : [];
        if (bad.length > 0)
          return fail(
            'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
            `${f.label}: bad value for restricted picklist field: ${bad.join(';')}`
          );
        return parts.join(';');
      }
      case 'email':
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text))
          return fail('INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${text}`);
        return this.checkLength(f, text, fail);
      case 'time':
        if (!/^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z?$/.test(text)) return typeError();
        return text;
      default:
        return this.checkLength(f, text, fail);
    }
  }

  private checkLength(f: FieldDef, text: string, fail: (code: string, message: string) => null): string | null {
    if (f.length > 0 && text.length > f.length) {
      return fail(
        'STRING_TOO_LONG',
        `${f.label}: data value too large: ${text.length > 40 ? `${text.slice(0, 40)}...` : text} (max length=${f.length})`
      );
    }
    return text;
  }

  /** The standard duplicate rules alert on create, which through the API blocks the save (duplicates.ts). */
  private checkDuplicates(object: ObjectDef, record: SfRecord): void {
    const duplicateResult = findDuplicates({
      object,
      record,
      index: this.duplicateCandidates,
      nameOf: (id) => {
        const name = typeof id === 'string' ? this.findById(id)?.record.Name : undefined;
        return typeof name === 'string' ? name : null;
      },
      skip: this.insertedThisCall,
      view: (name, row) => {
        const attributes = {
          type: name,
          url: `/services/data/v${this.call.version}/sobjects/${name}/${String(row.Id)}`,
        };
        return this.call.includeRecordDetails ? { attributes, ...row } : { attributes, Id: row.Id };
      },
    });
    if (duplicateResult) {
      throw new RecordError([
        { statusCode: 'DUPLICATES_DETECTED', message: DUPLICATE_ALERT, fields: [], duplicateResult },
      ]);
    }
  }

  /**
   * The object-level rules of a write outside system mode: what no one may write through the data API, and the
   * running user's object permissions ("entity type cannot be inserted: <label>" as a real org answers).
   */
  private checkObject(object: ObjectDef, op: 'create' | 'edit' | 'delete'): void {
    if (Access.deployOnly(object)) {
      throw RecordError.of(
        NOT_MODELLED,
        `The Salesforce emulator does not model writing ${object.name} through the data API: deploy a permission set instead`
      );
    }
    const verb = { create: 'inserted', edit: 'updated', delete: 'deleted' }[op];
    const supported = { create: object.createable, edit: object.updateable, delete: object.deletable }[op];
    if (!supported || (op !== 'delete' && this.access && !this.access.canObject(object, op)))
      throw RecordError.of('CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', `entity type cannot be ${verb}: ${object.label}`);
    if (this.access && !this.access.canObject(object, op))
      throw RecordError.of('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
  }

  /** One assignment per user and permission set (SOAP API, "PermissionSetAssignment"). */
  private checkAssignment(object: ObjectDef, record: SfRecord): void {
    if (object.name !== 'PermissionSetAssignment') return;
    const taken = this.all(object).some(
      (row) => row.AssigneeId === record.AssigneeId && row.PermissionSetId === record.PermissionSetId
    );
    if (taken) {
      throw RecordError.of(
        'DUPLICATE_VALUE',
        `Duplicate PermissionSetAssignment. Assignee: ${String(record.AssigneeId)}, PermissionSet: ${String(record.PermissionSetId)}`
      );
    }
  }

  private checkUnique(object: ObjectDef, record: SfRecord): void {
    for (const f of object.fields.values()) {
      if (!f.unique) continue;
      const key = RecordStore.valueKey(f, record[f.name]);
      if (key === undefined) continue;
      const holder = [...(this.indexFor(object, f).get(key) ?? [])].find((id) => id !== record.Id);
      if (holder) {
        throw RecordError.of(
          'DUPLICATE_VALUE',
          `duplicate value found: ${f.name} duplicates value on record with id: ${holder}`,
          []
        );
      }
    }
  }

  /** Standard behaviour a real org computes: names, Opportunity stage flags, auto numbers, formulas. */
  private derive(object: ObjectDef, record: SfRecord, values: SfRecord, inserting: boolean): void {
    if (['Contact', 'Lead', 'User'].includes(object.name)) {
      record.Name = [record.FirstName, record.LastName].filter((v) => typeof v === 'string' && v !== '').join(' ');
    }
    if (object.name === 'Opportunity') {
      const stage = OPPORTUNITY_STAGES.find((s) => s.name === record.StageName);
      if ((inserting || 'StageName' in values) && !('Probability' in values))
        record.Probability = stage?.probability ?? record.Probability ?? null;
      record.IsClosed = stage?.closed ?? false;
      record.IsWon = stage?.won ?? false;
      if (inserting || 'StageName' in values) {
        record.ForecastCategoryName = stage
          ? stage.won
            ? 'Closed'
            : stage.closed
              ? 'Omitted'
              : stage.probability >= 70
                ? 'Commit'
                : 'Pipeline'
          : 'Pipeline';
      }
      const amount = typeof record.Amount === 'number' ? record.Amount : null;
      const probability = typeof record.Probability === 'number' ? record.Probability : null;
      record.ExpectedRevenue =
        amount !== null && probability !== null ? Number(((amount * probability) / 100).toFixed(2)) : null;
    }
    if (inserting) {
      for (const f of object.fields.values()) {
        if (!f.autoNumber || (record[f.name] !== null && record[f.name] !== undefined)) continue;
        const key = `${object.name}.${f.name}`;
        const n = (this.autoNumbers.get(key) ?? 0) + 1;
        this.autoNumbers.set(key, n);
        record[f.name] = formatAutoNumber(f.displayFormat ?? '{0}', n);
      }
    }
    for (const f of object.fields.values()) {
      if (f.calculated && f.calculatedFormula) record[f.name] = evaluateFormula(f.calculatedFormula, record);
    }
  }
}
