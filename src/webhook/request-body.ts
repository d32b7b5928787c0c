/**
 * A delivery's body, read within its size bound: the reading stops at the first chunk past the limit, and a refused
 * request's connection is closed soon after the answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Reads the body up to `limit` bytes and stops at the first chunk past it (the rest stays unread). Rejects when the
 * client goes away before the end.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, rejectRead) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      req.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      done();
      req.pause();
      resolve('too-large');
    };
    const onEnd = (): void => {
      done();
      resolve(Buffer.concat(chunks));
    };
    const onClose = (): void => {
      done();
      rejectRead(new Error('The client went away before the end of the body.'));
    };
    req.on('data', onData).once('end', onEnd).once('close', onClose).once('error', onClose);
  });
}

/**
 * After a 413, reads on (and drops) at most `limit` more bytes or for a second, so the client can read the answer
 * before the connection closes (closing on unread data resets it), then closes it.
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse, limit: number): void {
  let dropped = 0;
  const close = (): void => {
    clearTimeout(timer);
    req.destroy();
  };
  const timer = setTimeout(close, 1000).unref();
  res.once('finish', () => {
    req.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > limit) close();
    });
    req.once('end', close);
    req.resume();
  });
}
