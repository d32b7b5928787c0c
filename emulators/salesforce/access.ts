/**
 * What the running user may see and change: their profile plus the permission sets assigned to them (Help: "User
 * Permissions and Access", "Field-Level Security", "Object Permissions"; SOAP API: "FieldPermissions",
 * "ObjectPermissions", "PermissionSetAssignment"). Describe, SOQL, the REST resources and DML read the schema
 * through `UserSchema`, so a field the user cannot read does not exist for them, as in a real org.
 *
 * The API user's profile is "Minimum Access - API Only Integrations" (Help: "Give Integration Users API Only
 * Access") unless the org starts with `adminUser` (System Administrator, who sees everything). As modelled here,
 * that profile grants the standard objects the sync touches and their standard fields — Account, Contact, Lead,
 * Opportunity and OpportunityContactRole (read, create, edit, delete), User and Organization (read) — which a real
 * admin grants through a permission set of the integration licence; custom objects and custom fields are granted
 * only by permission sets. Fields that are not permissionable (required fields, master-detail, system fields) are
 * visible to anyone who can read their object.
 */
import type { ChildRelationship, FieldDef, ObjectDef, SchemaRegistry, SchemaView } from './schema.js';
import { DEPLOY_ONLY_OBJECTS } from './setup-objects.js';
import type { RecordStore, SfRecord } from './store.js';

export type ObjectOp = 'read' | 'create' | 'edit' | 'delete';

export const PROFILES = {
  admin: 'System Administrator',
  integration: 'Minimum Access - API Only Integrations',
  standard: 'Standard User',
} as const;

const CRUD: readonly ObjectOp[] = ['read', 'create', 'edit', 'delete'];

/** The objects the (modelled) integration and standard user profiles grant, by lower-case name. */
const PROFILE_OBJECTS: Readonly<Record<string, readonly ObjectOp[]>> = {
  account: CRUD,
  contact: CRUD,
  lead: CRUD,
  opportunity: CRUD,
  opportunitycontactrole: CRUD,
  user: ['read'],
  organization: ['read'],
  // Setup objects: readable (as with "View Setup and Configuration"); assignments as `sf org assign permset` needs.
  profile: ['read'],
  permissionset: ['read'],
  fieldpermissions: ['read'],
  objectpermissions: ['read'],
  permissionsetassignment: ['read', 'create', 'delete'],
  leadstatus: ['read'],
  // Every user sees the list views, reports and dashboards shared with everyone (the ones deployed here are).
  listview: ['read'],
  report: ['read'],
  dashboard: ['read'],
};

const OBJECT_FLAGS: Record<ObjectOp, string> = {
  read: 'PermissionsRead',
  create: 'PermissionsCreate',
  edit: 'PermissionsEdit',
  delete: 'PermissionsDelete',
};

type Grants = {
  version: number;
  objects: Map<string, Set<ObjectOp>>;
  fields: Map<string, { read: boolean; edit: boolean }>;
};

export class Access {
  private grants: Grants | undefined;

  public constructor(
    private readonly schema: SchemaRegistry,
    private readonly store: RecordStore,
    /** The running user's Id. */
    private readonly userId: () => string,
    /** True when the running user is a System Administrator (sees and changes everything). */
    private readonly admin: () => boolean
  ) {}

  public canObject(object: ObjectDef, op: ObjectOp): boolean {
    if (this.admin()) return true;
    const name = object.name.toLowerCase();
    if (PROFILE_OBJECTS[name]?.includes(op)) return true;
    return this.current().objects.get(name)?.has(op) ?? false;
  }

  public canRead(object: ObjectDef, f: FieldDef): boolean {
    if (this.admin()) return true;
    if (!this.canObject(object, 'read')) return false;
    if (!f.custom || !f.permissionable) return true;
    return this.current().fields.get(`${object.name}.${f.name}`.toLowerCase())?.read ?? false;
  }

  public canEdit(object: ObjectDef, f: FieldDef): boolean {
    if (this.admin()) return true;
    if (!this.canRead(object, f)) return false;
    if (!f.custom || !f.permissionable) return true;
    return this.current().fields.get(`${object.name}.${f.name}`.toLowerCase())?.edit ?? false;
  }

