/**
 * Plain-HTTP helpers for the Partner Center emulator tests: tokens from its authority, calls to its APIs and its
 * `/__emulator/` endpoints, and a webhook receiver on 127.0.0.1 that records what it gets.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { PartnerCenterEmulator } from '../../../../emulators/partner-center/server.js';

export const REFERRALS = 'https://api.partner.microsoft.com';
export const WEBHOOKS = 'https://api.partnercenter.microsoft.com';

export async function accessToken(emulator: PartnerCenterEmulator, audience: string): Promise<string> {
  const response = await fetch(`${emulator.authority}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: emulator.clientId,
      grant_type: 'refresh_token',
      refresh_token: emulator.refreshToken,
      scope: `${audience}/.default offline_access`,
    }).toString(),
  });
  expect(response.status).to.equal(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

export type Answer = { status: number; body: unknown; headers: Headers };

/** One call; the body is parsed JSON (or undefined when empty). */
export async function call(
  url: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}
): Promise<Answer> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
      'Content-Type': 'application/json',
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: response.headers };
}

/** The emulator's own endpoints (`/__emulator/…`). */
export function emulatorCall(
  emulator: PartnerCenterEmulator,
  method: string,
  path: string,
  body?: unknown
): Promise<Answer> {
  return call(`${emulator.url}/__emulator/${path}`, { method, body });
}

/** A referral body a partner may POST (Independent, the fields create-a-referral requires). */
export function partnerReferral(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Contoso deal',
    type: 'Independent',
    customerProfile: { name: 'Fabrikam', address: { country: 'US' } },
    consent: { consentToShareReferralWithMicrosoftSellers: false },
    details: { dealValue: 1000, currency: 'USD' },
    ...extra,
  };
}

export type Received = { headers: IncomingMessage['headers']; body: string };

export type Receiver = { server: Server; url: string; received: Received[]; close(): Promise<void> };

/** A webhook receiver answering `answer()` (status and body) to every delivery. */
export async function receiver(
  answer: () => { status: number; body?: string } = () => ({ status: 200 })
): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const { status, body } = answer();
      res.writeHead(status).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
