/**
 * Small HTTP helpers for tests that talk to the Salesforce org emulator directly (no jsforce in between), so they
 * can assert the exact status codes, headers and error bodies a real org would send.
 */
import { expect } from 'chai';
import JSZip from 'jszip';
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

type Logged = { method: string; path: string; records?: number; objects?: string[] };

const WRITE_METHOD = /^(POST|PATCH|PUT|DELETE)$/;
/** A write: a Composite request is one only when it wrote something (the sync sends its describes through one). */
export const isWrite = (entry: Logged): boolean =>
  WRITE_METHOD.test(entry.method) && !(/\/composite$/.test(entry.path) && entry.records === 0);

/** Requests of `method` whose path names `object` (from the emulator's request log). */
export function requestsNaming(log: readonly Logged[], method: string, object: string): number {
  return log.filter((entry) => entry.method === method && entry.path.includes(`/${object}`)).length;
}

/** The sync's own bookkeeping objects: a writing run takes and releases its lease and opens and closes its run. */
const BOOKKEEPING = ['Partner_Center_Sync_Lease__c', 'Partner_Center_Sync_Run__c'];

/**
 * Whether a write was to the sync's bookkeeping only: by the objects it changed, as the emulator logs them (a Composite
 * request names none in its path), else by its path.
 */
const bookkeepingOnly = (entry: Logged): boolean =>
  entry.objects
    ? entry.objects.every((object) => BOOKKEEPING.includes(object))
    : BOOKKEEPING.some((o) => entry.path.includes(`/${o}`));

/** Writes to anything but the sync's own bookkeeping (the run's lease and run record). */
export function dataWrites(log: readonly Logged[]): number {
  return log.filter((entry) => isWrite(entry) && !bookkeepingOnly(entry)).length;
}

/** Writes to the sync's own bookkeeping: its lease and its run record. */
export function bookkeepingWrites(log: readonly Logged[]): number {
  return log.filter((entry) => isWrite(entry) && bookkeepingOnly(entry)).length;
}

/** Empties the emulator's request log (counters are reset separately). */
export async function clearRequestLog(emulator: Pick<SalesforceEmulator, 'url' | 'accessToken'>): Promise<void> {
  await sfRequest(emulator, 'DELETE', '/__emulator/requests');
}

export type DeployStatus = {
  id: string;
  deployResult: {
    status: string;
    done: boolean;
    success: boolean;
    numberComponentErrors: number;
    details: {
      componentSuccesses: Array<{
        componentType: string;
        fullName: string;
        fileName: string;
        created: boolean;
        changed: boolean;
      }>;
      componentFailures: Array<{ componentType: string; fullName: string; problem: string; problemType: string }>;
    };
  };
};

export const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';

/** Deploys a zip of mdapi files over the Metadata REST API and waits for the outcome. */
export async function deployZip(
  emulator: SalesforceEmulator,
  files: Record<string, string>,
  options: Record<string, unknown> = {}
): Promise<DeployStatus> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files)) zip.file(name, content);
  const bytes = await zip.generateAsync({ type: 'arraybuffer', compression: 'DEFLATE' });
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'application/zip' }), 'package.xml');
  form.append(
    'entity_content',
    new Blob(
      [JSON.stringify({ deployOptions: { rollbackOnError: true, checkOnly: false, singlePackage: true, ...options } })],
      { type: 'application/json' }
    )
  );
  const posted = await fetch(`${emulator.url}//services/data/v64.0/metadata/deployRequest`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${emulator.accessToken}` },
    body: form,
  });
  expect(posted.status).to.equal(201);
  const started = (await posted.json()) as DeployStatus;
  expect(started.deployResult.done).to.equal(false);
  for (let i = 0; i < 50; i++) {
    const status = await sfRequest<DeployStatus>(
      emulator,
      'GET',
      api(`/metadata/deployRequest/${started.id}?includeDetails=true`)
    );
    if (status.body.deployResult.done) return status.body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('deploy did not finish');
}

export function packageXml(types: Record<string, string[]>): string {
  const body = Object.entries(types)
    .map(
      ([name, members]) =>
        `<types>${members.map((m) => `<members>${m}</members>`).join('')}<name>${name}</name></types>`
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><Package ${NS}>${body}<version>64.0</version></Package>`;
}
