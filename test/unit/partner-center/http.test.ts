import { expect } from 'chai';
import {
  PartnerCenterError,
  PartnerCenterHttp,
  Semaphore,
  parseRetryAfter,
  type TokenSource,
} from '../../../src/partner-center/index.js';

const tokens: TokenSource = { getAccessToken: () => Promise.resolve('pcemu-at.AAAAAAAAAAAAAAAAAAAAAAAAAAAA') };

describe('Partner Center HTTP layer', () => {
  it('waits Retry-After on the first 429, then adds exponential backoff with jitter', () => {
    const http = new PartnerCenterHttp({ tokens, random: () => 0.5, retry: { baseDelayMs: 100, maxDelayMs: 10_000 } });
    expect(http.backoff(1, 2000, false)).to.equal(2000);
    expect(http.backoff(2, 2000, true)).to.equal(2000 + 150);
    expect(http.backoff(3)).to.equal(300);
    expect(http.backoff(20)).to.equal(7500);
  });

  it('parses Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('3', 0)).to.equal(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).to.equal(6000);
    expect(parseRetryAfter(null, 0)).to.equal(undefined);
  });

  it('retries resets and timeouts a bounded number of times, keeping MS-RequestId, and never reports the token', async () => {
    const seen: Array<Record<string, string>> = [];
    const http = new PartnerCenterHttp({
      tokens,
      retry: { maxRetries: 3 },
      sleep: () => Promise.resolve(),
      fetch: (_url, init) => {
        seen.push(init?.headers as Record<string, string>);
        return Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }));
      },
    });
    try {
      await http.request({
        method: 'GET',
        url: 'https://pc.example/v1.0/engagements/referrals?$top=1',
        audience: 'https://api.partner.microsoft.com',
      });
      expect.fail('expected a rejection');
    } catch (error) {
      expect(error).to.be.instanceOf(PartnerCenterError);
      const e = error as PartnerCenterError;
      expect(e.status).to.equal(0);
      expect(e.attempts).to.equal(4);
      expect(e.message).to.include('ECONNRESET');
      expect(JSON.stringify({ ...e, message: e.message })).not.to.include('pcemu-at.');
    }
    expect(seen).to.have.length(4);
    expect(new Set(seen.map((h) => h['MS-RequestId'])).size).to.equal(1);
  });

  it('limits concurrency', async () => {
    const semaphore = new Semaphore(2);
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        semaphore.use(async () => {
          peak = Math.max(peak, semaphore.inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5));
        })
      )
    );
    expect(peak).to.equal(2);
  });
});
