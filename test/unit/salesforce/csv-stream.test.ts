/**
 * A Bulk API 2.0 results CSV read as it arrives, and a job's CSV uploaded as it is made, over real HTTP: each row
 * handed on before the rest of the body is even sent, each chunk of an upload made only once the connection takes the
 * last; each request otherwise jsforce's — counted, marked, refreshed and retried once on an expired session, its
 * errors as jsforce maps them.
 */
import { once } from 'node:events';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect as tcpConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Connection } from '@jsforce/jsforce-node';
import type { BulkRow } from '../../../src/salesforce/bulk-csv.js';
import { streamCsv, uploadCsv } from '../../../src/salesforce/csv-stream.js';
import { CALL_OPTIONS, instrumentConnection } from '../../../src/salesforce/instrument.js';
import { Traffic } from '../../../src/shared/traffic.js';

const RESULTS = '/jobs/ingest/7505g0000000001AAA/successfulResults';

describe('salesforce: a results CSV read as it arrives', function () {
  this.timeout(30_000);
  let server: Server;
  let url: string;
  let serve: (request: IncomingMessage, response: ServerResponse) => void;

  before(async () => {
    server = createServer((request, response) => serve(request, response));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const connect = (options: Partial<ConstructorParameters<typeof Connection>[0]> = {}): Connection =>
    new Connection({ instanceUrl: url, accessToken: 'token-1', version: '64.0', ...options });

  it('hands on each row while the body is still being sent: the server sends more only after its rows arrived', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `001${String(i).padStart(15, '0')},true,"Name, ${i}"\n`);
    const text = `sf__Id,sf__Created,Name\n${rows.join('')}`;
    // Pieces cut anywhere (in a value, in a quoted value), each sent only once every row it completes has arrived.
    const pieces: string[] = [];
    for (let at = 0; at < text.length; at += 997) pieces.push(text.slice(at, at + 997));
    let sent = 0;
    let seen = 0;
    let wake: (() => void) | undefined;
    const sentWhenSeen: number[] = [];
    serve = (request, response): void => {
      response.writeHead(200, { 'content-type': 'text/csv' });
      void (async (): Promise<void> => {
        for (const piece of pieces) {
          response.write(piece);
          sent += piece.length;
          const complete = text.slice(0, sent).split('\n').length - 2; // header and the unfinished line aside
          while (seen < complete) await new Promise<void>((resolve) => (wake = resolve));
        }
        response.end();
      })();
    };
    const got: BulkRow[] = [];
    await streamCsv(connect(), RESULTS, (row) => {
      got.push(row);
      sentWhenSeen.push(sent);
      seen++;
      wake?.();
    });
    expect(got.map((row) => row.Name)).to.deep.equal(rows.map((_, i) => `Name, ${i}`));
    expect(got[2999]).to.deep.equal({ sf__Id: '001000000000002999', sf__Created: 'true', Name: 'Name, 2999' });
    // Each row arrived when the body up to it, and at most one piece more, had been sent: never the whole body.
    sentWhenSeen.forEach((sentThen, i) => {
      const rowEnd = text.indexOf('\n', text.indexOf(`Name, ${i}"`));
      expect(sentThen, `row ${i}`).to.be.within(rowEnd, rowEnd + 997);
    });
  });

  it('is counted and marked as the connection’s own request, and refreshes an expired session once', async () => {
    const seen: Array<{ path?: string; authorization?: string; callOptions?: string | string[] }> = [];
    serve = (request, response): void => {
      seen.push({
        path: request.url,
        authorization: request.headers.authorization,
        callOptions: request.headers['sforce-call-options'],
      });
      if (request.headers.authorization !== 'Bearer token-2') {
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end(JSON.stringify([{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]));
        return;
      }
      response.writeHead(200, { 'content-type': 'text/csv', 'sforce-locator': 'null' });
      response.end('sf__Id,sf__Created\n001000000000000001,true\n');
    };
    const connection = connect({
      refreshFn: (_conn, callback): void => void callback(null, 'token-2'),
    });
    const traffic = new Traffic();
    instrumentConnection(connection, traffic);
    const got: BulkRow[] = [];
    const { headers } = await streamCsv(connection, RESULTS, (row) => got.push(row));
    expect(got).to.deep.equal([{ sf__Id: '001000000000000001', sf__Created: 'true' }]);
    expect(headers['sforce-locator']).to.equal('null');
    expect(seen).to.deep.equal([
      { path: `/services/data/v64.0${RESULTS}`, authorization: 'Bearer token-1', callOptions: CALL_OPTIONS },
      { path: `/services/data/v64.0${RESULTS}`, authorization: 'Bearer token-2', callOptions: CALL_OPTIONS },
    ]);
    expect(traffic.snapshot().salesforce).to.deep.equal({ 'GET /jobs/ingest/{job}/successfulResults': 2 });
  });

  it('rejects with the error jsforce’s own read of the results gives, and hands on no row', async () => {
    serve = (request, response): void => {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]));
    };
    const failure = (thrown: unknown): unknown => {
      const { name, message, errorCode } = thrown as Error & { errorCode?: string };
      return { name, message, errorCode };
    };
    const got: BulkRow[] = [];
    const streamed = await streamCsv(connect(), RESULTS, (row) => got.push(row)).then(() => 'read', failure);
    const job = connect().bulk2.job('ingest', { id: '7505g0000000001AAA' });
    const jsforces = await job.getSuccessfulResults(true).then(() => 'read', failure);
    expect(streamed).to.deep.include({ errorCode: 'ERROR_HTTP_404' });
    expect(streamed).to.deep.equal(jsforces);
    expect(got).to.deep.equal([]);
  });

  describe('an upload made as it is sent', () => {
    const BATCHES = '/jobs/ingest/7505g0000000001AAA/batches';
    const CHUNK = 'x'.repeat(65_535) + '\n';
    /** The body a request sent, read whole. */
    const bodyOf = async (request: IncomingMessage): Promise<string> => {
      let text = '';
      for await (const chunk of request) text += String(chunk);
      return text;
    };

    it('makes each chunk only as the connection takes it: a server that stops reading stops the chunks', async () => {
      // The server reads 1 MB, then nothing until told: the client's socket fills, then its writes wait.
      let received = 0;
      let resume: (() => void) | undefined;
      serve = (request, response): void => {
        request.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received < 2 ** 20 || resume) return;
          request.pause();
          resume = (): void => void request.resume();
        });
        request.on('end', () => response.writeHead(201).end());
      };
      const chunks = 2048; // 128 MB in all
      let made = 0;
      const upload = uploadCsv(connect(), BATCHES, function* () {
        for (let i = 0; i < chunks; i++) {
          made += CHUNK.length;
          yield CHUNK;
        }
      });
      // Until the chunks stop (at most 20 s): made without waiting for the socket, all 128 MB are made at once.
      let last = -1;
      for (let waited = 0; waited < 20_000 && (made !== last || !resume); waited += 500) {
        last = made;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const madeWhileStopped = made;
      expect(resume, 'the server stopped reading').to.be.a('function');
      resume?.();
      await upload;
      expect(received).to.equal(chunks * CHUNK.length);
      // What the kernel's socket buffers take (a few MB on loopback) and a chunk or two in hand, never the body.
      expect(madeWhileStopped, 'bytes made while the server had read 1 MB').to.be.below((chunks * CHUNK.length) / 4);
    });

    it('is counted and marked as the connection’s own request; after a refreshed session the body is made again, whole', async () => {
      const seen: Array<{ path?: string; method?: string; authorization?: string; type?: string; body: string }> = [];
      serve = (request, response): void =>
        void bodyOf(request).then((body) => {
          const { url: path, method } = request;
          const { authorization, 'content-type': type } = request.headers;
          seen.push({ path, method, authorization, type, body });
          if (request.headers['sforce-call-options'] !== CALL_OPTIONS) response.writeHead(400).end();
          else if (authorization !== 'Bearer token-2') {
            response.writeHead(401, { 'content-type': 'application/json' });
            response.end(JSON.stringify([{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]));
          } else response.writeHead(201).end(); // "Upload Job Data": 201 Created, no body
        });
      const connection = connect({ refreshFn: (_conn, callback): void => void callback(null, 'token-2') });
      const traffic = new Traffic();
      instrumentConnection(connection, traffic);
      let made = 0;
      await uploadCsv(connection, BATCHES, function* () {
        made++;
        yield 'Name\n';
        yield 'Acme\n';
      });
      const sent = { path: `/services/data/v64.0${BATCHES}`, method: 'PUT', type: 'text/csv', body: 'Name\nAcme\n' };
      expect(seen).to.deep.equal([
        { ...sent, authorization: 'Bearer token-1' },
        { ...sent, authorization: 'Bearer token-2' },
      ]);
      expect(made).to.equal(2);
      expect(traffic.snapshot().salesforce).to.deep.equal({ 'PUT /jobs/ingest/{job}/batches': 2 });
    });

    it('goes through the HTTP proxy the environment names, as jsforce’s own requests do (a results read too)', async () => {
      // A proxy that tunnels (CONNECT) or forwards each request to where it was asked for, counting them.
      const through: string[] = [];
      const proxy = createServer((request, response) => {
        through.push(`${request.method ?? ''} ${request.url ?? ''}`);
        const target = new URL(request.url ?? '');
        const onward = httpRequest(target, { method: request.method, headers: request.headers }, (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        });
        request.pipe(onward);
      });
      proxy.on('connect', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        through.push(`CONNECT ${request.url ?? ''}`);
        const [host, port] = (request.url ?? '').split(':');
        const onward = tcpConnect(Number(port), host, () => {
          socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          onward.write(head);
          onward.pipe(socket).pipe(onward);
        });
      });
      proxy.listen(0, '127.0.0.1');
      await once(proxy, 'listening');
      const names = ['https_proxy', 'http_proxy', 'HTTPS_PROXY', 'HTTP_PROXY'] as const;
      const saved = names.map((name) => process.env[name]);
      for (const name of names) delete process.env[name];
      process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      let uploaded = '';
      serve = (request, response): void =>
        void bodyOf(request).then((body) => {
          if (request.method === 'PUT') uploaded = body;
          if (request.method === 'PUT') response.writeHead(201).end();
          else response.writeHead(200, { 'content-type': 'text/csv' }).end('sf__Id\n001000000000000001\n');
        });
      const read: BulkRow[] = [];
      try {
        await uploadCsv(connect(), BATCHES, () => ['Name\n', 'Acme\n']);
        await streamCsv(connect(), RESULTS, (row) => read.push(row));
      } finally {
        names.forEach((name, index) => {
          if (saved[index] === undefined) delete process.env[name];
          else process.env[name] = saved[index];
        });
        proxy.close();
      }
      expect(uploaded).to.equal('Name\nAcme\n');
      expect(read).to.deep.equal([{ sf__Id: '001000000000000001' }]);
      expect(through).to.have.length(2);
      for (const request of through) expect(request).to.include(new URL(url).host);
    });

    it('rejects with the error jsforce’s own upload gives', async () => {
      serve = (request, response): void =>
        void bodyOf(request).then(() => {
          response.writeHead(400, { 'content-type': 'application/json' });
          response.end(JSON.stringify([{ errorCode: 'INVALIDJOBSTATE', message: 'Job is not in Open state' }]));
        });
      const failure = (thrown: unknown): unknown => {
        const { name, message, errorCode } = thrown as Error & { errorCode?: string };
        return { name, message, errorCode };
      };
      const uploaded = await uploadCsv(connect(), BATCHES, () => ['Name\n', 'Acme\n']).then(() => 'sent', failure);
      const job = connect().bulk2.job('ingest', { id: '7505g0000000001AAA' });
      const jsforces = await job.uploadData('Name\nAcme\n').then(() => 'sent', failure);
      expect(uploaded).to.deep.include({ errorCode: 'INVALIDJOBSTATE', message: 'Job is not in Open state' });
      expect(uploaded).to.deep.equal(jsforces);
    });
  });
});
