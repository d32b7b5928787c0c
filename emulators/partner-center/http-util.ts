import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody as readBounded } from '../shared/http.js';

export const MAX_BODY_BYTES = 1024 * 1024;

/** The body as text; over MAX_BODY_BYTES is a 413, and the connection is closed (the rest is not read). */
export async function readBody(req: IncomingMessage): Promise<string> {
  try {
    return (await readBounded(req, MAX_BODY_BYTES)).toString('utf8');
  } catch (error) {
    if (error instanceof BodyTooLarge) throw new HttpError(413, 'Request Entity Too Large', { Connection: 'close' });
    throw error;
  }
}

export class HttpError extends Error {
  public constructor(
    public readonly status: number,
    message: string,
    public readonly headers: Record<string, string> = {}
  ) {
    super(message);
  }
}

/** Partner Center's error body shape (as in its 429 sample): `{ statusCode, message }`. */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {}
): void {
  sendJson(res, status, { statusCode: status, message }, headers);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(payload ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
    'Content-Length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  res.end(payload);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
