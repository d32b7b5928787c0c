import { InvalidPatchError } from './errors.js';
import { PartnerCenterHttp, type HttpOptions, type HttpResponse } from './http.js';
import {
  PATCHABLE_PATHS,
  type NewReferral,
  type Referral,
  type ReferralPage,
  type ReferralPatchOperation,
} from './referral-types.js';
import { REFERRALS_AUDIENCE, type PartnerCenterSettings } from './settings.js';

export type ListReferralsQuery = {
  /** OData $filter, e.g. `status eq 'Active' and team/any(t:t/email eq 'a@b.com')`. */
  filter?: string;
  /** OData $orderby, e.g. `updatedDateTime desc` (Microsoft documents createdDateTime and updatedDateTime). */
  orderBy?: string;
  /** How many referrals to return in all ($top, as the swagger documents it); default: every match. */
  top?: number;
};

export type CoSellReferral = { shared: Referral; microsoft: Referral };

export type UpdateReferralOptions = {
  /** The eTag from the last read; sent as If-Match. A stale one throws ReferralConflictError. */
  eTag?: string;
  /** Ask for the updated referral back (Prefer: return=representation). Default true. */
  returnRepresentation?: boolean;
};

export type ClientSettings = Pick<PartnerCenterSettings, 'referralsBaseUrl' | 'concurrency'>;

const patchable = new Set<string>(PATCHABLE_PATHS);

/** Throws before any call when an operation is one Partner Center would refuse. */
export function assertValidPatch(operations: readonly ReferralPatchOperation[]): void {
  for (const op of operations as ReadonlyArray<{ op: string; path: string }>) {
    if ((op.op !== 'add' && op.op !== 'replace') || !patchable.has(op.path))
      throw new InvalidPatchError(op.op, op.path);
  }
}

/** The Partner Center Referrals API (`https://api.partner.microsoft.com/v1.0/engagements/referrals`). */
export class PartnerCenterClient {
  public readonly http: PartnerCenterHttp;
  private readonly base: string;

  public constructor(settings: ClientSettings, options: HttpOptions) {
    this.base = `${settings.referralsBaseUrl.replace(/\/+$/, '')}/referrals`;
    this.http = new PartnerCenterHttp({ concurrency: settings.concurrency, ...options });
  }

  /** Pages of referrals; `@odata.nextLink` is followed exactly as given. */
  public async *pages(query: ListReferralsQuery = {}): AsyncGenerator<ReferralPage, void, undefined> {
    const params = new URLSearchParams();
    if (query.filter) params.set('$filter', query.filter);
    if (query.orderBy) params.set('$orderby', query.orderBy);
    // $top is the number of referrals to return in all (swagger), not a page size: pages follow @odata.nextLink.
    if (query.top !== undefined) params.set('$top', String(query.top));
    let url: string | undefined = `${this.base}?${params.toString().replace(/\+/g, '%20')}`;
    while (url) {
      const page: HttpResponse<ReferralPage> = await this.fetchJson<ReferralPage>(url);
      yield page.body;
      url = page.body['@odata.nextLink'];
    }
  }

  /** Every referral matching the query, one at a time, fetching pages as needed. */
  public async *list(query: ListReferralsQuery = {}): AsyncGenerator<Referral, void, undefined> {
    for await (const page of this.pages(query)) yield* page.value;
  }

  public async get(id: string): Promise<Referral> {
    return (await this.fetchJson<Referral>(`${this.base}/${encodeURIComponent(id)}`)).body;
  }

  /** Creates an independent or shared referral. */
  public async create(referral: NewReferral): Promise<Referral> {
    const response = await this.http.request<Referral>({
      method: 'POST',
      url: this.base,
      audience: REFERRALS_AUDIENCE,
      body: referral,
    });
    return response.body;
  }

  /**
   * Co-sell in Microsoft's two steps: a `Shared` referral (targeting the partner's solution profile), then the
   * connected referral for Microsoft with the same engagementId and target `msft`.
   */
  public async createCoSell(referral: Omit<NewReferral, 'type'>): Promise<CoSellReferral> {
    const shared = await this.create({ ...referral, type: 'Shared' });
    const microsoft = await this.inviteMicrosoft(referral, shared.engagementId);
    return { shared, microsoft };
  }

  /** The second step of a co-sell: the connected referral that invites Microsoft into the engagement. */
  public async inviteMicrosoft(referral: Omit<NewReferral, 'type'>, engagementId: string): Promise<Referral> {
    return this.create({
      ...referral,
      type: 'Shared',
      engagementId,
      target: [{ type: 'BusinessProfileLocation', id: 'msft' }],
    });
  }

  /** JSON Patch (add/replace only) with If-Match; 412 becomes ReferralConflictError. */
  public async update(
    id: string,
    operations: ReferralPatchOperation[],
    options: UpdateReferralOptions = {}
  ): Promise<Referral | undefined> {
    assertValidPatch(operations);
    const returnRepresentation = options.returnRepresentation ?? true;
    const headers: Record<string, string> = {};
    if (options.eTag) headers['If-Match'] = options.eTag;
    if (returnRepresentation) headers.Prefer = 'return=representation';
    const response = await this.http.request<Referral>({
      method: 'PATCH',
      url: `${this.base}/${encodeURIComponent(id)}`,
      audience: REFERRALS_AUDIENCE,
      body: operations,
      headers,
      conflictReferralId: id,
    });
    return response.status === 204 ? undefined : response.body;
  }

  private async fetchJson<T>(url: string): Promise<HttpResponse<T>> {
    return this.http.request<T>({ method: 'GET', url, audience: REFERRALS_AUDIENCE });
  }
}
