/**
 * The doctor's checks against both emulators in this process, each row turned red (or amber) by its real cause:
 * a revoked sign-in, Partner Center refusing the sync's undocumented filters, a registration elsewhere, an untrusted
 * signing chain, an old API version, a field that was never deployed or that the user may only read, a mapping to a
 * missing field, a lapsed lease, failed runs, skewed clocks. And the doctor writes nothing, anywhere.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import sinon from 'sinon';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../../emulators/partner-center/server.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { validateConfig, type PcsyncConfig } from '../../../src/config/index.js';
import { runDoctor, type CheckId, type CheckRow, type DoctorReport } from '../../../src/doctor/index.js';
import { PartnerCenterTokenProvider, TokenStore, type ListReferralsQuery } from '../../../src/partner-center/index.js';
import { PartnerCenterClient } from '../../../src/partner-center/client.js';
import { REFERRAL_EVENTS, VALIDATION_EVENT } from '../../../src/partner-center/events.js';
import { LEASE, OPP, RUN } from '../../../src/salesforce/fields.js';
import { runSync } from '../../../src/sync/engine.js';
import { repoRoot } from '../../helpers/sf-cli.js';
import { clientsFor, headlessEnv, trustEmulator } from '../partner-center/helpers.js';

const RECEIVER = 'https://pcsync.example.com/webhooks/partner-center';

describe('sf pcsync doctor (library) against both emulators', function () {
  this.timeout(120_000);
  let pc: PartnerCenterEmulator;
  let sf: SalesforceEmulator;
  const started: Array<{ close(): Promise<void> }> = [];
  const folders: string[] = [];

  before(async () => {
    pc = await startPartnerCenterEmulator({ port: 0 });
    // As a System Administrator: these tests are about doctor's checks, not field-level security (access.test.ts).
    sf = await startSalesforceEmulator({ port: 0, loadMetadata: true, adminUser: true });
    trustEmulator(pc);
  });
  beforeEach(async () => {
    pc.reset({ auth: true });
    sf.reset({ keepSchema: true });
    await register(RECEIVER);
  });
  afterEach(() => sinon.restore());
  after(async () => {
    for (const server of [pc, sf, ...started]) await server?.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  const register = async (url: string, events: string[] = [...REFERRAL_EVENTS, VALIDATION_EVENT]): Promise<void> => {
    const { webhooks } = clientsFor(pc);
    if (await webhooks.show()) await webhooks.update({ url, events });
    else await webhooks.register({ url, events });
  };

  /** The configuration that points pcsync at the emulator and trusts its signing chain, as serve would be set up. */
  const configFor = (extra: Record<string, unknown> = {}, serve: Record<string, unknown> = {}): PcsyncConfig =>
    validateConfig({
      partnerCenter: {
        referralsBaseUrl: pc.referralsBaseUrl,
        webhooksBaseUrl: pc.webhooksBaseUrl,
        authority: pc.authority,
      },
      serve: {
        certificateUrlAllowList: [new URL('/certs/', pc.url).href],
        issuerUrlAllowList: [new URL('/pkiops/', pc.url).href],
        signingRoot: pc.signingRootPath,
        ...serve,
      },
      ...extra,
    });

  const connect = (org: SalesforceEmulator = sf, version = '64.0'): Connection =>
    new Connection({ instanceUrl: org.url, accessToken: org.accessToken, version });

  const doctor = (
    options: { config?: PcsyncConfig; org?: SalesforceEmulator; version?: string; env?: NodeJS.ProcessEnv } = {}
  ): Promise<DoctorReport> => {
    const config = options.config ?? configFor();
    const tokens = new PartnerCenterTokenProvider({
      settings: config.partnerCenter,
      env: options.env ?? headlessEnv(pc),
      store: new TokenStore({ rootFolder: '/nonexistent-pcsync-test' }),
    });
    return runDoctor(
      { connection: connect(options.org, options.version), config, tokens },
      { receiverUrl: RECEIVER, certificateUrl: pc.certificateUrl }
    );
  };

  const row = (report: DoctorReport, id: CheckId): CheckRow => {
    const found = report.checks.find((check) => check.id === id);
    if (!found) throw new Error(`no row ${id}`);
    return found;
  };
  const statuses = (report: DoctorReport): Record<string, string> =>
    Object.fromEntries(report.checks.map((check) => [check.id, check.status]));

  /** A copy of this project's objects, changed by `edit`, for an org deployed from it. */
  const orgFrom = async (edit: (objects: string) => void, options = {}): Promise<SalesforceEmulator> => {
    const folder = mkdtempSync(path.join(tmpdir(), 'pcsync-doctor-metadata-'));
    folders.push(folder);
    cpSync(path.join(repoRoot, 'force-app'), folder, { recursive: true });
    edit(path.join(folder, 'main', 'default', 'objects'));
    // The permission sets, list views, reports and Lead conversion mappings would name the edited fields; the admin
    // user needs none of them.
    const source = path.join(folder, 'main', 'default');
    for (const kind of ['permissionsets', 'reportTypes', 'reports', 'dashboards', 'LeadConvertSettings'])
      rmSync(path.join(source, kind), { recursive: true, force: true });
    for (const object of readdirSync(path.join(source, 'objects')))
      rmSync(path.join(source, 'objects', object, 'listViews'), { recursive: true, force: true });
    const org = await startSalesforceEmulator({ port: 0, loadMetadata: folder, adminUser: true, ...options });
    started.push(org);
    return org;
  };

  it('a healthy setup: nothing fails, and what the emulators do not model is a warning that says so', async () => {
    await runSync({ connection: connect(), client: clientsFor(pc).referrals, config: configFor() }, {});
    const report = await doctor();
    expect(report.ok, JSON.stringify(report.checks, null, 2)).to.equal(true);
    expect(statuses(report)).to.deep.equal({
      'pc-sign-in': 'pass',
      'pc-token-referrals': 'pass',
      'pc-token-webhooks': 'pass',
      'pc-incremental-list': 'pass',
      'pc-reference-lookup': 'pass',
      'pc-webhook-registration': 'pass',
      'pc-signing-certificate': 'pass',
      'sf-api-version': 'pass',
      'sf-sync-schema': 'pass',
      // The default mapping's CurrencyIsoCode rule is optional: a single-currency org skips it.
      'sf-mapped-fields': 'info',
      'sf-permissions': 'pass',
      'sf-address-picklists': 'info',
      'sf-duplicate-rules': 'warn',
      'sf-change-data-capture': 'warn',
      'sf-lease': 'pass',
      'sf-last-run': 'pass',
      'clock-salesforce': 'pass',
      'clock-partner-center-referrals': 'pass',
      'clock-partner-center-webhooks': 'pass',
    });
    expect(row(report, 'sf-duplicate-rules').result).to.match(/^Not modelled: .*INVALID_TYPE/);
    expect(row(report, 'sf-change-data-capture').result).to.match(/^Not modelled: .*EMULATOR_NOT_MODELLED/);
    expect(report.counts).to.deep.equal({ pass: 15, info: 2, warn: 2, fail: 0, skip: 0 });
  });

  it('writes nothing in either service: only GETs, besides the sign-in token requests', async () => {
    const pcBefore = pc.requests().length;
    const sfBefore = sf.requests().length;
    await doctor();
    const pcRequests = pc.requests().slice(pcBefore);
    const sfRequests = sf.requests().slice(sfBefore);
    expect(pcRequests.filter((r) => r.method !== 'GET').map((r) => r.endpoint)).to.deep.equal(
      Array(pcRequests.filter((r) => r.method !== 'GET').length).fill('POST /token')
    );
    expect(pcRequests.filter((r) => r.endpoint === 'POST /token')).to.have.length(2);
    expect(sfRequests.filter((r) => r.method !== 'GET').map((r) => r.key)).to.deep.equal([]);
    expect(sfRequests.reduce((sum, r) => sum + r.records, 0)).to.equal(0);
  });

  it('sends exactly the list queries the sync sends (the incremental read, the crash-heal lookup)', async () => {
    const client = clientsFor(pc).referrals;
    const config = configFor();
    // A first run that reads referrals leaves an inbound watermark; flagged Opportunities make the outbound pass look
    // up a full batch.
    pc.admin.seedReferrals(3, 'microsoft-co-sell');
    expect((await runSync({ connection: connect(), client, config }, {})).watermarks.inbound).to.be.a('string');
    const account = await connect().sobject('Account').create({ Name: 'Litware', BillingCountry: 'Germany' });
    for (let i = 0; i < 12; i++) {
      await connect()
        .sobject('Opportunity')
        .create({
          Name: `Flagged ${i}`,
          StageName: 'Qualification',
          CloseDate: '2027-02-28',
          AccountId: account.id,
          [OPP.syncWith]: true,
          [OPP.solutions]: 'SOL-34104-EBB',
        });
    }
    const pages = sinon.spy(PartnerCenterClient.prototype, 'pages');
    const report = await doctor({ config });
    const doctorQueries = pages.getCalls().map((call) => call.args[0] as ListReferralsQuery);
    pages.resetHistory();
    await runSync({ connection: connect(), client, config }, {});
    const syncQueries = pages.getCalls().map((call) => call.args[0] as ListReferralsQuery);

    expect(row(report, 'pc-incremental-list').status).to.equal('pass');
    expect(doctorQueries[0]).to.deep.equal(syncQueries[0]);
    expect(doctorQueries[0].filter).to.match(/^updatedDateTime ge \S+Z$/);
    // Different Opportunity ids, the same query: as many `or`-joined clauses, each the same shape.
    const shape = (query: ListReferralsQuery): string | undefined => query.filter?.replace(/'[^']*'/g, "'…'");
    const lookup = syncQueries.find((query) => query.filter?.startsWith('externalReferenceId'));
    expect(lookup, 'the sync looked up referrals by externalReferenceId').to.not.equal(undefined);
    expect(shape(doctorQueries[1])).to.equal(shape(lookup!));
    expect(doctorQueries[1].filter?.split(' or ').length).to.be.greaterThan(1);
  });

  it('a revoked Partner Center sign-in: no token, and the Partner Center calls stand down', async () => {
    pc.admin.revokeRefreshTokens();
    const report = await doctor();
    expect(row(report, 'pc-sign-in').status).to.equal('pass');
    expect(row(report, 'pc-token-referrals')).to.include({ status: 'fail' });
    expect(row(report, 'pc-token-referrals').result).to.match(/sign in again/i);
    expect(row(report, 'pc-token-referrals').action).to.include('sf pcsync auth login');
    for (const id of ['pc-incremental-list', 'pc-reference-lookup'] as const) {
      expect(row(report, id)).to.include({ status: 'skip' });
      expect(row(report, id).result).to.include('Token: referrals API');
    }
    expect(report.ok).to.equal(false);
    expect(JSON.stringify(report)).to.not.match(/pcemu-(at|rt)\./);
  });

  it('no sign-in at all: the first row says how to sign in', async () => {
    const report = await doctor({ env: {} });
    expect(row(report, 'pc-sign-in').status).to.equal('fail');
    expect(row(report, 'pc-sign-in').action).to.include('PCSYNC_REFRESH_TOKEN');
    expect(row(report, 'pc-token-webhooks').status).to.equal('skip');
    expect(row(report, 'pc-webhook-registration').status).to.equal('skip');
  });

  it('Partner Center refusing the undocumented filters (--strict-odata): both rows red, with the fallback named', async () => {
    pc.setStrictOData(true);
    const report = await doctor();
    const incremental = row(report, 'pc-incremental-list');
    expect(incremental.status).to.equal('fail');
    expect(incremental.result).to.match(
      /^Partner Center refused \$filter=updatedDateTime ge .*\$orderby=updatedDateTime desc/
    );
    expect(incremental.action).to.include('sf pcsync run --full');
    const lookup = row(report, 'pc-reference-lookup');
    expect(lookup.status).to.equal('fail');
    expect(lookup.result).to.include('externalReferenceId eq').and.to.include('"or" operator');
    expect(lookup.action).to.include('no fallback');
  });

  it('the registration points elsewhere, lacks events, or is missing', async () => {
    await register('https://other.example.com/hooks');
    let report = await doctor();
    expect(row(report, 'pc-webhook-registration')).to.include({ status: 'fail' });
    expect(row(report, 'pc-webhook-registration').action).to.include(`--url ${RECEIVER} --overwrite`);

    await register(RECEIVER, [...REFERRAL_EVENTS]);
    report = await doctor();
    expect(row(report, 'pc-webhook-registration')).to.include({ status: 'warn' });
    expect(row(report, 'pc-webhook-registration').result).to.include('without test-created');

    await register(RECEIVER, ['referral-created', VALIDATION_EVENT]);
    report = await doctor();
    expect(row(report, 'pc-webhook-registration')).to.include({ status: 'fail' });
    expect(row(report, 'pc-webhook-registration').result).to.include('referral-updated, related-referral-created');

    pc.reset();
    report = await doctor();
    expect(row(report, 'pc-webhook-registration')).to.include({ status: 'fail' });
    expect(row(report, 'pc-webhook-registration').action).to.include(`webhook register --url ${RECEIVER}`);
  });

  it('the signing chain does not reach a trusted root without the emulator root, and a URL off the allow-list', async () => {
    let report = await doctor({ config: configFor({}, { signingRoot: undefined }) });
    expect(row(report, 'pc-signing-certificate')).to.include({ status: 'fail' });
    expect(row(report, 'pc-signing-certificate').result).to.include('certificate-untrusted');
    expect(row(report, 'pc-signing-certificate').action).to.include('serve.signingRoot');

    report = await doctor({
      config: configFor({}, { certificateUrlAllowList: ['https://3psostorageacct.blob.core.windows.net/cert/'] }),
    });
    expect(row(report, 'pc-signing-certificate')).to.include({ status: 'fail' });
    expect(row(report, 'pc-signing-certificate').result).to.include('not on the receiver');
  });

  it('an API version older than the sync needs, or one the org does not offer', async () => {
    let report = await doctor({ version: '45.0' });
    expect(row(report, 'sf-api-version')).to.include({ status: 'fail' });
    expect(row(report, 'sf-api-version').result).to.include('older than 46.0');
    report = await doctor({ version: '65.0' });
    expect(row(report, 'sf-api-version')).to.include({ status: 'fail' });
    expect(row(report, 'sf-api-version').action).to.include('--api-version 64.0');
  });

  it('a field pcsync writes was never deployed', async () => {
    const org = await orgFrom((objects) =>
      rmSync(path.join(objects, 'Opportunity', 'fields', `${OPP.referralId}.field-meta.xml`))
    );
    const report = await doctor({ org });
    expect(row(report, 'sf-sync-schema')).to.include({ status: 'fail' });
    expect(row(report, 'sf-sync-schema').result).to.include(`Opportunity.${OPP.referralId}`);
    expect(row(report, 'sf-sync-schema').action).to.include('Partner_Center_Integration');
  });

  it('a field the user may only read (describe: not createable, not updateable)', async () => {
    const org = await orgFrom((objects) =>
      writeFileSync(
        path.join(objects, 'Opportunity', 'fields', `${OPP.status}.field-meta.xml`),
        `<?xml version="1.0" encoding="UTF-8"?>
<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">
    <fullName>${OPP.status}</fullName>
    <label>Partner Center Status</label>
    <type>Text</type>
    <formula>&quot;New&quot;</formula>
</CustomField>
`
      )
    );
    const report = await doctor({ org });
    expect(row(report, 'sf-sync-schema').status).to.equal('pass');
    expect(row(report, 'sf-permissions')).to.include({ status: 'fail' });
    expect(row(report, 'sf-permissions').result).to.include(`Opportunity.${OPP.status} (create, edit)`);
  });

  it('a mapping to a field the org does not have', async () => {
    const mapping = [{ partnerCenter: 'details.notes', salesforce: 'Partner_Notes__c', owner: 'salesforce' }];
    const report = await doctor({ config: configFor({ mapping }) });
    expect(row(report, 'sf-mapped-fields')).to.include({ status: 'fail' });
    expect(row(report, 'sf-mapped-fields').result).to.include('Partner_Notes__c');
  });

  it('an org without State and Country picklists is reported, not judged', async () => {
    const org = await startSalesforceEmulator({
      port: 0,
      loadMetadata: true,
      adminUser: true,
      stateCountryPicklists: false,
    });
    started.push(org);
    const report = await doctor({ org });
    expect(row(report, 'sf-address-picklists')).to.include({ status: 'info' });
    expect(row(report, 'sf-address-picklists').result).to.match(/^Off/);
  });

  it('the lease: held by a running pass, or lapsed by the org clock', async () => {
    const at = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();
    const lease = (expires: string): Record<string, string> => ({
      [LEASE.key]: 'sync',
      [LEASE.holder]: 'sf pcsync serve (pid 7 on replica-2)',
      [LEASE.token]: 'replica-2:7:x',
      [LEASE.acquiredAt]: at(-10),
      [LEASE.expiresAt]: expires,
    });
    sf.seed({ [LEASE.object]: [lease(at(1))] });
    let report = await doctor();
    expect(row(report, 'sf-lease')).to.include({ status: 'info' });
    expect(row(report, 'sf-lease').result).to.include('replica-2');

    sf.reset({ keepSchema: true });
    sf.seed({ [LEASE.object]: [lease(at(-1))] });
    report = await doctor();
    expect(row(report, 'sf-lease')).to.include({ status: 'warn' });
    expect(row(report, 'sf-lease').result).to.include('lapsed');
  });

  it('the runs: none yet, none finished, or a failure since the last that finished', async () => {
    let report = await doctor();
    expect(row(report, 'sf-last-run')).to.include({ status: 'warn' });

    const run = (key: string, status: string, minutesAgo: number): Record<string, string> => ({
      [RUN.key]: key,
      [RUN.status]: status,
      [RUN.trigger]: 'Manual',
      [RUN.startedAt]: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      [RUN.finishedAt]: new Date(Date.now() - minutesAgo * 60_000 + 1000).toISOString(),
      [RUN.message]: status === 'Failed' ? 'Partner Center could not be reached' : 'ok',
    });
    sf.seed({ [RUN.object]: [run('r1', 'Failed', 5)] });
    report = await doctor();
    expect(row(report, 'sf-last-run')).to.include({ status: 'fail' });
    expect(row(report, 'sf-last-run').result).to.include('could not be reached');

    sf.seed({ [RUN.object]: [run('r0', 'Succeeded', 60)] });
    report = await doctor();
    expect(row(report, 'sf-last-run')).to.include({ status: 'warn' });

    sf.seed({ [RUN.object]: [run('r2', 'Partially Succeeded', 1)] });
    report = await doctor();
    expect(row(report, 'sf-last-run')).to.include({ status: 'pass' });
  });

  it('clocks: Partner Center 10 minutes ahead fails, Salesforce 90 s behind warns', async () => {
    pc.setClockSkew(10 * 60_000);
    sf.setClockSkew(-90_000);
    const report = await doctor();
    for (const id of ['clock-partner-center-referrals', 'clock-partner-center-webhooks'] as const) {
      expect(row(report, id)).to.include({ status: 'fail' });
      expect(row(report, id).result).to.match(/is (599|600|601) s ahead of this machine, more than 300 s/);
    }
    expect(row(report, 'clock-salesforce')).to.include({ status: 'warn' });
    expect(row(report, 'clock-salesforce').result).to.match(/is (89|90|91) s behind this machine/);
    expect(row(report, 'clock-salesforce').action).to.include('NTP');
  });
});
