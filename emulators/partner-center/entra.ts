/**
 * Entra ID's v2 endpoints as msal-node uses them (see reference/msal-against-a-local-authority.md): OpenID
 * discovery, device code, and the token endpoint for the device_code and refresh_token grants, with rotating
 * refresh tokens, invalid_grant for revoked or expired ones, and one access token per audience.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './http-util.js';

export const AUDIENCES = ['https://api.partner.microsoft.com', 'https://api.partnercenter.microsoft.com'] as const;
export type EmulatorAudience = (typeof AUDIENCES)[number];

export type EmulatorUser = { oid: string; username: string; name: string };

type AccessToken = { audience: EmulatorAudience; oid: string; tenantId: string; expiresAt: number };
type RefreshToken = { oid: string; clientId: string; tenantId: string; expiresAt: number; revoked: boolean };
type DeviceCode = {
  userCode: string;
  deviceCode: string;
  clientId: string;
  scope: string;
  expiresAt: number;
  state: 'pending' | 'approved' | 'declined';
  oid?: string;
};

export type EntraOptions = {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  user: EmulatorUser;
  accessTokenTtlSec?: number;
  refreshTokenTtlSec?: number;
  deviceCodeIntervalSec?: number;
};

const token = (kind: 'at' | 'rt' | 'dc'): string => `pcemu-${kind}.${randomBytes(32).toString('base64url')}`;
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export class Entra {
  public accessTokenTtlSec: number;
  public refreshTokenTtlSec: number;
  public deviceCodeIntervalSec: number;
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly deviceCodes = new Map<string, DeviceCode>();
  private readonly users = new Map<string, EmulatorUser>();

  public constructor(private readonly options: EntraOptions) {
    this.accessTokenTtlSec = options.accessTokenTtlSec ?? 3599;
    this.refreshTokenTtlSec = options.refreshTokenTtlSec ?? 90 * 24 * 3600;
    this.deviceCodeIntervalSec = options.deviceCodeIntervalSec ?? 1;
    this.users.set(options.user.oid, options.user);
  }

  public reset(tokens = true): void {
    this.deviceCodes.clear();
    if (!tokens) return;
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  /** A refresh token for the seeded Referrals Admin user (the emulator prints it for headless runs). */
  public issueRefreshToken(oid = this.options.user.oid): string {
    const rt = token('rt');
    this.refreshTokens.set(rt, {
      oid,
      clientId: this.options.clientId,
      tenantId: this.options.tenantId,
      expiresAt: Date.now() + this.refreshTokenTtlSec * 1000,
      revoked: false,
    });
    return rt;
  }

  /** Makes a previously issued refresh token valid again after a reset (the one printed at start). */
  public restoreRefreshToken(rt: string, oid = this.options.user.oid): void {
    this.refreshTokens.set(rt, {
      oid,
      clientId: this.options.clientId,
      tenantId: this.options.tenantId,
      expiresAt: Date.now() + this.refreshTokenTtlSec * 1000,
      revoked: false,
    });
  }

  /** Revokes every refresh token (of one user, or of everyone), as "revoke sessions" in Entra does. */
  public revokeRefreshTokens(username?: string): number {
    let count = 0;
    for (const rt of this.refreshTokens.values()) {
      const user = this.users.get(rt.oid);
      if (!username || user?.username === username) {
        rt.revoked = true;
        count++;
      }
    }
    return count;
  }

  /** Makes every refresh token expired (AADSTS700082). */
  public expireRefreshTokens(): number {
    for (const rt of this.refreshTokens.values()) rt.expiresAt = Date.now() - 1000;
    return this.refreshTokens.size;
  }

  public pendingDeviceCodes(): Array<{ userCode: string; state: string }> {
    return [...this.deviceCodes.values()]
      .filter((d) => d.state === 'pending' && d.expiresAt > Date.now())
      .map((d) => ({ userCode: d.userCode, state: d.state }));
  }

  /** The user's browser step: approve (sign in as the seeded admin) or decline a user code. */
  public decideDeviceCode(userCode: string, decision: 'approve' | 'decline'): boolean {
    const entry = [...this.deviceCodes.values()].find((d) => d.userCode === userCode.toUpperCase());
    if (!entry || entry.state !== 'pending') return false;
    entry.state = decision === 'approve' ? 'approved' : 'declined';
    entry.oid = this.options.user.oid;
    return true;
  }

  /** Checks a bearer token for one API audience; returns an error message or the token's tenant. */
  public checkAccess(
    authorization: string | undefined,
    audience: EmulatorAudience
  ): { ok: true; tenantId: string } | { ok: false; message: string } {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return { ok: false, message: 'Authorization header with a Bearer token is required.' };
    const entry = this.accessTokens.get(match[1]);
    if (!entry) return { ok: false, message: 'The access token is not valid.' };
    if (entry.expiresAt <= Date.now()) return { ok: false, message: 'The access token has expired.' };
    if (entry.audience !== audience)
      return {
        ok: false,
        message: `The access token was issued for a different audience; this API requires ${audience}.`,
      };
    return { ok: true, tenantId: entry.tenantId };
  }

  public openIdConfiguration(origin: string, tenant: string): Record<string, unknown> {
    const base = `${origin}/${tenant}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${origin}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      tenant_region_scope: 'NA',
      cloud_instance_name: 'microsoftonline.com',
    };
  }

  /** Handles `/{tenant}/...`; returns false when the path is not an Entra path. */
  public handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    form: URLSearchParams,
    origin: string
  ): boolean {
    const m =
      /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/devicecode|oauth2\/v2\.0\/token|discovery\/v2\.0\/keys)$/.exec(
        path
      );
    if (!m) return false;
    const [, tenant, endpoint] = m;
    if (tenant !== this.options.tenantId && tenant !== 'organizations' && tenant !== 'common') {
      this.oauthError(res, 400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
      return true;
    }
    if (endpoint.endsWith('openid-configuration')) sendJson(res, 200, this.openIdConfiguration(origin, tenant));
    else if (endpoint.endsWith('keys')) sendJson(res, 200, { keys: [] });
    else if (req.method !== 'POST')
      this.oauthError(res, 405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
    else if (endpoint.endsWith('devicecode')) this.deviceCode(res, form, origin);
    else this.token(res, form, origin);
    return true;
  }

  private clientOk(res: ServerResponse, form: URLSearchParams): boolean {
    if (form.get('client_id') !== this.options.clientId) {
      this.oauthError(
        res,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory.`
      );
      return false;
    }
    const secret = form.get('client_secret');
    if (secret !== null && this.options.clientSecret !== undefined && secret !== this.options.clientSecret) {
      this.oauthError(res, 401, 'invalid_client', 7000215, 'Invalid client secret provided.');
      return false;
    }
    return true;
  }

  private deviceCode(res: ServerResponse, form: URLSearchParams, origin: string): void {
    if (!this.clientOk(res, form)) return;
    const userCode = randomBytes(4).toString('hex').toUpperCase();
    const entry: DeviceCode = {
      userCode,
      deviceCode: token('dc'),
      clientId: form.get('client_id')!,
      scope: form.get('scope') ?? '',
      expiresAt: Date.now() + 900_000,
      state: 'pending',
    };
    this.deviceCodes.set(entry.deviceCode, entry);
    const verificationUri = `${origin}/devicelogin`;
    sendJson(res, 200, {
      user_code: userCode,
      device_code: entry.deviceCode,
      verification_uri: verificationUri,
      expires_in: 900,
      interval: this.deviceCodeIntervalSec,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
    });
  }

  private token(res: ServerResponse, form: URLSearchParams, origin: string): void {
    if (!this.clientOk(res, form)) return;
    const grant = form.get('grant_type');
    const audience = AUDIENCES.find((a) =>
      (form.get('scope') ?? '').split(/\s+/).some((s) => s === `${a}/.default` || s.startsWith(`${a}/`))
    );
    if (!audience) {
      this.oauthError(
        res,
        400,
        'invalid_scope',
        70011,
        `The provided scope '${form.get('scope') ?? ''}' is not valid for this emulator.`
      );
      return;
    }
    let oid: string;
    if (grant === 'device_code' || grant === 'urn:ietf:params:oauth:grant-type:device_code') {
      const entry = this.deviceCodes.get(form.get('device_code') ?? '');
      if (!entry) return this.oauthError(res, 400, 'invalid_grant', 70000, 'The provided device code is not valid.');
      if (entry.expiresAt <= Date.now())
        return this.oauthError(res, 400, 'expired_token', 70020, 'The device code has expired.');
      if (entry.state === 'pending')
        return this.oauthError(
          res,
          400,
          'authorization_pending',
          70016,
          'OAuth 2.0 device flow error. Authorization is pending. Continue polling.'
        );
      if (entry.state === 'declined')
        return this.oauthError(
          res,
          400,
          'authorization_declined',
          70019,
          'The end user declined the authorization request.'
        );
      this.deviceCodes.delete(entry.deviceCode);
      oid = entry.oid!;
    } else if (grant === 'refresh_token') {
      const rt = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!rt || rt.revoked)
        return this.oauthError(
          res,
          400,
          'invalid_grant',
          50173,
          'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.'
        );
      if (rt.expiresAt <= Date.now())
        return this.oauthError(res, 400, 'invalid_grant', 700082, 'The refresh token has expired due to inactivity.');
      if (rt.clientId !== form.get('client_id'))
        return this.oauthError(res, 400, 'invalid_grant', 70000, 'The refresh token was issued to a different client.');
      oid = rt.oid;
    } else {
      return this.oauthError(
        res,
        400,
        'unsupported_grant_type',
        70003,
        `The grant type '${grant ?? ''}' is not supported.`
      );
    }
    sendJson(res, 200, this.tokenResponse(oid, audience, origin), { 'Cache-Control': 'no-store' });
  }

  private tokenResponse(oid: string, audience: EmulatorAudience, origin: string): Record<string, unknown> {
    const user = this.users.get(oid)!;
    const { tenantId, clientId } = this.options;
    const accessToken = token('at');
    this.accessTokens.set(accessToken, {
      audience,
      oid,
      tenantId,
      expiresAt: Date.now() + this.accessTokenTtlSec * 1000,
    });
    const now = Math.floor(Date.now() / 1000);
    const idToken = `${b64url({ typ: 'JWT', alg: 'none' })}.${b64url({
      aud: clientId,
      iss: `${origin}/${tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: user.name,
      oid,
      preferred_username: user.username,
      sub: oid,
      tid: tenantId,
      ver: '2.0',
    })}.`;
    return {
      token_type: 'Bearer',
      scope: `${audience}/user_impersonation ${audience}/.default`,
      expires_in: this.accessTokenTtlSec,
      ext_expires_in: this.accessTokenTtlSec,
      access_token: accessToken,
      refresh_token: this.issueRefreshToken(oid),
      id_token: idToken,
      client_info: b64url({ uid: oid, utid: tenantId }),
    };
  }

  private oauthError(res: ServerResponse, status: number, error: string, code: number, description: string): void {
    sendJson(res, status, {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
      error_codes: [code],
      timestamp: new Date().toISOString(),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    });
  }
}
