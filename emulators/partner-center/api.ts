/**
 * Partner Center's own APIs: the referrals API (`/v1.0/engagements/referrals`, and the `/v1.0/referrals?$skiptoken=`
 * nextLink shape) and the webhook registration API (`/webhooks/v1/registration…`). Each route answers a Reply rather
 * than writing to the socket, so the server can inject a fault around it — or process it in full and drop the
 * answer (a lost response).
 */
import type { IncomingMessage } from 'node:http';
import type { EmulatorAudience } from './entra.js';
import { HttpError, header, parseJson, readBody } from './http-util.js';
import type { ReferralStore } from './referrals.js';
import type { WebhookService } from './webhooks.js';

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

export type ApiContext = {
  store: ReferralStore;
  webhooks: WebhookService;
  origin: () => string;
  strictOData: () => boolean;
  /** Checks the bearer token for `audience`; answers the caller's tenant or throws a 401. */
  authorize: (req: IncomingMessage, audience: EmulatorAudience) => string;
};

export type ApiRoute = {
  /** The counter key, e.g. `GET /referrals`, `PATCH /referrals/{id}`, `POST /webhooks/registration`. */
  endpoint: string;
  run: () => Promise<Reply>;
};

const REFERRALS_AUDIENCE = 'https://api.partner.microsoft.com';
const WEBHOOKS_AUDIENCE = 'https://api.partnercenter.microsoft.com';

export function matchApi(
  req: IncomingMessage,
  path: string,
  query: Record<string, string>,
  ctx: ApiContext
): ApiRoute | undefined {
  return referralsRoute(req, path, query, ctx) ?? webhooksRoute(req, path, ctx);
}

function referralsRoute(
  req: IncomingMessage,
  path: string,
  query: Record<string, string>,
  ctx: ApiContext
): ApiRoute | undefined {
  const method = req.method ?? 'GET';
  const list = path === '/v1.0/engagements/referrals' || path === '/v1.0/engagements/referrals/';
  const nextLink = path === '/v1.0/referrals';
  const one = /^\/v1\.0\/engagements\/referrals\/([^/]+)$/.exec(path);
  if (!list && !nextLink && !one) return undefined;
  const endpoint = one ? `${method} /referrals/{id}` : `${method} /referrals`;
  const run = async (): Promise<Reply> => {
    ctx.authorize(req, REFERRALS_AUDIENCE);
    if ((list || nextLink) && method === 'GET') {
      if (nextLink && (!query.$skiptoken || Object.keys(query).length !== 1)) throw new HttpError(404, 'Not Found');
      return { status: 200, body: ctx.store.list(query, { strict: ctx.strictOData() }) };
    }
    if (list && method === 'POST')
      return { status: 200, body: ctx.store.createFromPartner(parseJson(await readBody(req))) };
    if (one && method === 'GET') return { status: 200, body: ctx.store.get(decodeURIComponent(one[1])) };
    if (one && method === 'PATCH') {
      const contentType = header(req, 'content-type') ?? '';
      if (!/application\/(json|json-patch\+json)/.test(contentType))
        throw new HttpError(415, 'Content-Type must be application/json.');
      const body = parseJson(await readBody(req));
      const updated = ctx.store.patch(decodeURIComponent(one[1]), body, header(req, 'if-match'));
      const representation = /return=representation/i.test(header(req, 'prefer') ?? '');
      return {
        status: representation ? 200 : 204,
        body: representation ? updated : undefined,
        headers: { ETag: updated.eTag },
      };
    }
    if (one && method === 'PUT')
      throw new HttpError(405, 'PUT is obsolete in this emulator; use PATCH with JSON Patch.');
    throw new HttpError(405, 'Method Not Allowed');
  };
  return { endpoint, run };
}

function webhooksRoute(req: IncomingMessage, path: string, ctx: ApiContext): ApiRoute | undefined {
  const m = /^\/webhooks\/v1\/registration(\/events|\/validationEvents(?:\/([^/]+))?)?\/?$/.exec(path);
  if (!m) return undefined;
  const method = req.method ?? 'GET';
  const sub = m[1] === '/events' ? '/events' : m[2] ? '/validationEvents/{id}' : m[1] ? '/validationEvents' : '';
  const run = async (): Promise<Reply> => {
    const tenant = ctx.authorize(req, WEBHOOKS_AUDIENCE);
    const { webhooks } = ctx;
    switch (`${method} ${sub}`) {
      case 'GET /events':
        return { status: 200, body: webhooks.supportedEventsList() };
      case 'GET ':
        return { status: 200, body: webhooks.get(tenant) };
      case 'POST ':
      case 'PUT ':
        return { status: 200, body: webhooks.register(tenant, parseJson(await readBody(req)), method === 'PUT') };
      case 'POST /validationEvents':
        return { status: 200, body: webhooks.sendValidationEvent(tenant, ctx.origin()) };
      case 'GET /validationEvents/{id}':
        return { status: 200, body: webhooks.validationStatus(tenant, decodeURIComponent(m[2])) };
      default:
        throw new HttpError(405, 'Method Not Allowed');
    }
  };
  return { endpoint: `${method} /webhooks/registration${sub}`, run };
}
