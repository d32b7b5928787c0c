/**
 * `npm run bench --quick` as a correctness check of the harness: it runs in a child process against the in-process
 * emulators with no injected latency, and only its counts are checked, never its times.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

type Counters = Record<string, number>;
type BenchJson = {
  mode: string;
  measures: {
    inboundLatency: { changes: number; p50Ms: number };
    outboundLatency: { samples: number; p50Ms: number };
    backfill: {
      referrals: number;
      status: string;
      errors: number;
      opportunitiesCreated: number;
      pcListRequests: number;
      opportunityWriteRequests: number;
      opportunityWriteApi: string;
      salesforce: Counters;
      records: Counters;
      peakRssMb: number;
    };
    apiEconomy: { made: number; minimum: number; ratio: number };
    noopRun: { dataWritesExcludingJournal: number; runRecordWrites: number };
    naiveBaseline: { sample: number; requests: number; extrapolatedRequests: number };
    receiver: { deliveries: number; acknowledged: number };
    memory: unknown;
  };
};

const root = process.cwd();

function runBench(out: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(root, 'node_modules', '.bin', 'tsx'),
      ['scripts/bench.ts', '--quick', '--latency-ms', '0', '--out', out],
      {
        cwd: root,
        env: {
          ...process.env,
          PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 85_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('e2e: npm run bench --quick (harness counts)', function () {
  this.timeout(90_000);
  let out: string;
  let result: BenchJson;
  let stdout: string;

  before(async () => {
    out = mkdtempSync(path.join(tmpdir(), 'pcsync-bench-'));
    const run = await runBench(out);
    expect(run.code, run.stderr).to.equal(0);
    stdout = run.stdout;
    const file = readdirSync(out).find((name) => /^bench-.*\.json$/.test(name));
    expect(file, 'the JSON result file').to.be.a('string');
    expect(
      readdirSync(out).some((name) => /^bench-.*\.md$/.test(name)),
      'the Markdown result file'
    ).to.equal(true);
    result = JSON.parse(readFileSync(path.join(out, file as string), 'utf8')) as BenchJson;
  });
  after(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('writes every measure, and prints the table', () => {
    expect(result.mode).to.equal('quick');
    expect(result.measures).to.have.all.keys(
      'inboundLatency',
      'outboundLatency',
      'backfill',
      'apiEconomy',
      'noopRun',
      'naiveBaseline',
      'receiver',
      'memory'
    );
    expect(result.measures.memory).to.equal('skipped in --quick');
    expect(stdout).to.include('skipped in --quick').and.include('inbound latency').and.include('naive baseline');
    expect(result.measures.inboundLatency.changes).to.equal(10);
    expect(result.measures.outboundLatency.samples).to.equal(3);
  });

  it('the backfill created N Opportunities with ceil(N/100) list pages and ceil(N/200) Opportunity writes', () => {
    const { backfill } = result.measures;
    const n = backfill.referrals;
    expect(n).to.equal(500);
    expect(backfill.status).to.equal('Succeeded');
    expect(backfill.errors).to.equal(0);
    expect(backfill.opportunitiesCreated).to.equal(n);
    expect(backfill.records.Opportunity).to.equal(n);
    expect(backfill.pcListRequests).to.equal(Math.ceil(n / 100));
    expect(backfill.opportunityWriteApi).to.equal('collections');
    expect(backfill.opportunityWriteRequests).to.equal(Math.ceil(n / 200));
    expect(result.measures.apiEconomy.made).to.be.at.least(result.measures.apiEconomy.minimum);
  });

  it('the no-op run made no data writes (its run record and lease aside)', () => {
    expect(result.measures.noopRun.dataWritesExcludingJournal).to.equal(0);
    expect(result.measures.noopRun.runRecordWrites).to.equal(4);
  });

  it('the naive baseline made 3 requests per sampled referral', () => {
    const { naiveBaseline } = result.measures;
    expect(naiveBaseline.sample).to.equal(50);
    expect(naiveBaseline.requests).to.equal(3 * naiveBaseline.sample);
    expect(naiveBaseline.extrapolatedRequests).to.equal(3 * result.measures.backfill.referrals);
  });

  it('the receiver acknowledged every delivery', () => {
    expect(result.measures.receiver.deliveries).to.equal(200);
    expect(result.measures.receiver.acknowledged).to.equal(200);
  });
});
