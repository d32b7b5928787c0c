/**
 * The referral list's query options as Microsoft's swagger and get-a-list-of-referrals document them: `$top` is the
 * total to return (paging stays on @odata.nextLink at the server's page size), `$select` trims the fields,
 * `--strict-odata` refuses the `$filter`s Microsoft does not document; and a create is never deduplicated by its
 * MS-RequestId.
 */
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../../../emulators/partner-center/server.js';
import { trustEmulator } from '../../partner-center/helpers.js';
import { assertValid } from '../../partner-center/swagger.js';
import { REFERRALS, accessToken, call, emulatorCall, partnerReferral } from './helpers.js';

type Page = { value: Array<Record<string, unknown>>; '@odata.count': number; '@odata.nextLink'?: string };

describe('Partner Center emulator: OData query options', () => {
  let emulator: PartnerCenterEmulator;
  let token: string;

  before(async () => {
    emulator = await startPartnerCenterEmulator({ port: 0 });
    trustEmulator(emulator);
  });
  after(() => emulator?.close());
  beforeEach(async () => {
    emulator.reset();
    token = await accessToken(emulator, REFERRALS);
  });

  const get = async (url: string): Promise<{ status: number; body: Page }> =>
    (await call(url, { token })) as { status: number; body: Page };
  const list = (query: string): Promise<{ status: number; body: Page }> =>
    get(`${emulator.referralsBaseUrl}/referrals?${encodeURI(query)}`);

  /** Every page from a first query on, following @odata.nextLink as given. */
  const walk = async (query: string): Promise<Page[]> => {
    const pages: Page[] = [];
    let next: string | undefined = `${emulator.referralsBaseUrl}/referrals?${encodeURI(query)}`;
    while (next && pages.length < 20) {
      const page = await get(next);
      expect(page.status, next).to.equal(200);
      assertValid('listResponse', page.body);
      pages.push(page.body);
      next = page.body['@odata.nextLink'];
    }
    return pages;
  };

  it('reads $top as the total to return, paging through @odata.nextLink at the server’s own page size', async () => {
    emulator.admin.seedReferrals(250);
    expect((await walk('$top=150')).map((p) => p.value.length)).to.deep.equal([100, 50]);
    expect((await walk('$top=30')).map((p) => p.value.length)).to.deep.equal([30]);
    expect(
      (await walk('$top=100')).map((p) => p.value.length),
      'no nextLink once $top is reached'
    ).to.deep.equal([100]);
    const all = await walk('$orderby=createdDateTime desc');
    expect(
      all.map((p) => p.value.length),
      'no $top: all of them'
    ).to.deep.equal([100, 100, 50]);
    const ids = all.flatMap((p) => p.value.map((r) => r.id));
    expect(new Set(ids).size).to.equal(250);
    expect((await walk('$skip=240&$top=30')).map((p) => p.value.length)).to.deep.equal([10]);
    expect((await list('$top=0')).body.value).to.deep.equal([]);
    for (const bad of ['$top=-1', '$top=ten', '$top=1.5', '$skip=-3'])
      expect((await list(bad)).status, bad).to.equal(400);
  });

  it('trims each referral to the $select fields, on every page', async () => {
    emulator.admin.seedReferrals(120);
    const pages = await walk('$select=id,status,customerProfile/name&$top=110');
    expect(pages.map((p) => p.value.length)).to.deep.equal([100, 10]);
    for (const referral of pages.flatMap((p) => p.value)) {
      expect(Object.keys(referral).sort()).to.deep.equal(['customerProfile', 'id', 'status']);
      expect(Object.keys(referral.customerProfile as object)).to.deep.equal(['name']);
    }
    const whole = (await list('$select=customerProfile&$top=1')).body.value[0];
    expect(Object.keys(whole.customerProfile as object)).to.include.members(['name', 'address', 'team']);
    const refused = await list('$select=id,bogus');
    expect(refused.status).to.equal(400);
    expect(refused.body).to.deep.include({ statusCode: 400 });
  });

  it('refuses with --strict-odata the $filters Microsoft does not document, not the documented ones', async () => {
    emulator.admin.createIncoming('microsoft-co-sell', {
      engagementId: '65edc0b5-3485-41b7-a17e-dfa9ef4706e2',
      externalReferenceId: 'ext-1',
      team: [{ email: 'r2d2@contoso.com' }],
    });
    const undocumented = [
      '$filter=updatedDateTime ge 2020-01-01T00:00:00Z',
      "$filter=externalReferenceId eq 'ext-1'",
      "$filter=externalReferenceId eq 'ext-1' or externalReferenceId eq 'ext-2'",
      "$filter=status eq 'New' or status eq 'Active'",
      "$filter=status ne 'Closed'",
      "$filter=not (status eq 'Closed')",
      "$filter=customerProfile/address/city eq 'Redmond'",
      "$filter=team/any(t:t/email ne 'x@y.example')",
    ];
    const documented = [
      "$filter=engagementId eq '65edc0b5-3485-41b7-a17e-dfa9ef4706e2'",
      "$filter=status eq 'New' and qualification eq 'SalesQualified'",
      "$filter=customerProfile/address/country eq 'US' and direction eq 'Incoming'",
      "$top=10&$filter=(type eq 'Shared' and direction eq 'Incoming')&$orderby=createdDateTime desc",
      "$top=10&$filter=(direction eq 'Incoming' and substatus eq 'Pending')&$orderby=createdDateTime desc",
      "$filter=status eq 'New' and direction eq 'Incoming' and type eq 'Shared' and " +
        "team/any(t:t/email eq 'r2d2@contoso.com')&$orderby=updatedDateTime desc",
    ];
    for (const query of [...undocumented, ...documented]) {
      const lenient = await list(query);
      expect(lenient.status, `default: ${query}`).to.equal(200);
      expect(lenient.body['@odata.count'], query).to.equal(1);
    }
    emulator.setStrictOData(true);
    for (const query of undocumented) {
      const refused = await list(query);
      expect(refused.status, `strict: ${query}`).to.equal(400);
      expect(refused.body).to.have.keys('statusCode', 'message');
    }
    for (const query of documented) expect((await list(query)).body['@odata.count'], query).to.equal(1);
    expect(
      (await list('$orderby=updatedDateTime desc&$top=5')).status,
      '$orderby on updatedDateTime is documented'
    ).to.equal(200);

    await emulatorCall(emulator, 'POST', 'odata', { strict: false });
    expect((await list(undocumented[0])).status, 'switched off at run time').to.equal(200);
    expect((await emulatorCall(emulator, 'GET', 'odata')).body).to.deep.equal({ strict: false });
  });

  it('is strict from the start with the strictOData option, and reset keeps the start-up choice', async () => {
    const strict = await startPartnerCenterEmulator({ port: 0, strictOData: true });
    try {
      const strictToken = await accessToken(strict, REFERRALS);
      const query = encodeURI('$filter=updatedDateTime ge 2020-01-01T00:00:00Z');
      const url = `${strict.referralsBaseUrl}/referrals?${query}`;
      expect((await call(url, { token: strictToken })).status).to.equal(400);
      strict.setStrictOData(false);
      strict.reset();
      expect((await call(url, { token: strictToken })).status).to.equal(400);
    } finally {
      await strict.close();
    }
  });

  it('makes a second referral when a create is retried with the same MS-RequestId', async () => {
    const headers = { 'MS-RequestId': '6a1d0f6e-0000-4000-8000-000000000001' };
    const url = `${emulator.referralsBaseUrl}/referrals`;
    const first = await call(url, { method: 'POST', token, body: partnerReferral(), headers });
    const retried = await call(url, { method: 'POST', token, body: partnerReferral(), headers });
    expect([first.status, retried.status]).to.deep.equal([200, 200]);
    assertValid('createResponse', retried.body);
    expect((first.body as { id: string }).id).not.to.equal((retried.body as { id: string }).id);
    expect(emulator.admin.referralCount()).to.equal(2);
  });
});
