import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../emulators/salesforce/index.js';
import { api, queryPath, sfRequest, type SfErrorBody } from '../../../helpers/salesforce-emulator.js';
import { repoRoot } from '../../../helpers/sf-cli.js';

describe('Salesforce emulator: faults, limits, counters and admin endpoints', function () {
  this.timeout(30_000);
  let emulator: SalesforceEmulator;

  before(async () => {
    emulator = await startSalesforceEmulator({ port: 0 });
  });

  beforeEach(() => emulator.reset());

  after(async () => {
    await emulator?.close();
  });

  const limits = (): string => api('/limits');

  it('adds the configured latency to each request', async () => {
    emulator.setLatency(150);
    const started = Date.now();
    expect((await sfRequest(emulator, 'GET', limits())).status).to.equal(200);
    expect(Date.now() - started).to.be.at.least(140);
  });

  it('injects queued faults in order: 503, REQUEST_LIMIT_EXCEEDED, dropped connection', async () => {
    emulator.setFaults({ next: ['unavailable', 'limit', 'drop'] });
    const unavailable = await sfRequest<SfErrorBody>(emulator, 'GET', limits());
    expect(unavailable.status).to.equal(503);
    expect(unavailable.body[0].errorCode).to.equal('SERVER_UNAVAILABLE');
    const limited = await sfRequest<SfErrorBody>(emulator, 'GET', limits());
    expect(limited.status).to.equal(403);
    expect(limited.body[0]).to.deep.equal({
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
      message: 'TotalRequests Limit exceeded.',
    });
    let dropped: unknown;
    try {
      await sfRequest(emulator, 'GET', limits());
    } catch (error) {
      dropped = error;
    }
    expect(dropped).to.be.instanceOf(Error);
    expect((await sfRequest(emulator, 'GET', limits())).status).to.equal(200);
    expect(emulator.counters()).to.deep.equal({ 'GET /limits': 4 });
  });

  it('lets the first `skip` matching requests through, then faults the later ones to the same path', async () => {
    emulator.setFaults({ match: '/limits', skip: 2, next: ['unavailable'], rate: 1, kinds: ['limit'] });
    const status = async (resource: string): Promise<number> => (await sfRequest(emulator, 'GET', resource)).status;
    // A request to another path neither faults nor uses up the skip.
    const statuses = [await status(limits()), await status(queryPath('SELECT Id FROM Account'))];
    for (let i = 0; i < 3; i++) statuses.push(await status(limits()));
    expect(statuses).to.deep.equal([200, 200, 200, 503, 403]);
    emulator.clearFaults();
    expect(await status(limits())).to.equal(200);
  });

  it('draws random faults at the configured rate, deterministically per seed, only on matching paths', async () => {
    const run = async (): Promise<number[]> => {
      emulator.setFaults({ rate: 0.5, kinds: ['unavailable'], seed: 42, match: '/query' });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++)
        statuses.push((await sfRequest(emulator, 'GET', queryPath('SELECT Id FROM Account'))).status);
      return statuses;
    };
    const first = await run();
    const second = await run();
    expect(first).to.deep.equal(second);
    const failures = first.filter((s) => s === 503).length;
    expect(failures).to.be.within(8, 32);
    expect(first.filter((s) => s !== 503 && s !== 200)).to.deep.equal([]);
    expect((await sfRequest(emulator, 'GET', limits())).status).to.equal(200);
    emulator.clearFaults();
  });

  it('enforces the daily API request limit with REQUEST_LIMIT_EXCEEDED and reports it in Sforce-Limit-Info', async () => {
    emulator.setDailyApiLimit(3);
    for (let i = 1; i <= 3; i++) {
      const ok = await sfRequest(emulator, 'GET', limits());
      expect(ok.headers.get('sforce-limit-info')).to.equal(`api-usage=${i}/3`);
    }
    const refused = await sfRequest<SfErrorBody>(emulator, 'GET', limits());
    expect(refused.status).to.equal(403);
    expect(refused.body[0].errorCode).to.equal('REQUEST_LIMIT_EXCEEDED');
    expect(refused.headers.get('sforce-limit-info')).to.equal('api-usage=3/3');
    expect(emulator.apiUsage()).to.deep.equal({ used: 3, max: 3 });
    emulator.setDailyApiLimit(15_000);
  });

  it('is driven over HTTP through /__emulator/ endpoints', async () => {
    const admin = async <T>(method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const response = await fetch(`${emulator.url}/__emulator/${p}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as T };
    };
    const seeded = await admin<{ inserted: Record<string, number> }>('POST', 'seed', { Account: [{ Name: 'Seeded' }] });
    expect(seeded.body.inserted).to.deep.equal({ Account: 1 });
    await sfRequest(emulator, 'GET', queryPath('SELECT Id FROM Account'));
    const counters = await admin<{ counters: Record<string, number>; total: number; apiUsage: { used: number } }>(
      'GET',
      'counters'
    );
    expect(counters.body.counters).to.deep.equal({ 'GET /query': 1 });
    expect(counters.body.total).to.equal(1);
    expect(counters.body.apiUsage.used).to.equal(1);
    const records = await admin<{ records: Array<{ Name: string }> }>('GET', 'records/Account');
    expect(records.body.records.map((r) => r.Name)).to.deep.equal(['Seeded']);
    expect((await admin('POST', 'faults', { kinds: ['nope'] })).status).to.equal(400);
    expect((await admin<{ next: string[] }>('POST', 'faults', { next: ['unavailable'] })).body.next).to.deep.equal([
      'unavailable',
    ]);
    expect((await sfRequest(emulator, 'GET', limits())).status).to.equal(503);
    await admin('POST', 'latency', { ms: 0 });
    await admin('POST', 'reset', {});
    expect((await admin<{ counters: Record<string, number> }>('GET', 'counters')).body.counters).to.deep.equal({});
    expect((await admin<{ records: unknown[] }>('GET', 'records/Account')).body.records).to.deep.equal([]);
    expect((await admin('GET', 'nothing')).status).to.equal(404);
  });

  it('survives a bounded concurrent load with faults, counting every request', async () => {
    emulator.setFaults({ rate: 0.2, seed: 9 });
    // "Load 1", "Load 2", … match each other under the standard Account duplicate rule; this test is about faults.
    emulator.setDuplicateRules(false);
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        try {
          const response =
            i % 2 === 0
              ? await sfRequest(emulator, 'POST', api('/sobjects/Account'), { Name: `Load ${i}` })
              : await sfRequest(emulator, 'GET', queryPath('SELECT Id FROM Account LIMIT 5'));
          return response.status;
        } catch {
          return 0; // dropped connection
        }
      })
    );
    emulator.clearFaults();
    emulator.setDuplicateRules(true);
    const counters = emulator.counters();
    expect((counters['POST /sobjects/{type}'] ?? 0) + (counters['GET /query'] ?? 0)).to.equal(200);
    expect(outcomes.filter((s) => s === 201).length).to.equal(emulator.records('Account').length);
    expect(outcomes.every((s) => [0, 200, 201, 403, 503].includes(s))).to.equal(true);
    expect(outcomes.filter((s) => s !== 200 && s !== 201).length).to.be.within(10, 80);
    expect((await sfRequest(emulator, 'GET', api('/limits'))).status).to.equal(200);
  });

  it('resets counters without touching data', async () => {
    await sfRequest(emulator, 'POST', api('/sobjects/Account'), { Name: 'Kept' });
    emulator.resetCounters();
    expect(emulator.counters()).to.deep.equal({});
    expect(emulator.records('Account')).to.have.length(1);
  });
});

describe('Salesforce emulator: npm run emulate:salesforce', function () {
  this.timeout(30_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sfemu-cli-'));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function start(
    args: string[]
  ): Promise<{ lines: string[]; exit: Promise<number | null>; kill: (signal: NodeJS.Signals) => void }> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join('emulators', 'salesforce', 'main.ts'), ...args],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    );
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      const lines: string[] = [];
      let buffer = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`emulator did not start: ${lines.join('\n')}`));
      }, 20_000);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        lines.push(...parts);
        if (lines.some((l) => l.startsWith('SF_ACCESS_TOKEN='))) {
          clearTimeout(timer);
          resolve({ lines, exit, kill: (signal) => child.kill(signal) });
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ lines, exit: Promise.resolve(code), kill: () => undefined });
      });
    });
  }

  it('prints the listening line and the token, serves the seed, and stops cleanly on SIGTERM', async () => {
    const seed = path.join(dir, 'seed.json');
    writeFileSync(
      seed,
      JSON.stringify({
        Opportunity: [
          { Name: 'Seeded', StageName: 'Prospecting', CloseDate: '2027-01-01', Referral_Identifier__c: 'S-1' },
        ],
      })
    );
    const emulator = await start([
      '--port',
      '0',
      '--load-metadata',
      '--seed',
      seed,
      '--latency-ms',
      '1',
      '--fault-rate',
      '0',
      // The API user as a System Administrator, so the seeded custom field is readable without an assignment.
      '--admin-user',
    ]);
    const listening = emulator.lines.find((l) => l.startsWith('Salesforce emulator listening on '));
    expect(listening).to.match(/^Salesforce emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = (listening as string).replace('Salesforce emulator listening on ', '');
    const accessToken = (emulator.lines.find((l) => l.startsWith('SF_ACCESS_TOKEN=')) as string).slice(
      'SF_ACCESS_TOKEN='.length
    );
    const response = await sfRequest<{ records: Array<{ Referral_Identifier__c: string }> }>(
      { url, accessToken },
      'GET',
      queryPath('SELECT Referral_Identifier__c FROM Opportunity')
    );
    expect(response.body.records.map((r) => r.Referral_Identifier__c)).to.deep.equal(['S-1']);
    emulator.kill('SIGTERM');
    expect(await emulator.exit).to.equal(0);
  });

  it('takes the new-org default switches, the clock skew and the lost-response rate as flags', async () => {
    const emulator = await start([
      '--port',
      '0',
      '--clock-skew-ms=-5000',
      '--lost-response-rate',
      '0.25',
      '--no-state-country-picklists',
      '--no-duplicate-rules',
    ]);
    const url = (emulator.lines.find((l) => l.startsWith('Salesforce emulator listening on ')) as string).replace(
      'Salesforce emulator listening on ',
      ''
    );
    const settings = await fetch(`${url}/__emulator/settings`);
    expect(await settings.json()).to.deep.equal({
      clockSkewMs: -5000,
      duplicateRules: false,
      stateCountryPicklists: false,
    });
    expect(Date.parse(settings.headers.get('date') ?? '')).to.be.below(Date.now() - 3000);
    const faults = (await (await fetch(`${url}/__emulator/faults`)).json()) as { lostResponseRate: number };
    expect(faults.lostResponseRate).to.equal(0.25);
    emulator.kill('SIGTERM');
    expect(await emulator.exit).to.equal(0);
  });

  it('refuses a bad flag with exit code 2', async () => {
    const emulator = await start(['--fault-rate', '7']);
    expect(await emulator.exit).to.equal(2);
    const lost = await start(['--lost-response-rate', '2']);
    expect(await lost.exit).to.equal(2);
  });
});
