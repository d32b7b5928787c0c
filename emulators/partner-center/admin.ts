/**
 * The emulator's own side, for tests, the demo and benchmarks: the programmatic `admin` (Microsoft's moves: incoming
 * referrals of each kind, transitions, Microsoft's answer to a co-sell; the user's sign-in steps; deliveries) and the
 * same over HTTP under `/__emulator/` — the Salesforce emulator's prefix and names where the two do the same thing
 * (health, counters, reset, faults, latency, requests, requests/wait). `/admin/` is the older prefix, still served.
 */
import type { IncomingMessage } from 'node:http';
import type { Member, Referral } from './contract.js';
import { CUSTOMER_STYLES, type CustomerStyle } from './customers.js';
import type { Entra } from './entra.js';
import { HttpError, parseJson, readBody } from './http-util.js';
import { kindOf, REFERRAL_KINDS, type KindName, type ReferralKind } from './kinds.js';
import type { ReferralStore } from './referrals.js';
import type { Reply } from './api.js';
import { WaitTimeout } from './request-log.js';
import type { PartnerCenterEmulator } from './server.js';
import type { Delivery, Registration, WebhookService } from './webhooks.js';

export const ADMIN_PREFIXES = ['/__emulator/', '/admin/'] as const;

export type TransitionAction = 'accept' | 'win' | 'lose' | 'decline' | 'expire';
/** Microsoft's answer to a co-sell: a reason (decline), the seller who takes it and its CRM id (accept). */
export type CoSellAnswer = { statusReason?: string; seller?: Member; microsoftMsxId?: string };

export type EmulatorAdmin = {
  /** An incoming referral of a kind (kinds.ts; `lead` and `cosell` are the older names), with overrides. */
  createIncoming(kind: KindName, overrides?: Partial<Referral>): Referral;
  /** `customers`: `numbered` (near-identical, the default) or `distinct` (one company each; customers.ts). */
  seedReferrals(count: number, kind?: KindName, customers?: CustomerStyle): void;
  transition(id: string, action: TransitionAction, statusReason?: string): Referral;
  /** Microsoft accepts the connected referral of the co-sell `id` names (fires related-referral-updated). */
  acceptCoSell(id: string, answer?: CoSellAnswer): Referral;
  /** Microsoft declines it (Closed/Declined, fires related-referral-updated). */
  declineCoSell(id: string, answer?: CoSellAnswer): Referral;
  getReferral(id: string): Referral;
  /** Every stored referral, as the API would answer it. */
  referrals(): Referral[];
  referralCount(): number;
  pendingDeviceCodes(): Array<{ userCode: string; state: string }>;
  approveDeviceCode(userCode: string): boolean;
  declineDeviceCode(userCode: string): boolean;
  revokeRefreshTokens(username?: string): number;
  expireRefreshTokens(): number;
  issueRefreshToken(): string;
  registration(): Registration | undefined;
  deliveries(): Delivery[];
  offlineQueue(): Delivery[];
  deliveriesIdle(timeoutMs?: number): Promise<void>;
  /** Signs a body exactly as deliveries are signed (for receiver tests). */
  sign(body: string): string;
};

/** A kind named in an admin request (default: a Microsoft co-sell), refused with 400 when unknown. */
function kind(name: unknown, fallback: ReferralKind = 'microsoft-co-sell'): ReferralKind {
  if (name === undefined) return fallback;
  const found = kindOf(name);
  if (!found)
    throw new HttpError(400, `Unknown referral kind ${JSON.stringify(name)}; use one of ${REFERRAL_KINDS.join(', ')}.`);
  return found;
}

/** The customers of seeded referrals (customers.ts), refused with 400 when unknown. */
function customerStyle(value: unknown): CustomerStyle {
  if (value === undefined) return 'numbered';
  if ((CUSTOMER_STYLES as readonly unknown[]).includes(value)) return value as CustomerStyle;
  throw new HttpError(400, `Unknown customers ${JSON.stringify(value)}; use one of ${CUSTOMER_STYLES.join(', ')}.`);
}

export function createAdmin(deps: {
  store: ReferralStore;
  webhooks: WebhookService;
  entra: Entra;
  tenantId: string;
}): EmulatorAdmin {
  const { store, webhooks, entra, tenantId } = deps;
  return {
    createIncoming: (name, overrides) => store.createIncoming(name, overrides),
    seedReferrals: (count, name, customers) => store.seedMany(count, name, customers),
    transition: (id, action, reason) => store.transition(id, action, reason),
    acceptCoSell: (id, answer) => store.microsoftResponds(id, 'accept', answer),
    declineCoSell: (id, answer) => store.microsoftResponds(id, 'decline', answer),
    getReferral: (id) => store.get(id),
    referrals: () => store.all(),
    referralCount: () => store.size,
    pendingDeviceCodes: () => entra.pendingDeviceCodes(),
    approveDeviceCode: (code) => entra.decideDeviceCode(code, 'approve'),
    declineDeviceCode: (code) => entra.decideDeviceCode(code, 'decline'),
    revokeRefreshTokens: (username) => entra.revokeRefreshTokens(username),
    expireRefreshTokens: () => entra.expireRefreshTokens(),
    issueRefreshToken: () => entra.issueRefreshToken(),
    registration: () => webhooks.find(tenantId),
    deliveries: () => webhooks.list(),
    offlineQueue: () => webhooks.offlineQueue(),
    deliveriesIdle: (timeoutMs) => webhooks.idle(timeoutMs),
    sign: (body) => webhooks.sign(body),
  };
}

