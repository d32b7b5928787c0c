import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { expect } from 'chai';
import { BodyTooLarge, listenOnLoopback, readBody, type Listening } from '../../../../emulators/shared/http.js';

type Outcome = { bytes?: number; tooLarge?: boolean };

/** A server that reads each body with a 16-byte bound and answers what it got. */
async function boundedServer(): Promise<Listening> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    readBody(req, 16).then(
      (body) => res.end(JSON.stringify({ bytes: body.length } satisfies Outcome)),
      (error: unknown) =>
        res
          .writeHead(413, { Connection: 'close' })
          .end(JSON.stringify({ tooLarge: error instanceof BodyTooLarge } satisfies Outcome))
    );
  });
  return listenOnLoopback(server);
}

/**
 * POSTs `chunks` chunked (no Content-Length), or declares `length` and sends nothing: a bound that trusted only the
 * bytes read would then never answer.
 */
function post(port: number, body: string[] | { length: number }): Promise<{ status: number; body: Outcome }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/' }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Outcome });
        req.destroy();
      });
    });
    req.on('error', reject);
    const timer = setTimeout(() => req.destroy(new Error('no answer within 2 s')), 2_000);
    req.on('close', () => clearTimeout(timer));
    if (Array.isArray(body)) {
      for (const chunk of body) req.write(chunk);
      req.end();
    } else {
      req.setHeader('Content-Length', body.length);
      req.flushHeaders();
    }
  });
}

describe('emulators/shared HTTP helpers', () => {
  it('reads a body up to its bound and refuses one byte more, declared or streamed', async () => {
    const listening = await boundedServer();
    try {
      expect(listening.port).to.be.greaterThan(0);
      expect(await post(listening.port, ['0123456789', 'abcdef'])).to.deep.equal({
        status: 200,
        body: { bytes: 16 },
      });
      expect(await post(listening.port, ['0123456789', 'abcdefg'])).to.deep.equal({
        status: 413,
        body: { tooLarge: true },
      });
      expect(await post(listening.port, { length: 17 })).to.deep.equal({
        status: 413,
        body: { tooLarge: true },
      });
    } finally {
      await listening.close();
    }
  });

  it('closes at once while a request is still open, and a second close is the same close', async () => {
    const server = createServer(() => undefined); // never answers
    const listening = await listenOnLoopback(server);
    const pending = new Promise<string>((resolve) => {
      request({ host: '127.0.0.1', port: listening.port, path: '/' })
        .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
        .end();
    });
    await new Promise((resolve) => server.once('request', resolve));
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      Promise.all([listening.close(), listening.close()]).then(() => 'closed'),
      new Promise((resolve) => (timer = setTimeout(resolve, 2_000, 'waiting for the open request'))),
    ]);
    clearTimeout(timer);
    expect(outcome).to.equal('closed');
    expect(await pending).to.equal('ECONNRESET');
    expect(server.listening).to.equal(false);
  });
});
