/**
 * The setup objects behind users' access, as the SOAP API Developer Guide ("Object Reference") documents them:
 * Profile, PermissionSet, PermissionSetAssignment, FieldPermissions and ObjectPermissions. Their rows are what
 * access.ts reads to decide what the running user may see and change; a deploy of a permission set writes them,
 * `sf org assign permset` creates a PermissionSetAssignment.
 */
import { field, lookup, makeObject, type ObjectDef, picklist, readOnly, required, systemFields } from './schema.js';

/** The setup objects' names (lower-case), so the store can tell when someone's access may have changed. */
export const SETUP_OBJECTS = new Set([
  'profile',
  'permissionset',
  'permissionsetassignment',
  'fieldpermissions',
  'objectpermissions',
]);

/** Admin components a deploy stores as rows (Object Reference: "ListView", "Report", "Dashboard"), read-only here. */
export const COMPONENT_OBJECTS = ['ListView', 'Report', 'Dashboard'];

/** Objects the data API may read but not write here: a real org lets an admin insert them; deploy them instead. */
export const DEPLOY_ONLY_OBJECTS = new Set([
  'profile',
  'permissionset',
  'fieldpermissions',
  'objectpermissions',
  ...COMPONENT_OBJECTS.map((name) => name.toLowerCase()),
]);

/** Whether a PermissionSetAssignment, FieldPermissions or ObjectPermissions row grants: a checkbox, read-only. */
const flag = (name: string): ReturnType<typeof field> =>
  field(name, 'boolean', { nillable: false, defaultValue: false });

export function setupObjects(): ObjectDef[] {
  const profile = makeObject('Profile', '00e', [
    ...systemFields(),
    required('Name', 'string', { length: 255, label: 'Name' }),
    field('Description', 'string', { length: 255 }),
    field('UserType', 'picklist', { picklistValues: picklist(['Standard']), label: 'User Type' }),
  ]);
  const permissionSet = makeObject('PermissionSet', '0PS', [
    ...systemFields(),
    required('Name', 'string', { length: 80, unique: true, idLookup: true, label: 'Name' }),
    required('Label', 'string', { length: 80 }),
    field('Description', 'string', { length: 255 }),
    readOnly('IsOwnedByProfile', 'boolean', { nillable: false, defaultValue: false, label: 'Is Owned by Profile' }),
    lookup('ProfileId', 'Profile', 'Profile', { label: 'Profile ID', childRelationshipName: 'PermissionSets' }),
    field('NamespacePrefix', 'string', { length: 15 }),
    field('Type', 'picklist', { picklistValues: picklist(['Regular', 'Group', 'Profile', 'Session']) }),
    flag('HasActivationRequired'),
    readOnly('IsCustom', 'boolean', { nillable: false, defaultValue: true }),
  ]);
  const assignment = makeObject('PermissionSetAssignment', '0Pa', [
    ...systemFields(),
    required('AssigneeId', 'reference', {
      referenceTo: ['User'],
      relationshipName: 'Assignee',
      childRelationshipName: 'PermissionSetAssignments',
      updateable: false,
      label: 'Assignee ID',
    }),
    required('PermissionSetId', 'reference', {
      referenceTo: ['PermissionSet'],
      relationshipName: 'PermissionSet',
      childRelationshipName: 'Assignments',
      updateable: false,
      label: 'Permission Set ID',
    }),
    readOnly('IsActive', 'boolean', { nillable: false, defaultValue: true }),
    field('ExpirationDate', 'datetime'),
  ]);
  const parent = (childRelationshipName: string): ReturnType<typeof field> =>
    required('ParentId', 'reference', {
      referenceTo: ['PermissionSet'],
      relationshipName: 'Parent',
      childRelationshipName,
      updateable: false,
      label: 'Parent ID',
    });
  const fieldPermissions = makeObject('FieldPermissions', '01k', [
    ...systemFields(),
    parent('FieldPerms'),
    required('SobjectType', 'string', { length: 255, label: 'Sobject Type Name' }),
    required('Field', 'string', { length: 255, label: 'Field Name' }),
    flag('PermissionsRead'),
    flag('PermissionsEdit'),
  ]);
  const objectPermissions = makeObject('ObjectPermissions', '110', [
    ...systemFields(),
    parent('ObjectPerms'),
    required('SobjectType', 'string', { length: 255, label: 'Sobject Type Name' }),
    flag('PermissionsRead'),
    flag('PermissionsCreate'),
    flag('PermissionsEdit'),
    flag('PermissionsDelete'),
    flag('PermissionsViewAllRecords'),
    flag('PermissionsModifyAllRecords'),
  ]);
  return [profile, permissionSet, assignment, fieldPermissions, objectPermissions, ...componentObjects()];
}

/**
 * ListView, Report and Dashboard as the SOAP API Developer Guide's Object Reference lists their fields (the ones a
 * client reads back after a deploy); `NamespacePrefix` is null for components deployed without a package.
 */
function componentObjects(): ObjectDef[] {
  const name = (label: string): ReturnType<typeof field> => required('Name', 'string', { length: 255, label });
  const developerName = required('DeveloperName', 'string', { length: 80, label: 'API Name' });
  const namespace = field('NamespacePrefix', 'string', { length: 15 });
  const listView = makeObject('ListView', '00B', [
    ...systemFields(),
    name('View Name'),
    developerName,
    namespace,
    required('SobjectType', 'string', { length: 255, label: 'Sobject Type Name' }),
    readOnly('IsSoqlCompatible', 'boolean', { nillable: false, defaultValue: true }),
  ]);
  const report = makeObject('Report', '00O', [
    ...systemFields(),
    name('Report Name'),
    developerName,
    namespace,
    field('Description', 'string', { length: 255 }),
    field('FolderName', 'string', { length: 255, label: 'Folder Name' }),
    field('Format', 'picklist', { picklistValues: picklist(['Tabular', 'Summary', 'Matrix', 'MultiBlock']) }),
    field('ReportTypeApiName', 'string', { length: 255, label: 'Report Type API Name' }),
  ]);
  const dashboard = makeObject('Dashboard', '01Z', [
    ...systemFields(),
    required('Title', 'string', { length: 80 }),
    developerName,
    namespace,
    field('Description', 'string', { length: 255 }),
    field('FolderName', 'string', { length: 255, label: 'Folder Name' }),
    field('Type', 'picklist', { picklistValues: picklist(['SpecifiedUser', 'LoggedInUser', 'MyTeamUser']) }),
  ]);
  return [listView, report, dashboard];
}
