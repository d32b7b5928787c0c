/**
 * `npm run bench -- --quick` as a check of the harness: the bench in a child process, with no injected latency, its
 * emulators and the sync in processes of their own. Only counts are checked, never times, and each expected count
 * comes from the input sizes or from the other side of a cross-check — never from the harness's own arithmetic.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { binDir, repoRoot } from '../../scripts/cli-env.js';

type SyncProcess = {
  command: string;
  partnerCenter: Record<string, number>;
  exitCode: number | null;
  peakRssMb: number;
  processes: number;
  made: { partnerCenter: number; salesforce: number };
  run?: { Status__c: string; Request_Count__c: number | null };
  requestCount: { recorded: number | null; emulators: number; equal: boolean };
  dataWrites: number;
};
type Side = { total: number };
type BenchJson = {
  mode: string;
  sizes: { backfill: number; naive: number; inbound: number; outbound: number; receiver: number };
  measures: {
    backfill: SyncProcess & { referrals: number; rows: Record<string, number> };
    minimum: { partnerCenter: Side; salesforce: Side };
    noop: SyncProcess;
    naive: { sample: number; extrapolatedRequests: number };
    inbound: { samples: number; timesMs: number[]; webhookPasses: number };
    outbound: { samples: number; timesMs: number[]; referralsCreated: number };
    changeEvents: {
      flags: { samples: number; timesMs: number[] };
      edits: { samples: number; timesMs: number[] };
      saves: { flags: number; edits: number };
      partnerCenter: { creates: number; updates: number };
      passes: Record<string, number>;
      events: { received: number; echoes: number };
    };
    receiver: {
      deliveries: number;
      acknowledged: number;
      verified: number;
      distinct: number;
      tampered: number;
      refused: number;
    };
    memory?: unknown;
  };
  table: Array<{ measure: string; result: string; goal: string; against: string }>;
};

/**
 * The bench's bound (its quick run, Change Data Capture row included, took 3–4 min on a shared 2-core machine): past
 * it the child is killed and the test fails on its exit code.
 */
const BENCH_BOUND_MS = 360_000;

