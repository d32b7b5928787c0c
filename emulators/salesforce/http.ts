/** HTTP plumbing shared by the handlers: JSON/CSV answers and Salesforce-shaped errors (bodies: ../shared/http.ts). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors.js';

export type Reply = {
  status: number;
  body?: unknown;
  /** Sent as-is (CSV, XML) instead of JSON. */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** For the request log: rows this request wrote, when the store's count does not say it (a Bulk API upload). */
  records?: number;
};

export type RequestContext = {
  method: string;
  path: string;
  url: URL;
  params: string[];
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The API version in the path (`64.0`), when there is one. */
  version: string;
};

/** Parses a JSON body, answering 400 JSON_PARSER_ERROR (as a real org does) when it is not JSON. */
export function jsonBody(ctx: RequestContext): unknown {
  const text = ctx.body.toString('utf8');
  if (text.trim() === '') throw new ApiError(400, 'JSON_PARSER_ERROR', 'The request body is empty.');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiError(400, 'JSON_PARSER_ERROR', `Unexpected character in request body: ${(error as Error).message}`);
  }
}

export function jsonObject(ctx: RequestContext): Record<string, unknown> {
  const body = jsonBody(ctx);
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(
      400,
      'JSON_PARSER_ERROR',
      'Cannot deserialize instance of object from the request body: expected a JSON object'
    );
  }
  return body as Record<string, unknown>;
}

export function send(res: ServerResponse, reply: Reply, extraHeaders: Record<string, string> = {}): void {
  const headers: Record<string, string> = { ...extraHeaders, ...(reply.headers ?? {}) };
  if (reply.raw !== undefined) {
    headers['Content-Type'] = reply.contentType ?? 'text/plain; charset=UTF-8';
    res.writeHead(reply.status, headers);
    res.end(reply.raw);
    return;
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  headers['Content-Type'] = reply.contentType ?? 'application/json;charset=UTF-8';
  res.writeHead(reply.status, headers);
  res.end(JSON.stringify(reply.body));
}

export function json(status: number, body: unknown): Reply {
  return { status, body };
}
