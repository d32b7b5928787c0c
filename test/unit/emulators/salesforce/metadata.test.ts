import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import JSZip from 'jszip';
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

function field(xml: string): string {
  return `<fields>${xml}</fields>`;
}

describe('Salesforce emulator: metadata', function () {
  this.timeout(30_000);

  describe('Metadata REST deploy', () => {
    let emulator: SalesforceEmulator;

    before(async () => {
      // As a System Administrator: these tests are about deploying, not field-level security (see access.test.ts).
      emulator = await startSalesforceEmulator({ port: 0, adminUser: true });
    });

    beforeEach(() => emulator.reset());

    after(async () => {
      await emulator?.close();
    });

    it('creates custom objects and fields from the zip and reports every component', async () => {
      const result = await deployZip(emulator, {
        'package.xml': packageXml({
          CustomObject: ['Widget__c'],
          CustomField: ['Widget__c.Size__c', 'Widget__c.Opportunity__c', 'Opportunity.Widget_Code__c'],
          PermissionSet: ['Widget_Access'],
        }),
        'objects/Widget__c.object': `<CustomObject ${NS}><label>Widget</label><pluralLabel>Widgets</pluralLabel><nameField><label>Widget Name</label><type>Text</type></nameField>${field(
          '<fullName>Size__c</fullName><label>Size</label><type>Number</type><precision>5</precision><scale>1</scale>'
        )}${field('<fullName>Opportunity__c</fullName><label>Opportunity</label><type>Lookup</type><referenceTo>Opportunity</referenceTo><relationshipName>Widgets</relationshipName>')}</CustomObject>`,
        'objects/Opportunity.object': `<CustomObject ${NS}>${field('<fullName>Widget_Code__c</fullName><label>Widget Code</label><type>Text</type><length>10</length><externalId>true</externalId><unique>true</unique>')}</CustomObject>`,
        'permissionsets/Widget_Access.permissionset': `<PermissionSet ${NS}><label>Widget Access</label></PermissionSet>`,
      });
      expect(result.deployResult).to.include({ status: 'Succeeded', success: true, numberComponentErrors: 0 });
      const components = result.deployResult.details.componentSuccesses.map(
        (c) => `${c.componentType}#${c.fullName}#${c.fileName}#${String(c.created)}`
      );
      expect(components).to.have.members([
        '#package.xml#package.xml#false',
        'CustomObject#Widget__c#objects/Widget__c.object#true',
        'CustomField#Widget__c.Size__c#objects/Widget__c.object#true',
        'CustomField#Widget__c.Opportunity__c#objects/Widget__c.object#true',
        'CustomField#Opportunity.Widget_Code__c#objects/Opportunity.object#true',
        'PermissionSet#Widget_Access#permissionsets/Widget_Access.permissionset#true',
      ]);

      const opp = await sfRequest<{ id: string }>(emulator, 'POST', api('/sobjects/Opportunity'), {
        Name: 'O',
        StageName: 'Prospecting',
        CloseDate: '2027-01-01',
        Widget_Code__c: 'W1',
      });
      expect(opp.status).to.equal(201);
      const widget = await sfRequest<{ id: string }>(emulator, 'POST', api('/sobjects/Widget__c'), {
        Name: 'Big',
        Size__c: 12.34,
        Opportunity__c: opp.body.id,
      });
      expect(widget.status).to.equal(201);
      expect(widget.body.id.slice(0, 3)).to.equal('a01');
      const query = await sfRequest<{ records: Array<Record<string, unknown>> }>(
        emulator,
        'GET',
        queryPath('SELECT Name, Size__c, Opportunity__r.Widget_Code__c FROM Widget__c')
      );
      expect(query.body.records[0]).to.deep.include({ Name: 'Big', Size__c: 12.3 });
      expect(query.body.records[0].Opportunity__r).to.deep.include({ Widget_Code__c: 'W1' });
      const children = await sfRequest<{ records: Array<{ Widgets__r: { totalSize: number } }> }>(
        emulator,
        'GET',
        queryPath('SELECT Id, (SELECT Name FROM Widgets__r) FROM Opportunity')
      );
      expect(children.body.records[0].Widgets__r.totalSize).to.equal(1);

      // A second deploy of the same component reports it as changed.
      const again = await deployZip(emulator, {
        'package.xml': packageXml({ PermissionSet: ['Widget_Access'] }),
        'permissionsets/Widget_Access.permissionset': `<PermissionSet ${NS}><label>Widget Access</label></PermissionSet>`,
      });
      expect(again.deployResult.details.componentSuccesses.find((c) => c.fullName === 'Widget_Access')).to.include({
        created: false,
        changed: true,
      });
    });

    it('fails the deploy as a whole on an invalid field and leaves the schema untouched', async () => {
      const result = await deployZip(emulator, {
        'package.xml': packageXml({ CustomField: ['Opportunity.Good__c', 'Opportunity.Bad__c'] }),
        'objects/Opportunity.object': `<CustomObject ${NS}>${field('<fullName>Good__c</fullName><type>Checkbox</type><defaultValue>false</defaultValue>')}${field(
          '<fullName>Bad__c</fullName><type>NotARealType</type>'
        )}</CustomObject>`,
      });
      expect(result.deployResult).to.include({ status: 'Failed', success: false, numberComponentErrors: 1 });
      expect(result.deployResult.details.componentFailures[0]).to.include({
        componentType: 'CustomField',
        fullName: 'Opportunity.Bad__c',
        problemType: 'Error',
      });
      expect(result.deployResult.details.componentFailures[0].problem).to.include('NotARealType');
      const query = await sfRequest<SfErrorBody>(emulator, 'GET', queryPath('SELECT Good__c FROM Opportunity'));
      expect(query.status).to.equal(400);
      expect(query.body[0].errorCode).to.equal('INVALID_FIELD');
    });

    // One broken component of each kind (issue 14): each fails the whole deploy with the Metadata API's words.
    for (const [kind, xml, problem] of [
      [
        'a Long Text Area without visibleLines',
        '<type>LongTextArea</type><length>32768</length>',
        "Must specify 'visibleLines' for a CustomField of type LongTextArea",
      ],
      [
        'a Checkbox without a default',
        '<type>Checkbox</type>',
        "Must specify 'defaultValue' for a CustomField of type Checkbox",
      ],
      [
        'a Lookup without relationshipName',
        '<type>Lookup</type><referenceTo>Account</referenceTo>',
        "Must specify 'relationshipName' for a CustomField of type Lookup",
      ],
      [
        'a formula naming a field that does not exist',
        '<type>Text</type><formula>IF(ISBLANK(Nope__c), "none", Name)</formula>',
        'Field Nope__c does not exist. Check spelling.',
      ],
    ]) {
      it(`fails the deploy of ${kind}`, async () => {
        const result = await deployZip(emulator, {
          'package.xml': packageXml({ CustomField: ['Opportunity.Good__c', 'Opportunity.Broken__c'] }),
          'objects/Opportunity.object': `<CustomObject ${NS}>${field(
            '<fullName>Good__c</fullName><type>Checkbox</type><defaultValue>false</defaultValue>'
          )}${field(`<fullName>Broken__c</fullName><label>Broken</label>${xml}`)}</CustomObject>`,
        });
        expect(result.deployResult).to.include({ status: 'Failed', success: false, numberComponentErrors: 1 });
        expect(result.deployResult.details.componentFailures[0]).to.include({
          componentType: 'CustomField',
          fullName: 'Opportunity.Broken__c',
          problemType: 'Error',
          problem,
        });
        const query = await sfRequest<SfErrorBody>(emulator, 'GET', queryPath('SELECT Good__c FROM Opportunity'));
        expect(query.body[0].errorCode, 'nothing of a failed deploy applies').to.equal('INVALID_FIELD');
      });
    }

    // Lightning components and pages (issue 14): each broken one fails the deploy; the same bundle, whole, deploys.
    const page = (region: string, component: string): string =>
      `<FlexiPage ${NS}><flexiPageRegions><itemInstances><componentInstance><componentName>${component}` +
      `</componentName></componentInstance></itemInstances><name>${region}</name><type>Region</type>` +
      '</flexiPageRegions><masterLabel>Deal</masterLabel><sobjectType>Opportunity</sobjectType><template>' +
      '<name>flexipage:recordHomeTemplateDesktop</name></template><type>RecordPage</type></FlexiPage>';
    const bundle = (js: string): Record<string, string> => ({
      'lwc/dealCard/dealCard.js': js,
      'lwc/dealCard/dealCard.html': '<template></template>',
      'lwc/dealCard/dealCard.js-meta.xml': `<LightningComponentBundle ${NS}><apiVersion>64.0</apiVersion></LightningComponentBundle>`,
    });
    for (const [kind, files, componentType, problem] of [
      [
        'an LWC importing a missing module',
        bundle("import { LightningElement } from 'lwc';\nimport helper from 'c/missingHelper';"),
        'LightningComponentBundle',
        'No MODULE named markup://c:missingHelper found',
      ],
      [
        'an LWC importing a missing @salesforce/schema field',
        bundle(
          "import AMOUNT from '@salesforce/schema/Opportunity.Amount';\nimport X from '@salesforce/schema/Opportunity.Nope__c';"
        ),
        'LightningComponentBundle',
        'Invalid reference Opportunity.Nope__c of type sobjectField in file dealCard.js',
      ],
      [
        'a flexipage with an unknown component',
        { 'flexipages/Deal.flexipage': page('main', 'dealCardd') },
        'FlexiPage',
        'Component [dealCardd] not found',
      ],
      [
        'a flexipage with an unknown region',
        {
          ...bundle("import { LightningElement } from 'lwc';"),
          'flexipages/Deal.flexipage': page('footer', 'dealCard'),
        },
        'FlexiPage',
        "Invalid region 'footer' for the template flexipage:recordHomeTemplateDesktop. Valid regions: header, main, sidebar",
      ],
    ] as const) {
      it(`fails the deploy of ${kind}`, async () => {
        const result = await deployZip(emulator, {
          'package.xml': packageXml({ LightningComponentBundle: ['dealCard'], FlexiPage: ['Deal'] }),
          ...files,
        });
        expect(result.deployResult).to.include({ status: 'Failed', success: false });
        expect(result.deployResult.details.componentFailures[0]).to.include({ componentType, problem });
      });
    }

    it('deploys a component and a page that uses it', async () => {
      const result = await deployZip(emulator, {
        'package.xml': packageXml({ LightningComponentBundle: ['dealCard'], FlexiPage: ['Deal'] }),
        ...bundle(
          "import { LightningElement } from 'lwc';\nimport AMOUNT from '@salesforce/schema/Opportunity.Amount';"
        ),
        'flexipages/Deal.flexipage': page('main', 'dealCard'),
      });
      expect(result.deployResult).to.include({ status: 'Succeeded', success: true });
    });

    it('validates without changing anything when checkOnly', async () => {
      const result = await deployZip(
        emulator,
        {
          'package.xml': packageXml({ CustomField: ['Opportunity.Checked__c'] }),
          'objects/Opportunity.object': `<CustomObject ${NS}>${field('<fullName>Checked__c</fullName><type>Text</type><length>5</length>')}</CustomObject>`,
        },
        { checkOnly: true }
      );
      expect(result.deployResult.status).to.equal('Succeeded');
      expect((await sfRequest(emulator, 'GET', queryPath('SELECT Checked__c FROM Opportunity'))).status).to.equal(400);
    });

    it('deploys over the SOAP Metadata API too (deploy, then checkDeployStatus)', async () => {
      const zip = new JSZip();
      zip.file('package.xml', packageXml({ CustomField: ['Opportunity.Soap_Field__c'] }));
      zip.file(
        'objects/Opportunity.object',
        `<CustomObject ${NS}>${field('<fullName>Soap_Field__c</fullName><type>Text</type><length>12</length>')}</CustomObject>`
      );
      const base64 = await zip.generateAsync({ type: 'base64' });
      const soap = async (sessionId: string, body: string): Promise<{ status: number; text: string }> => {
        const response = await fetch(`${emulator.url}//services/Soap/m/64.0`, {
          method: 'POST',
          headers: { 'Content-Type': 'text/xml', SOAPAction: '""' },
          body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata"><SessionHeader><sessionId>${sessionId}</sessionId></SessionHeader></soapenv:Header><soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata">${body}</soapenv:Body></soapenv:Envelope>`,
        });
        return { status: response.status, text: await response.text() };
      };
      const bad = await soap('wrong', `<deploy><ZipFile>${base64}</ZipFile></deploy>`);
      expect(bad.status).to.equal(500);
      expect(bad.text).to.include('sf:INVALID_SESSION_ID');
      const started = await soap(
        emulator.accessToken,
        `<deploy><ZipFile>${base64}</ZipFile><DeployOptions><checkOnly>false</checkOnly></DeployOptions></deploy>`
      );
      const id = /<id>([^<]+)<\/id>/.exec(started.text)?.[1] as string;
      expect(id).to.match(/^0Af/);
      let status = '';
      for (let i = 0; i < 50 && !status.includes('<done>true</done>'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        status = (
          await soap(
            emulator.accessToken,
            `<checkDeployStatus><asyncProcessId>${id}</asyncProcessId><includeDetails>true</includeDetails></checkDeployStatus>`
          )
        ).text;
      }
      expect(status).to.include('<status>Succeeded</status>');
      expect(status).to.include(
        '<componentSuccesses><changed>false</changed><componentType>CustomField</componentType>'
      );
      expect((await sfRequest(emulator, 'GET', queryPath('SELECT Soap_Field__c FROM Opportunity'))).status).to.equal(
        200
      );
    });

    it('rejects a deploy without a zip part', async () => {
      const form = new FormData();
      form.append('entity_content', '{}');
      const response = await fetch(`${emulator.url}/services/data/v64.0/metadata/deployRequest`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${emulator.accessToken}` },
        body: form,
      });
      expect(response.status).to.equal(400);
      expect(((await response.json()) as SfErrorBody)[0].errorCode).to.equal('INVALID_MULTIPART_REQUEST');
    });
  });

  describe('--load-metadata from a source-format folder', () => {
    let dir: string;
    let emulator: SalesforceEmulator;

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'sfemu-meta-'));
      const objectDir = path.join(dir, 'main', 'default', 'objects', 'Gadget__c');
      mkdirSync(path.join(objectDir, 'fields'), { recursive: true });
      writeFileSync(
        path.join(objectDir, 'Gadget__c.object-meta.xml'),
        `<CustomObject ${NS}><label>Gadget</label><pluralLabel>Gadgets</pluralLabel><nameField><label>Gadget Number</label><type>AutoNumber</type><displayFormat>G-{0000}</displayFormat></nameField></CustomObject>`
      );
      const fields: Record<string, string> = {
        Text__c: '<type>Text</type><length>20</length><required>true</required>',
        TextArea__c: '<type>TextArea</type>',
        Long__c: '<type>LongTextArea</type><length>32768</length><visibleLines>3</visibleLines>',
        Flag__c: '<type>Checkbox</type><defaultValue>true</defaultValue>',
        Choice__c:
          '<type>Picklist</type><valueSet><restricted>true</restricted><valueSetDefinition><value><fullName>A</fullName><default>true</default><label>A</label></value><value><fullName>B</fullName><default>false</default><label>B</label></value></valueSetDefinition></valueSet>',
        Num__c: '<type>Number</type><precision>4</precision><scale>0</scale>',
        Money__c: '<type>Currency</type><precision>18</precision><scale>2</scale>',
        Day__c: '<type>Date</type>',
        When__c: '<type>DateTime</type>',
        Link__c: '<type>Url</type>',
        Mail__c: '<type>Email</type>',
        Tel__c: '<type>Phone</type>',
        Account__c: '<type>Lookup</type><referenceTo>Account</referenceTo><relationshipName>Gadgets</relationshipName>',
        Label__c: '<type>Text</type><formula>Text__c &amp; " (" &amp; TEXT(Choice__c) &amp; ")"</formula>',
      };
      for (const [name, xml] of Object.entries(fields)) {
        writeFileSync(
          path.join(objectDir, 'fields', `${name}.field-meta.xml`),
          `<CustomField ${NS}><fullName>${name}</fullName><label>${name}</label>${xml}</CustomField>`
        );
      }
      // As a System Administrator: these tests are about deploying, not field-level security (see access.test.ts).
      emulator = await startSalesforceEmulator({ port: 0, loadMetadata: dir, adminUser: true });
    });

    after(async () => {
      await emulator?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('maps every field type to describe', async () => {
      const describe = await sfRequest<{ label: string; fields: Array<Record<string, unknown>> }>(
        emulator,
        'GET',
        api('/sobjects/Gadget__c/describe')
      );
      expect(describe.body.label).to.equal('Gadget');
      const types = Object.fromEntries(describe.body.fields.map((f): [string, unknown] => [String(f.name), f.type]));
      expect(types).to.include({
        Text__c: 'string',
        TextArea__c: 'textarea',
        Long__c: 'textarea',
        Flag__c: 'boolean',
        Choice__c: 'picklist',
        Num__c: 'double',
        Money__c: 'currency',
        Day__c: 'date',
        When__c: 'datetime',
        Link__c: 'url',
        Mail__c: 'email',
        Tel__c: 'phone',
        Account__c: 'reference',
        Label__c: 'string',
        Name: 'string',
      });
    });

    it('applies defaults, auto numbers, formulas and field rules on write', async () => {
      const account = await sfRequest<{ id: string }>(emulator, 'POST', api('/sobjects/Account'), { Name: 'Acme' });
      const created = await sfRequest<{ id: string }>(emulator, 'POST', api('/sobjects/Gadget__c'), {
        Text__c: 'hello',
        Account__c: account.body.id,
        When__c: '2027-01-01T12:00:00Z',
      });
      expect(created.status).to.equal(201);
      const record = await sfRequest<Record<string, unknown>>(
        emulator,
        'GET',
        api(`/sobjects/Gadget__c/${created.body.id}`)
      );
      expect(record.body).to.include({
        Name: 'G-0001',
        Flag__c: true,
        Choice__c: 'A',
        Label__c: 'hello (A)',
        When__c: '2027-01-01T12:00:00.000+0000',
      });
      const missing = await sfRequest<SfErrorBody>(emulator, 'POST', api('/sobjects/Gadget__c'), {});
      expect(missing.body[0].errorCode).to.equal('REQUIRED_FIELD_MISSING');
      const range = await sfRequest<SfErrorBody>(emulator, 'POST', api('/sobjects/Gadget__c'), {
        Text__c: 'x',
        Num__c: 12_345,
      });
      expect(range.body[0].errorCode).to.equal('NUMBER_OUTSIDE_VALID_RANGE');
      const autoNumber = await sfRequest<SfErrorBody>(emulator, 'POST', api('/sobjects/Gadget__c'), {
        Text__c: 'x',
        Name: 'mine',
      });
      expect(autoNumber.body[0].errorCode).to.equal('INVALID_FIELD_FOR_INSERT_UPDATE');
      const children = await sfRequest<{ records: Array<{ Gadgets__r: { records: Array<{ Name: string }> } }> }>(
        emulator,
        'GET',
        queryPath('SELECT Name, (SELECT Name FROM Gadgets__r) FROM Account')
      );
      expect(children.body.records[0].Gadgets__r.records[0].Name).to.equal('G-0001');
    });
  });

  it("loads this repository's force-app with loadMetadata: true", async () => {
    // As a System Administrator: these tests are about deploying, not field-level security (see access.test.ts).
    const emulator = await startSalesforceEmulator({ port: 0, loadMetadata: true, adminUser: true });
    try {
      const describe = await sfRequest<{ fields: Array<{ name: string }> }>(
        emulator,
        'GET',
        api('/sobjects/Opportunity/describe')
      );
      expect(describe.body.fields.map((f) => f.name)).to.include.members([
        'Referral_Identifier__c',
        'Sync_With_Partner_Center__c',
        'Partner_Center_Snapshot__c',
      ]);
      for (const object of ['Partner_Center_Sync_Run__c', 'Partner_Center_Sync_Event__c']) {
        expect((await sfRequest(emulator, 'GET', api(`/sobjects/${object}/describe`))).status).to.equal(200);
      }
    } finally {
      await emulator.close();
    }
  });
});
