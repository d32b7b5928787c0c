/**
 * Small HTTP helpers for tests that talk to the Salesforce org emulator directly (no jsforce in between), so they
 * can assert the exact status codes, headers and error bodies a real org would send.
 */
import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';

export type SfResponse<T = unknown> = { status: number; headers: Headers; body: T; text: string };

export type SfErrorBody = Array<{ errorCode: string; message: string; fields?: string[] }>;

/** Sends one request to the emulator with its access token; JSON bodies are encoded, strings sent as-is. */
export async function sfRequest<T = unknown>(
  emulator: Pick<SalesforceEmulator, 'url' | 'accessToken'>,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {}
): Promise<SfResponse<T>> {
  const isText = typeof body === 'string' || body instanceof Uint8Array;
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${emulator.accessToken}`,
      ...(body !== undefined && !isText ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : isText ? (body as string) : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text !== '')
    parsed = JSON.parse(text) as unknown;
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/** `/services/data/v64.0` + path. */
export function api(path: string, version = '64.0'): string {
  return `/services/data/v${version}${path}`;
}

/** `/services/data/v64.0/query?q=…`. */
export function queryPath(soql: string): string {
  return api(`/query?q=${encodeURIComponent(soql)}`);
}
