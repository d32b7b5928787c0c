import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import { api, sfRequest } from '../../../helpers/salesforce-emulator.js';

type CompositeBody = { compositeResponse: Array<{ httpStatusCode: number; referenceId: string; body: unknown }> };

describe('Salesforce emulator: composite resources', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;

  before(async () => {
    // As a System Administrator: these tests are about the API, not field-level security (see access.test.ts).
    emulator = await startSalesforceEmulator({ port: 0, loadMetadata: true, adminUser: true });
  });

  beforeEach(() => emulator.reset());

  after(async () => {
    await emulator?.close();
  });

  it('honours each subrequest’s own headers: If-Unmodified-Since on a PATCH answers 412 when the row changed', async () => {
    const created = await sfRequest<{ id: string }>(emulator, 'POST', api('/sobjects/Account'), { Name: 'Contoso' });
    const row = await sfRequest<{ LastModifiedDate: string }>(
      emulator,
      'GET',
      api(`/sobjects/Account/${created.body.id}?fields=LastModifiedDate`)
    );
    const lastModified = new Date(Date.parse(row.body.LastModifiedDate.replace('+0000', 'Z'))).toUTCString();
    const earlier = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    const patch = (since: string, name: string): Record<string, unknown> => ({
      method: 'PATCH',
      url: `/services/data/v64.0/sobjects/Account/${created.body.id}`,
      referenceId: `set${name}`,
      body: { Name: name },
      httpHeaders: { 'If-Unmodified-Since': since },
    });
    const response = await sfRequest<CompositeBody>(emulator, 'POST', api('/composite'), {
      allOrNone: false,
      compositeRequest: [patch(earlier, 'Stale'), patch(lastModified, 'Fresh')],
    });
    expect(response.body.compositeResponse.map((r) => r.httpStatusCode)).to.deep.equal([412, 204]);
    expect(emulator.records('Account')[0].Name).to.equal('Fresh');
  });

  it('runs subrequests with @{ref} references as one API call', async () => {
    const response = await sfRequest<CompositeBody>(emulator, 'POST', api('/composite'), {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v64.0/sobjects/Account',
          referenceId: 'acct',
          body: { Name: 'Contoso' },
        },
        {
          method: 'POST',
          url: '/services/data/v64.0/sobjects/Opportunity',
          referenceId: 'opp',
          body: { Name: 'Deal', StageName: 'Prospecting', CloseDate: '2027-01-01', AccountId: '@{acct.id}' },
        },
        {
          method: 'GET',
          url: '/services/data/v64.0/sobjects/Opportunity/@{opp.id}?fields=AccountId',
          referenceId: 'read',
        },
      ],
    });
    expect(response.status).to.equal(200);
    expect(response.body.compositeResponse.map((r) => r.httpStatusCode)).to.deep.equal([201, 201, 200]);
    const read = response.body.compositeResponse[2].body as { AccountId: string };
    expect(read.AccountId).to.equal((response.body.compositeResponse[0].body as { id: string }).id);
    expect(emulator.counters()).to.deep.equal({ 'POST /composite': 1 });
    expect(emulator.apiUsage().used).to.equal(1);
  });

  it('rolls back every subrequest with allOrNone when one fails', async () => {
    const response = await sfRequest<CompositeBody>(emulator, 'POST', api('/composite'), {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v64.0/sobjects/Account', referenceId: 'ok', body: { Name: 'Kept?' } },
        {
          method: 'POST',
          url: '/services/data/v64.0/sobjects/Opportunity',
          referenceId: 'bad',
          body: { Name: 'no stage' },
        },
        { method: 'POST', url: '/services/data/v64.0/sobjects/Account', referenceId: 'after', body: { Name: 'Never' } },
      ],
    });
    expect(response.body.compositeResponse.map((r) => r.httpStatusCode)).to.deep.equal([400, 400, 400]);
    expect(JSON.stringify(response.body.compositeResponse[0].body)).to.include('PROCESSING_HALTED');
    expect(JSON.stringify(response.body.compositeResponse[1].body)).to.include('REQUIRED_FIELD_MISSING');
    expect(emulator.records('Account')).to.have.length(0);
  });

  it('imports a record tree all or nothing (sf data import tree)', async () => {
    const ok = await sfRequest<{ hasErrors: boolean; results: Array<{ referenceId: string; id: string }> }>(
      emulator,
      'POST',
      api('/composite/tree/Account'),
      {
        records: [
          {
            attributes: { type: 'Account', referenceId: 'acc1' },
            Name: 'Tree Co',
            Contacts: { records: [{ attributes: { type: 'Contact', referenceId: 'con1' }, LastName: 'Leaf' }] },
          },
        ],
      }
    );
    expect(ok.status).to.equal(201);
    expect(ok.body.results.map((r) => r.referenceId)).to.deep.equal(['acc1', 'con1']);
    expect(emulator.records('Contact')[0].AccountId).to.equal(ok.body.results[0].id);
    const bad = await sfRequest<{ hasErrors: boolean; results: Array<{ referenceId: string }> }>(
      emulator,
      'POST',
      api('/composite/tree/Account'),
      {
        records: [
          { attributes: { type: 'Account', referenceId: 'good' }, Name: 'Good' },
          { attributes: { type: 'Account', referenceId: 'nameless' } },
        ],
      }
    );
    expect(bad.status).to.equal(400);
    expect(bad.body).to.deep.include({ hasErrors: true });
    expect(bad.body.results.map((r) => r.referenceId)).to.deep.equal(['nameless']);
    expect(emulator.records('Account')).to.have.length(1);
  });

  it('keeps a request log for debugging', async () => {
    await sfRequest(emulator, 'GET', api('/limits'));
    const log = emulator.requests();
    expect(log.map((r) => `${r.key} ${r.status}`)).to.deep.equal(['GET /limits 200']);
  });
});
