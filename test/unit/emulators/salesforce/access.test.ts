import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import {
  api,
  deployZip,
  NS,
  packageXml,
  queryPath,
  sfRequest,
  type SfErrorBody,
} from '../../../helpers/salesforce-emulator.js';

type Describe = { fields: Array<{ name: string; updateable: boolean; createable: boolean }> };
type Query<T> = { totalSize: number; records: T[] };

const FLAG = 'Sync_With_Partner_Center__c';
const REFERRAL_ID = 'Referral_Identifier__c';

/** Assigns a permission set to a user as `sf org assign permset` does: look both up, create the assignment. */
async function assign(emulator: SalesforceEmulator, name: string, username = emulator.username): Promise<string> {
  const user = await sfRequest<Query<{ Id: string }>>(
    emulator,
    'GET',
    queryPath(`SELECT Id FROM User WHERE Username='${username}'`)
  );
  const set = await sfRequest<Query<{ Id: string }>>(
    emulator,
    'GET',
    queryPath(`SELECT Id FROM PermissionSet WHERE Name='${name}'`)
  );
  expect(set.body.totalSize, `permission set ${name}`).to.equal(1);
  const created = await sfRequest<{ id: string }>(emulator, 'POST', api('/sobjects/PermissionSetAssignment'), {
    AssigneeId: user.body.records[0].Id,
    PermissionSetId: set.body.records[0].Id,
  });
  expect(created.status, created.text).to.equal(201);
  return created.body.id;
}

async function opportunityFields(emulator: SalesforceEmulator): Promise<Describe['fields']> {
  const describe = await sfRequest<Describe>(emulator, 'GET', api('/sobjects/Opportunity/describe'));
  expect(describe.status).to.equal(200);
  return describe.body.fields;
}

