/**
 * Fetching certificates within bounds: the size enforced while the body streams in (reading stops past the limit),
 * no redirects, a cache that only successes enter (bounded in number and time), one fetch per URL at a time and a cap
 * on fetches at once. HTTP servers here listen on 127.0.0.1, port 0.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { cachedCertificateFetcher, httpCertificateFetcher } from '../../../src/webhook/index.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('webhook certificate fetching', function () {
  this.timeout(20_000);

  describe('over http', () => {
    let server: Server;
    let base: string;
    /** What the slow route wrote before its connection closed, and whether it got to the end. */
    const slow = { written: 0, finished: false, closed: Promise.resolve() };
    const CHUNK = 16 * 1024;
    const TOTAL = 4 * 1024 * 1024;

    const stream = (res: ServerResponse): void => {
      slow.written = 0;
      slow.finished = false;
      slow.closed = new Promise((resolve) => res.once('close', () => resolve()));
      res.writeHead(200, { 'Content-Type': 'application/pkix-cert' });
      const tick = (): void => {
        if (res.destroyed) return;
        if (slow.written >= TOTAL) {
          slow.finished = true;
          res.end();
          return;
        }
        res.write(Buffer.alloc(CHUNK, 0x30));
        slow.written += CHUNK;
        setTimeout(tick, 2);
      };
      tick();
    };

    before(async () => {
      server = createServer((req, res) => {
        if (req.url === '/slow.cer') stream(res);
        else if (req.url === '/declared.cer') res.writeHead(200, { 'Content-Length': String(TOTAL) }).end();
        else if (req.url === '/moved.cer') res.writeHead(302, { Location: '/ok.cer' }).end();
        else if (req.url === '/ok.cer') res.writeHead(200).end(Buffer.from('certificate bytes'));
        else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('stops reading a body at the first chunk past the limit', async () => {
      const fetchCertificate = httpCertificateFetcher({ maxBytes: 64 * 1024 });
      const error = await failure(fetchCertificate(`${base}/slow.cer`));
      expect(error.message).to.contain('larger than 65536 bytes');
      await Promise.race([slow.closed, sleep(5000)]);
      expect(slow.finished, 'the server was read to the end').to.equal(false);
      expect(slow.written).to.be.below(TOTAL / 4);
    });

    it('refuses a declared Content-Length past the limit, a redirect and an error status', async () => {
      const fetchCertificate = httpCertificateFetcher({ maxBytes: 64 * 1024 });
      expect((await failure(fetchCertificate(`${base}/declared.cer`))).message).to.contain('larger than');
      await failure(fetchCertificate(`${base}/moved.cer`));
      expect((await failure(fetchCertificate(`${base}/missing.cer`))).message).to.contain('HTTP 404');
      expect((await fetchCertificate(`${base}/ok.cer`)).toString()).to.equal('certificate bytes');
    });
  });

  describe('the cache', () => {
    it('expires entries after the TTL and bounds their number', async () => {
      let clock = 0;
      const calls: string[] = [];
      const cached = cachedCertificateFetcher(
        (url) => {
          calls.push(url);
          return Promise.resolve(Buffer.from(url));
        },
        { ttlMs: 1000, maxEntries: 2, now: () => clock }
      );
      await cached('https://a/1');
      await cached('https://a/1');
      expect(calls).to.have.length(1);
      clock = 1500;
      await cached('https://a/1');
      expect(calls).to.have.length(2);
      await cached('https://a/2');
      await cached('https://a/3');
      await cached('https://a/1'); // evicted by the bound of 2
      expect(calls).to.deep.equal(['https://a/1', 'https://a/1', 'https://a/2', 'https://a/3', 'https://a/1']);
    });

    it('keeps the real certificate while many URLs that fail come and go', async () => {
      const calls: string[] = [];
      const cached = cachedCertificateFetcher(
        async (url) => {
          calls.push(url);
          await sleep(1);
          if (!url.endsWith('/real.cer')) throw new Error('404 (test)');
          return Buffer.from('real');
        },
        { maxEntries: 4, maxWaitingFetches: 100 }
      );
      await cached('https://h/cert/real.cer');
      await Promise.allSettled(Array.from({ length: 50 }, (_, i) => cached(`https://h/cert/missing-${i}.cer`)));
      expect((await cached('https://h/cert/real.cer')).toString()).to.equal('real');
      expect(calls.filter((url) => url.endsWith('/real.cer'))).to.have.length(1);
    });

    it('fetches one URL once however many ask at once', async () => {
      let calls = 0;
      const cached = cachedCertificateFetcher(async () => {
        calls++;
        await sleep(20);
        return Buffer.from('x');
      });
      await Promise.all(Array.from({ length: 25 }, () => cached('https://h/cert/a.cer')));
      expect(calls).to.equal(1);
      expect(cached.fetches()).to.equal(1);
    });

    it('runs maxConcurrentFetches at once, lets maxWaitingFetches wait, fails the rest at once', async () => {
      let active = 0;
      let peak = 0;
      const release: Array<() => void> = [];
      const cached = cachedCertificateFetcher(
        async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise<void>((resolve) => release.push(resolve));
          active--;
          return Buffer.from('x');
        },
        { maxConcurrentFetches: 3, maxWaitingFetches: 5 }
      );
      const outcomes = Array.from({ length: 20 }, (_, i) =>
        cached(`https://h/cert/${i}.cer`).then(
          () => 'fetched',
          (error: Error) => error.message
        )
      );
      await sleep(20);
      expect({ active, started: cached.fetches() }).to.deep.equal({ active: 3, started: 3 });
      // Each release lets one waiting fetch start; bounded so that a broken cap cannot hang the test.
      for (let i = 0; i < 20 && release.length > 0; i++) {
        release.shift()?.();
        await sleep(5);
      }
      const settled = await Promise.all(outcomes);
      expect(peak).to.equal(3);
      expect(settled.filter((outcome) => outcome === 'fetched')).to.have.length(8);
      expect(settled.filter((outcome) => outcome.includes('Too many certificate fetches'))).to.have.length(12);
    });
  });
});
