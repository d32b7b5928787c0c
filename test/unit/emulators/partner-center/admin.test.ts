/**
 * The emulator's own endpoints under `/__emulator/`, named and shaped as the Salesforce emulator's where the two do
 * the same thing; `/admin/` stays as the older prefix.
 */
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../../../emulators/partner-center/server.js';
import { trustEmulator } from '../../partner-center/helpers.js';
import { REFERRALS, accessToken, call, emulatorCall } from './helpers.js';

describe('Partner Center emulator: /__emulator/ endpoints', () => {
  let emulator: PartnerCenterEmulator;

  before(async () => {
    emulator = await startPartnerCenterEmulator({ port: 0 });
    trustEmulator(emulator);
  });
  after(() => emulator?.close());

  it('answers health, counters, requests, latency and reset as the Salesforce emulator does', async () => {
    expect((await emulatorCall(emulator, 'GET', 'health')).body).to.deep.equal({ ok: true });
    await call(`${emulator.referralsBaseUrl}/referrals`, { token: await accessToken(emulator, REFERRALS) });
    const counters = (await emulatorCall(emulator, 'GET', 'counters')).body as {
      counters: Record<string, number>;
      total: number;
    };
    expect(counters.counters).to.include({ 'GET /referrals': 1, 'POST /token': 1 });
    expect(counters.total).to.equal(2);
    const requests = (await emulatorCall(emulator, 'GET', 'requests')).body as { requests: Array<{ seq: number }> };
    expect(requests.requests.map((r) => r.seq)).to.have.length(2);
    expect((await emulatorCall(emulator, 'DELETE', 'requests')).status).to.equal(200);
    expect(emulator.requests()).to.deep.equal([]);
    expect((await emulatorCall(emulator, 'POST', 'latency', { ms: 5 })).body).to.deep.equal({ latencyMs: 5 });
    expect((await emulatorCall(emulator, 'POST', 'latency', { ms: -1 })).status).to.equal(400);
    await emulatorCall(emulator, 'POST', 'referrals', { kind: 'marketplace-lead' });
    expect((await emulatorCall(emulator, 'POST', 'reset')).status).to.equal(200);
    expect(emulator.admin.referralCount()).to.equal(0);
    expect(emulator.faults().latencyMs).to.equal(0);
    expect((await emulatorCall(emulator, 'DELETE', 'counters')).status).to.equal(200);
    expect(emulator.counters()).to.deep.equal({});
    expect((await emulatorCall(emulator, 'GET', 'nothing')).status).to.equal(404);
    expect((await emulatorCall(emulator, 'POST', 'referrals', [1, 2])).status).to.equal(400);
  });

  it('still serves the older /admin/ prefix, and is not counted or logged', async () => {
    emulator.reset();
    const created = await call(`${emulator.url}/admin/referrals`, { method: 'POST', body: { kind: 'lead' } });
    expect(created.status).to.equal(200);
    const listed = (await emulatorCall(emulator, 'GET', 'referrals')).body as { referrals: Array<{ id: string }> };
    expect(listed.referrals.map((r) => r.id)).to.deep.equal([(created.body as { id: string }).id]);
    expect(emulator.counters()).to.deep.equal({});
    expect(emulator.requests()).to.deep.equal([]);
  });
});