const ok = (body: unknown = { ok: true }): Reply => ({ status: 200, body });

function numberParam(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new HttpError(400, `${name} must be a number (was "${text}").`);
  return value;
}

function badInput<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof RangeError || error instanceof SyntaxError) throw new HttpError(400, error.message);
    throw error;
  }
}

/** `path` is the part after the prefix, e.g. `referrals/{id}/accept`. */
export async function handleAdmin(
  emulator: PartnerCenterEmulator,
  req: IncomingMessage,
  path: string,
  query: URLSearchParams
): Promise<Reply> {
  const { admin } = emulator;
  const method = req.method ?? 'GET';
  const text = method === 'POST' ? await readBody(req) : '';
  const parsed = text.trim() ? parseJson(text) : {};
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new HttpError(400, 'Expected a JSON object.');
  const body = parsed as Record<string, unknown>;
  const reason = typeof body.statusReason === 'string' ? body.statusReason : undefined;
  const route = `${method} ${path}`;
  let m: RegExpExecArray | null;

  if (route === 'GET health') return ok();
  if (route === 'GET referrals') return ok({ referrals: admin.referrals() });
  if (route === 'POST referrals') return ok(admin.createIncoming(kind(body.kind), body.referral ?? {}));
  if (route === 'POST referrals/seed') {
    admin.seedReferrals(Number(body.count ?? 0), kind(body.kind), customerStyle(body.customers));
    return ok({ count: admin.referralCount() });
  }
  if ((m = /^GET referrals\/([^/]+)$/.exec(route))) return ok(admin.getReferral(decodeURIComponent(m[1])));
  if ((m = /^POST referrals\/([^/]+)\/(accept|win|lose|decline|expire)$/.exec(route)))
    return ok(admin.transition(decodeURIComponent(m[1]), m[2] as TransitionAction, reason));
  if ((m = /^POST referrals\/([^/]+)\/microsoft\/(accept|decline)$/.exec(route))) {
    const answer = {
      statusReason: reason,
      seller: body.seller as CoSellAnswer['seller'],
      microsoftMsxId: body.microsoftMsxId as string | undefined,
    };
    const id = decodeURIComponent(m[1]);
    return ok(m[2] === 'accept' ? admin.acceptCoSell(id, answer) : admin.declineCoSell(id, answer));
  }
  if (route === 'GET device-codes') return ok(admin.pendingDeviceCodes());
  if ((m = /^POST device-codes\/([^/]+)\/(approve|decline)$/.exec(route))) {
    const code = decodeURIComponent(m[1]);
    const done = m[2] === 'approve' ? admin.approveDeviceCode(code) : admin.declineDeviceCode(code);
    if (!done) throw new HttpError(404, 'No pending device code with that user code.');
    return ok({ userCode: code, state: m[2] === 'approve' ? 'approved' : 'declined' });
  }
  if (route === 'POST refresh-tokens/revoke')
    return ok({ revoked: admin.revokeRefreshTokens(typeof body.username === 'string' ? body.username : undefined) });
  if (route === 'POST refresh-tokens/expire') return ok({ expired: admin.expireRefreshTokens() });
  if (route === 'GET counters') {
    const counters = emulator.counters();
    return ok({ counters, total: Object.values(counters).reduce((sum, n) => sum + n, 0) });
  }
  if (route === 'DELETE counters' || route === 'POST counters/reset') {
    emulator.resetCounters();
    return ok();
  }
  if (route === 'POST reset') {
    emulator.reset({ auth: body.auth === true });
    return ok();
  }
  if (path === 'faults') {
    if (method === 'DELETE') emulator.clearFaults();
    else if (method === 'POST') badInput(() => emulator.setFaults(body));
    else if (method !== 'GET') throw new HttpError(405, 'Method Not Allowed');
    return ok(emulator.faults());
  }
  if (route === 'POST latency') {
    badInput(() => emulator.setFaults({ latencyMs: Number(body.ms) }));
    return ok({ latencyMs: emulator.faults().latencyMs });
  }
  if (path === 'clock' && (method === 'GET' || method === 'POST')) {
    if (method === 'POST') badInput(() => emulator.setClockSkew(Number(body.skewMs)));
    return ok({ skewMs: emulator.clockSkewMs(), now: new Date(emulator.now()).toISOString() });
  }
  if (path === 'odata' && (method === 'GET' || method === 'POST')) {
    if (method === 'POST') emulator.setStrictOData(body.strict === true);
    return ok({ strict: emulator.strictOData() });
  }
  if (route === 'GET requests') return ok({ requests: emulator.requests() });
  if (route === 'DELETE requests') {
    emulator.clearRequests();
    return ok();
  }
  if (route === 'GET requests/wait') {
    const options = badInput(() => ({
      match: query.get('match') ?? undefined,
      count: numberParam(query, 'count'),
      after: numberParam(query, 'after'),
      timeoutMs: numberParam(query, 'timeoutMs'),
    }));
    try {
      return ok({ requests: await emulator.waitForRequests(options) });
    } catch (error) {
      if (error instanceof WaitTimeout) return { status: 408, body: { message: error.message, requests: error.seen } };
      if (error instanceof RangeError || error instanceof SyntaxError) throw new HttpError(400, error.message);
      throw error;
    }
  }
  if (route === 'GET deliveries') return ok(admin.deliveries());
  if (route === 'GET offline-queue') return ok(admin.offlineQueue());
  throw new HttpError(404, `No emulator resource ${method} ${path}.`);
}