function runBench(out: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(binDir, 'tsx'), ['scripts/bench.ts', '--quick', '--latency-ms', '0', '--out', out], {
      cwd: repoRoot,
      env: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), BENCH_BOUND_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('e2e: npm run bench -- --quick (the harness, through real processes)', function () {
  this.timeout(BENCH_BOUND_MS + 20_000);
  let out: string;
  let bench: BenchJson;
  let stdout: string;

  before(async () => {
    out = mkdtempSync(path.join(tmpdir(), 'pcsync-bench-'));
    const run = await runBench(out);
    expect(run.code, run.stderr.slice(-4000)).to.equal(0);
    stdout = run.stdout;
    const file = readdirSync(out).find((name) => /^bench-.*\.json$/.test(name));
    expect(file, 'the JSON result file').to.be.a('string');
    expect(
      readdirSync(out).some((name) => /^bench-.*\.md$/.test(name)),
      'the Markdown result'
    ).to.equal(true);
    bench = JSON.parse(readFileSync(path.join(out, file as string), 'utf8')) as BenchJson;
  });
  after(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('prints every row beside its goal', () => {
    expect(bench.mode).to.equal('quick');
    const measures = bench.table.map((row) => row.measure).join('\n');
    for (const name of [
      'inbound latency',
      'outbound latency, poll',
      'outbound latency, Change Data Capture',
      'requests ÷ minimum',
      'wall time ÷ latency floor',
      'Request_Count__c',
      'no-op run writes',
      'naive per-record baseline',
      'receiver',
      'peak RSS, 300 referrals',
      'peak RSS, 100,000 referrals',
    ])
      expect(measures).to.include(name);
    expect(bench.table.every((row) => row.goal.length > 0)).to.equal(true);
    expect(stdout).to.include('against the goal');
    expect(bench.measures.memory, 'the 100,000-referral backfill runs in full mode only').to.equal(undefined);
  });

  it('the backfill ran as the real sf pcsync run: every referral imported, its process tree measured', () => {
    const { backfill } = bench.measures;
    expect(backfill.command).to.match(/^sf pcsync run --target-org \S+ --full$/);
    expect(backfill.exitCode).to.equal(0);
    expect(backfill.run?.Status__c).to.equal('Succeeded');
    expect(backfill.rows.Opportunity).to.equal(bench.sizes.backfill);
    expect(backfill.processes).to.be.at.least(1);
    expect(backfill.peakRssMb).to.be.greaterThan(0);
  });

  it("the run record's Request_Count__c equals the emulators' count of the run's requests", () => {
    const { requestCount } = bench.measures.backfill;
    expect(requestCount.recorded, 'Request_Count__c').to.be.greaterThan(0);
    expect(requestCount.recorded).to.equal(requestCount.emulators);
    expect(requestCount.equal).to.equal(true);
  });

  it('the minimum comes from the input sizes: list pages of 100, collections of 200 below the bulk threshold', () => {
    const { backfill, minimum } = bench.measures;
    const n = bench.sizes.backfill;
    // Partner Center: one list, 100 referrals a page, and one page re-reading what changed since it began.
    expect(minimum.partnerCenter.total).to.equal(Math.ceil(n / 100) + 1);
    // A backfill's only Partner Center data requests are list pages: the harness counts them, sign-in aside.
    expect(backfill.made.partnerCenter).to.equal(backfill.partnerCenter['GET /referrals']);
    // Salesforce, at 300 referrals (below the 2,000-row bulk threshold): collections per object, 3 pairing reads,
    // one describe of the objects written, the outbound read of the 300 Opportunities written (one REST page of
    // 2,000), 4 bookkeeping requests (lease take/release, run record open/close).
    const collections = Object.values(backfill.rows).reduce((sum, rows) => sum + Math.ceil(rows / 200), 0);
    expect(minimum.salesforce.total).to.equal(collections + 3 + 1 + 1 + 4);
  });

  it('the no-op run made no data write on either side', () => {
    const { noop } = bench.measures;
    expect(noop.exitCode).to.equal(0);
    expect(noop.run?.Status__c).to.equal('Succeeded');
    expect(noop.dataWrites).to.equal(0);
  });

  it('the naive per-record flow costs more requests than the backfill', () => {
    const { naive, backfill } = bench.measures;
    expect(naive.sample).to.equal(bench.sizes.naive);
    expect(naive.extrapolatedRequests).to.be.greaterThan(backfill.made.partnerCenter + backfill.made.salesforce);
  });

  it('every inbound change arrived through a webhook pass of serve, after it was made', () => {
    const { inbound } = bench.measures;
    expect(inbound.samples).to.equal(bench.sizes.inbound);
    expect(inbound.webhookPasses).to.be.at.least(bench.sizes.inbound);
    expect(inbound.timesMs.every((ms) => ms > 0)).to.equal(true);
  });

  it("every rep's flag reached Partner Center through serve's outbound poll, after it was saved", () => {
    const { outbound } = bench.measures;
    expect(outbound.samples).to.equal(bench.sizes.outbound);
    expect(outbound.referralsCreated).to.equal(bench.sizes.outbound);
    expect(outbound.timesMs.every((ms) => ms > 0)).to.equal(true);
  });

  it("every rep's flag and edit reached Partner Center through a change event, exactly once, with no echo", () => {
    const { changeEvents: cdc } = bench.measures;
    // N flags and N edits, as many as the poll row's flags; one more edit closes the measure (not timed).
    expect(cdc.flags.samples).to.equal(bench.sizes.outbound);
    expect(cdc.edits.samples).to.equal(bench.sizes.outbound);
    expect(cdc.saves).to.deep.equal({ flags: bench.sizes.outbound, edits: bench.sizes.outbound + 1 });
    expect([...cdc.flags.timesMs, ...cdc.edits.timesMs].every((ms) => ms > 0)).to.equal(true);
    // Partner Center's own counters: one create per flag, one update per edit — none twice, none missing.
    expect(cdc.partnerCenter).to.deep.equal({ creates: cdc.saves.flags, updates: cdc.saves.edits });
    // One pass per save, each started by a change event: no poll, and none for pcsync's own write-backs…
    expect(cdc.passes).to.deep.equal({ 'change-events': cdc.saves.flags + cdc.saves.edits });
    // …which did reach serve, and were known as its own.
    expect(cdc.events.echoes).to.be.greaterThan(0);
    expect(cdc.events.received).to.be.at.least(cdc.saves.flags + cdc.saves.edits + cdc.events.echoes);
  });

  it('serve verified and acknowledged every replayed delivery, and refused every tampered copy', () => {
    const { receiver } = bench.measures;
    expect(receiver.distinct, 'one signed delivery per referral won').to.equal(bench.sizes.inbound + 1);
    expect(receiver.deliveries).to.equal(bench.sizes.receiver);
    expect(receiver.tampered).to.be.greaterThan(0);
    expect(receiver.refused).to.equal(receiver.tampered);
    expect(receiver.acknowledged).to.equal(bench.sizes.receiver - receiver.tampered);
    expect(receiver.verified).to.equal(receiver.acknowledged);
  });
});
