/**
 * A Bulk API 2.0 results CSV read as it arrives, over real HTTP: each row handed on before the rest of the body is
 * even sent, and the request otherwise jsforce's — counted, marked, refreshed and retried once on an expired session,
 * its errors as jsforce maps them.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Connection } from '@jsforce/jsforce-node';
import type { BulkRow } from '../../../src/salesforce/bulk-csv.js';
import { streamCsv } from '../../../src/salesforce/csv-stream.js';
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
});
