/**
 * The bench's world: both emulators in process on 127.0.0.1 with injected latency, a Salesforce connection and a
 * Partner Center client wired to them, and request counting helpers.
 */
import tls from 'node:tls';
import { Connection } from '@jsforce/jsforce-node';
import { assignPermissionSet } from '../assign-permset.js';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../emulators/partner-center/server.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { validateConfig, type PcsyncConfig } from '../../src/config/index.js';
import {
  PartnerCenterClient,
  PartnerCenterTokenProvider,
  TokenStore,
  WebhookRegistrationClient,
} from '../../src/partner-center/index.js';

export type Bench = {
  pc: PartnerCenterEmulator;
  sf: SalesforceEmulator;
  connection: Connection;
  config: PcsyncConfig;
  referrals: PartnerCenterClient;
  webhooks: WebhookRegistrationClient;
  latencyMs: number;
  close(): Promise<void>;
};

/** Trusts the emulator's CA in this process (Node 24), as NODE_EXTRA_CA_CERTS does for a child process. */
function trustEmulator(pc: PartnerCenterEmulator): void {
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), pc.caCertPem]);
}

export async function startBench(latencyMs: number): Promise<Bench> {
  const pc = await startPartnerCenterEmulator({ port: 0, latencyMs, webhookRetryDelayMs: 5 });
  const sf = await startSalesforceEmulator({ port: 0, loadMetadata: true, latencyMs });
  trustEmulator(pc);
  const settings = {
    referralsBaseUrl: pc.referralsBaseUrl,
    webhooksBaseUrl: pc.webhooksBaseUrl,
    authority: pc.authority,
    tenantId: pc.tenantId,
    clientId: pc.clientId,
    concurrency: 4,
  };
  const tokens = new PartnerCenterTokenProvider({
    settings,
    env: {
      PCSYNC_TENANT_ID: pc.tenantId,
      PCSYNC_CLIENT_ID: pc.clientId,
      PCSYNC_REFRESH_TOKEN: pc.refreshToken,
      PCSYNC_AUTHORITY: pc.authority,
    },
    store: new TokenStore({ rootFolder: '/nonexistent-pcsync-bench' }),
  });
  const options = { tokens };
  const connection = new Connection({ instanceUrl: sf.url, accessToken: sf.accessToken, version: '64.0' });
  // The README's install: loadMetadata stands in for the deploy; the sync's user gets its permission set.
  await assignPermissionSet(connection, 'Partner_Center_Integration', sf.username);
  return {
    pc,
    sf,
    connection,
    config: validateConfig({}),
    referrals: new PartnerCenterClient(settings, options),
    webhooks: new WebhookRegistrationClient(settings, options),
    latencyMs,
    close: async () => {
      await pc.close();
      await sf.close();
    },
  };
}

/** Sign-in requests are not data requests. */
export const isToken = (key: string): boolean => /token|devicecode|oauth2|authorize/i.test(key);
export const isWrite = (key: string): boolean => /^(POST|PATCH|PUT|DELETE) /.test(key) && !isToken(key);

export const sum = (counters: Record<string, number>, keep: (key: string) => boolean = () => true): number =>
  Object.entries(counters)
    .filter(([key]) => keep(key))
    .reduce((total, [, n]) => total + n, 0);

/** Data requests (sign-in excluded) of both sides. */
export const dataRequests = (counters: Record<string, number>): number => sum(counters, (key) => !isToken(key));

/** Samples process RSS until stopped; returns the peak in bytes. */
export function rssSampler(everyMs = 20): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it is truthy or `timeoutMs` passed (then throws). */
export async function until<T>(
  check: () => T | undefined | false,
  timeoutMs: number,
  what: string,
  everyMs = 2
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
