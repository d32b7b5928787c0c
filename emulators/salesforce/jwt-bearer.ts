/**
 * The OAuth 2.0 JWT bearer flow (Salesforce Help, "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration"):
 * `POST /services/oauth2/token` with `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`, as
 * `sf org login jwt` sends it (@salesforce/core AuthInfo.tryJwtAuth through jsforce OAuth2.requestToken). The
 * assertion is an RS256 JWS whose claims are `iss` (the connected app's consumer key), `sub` (the username), `aud`
 * (the login URL: https://login.salesforce.com for a production org, or the org's own URL) and `exp`. Salesforce
 * checks the signature against the certificate uploaded to the connected app, and issues a token only to a user the
 * app is pre-authorized for ("Admin approved users are pre-authorized", by profile or permission set).
 *
 * Failures answer 400 `{"error","error_description"}` with the descriptions orgs send: "invalid assertion" (the
 * signature, or a malformed token), "audience is invalid", "expired authorization code" (exp passed), "user hasn't
 * approved this consumer" (not pre-authorized), and `invalid_client_id` "client identifier invalid" for an unknown
 * consumer key. (This org has one session-holding user, the API user; the rep is never pre-authorized.)
 */
import { verify, X509Certificate } from 'node:crypto';
import { type Reply, json } from './http.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** The login URL of a production org (a Developer Edition org is one); sandboxes use test.salesforce.com. */
const PRODUCTION_LOGIN = 'https://login.salesforce.com';

/** A connected app (or External Client App) with "Use digital signatures" and the certificate uploaded to it. */
export type ConnectedApp = {
  clientId: string;
  /** The uploaded certificate, PEM. */
  certificate: string;
  /** Whether the API user is pre-authorized (admin approved), default true. */
  approved?: boolean;
};

export type TokenIssuer = {
  orgId: string;
  userId: string;
  username: string;
  accessToken: string;
  /** The org's URL (its My Domain login URL and instance URL). */
  baseUrl: () => string;
  nowMs: () => number;
};

const oauthError = (error: string, description: string): Reply => json(400, { error, error_description: description });

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class JwtBearer {
  private readonly apps = new Map<string, { publicKey: X509Certificate['publicKey']; approved: boolean }>();

  public constructor(private readonly issuer: TokenIssuer) {}

  /** Uploads a connected app's certificate (a second upload for the same consumer key replaces the first). */
  public register(app: ConnectedApp): void {
    if (!app.clientId) throw new Error('a connected app needs a clientId (its consumer key)');
    const certificate = new X509Certificate(app.certificate);
    this.apps.set(app.clientId, { publicKey: certificate.publicKey, approved: app.approved ?? true });
  }

  /** The token endpoint, for a form-encoded body. */
  public token(form: URLSearchParams): Reply {
    const grant = form.get('grant_type');
    if (grant !== JWT_BEARER_GRANT) {
      return oauthError('unsupported_grant_type', 'grant type not supported');
    }
    const parts = (form.get('assertion') ?? '').split('.');
    const header = parts.length === 3 ? decodePart(parts[0]) : undefined;
    const claims = parts.length === 3 ? decodePart(parts[1]) : undefined;
    if (!header || !claims || header.alg !== 'RS256') return oauthError('invalid_grant', 'invalid assertion');
    const app = this.apps.get(typeof claims.iss === 'string' ? claims.iss : '');
    if (!app) return oauthError('invalid_client_id', 'client identifier invalid');
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    if (!verify('sha256', signed, app.publicKey, Buffer.from(parts[2], 'base64url'))) {
      return oauthError('invalid_grant', 'invalid assertion');
    }
    const audiences = [claims.aud].flat().map((aud) => String(aud).replace(/\/+$/, ''));
    if (!audiences.some((aud) => aud === PRODUCTION_LOGIN || aud === this.issuer.baseUrl())) {
      return oauthError('invalid_grant', 'audience is invalid');
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.issuer.nowMs()) {
      return oauthError('invalid_grant', 'expired authorization code');
    }
    if (
      (typeof claims.sub === 'string' ? claims.sub : '').toLowerCase() !== this.issuer.username.toLowerCase() ||
      !app.approved
    ) {
      return oauthError('invalid_grant', "user hasn't approved this consumer");
    }
    const base = this.issuer.baseUrl();
    return json(200, {
      access_token: this.issuer.accessToken,
      scope: 'api',
      instance_url: base,
      id: `${base}/id/${this.issuer.orgId}/${this.issuer.userId}`,
      token_type: 'Bearer',
    });
  }
}