describe('Salesforce emulator: users, permission sets and field-level security', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;

  beforeEach(async () => {
    emulator = await startSalesforceEmulator({ port: 0, loadMetadata: true });
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('the integration user sees standard fields but no custom field or custom object until a set is assigned', async () => {
    const names = (await opportunityFields(emulator)).map((f) => f.name);
    expect(names).to.include.members(['Name', 'StageName', 'AccountId']);
    expect(names).not.to.include(FLAG);

    const query = await sfRequest<SfErrorBody>(emulator, 'GET', queryPath(`SELECT Id, ${FLAG} FROM Opportunity`));
    expect(query.status).to.equal(400);
    expect(query.body[0].errorCode).to.equal('INVALID_FIELD');
    expect(query.body[0].message).to.include(`No such column '${FLAG}' on entity 'Opportunity'`);

    const write = await sfRequest<SfErrorBody>(emulator, 'POST', api('/sobjects/Opportunity'), {
      Name: 'X',
      StageName: 'Prospecting',
      CloseDate: '2027-01-01',
      [FLAG]: true,
    });
    expect(write.status).to.equal(400);
    expect(write.body[0].errorCode).to.equal('INVALID_FIELD');

    const object = await sfRequest<SfErrorBody>(
      emulator,
      'GET',
      queryPath('SELECT Id FROM Partner_Center_Sync_Run__c')
    );
    expect(object.status).to.equal(400);
    expect(object.body[0].errorCode).to.equal('INVALID_TYPE');
    const describe = await sfRequest(emulator, 'GET', api('/sobjects/Partner_Center_Sync_Run__c/describe'));
    expect(describe.status).to.equal(404);
  });

  it('PermissionSet, FieldPermissions and ObjectPermissions are queryable; an assignment grants what the set holds', async () => {
    const fieldPerms = await sfRequest<Query<{ Field: string; PermissionsEdit: boolean }>>(
      emulator,
      'GET',
      queryPath(
        `SELECT Field, PermissionsEdit FROM FieldPermissions WHERE Parent.Name = 'Partner_Center_Integration' AND Field = 'Opportunity.${FLAG}'`
      )
    );
    expect(fieldPerms.status, fieldPerms.text).to.equal(200);
    expect(fieldPerms.body.records.map((r) => [r.Field, r.PermissionsEdit])).to.deep.equal([
      [`Opportunity.${FLAG}`, true],
    ]);
    const objectPerms = await sfRequest<Query<{ SobjectType: string }>>(
      emulator,
      'GET',
      queryPath(`SELECT SobjectType FROM ObjectPermissions WHERE Parent.Name = 'Partner_Center_Integration'`)
    );
    expect(objectPerms.body.records.map((r) => r.SobjectType)).to.include('Partner_Center_Sync_Run__c');

    await assign(emulator, 'Partner_Center_Integration');
    const fields = await opportunityFields(emulator);
    const byName = new Map(fields.map((f) => [f.name, f]));
    expect(byName.get(REFERRAL_ID)?.updateable).to.equal(true);
    expect(byName.get(FLAG)?.createable).to.equal(true);
    const runs = await sfRequest(emulator, 'GET', queryPath('SELECT Id FROM Partner_Center_Sync_Run__c'));
    expect(runs.status).to.equal(200);
  });

  it('an assignment is unique per user and set, and deleting it takes the access away', async () => {
    const id = await assign(emulator, 'Partner_Center_Integration');
    const again = await sfRequest<SfErrorBody>(emulator, 'POST', api('/sobjects/PermissionSetAssignment'), {
      AssigneeId: emulator.userId,
      PermissionSetId: (
        await sfRequest<Query<{ Id: string }>>(
          emulator,
          'GET',
          queryPath("SELECT Id FROM PermissionSet WHERE Name='Partner_Center_Integration'")
        )
      ).body.records[0].Id,
    });
    expect(again.status).to.equal(400);
    expect(again.body[0].errorCode).to.equal('DUPLICATE_VALUE');

    const removed = await sfRequest(emulator, 'DELETE', api(`/sobjects/PermissionSetAssignment/${id}`));
    expect(removed.status).to.equal(204);
    expect((await opportunityFields(emulator)).map((f) => f.name)).not.to.include(REFERRAL_ID);
  });

  it("the rep's set assigned to the second user gives the API user nothing", async () => {
    await assign(emulator, 'Partner_Center_Sales_Rep', emulator.repUsername);
    expect((await opportunityFields(emulator)).map((f) => f.name)).not.to.include(FLAG);
  });

  it('a deployed permission set is stored with its permissions; one naming a missing field fails the deploy', async () => {
    const set = (fieldName: string, editable = true): string =>
      `<?xml version="1.0" encoding="UTF-8"?><PermissionSet ${NS}><label>Probe</label>` +
      `<fieldPermissions><editable>${editable}</editable><field>Opportunity.${fieldName}</field>` +
      `<readable>true</readable></fieldPermissions>` +
      `</PermissionSet>`;
    const bad = await deployZip(emulator, {
      'package.xml': packageXml({ PermissionSet: ['Probe'] }),
      'permissionsets/Probe.permissionset': set('Nope__c'),
    });
    expect(bad.deployResult.status).to.equal('Failed');
    expect(bad.deployResult.details.componentFailures).to.deep.include.members([
      {
        ...bad.deployResult.details.componentFailures[0],
        componentType: 'PermissionSet',
        fullName: 'Probe',
        problemType: 'Error',
        problem: 'In field: field - no CustomField named Opportunity.Nope__c found',
      },
    ]);
    const none = await sfRequest<Query<unknown>>(
      emulator,
      'GET',
      queryPath("SELECT Id FROM PermissionSet WHERE Name='Probe'")
    );
    expect(none.body.totalSize).to.equal(0);

    const readOnly = await deployZip(emulator, {
      'package.xml': packageXml({ PermissionSet: ['Probe'] }),
      'permissionsets/Probe.permissionset': set(FLAG, false),
    });
    expect(readOnly.deployResult.status).to.equal('Succeeded');
    await assign(emulator, 'Probe');
    const flag = (): Promise<Describe['fields'][number] | undefined> =>
      opportunityFields(emulator).then((fields) => fields.find((f) => f.name === FLAG));
    // Read-only field-level security: describe says so, and a write is refused as a real org refuses it.
    expect(await flag()).to.include({ updateable: false, createable: false });
    const write = await sfRequest<SfErrorBody>(emulator, 'POST', api('/sobjects/Opportunity'), {
      Name: 'X',
      StageName: 'Prospecting',
      CloseDate: '2027-01-01',
      [FLAG]: true,
    });
    expect(write.status).to.equal(400);
    expect(write.body[0].errorCode).to.equal('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(write.body[0].message).to.include('Please check the security settings of this field');

    // Deploying the set again replaces its content: now editable.
    const editable = await deployZip(emulator, {
      'package.xml': packageXml({ PermissionSet: ['Probe'] }),
      'permissionsets/Probe.permissionset': set(FLAG),
    });
    expect(editable.deployResult.status).to.equal('Succeeded');
    expect(await flag()).to.include({ updateable: true, createable: true });
  });

  it('the admin user sees and changes everything', async () => {
    const admin = await startSalesforceEmulator({ port: 0, loadMetadata: true, adminUser: true });
    try {
      const flag = (await opportunityFields(admin)).find((f) => f.name === FLAG);
      expect(flag?.updateable).to.equal(true);
    } finally {
      await admin.close();
    }
  });
});