  /** A setup object the data API only reads here (its rows come from deploys). */
  public static deployOnly(object: ObjectDef): boolean {
    return DEPLOY_ONLY_OBJECTS.has(object.name.toLowerCase());
  }

  /** The grants of the permission sets assigned to the user, recomputed when a setup row changes. */
  private current(): Grants {
    if (this.grants && this.grants.version === this.store.setupVersion) return this.grants;
    const rows = (name: string): SfRecord[] => {
      const object = this.schema.object(name);
      return object ? this.store.all(object) : [];
    };
    const userId = this.userId();
    const assigned = new Set(
      rows('PermissionSetAssignment')
        .filter((row) => row.AssigneeId === userId)
        .map((row) => row.PermissionSetId as string)
    );
    const objects = new Map<string, Set<ObjectOp>>();
    for (const row of rows('ObjectPermissions')) {
      if (!assigned.has(row.ParentId as string)) continue;
      const key = String(row.SobjectType).toLowerCase();
      const ops = objects.get(key) ?? new Set<ObjectOp>();
      for (const op of CRUD) if (row[OBJECT_FLAGS[op]] === true) ops.add(op);
      objects.set(key, ops);
    }
    const fields = new Map<string, { read: boolean; edit: boolean }>();
    for (const row of rows('FieldPermissions')) {
      if (!assigned.has(row.ParentId as string)) continue;
      const key = String(row.Field).toLowerCase();
      const grant = fields.get(key) ?? { read: false, edit: false };
      grant.read ||= row.PermissionsRead === true;
      grant.edit ||= row.PermissionsEdit === true;
      fields.set(key, grant);
    }
    this.grants = { version: this.store.setupVersion, objects, fields };
    return this.grants;
  }
}

/** The schema as the running user sees it: objects they cannot read and fields they cannot read do not exist. */
export class UserSchema implements SchemaView {
  public constructor(
    private readonly schema: SchemaRegistry,
    public readonly access: Access
  ) {}

  public object(name: string): ObjectDef | undefined {
    const object = this.schema.object(name);
    return object && this.access.canObject(object, 'read') ? object : undefined;
  }

  public objectByPrefix(prefix: string): ObjectDef | undefined {
    const object = this.schema.objectByPrefix(prefix);
    return object && this.access.canObject(object, 'read') ? object : undefined;
  }

  public allObjects(): ObjectDef[] {
    return this.schema.allObjects().filter((object) => this.access.canObject(object, 'read'));
  }

  public field(object: ObjectDef, name: string): FieldDef | undefined {
    const f = this.schema.field(object, name);
    return f && this.access.canRead(object, f) ? f : undefined;
  }

  public fields(object: ObjectDef): FieldDef[] {
    return this.schema.fields(object).filter((f) => this.access.canRead(object, f));
  }

  /** A lookup the user can follow: its field readable, its target object readable. */
  public relationship(object: ObjectDef, relationshipName: string): FieldDef | undefined {
    const f = this.schema.relationship(object, relationshipName);
    if (!f || !this.access.canRead(object, f)) return undefined;
    return this.object(f.referenceTo[0]) ? f : undefined;
  }

  public childRelationships(object: ObjectDef): ChildRelationship[] {
    return this.schema.childRelationships(object).filter((c) => {
      const child = this.object(c.childSObject);
      return child !== undefined && this.field(child, c.field) !== undefined;
    });
  }

  public childRelationship(object: ObjectDef, name: string): ChildRelationship | undefined {
    return this.childRelationships(object).find((c) => c.relationshipName.toLowerCase() === name.toLowerCase());
  }

  /** Describe's `createable`: the field takes a value on insert, and this user may create the object and edit it. */
  public createable(object: ObjectDef, f: FieldDef): boolean {
    return f.createable && this.access.canObject(object, 'create') && this.access.canEdit(object, f);
  }

  /** Describe's `updateable`. */
  public updateable(object: ObjectDef, f: FieldDef): boolean {
    return f.updateable && this.access.canObject(object, 'edit') && this.access.canEdit(object, f);
  }
}
