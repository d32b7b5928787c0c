import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../../emulators/partner-center/server.js';
import {
  InvalidPatchError,
  PartnerCenterError,
  ReferralConflictError,
  type Referral,
  type ReferralPatchOperation,
} from '../../../src/partner-center/index.js';
import { assertValid } from './swagger.js';
import { TOKEN_SHAPE, clientsFor, newReferralBody, trustEmulator, type Clients } from './helpers.js';

type Sent = { method: string; url: string; body?: string; headers: Record<string, string> };

/** A fetch that records what the client sends, so bodies can be checked against the swagger. */
function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    sent.push({
      method: init?.method ?? 'GET',
      url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      body: init?.body as string | undefined,
      headers: { ...(init?.headers as Record<string, string>) },
    });
    return fetch(input, init);
  };
}

async function expectRejection<T extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => T
): Promise<T> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.to.match(TOKEN_SHAPE);
    return error as T;
  }
  throw new Error('expected a rejection');
}

describe('Partner Center client against the emulator', () => {
  let emulator: PartnerCenterEmulator;
  let clients: Clients;
  const sent: Sent[] = [];

  before(async () => {
    emulator = await startPartnerCenterEmulator({ port: 0 });
    trustEmulator(emulator);
    clients = clientsFor(emulator, { fetch: recordingFetch(sent) });
  });

  after(async () => {
    await emulator?.close();
  });

  beforeEach(() => {
    emulator.reset();
    sent.length = 0;
  });

  it('pages through 1,050 referrals in 11 requests, following @odata.nextLink as given', async () => {
    emulator.admin.seedReferrals(1050);
    emulator.resetCounters();
    const seen = new Set<string>();
    let pages = 0;
    for await (const page of clients.referrals.pages({ orderBy: 'createdDateTime asc' })) {
      pages++;
      assertValid('listResponse', page);
      expect(page['@odata.count']).to.equal(1050);
      for (const referral of page.value) seen.add(referral.id);
    }
    expect(pages).to.equal(11);
    expect(seen.size).to.equal(1050);
    expect(emulator.counters()['GET /referrals']).to.equal(11);
    // The nextLink path differs from the first request's path (as in Microsoft's sample): it was not rebuilt.
    expect(sent.slice(1).every((s) => s.url.includes('/v1.0/referrals?$skiptoken='))).to.equal(true);
  });

  it('$top is the number to return in all, across pages (as the swagger documents it), and is sent only when asked', async () => {
    emulator.admin.seedReferrals(250);
    const all: Referral[] = [];
    for await (const referral of clients.referrals.list()) all.push(referral);
    expect(all).to.have.length(250);
    const some: Referral[] = [];
    for await (const referral of clients.referrals.list({ top: 120 })) some.push(referral);
    expect(some).to.have.length(120);
    const lists = emulator.requests().filter((entry) => entry.endpoint === 'GET /referrals');
    expect(lists.filter((entry) => !entry.path.includes('$top'))).to.have.length.greaterThan(0);
  });

  it('lists with $filter (including team/any) and $orderby', async () => {
    const a = emulator.admin.createIncoming('cosell', { team: [{ email: 'r2d2@contoso.example' }] });
    emulator.admin.createIncoming('lead');
    const c = emulator.admin.createIncoming('cosell', { team: [{ email: 'r2d2@contoso.example' }] });
    const found: Referral[] = [];
    for await (const referral of clients.referrals.list({
      filter:
        "status eq 'New' and (type eq 'Shared' and direction eq 'Incoming') and team/any(t:t/email eq 'r2d2@contoso.example')",
      orderBy: 'updatedDateTime desc',
    })) {
      found.push(referral);
    }
    expect(found.map((r) => r.id)).to.deep.equal([c.id, a.id]);
  });

  it('creates an independent referral and a two-step co-sell referral; bodies and answers fit the swagger', async () => {
    const independent = await clients.referrals.create(newReferralBody());
    assertValid('createResponse', independent);
    expect(independent).to.include({
      type: 'Independent',
      direction: 'Outgoing',
      status: 'Active',
      substatus: 'Accepted',
    });

    const { shared, microsoft } = await clients.referrals.createCoSell({
      ...newReferralBody(),
      inviteContext: { assistanceRequestCode: 'ProofOfConceptOrDemo', notes: 'Please help' },
    });
    assertValid('createResponse', shared);
    assertValid('createResponse', microsoft);
    expect(shared.type).to.equal('Shared');
    expect(microsoft.engagementId).to.equal(shared.engagementId);
    expect(microsoft.target).to.deep.equal([{ type: 'BusinessProfileLocation', id: 'msft' }]);
    expect(microsoft).to.include({ status: 'New', substatus: 'Pending' });

    const posts = sent.filter((s) => s.method === 'POST');
    expect(posts).to.have.length(3);
    for (const post of posts) assertValid('createBody', JSON.parse(post.body!));

    const fetched = await clients.referrals.get(shared.id);
    assertValid('getResponse', fetched);
    expect(fetched.eTag).to.equal(shared.eTag);
  });

  it('updates by JSON Patch with If-Match, and a stale eTag becomes ReferralConflictError', async () => {
    const created = await clients.referrals.create(newReferralBody());
    const ops: ReferralPatchOperation[] = [
      { op: 'replace', path: '/details/dealValue', value: 75000 },
      { op: 'add', path: '/team/-', value: { email: 'jane.doe@partner.example', firstName: 'Jane', lastName: 'Doe' } },
    ];
    const updated = (await clients.referrals.update(created.id, ops, { eTag: created.eTag }))!;
    assertValid('getResponse', updated);
    expect(updated.details.dealValue).to.equal(75000);
    expect(updated.team).to.have.length(2);
    expect(updated.eTag).not.to.equal(created.eTag);
    const patch = sent.find((s) => s.method === 'PATCH')!;
    assertValid('patchBody', JSON.parse(patch.body!));
    expect(patch.headers['If-Match']).to.equal(created.eTag);

    const conflict = await expectRejection(
      clients.referrals.update(created.id, [{ op: 'replace', path: '/details/notes', value: 'late' }], {
        eTag: created.eTag,
      }),
      ReferralConflictError
    );
    expect(conflict.status).to.equal(412);
    expect(conflict.referralId).to.equal(created.id);
    expect(conflict.correlationId).to.match(/^[0-9a-f-]{36}$/);

    expect(
      await clients.referrals.update(created.id, [{ op: 'replace', path: '/details/notes', value: 'quiet' }], {
        returnRepresentation: false,
      })
    ).to.equal(undefined);
  });

  it("is refused with Microsoft's status code for an illegal transition, a patch after Won, a remove op and a missing country", async () => {
    const incoming = emulator.admin.createIncoming('cosell');
    const illegal = await expectRejection(
      clients.referrals.update(incoming.id, [{ op: 'replace', path: '/substatus', value: 'Won' }], {
        eTag: incoming.eTag,
      }),
      PartnerCenterError
    );
    expect(illegal.status).to.equal(400);
    expect(illegal.partnerCenterMessage).to.match(/Substatus Won is not allowed with status New/);

    const won = emulator.admin.transition(emulator.admin.transition(incoming.id, 'accept').id, 'win');
    const afterWon = await expectRejection(
      clients.referrals.update(won.id, [{ op: 'replace', path: '/details/notes', value: 'x' }], { eTag: won.eTag }),
      PartnerCenterError
    );
    expect(afterWon.status).to.equal(400);
    expect(afterWon.partnerCenterMessage).to.match(/terminal state/);

    // The client refuses a remove before sending it; sent raw, the emulator answers 400.
    await expectRejection(
      clients.referrals.update(incoming.id, [
        { op: 'remove', path: '/details/notes' } as unknown as ReferralPatchOperation,
      ]),
      InvalidPatchError
    );
    const token = await clients.tokens.getAccessToken('https://api.partner.microsoft.com');
    const raw = await fetch(`${emulator.referralsBaseUrl}/referrals/${incoming.id}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify([{ op: 'remove', path: '/details/notes' }]),
    });
    expect(raw.status).to.equal(400);

    const body = newReferralBody();
    delete (body.customerProfile.address as { country?: string }).country;
    const missing = await expectRejection(clients.referrals.create(body), PartnerCenterError);
    expect(missing.status).to.equal(400);
    expect(missing.partnerCenterMessage).to.match(/country is required/);

    const notIso = await expectRejection(
      clients.referrals.create(
        newReferralBody({ customerProfile: { ...body.customerProfile, address: { country: 'USA' } } })
      ),
      PartnerCenterError
    );
    expect(notIso.status).to.equal(400);
  });

  it('drives webhook registration on its own base URL and audience', async () => {
    const events = await clients.webhooks.supportedEvents();
    expect(events).to.include.members([
      'referral-created',
      'referral-updated',
      'related-referral-created',
      'related-referral-updated',
      'test-created',
    ]);
    expect(await clients.webhooks.show()).to.equal(undefined);
    const registered = await clients.webhooks.register({
      url: 'http://127.0.0.1:9/hook',
      events: ['referral-created', 'test-created'],
    });
    expect(registered.SubscriberId).to.match(/^[0-9a-f-]{36}$/);
    const second = await expectRejection(
      clients.webhooks.register({ url: 'http://127.0.0.1:9/other', events: ['test-created'] }),
      PartnerCenterError
    );
    expect(second.status).to.equal(409);
    const updated = await clients.webhooks.update({
      url: 'http://127.0.0.1:9/other',
      events: ['test-created', 'referral-updated'],
    });
    expect((await clients.webhooks.show())?.WebhookUrl).to.equal(updated.WebhookUrl);
    const correlationId = await clients.webhooks.sendValidationEvent();
    const status = await clients.webhooks.validationStatus(correlationId);
    expect(status.correlationId).to.equal(correlationId);
    expect(status.callbackUrl).to.equal('http://127.0.0.1:9/other');
    expect(sent.filter((s) => s.url.startsWith(emulator.webhooksBaseUrl))).to.have.length.greaterThan(5);
  });
});

describe('Partner Center client under injected faults', () => {
  let emulator: PartnerCenterEmulator;

  before(async () => {
    emulator = await startPartnerCenterEmulator({ port: 0, faultRate: 0.3, randomSeed: 42 });
  });

  after(async () => {
    await emulator?.close();
  });

  it('survives a 30% 429/5xx rate: reads and 429s are retried with their MS-RequestId; a 5xx create is not', async () => {
    const { referrals, sleeps } = clientsFor(emulator, {}, 4);
    emulator.admin.seedReferrals(250);
    const creates = Array.from({ length: 40 }, (_, i) =>
      referrals.create(newReferralBody({ externalReferenceId: `006${String(i).padStart(15, '0')}` }))
    );
    const listed: Referral[] = [];
    const listing = (async (): Promise<void> => {
      for await (const r of referrals.list()) listed.push(r);
    })();
    const settled = await Promise.allSettled(creates);
    await listing;
    expect(listed.length).to.be.at.least(250);
    const made = settled.filter((result) => result.status === 'fulfilled').length;
    const unclear = settled.flatMap((result) =>
      result.status === 'rejected' ? [result.reason as PartnerCenterError] : []
    );
    // A create that met a 5xx may have been made: the client says so instead of sending it again.
    expect(unclear.length, 'some creates met a 5xx').to.be.greaterThan(0);
    expect(unclear.every((error) => error.outcomeUnknown && error.status >= 500)).to.equal(true);
    expect(emulator.admin.referralCount()).to.equal(250 + made);

    const log = emulator.requests().filter((r) => r.endpoint.includes('/referrals'));
    const faults = log.filter((r) => r.status === 429 || r.status >= 500);
    expect(faults.length, 'faults were injected').to.be.greaterThan(10);
    const byRequestId = new Map<string, typeof log>();
    for (const entry of log) byRequestId.set(entry.requestId!, [...(byRequestId.get(entry.requestId!) ?? []), entry]);
    let retried = 0;
    for (const attempts of byRequestId.values()) {
      const last = attempts[attempts.length - 1];
      if (last.method !== 'POST') expect(last.status, 'the last attempt succeeded').to.be.within(200, 299);
      expect(new Set(attempts.map((a) => a.correlationId)).size, 'one correlation id per call').to.equal(1);
      if (attempts.length > 1) retried++;
    }
    expect(retried).to.be.greaterThan(5);
    const correlationIds = [...byRequestId.values()].map((a) => a[0].correlationId);
    expect(new Set(correlationIds).size, 'a new correlation id per call').to.equal(correlationIds.length);
    // Retry-After (1 s) was honoured on 429s; backoffs went through the injected sleep.
    expect(sleeps).to.include(1000);
  });
});
