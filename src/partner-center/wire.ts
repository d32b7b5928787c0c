/** The small parts of Partner Center's wire layer: endpoint names, the semaphore, Retry-After, error texts. */

/** `GET https://…/v1.0/engagements/referrals/abc?$top=5` → `GET /referrals/{id}`: one name per endpoint. */
export function endpointOf(method: string, url: string): string {
  const path = new URL(url).pathname.replace(/^.*?\/(referrals|registration)/, '/$1');
  const parts = path.split('/').filter(Boolean);
  const named = parts.map((part, index) => (index === 1 && parts[0] === 'referrals' ? '{id}' : part));
  return `${method} /${named.join('/')}`;
}

/** Connection errors that mean the request never reached the server. */
export const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** A counting semaphore: at most `limit` requests in flight. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  public constructor(private readonly limit: number) {}

  public async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  public get inFlight(): number {
    return this.active;
  }
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function errorMessageOf(body: unknown, fallback: string): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const nested = b.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>).message : undefined;
    for (const candidate of [b.message, b.Message, nested, b.error_description, b.error, b.title]) {
      if (typeof candidate === 'string' && candidate) return candidate;
    }
  }
  if (typeof body === 'string' && body) return body.slice(0, 500);
  return fallback;
}

export function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : url.slice(0, i);
}

export function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'the request timed out';
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}
