/**
 * The referral store, applying Microsoft's rules from contract.ts: required fields on create, ISO-2 country, the
 * status/substatus transition table, terminal states, the swagger's enums, eTag per change with 412 on a stale
 * If-Match, JSON Patch add/replace only on the paths the swagger lists; the list is listing.ts's. It also plays
 * Microsoft's side: incoming referrals of each kind (kinds.ts) and Microsoft's answer to a partner's co-sell.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  enumViolation,
  EXPIRY_DAYS,
  MICROSOFT_ORGANIZATION_ID,
  PATCH_OPERATIONS,
  PATCHABLE_PATHS,
  QUALIFICATIONS,
  READ_ONLY_ON_CREATE,
  REQUIRED_ON_CREATE,
  SERVICES_CO_SELL_FIELDS,
  SOLUTION_TYPES,
  TERMINAL_SUBSTATUSES,
  TRANSITIONS,
  TYPES,
  type Referral,
  type ReferralPage,
  type Member,
  type ReferralStatus,
  type ReferralSubstatus,
} from './contract.js';
import { Clock } from './clock.js';
import type { CustomerStyle } from './customers.js';
import { HttpError } from './http-util.js';
import { ISO_COUNTRIES } from './iso-countries.js';
import { incomingReferral, kindOf, REFERRAL_KINDS, type KindName } from './kinds.js';
import { listReferrals, type ListOptions, type ListQuery } from './listing.js';

export type ReferralEventName =
  'referral-created' | 'referral-updated' | 'related-referral-created' | 'related-referral-updated';
export type ChangeListener = (event: ReferralEventName, referral: Referral) => void;

export type Organization = { id: string; name: string };

type Stored = Referral & { seq: number };

function newETag(): string {
  const hex = randomBytes(10).toString('hex');
  return `"${hex.slice(0, 8)}-0000-0000-0000-${hex.slice(8)}"`;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stripETagQuotes(value: string): string {
  return value.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

export function isMicrosoftTarget(referral: Pick<Referral, 'target'>): boolean {
  return (referral.target ?? []).some((t) => t.id === MICROSOFT_ORGANIZATION_ID);
}

export function checkTransition(
  from: { status: ReferralStatus; substatus: ReferralSubstatus },
  to: { status: ReferralStatus; substatus: ReferralSubstatus }
): void {
  if (TERMINAL_SUBSTATUSES.includes(from.substatus)) {
    throw new HttpError(
      400,
      `The referral is ${from.status}/${from.substatus}; no action is permitted after a referral reaches a terminal state (Won, Lost, Declined, Expired).`
    );
  }
  const rule = TRANSITIONS[from.status as keyof typeof TRANSITIONS];
  if (!rule || !rule.to.includes(to.status)) {
    throw new HttpError(400, `Status transition from ${from.status} to ${to.status} is not allowed.`);
  }
  const target = TRANSITIONS[to.status as keyof typeof TRANSITIONS];
  if (!target?.substatus.includes(to.substatus)) {
    throw new HttpError(
      400,
      `Substatus ${to.substatus} is not allowed with status ${to.status}; allowed: ${(target?.substatus ?? []).join(', ')}.`
    );
  }
}

export class ReferralStore {
  private readonly referrals = new Map<string, Stored>();
  private seq = 0;
  private lastTime = 0;

  public constructor(
    private readonly org: Organization,
    private onChange: ChangeListener,
    private readonly links: { referralsBase: () => string; origin: () => string },
    private readonly clock: Clock = new Clock()
  ) {}

  public get size(): number {
    return this.referrals.size;
  }

  /** No referral, and the clock and numbering from the start. */
  public clear(): void {
    this.referrals.clear();
    this.seq = 0;
    this.lastTime = 0;
  }

  /**
   * The emulator's clock, strictly increasing, so every change has its own updatedDateTime (a skew moved backwards
   * at run time holds the stated times at the last one until the clock catches up).
   */
  public timestamp(at?: number): string {
    const now = Math.max(at ?? this.clock.now(), this.lastTime + 1);
    this.lastTime = now;
    return new Date(now).toISOString();
  }

  /** Every referral, as the API answers it. */
  public all(): Referral[] {
    return [...this.referrals.values()].map((stored) => this.present(stored));
  }

  public get(id: string): Referral {
    const stored = this.referrals.get(id);
    if (!stored) throw new HttpError(404, `Referral ${id} was not found.`);
    return this.present(stored);
  }

  /**
   * POST /referrals by the partner (Outgoing). Every call makes a new referral, whatever its MS-RequestId: the
   * Partner Center REST headers page says MS-RequestId is "used to ensure id-potency" and that a retry after a
   * timeout "should include the same value", but it also says "Not all API calls accept all headers", and neither
   * create-a-referral nor the connector swagger (CreateReferral takes MS-CorrelationId only) says a create is
   * idempotent. So a retried create is a second referral, the worst case a client must survive.
   * https://learn.microsoft.com/en-us/partner-center/developer/headers
   */
  public createFromPartner(body: unknown): Referral {
    const input = this.validateNew(body);
    const msftTarget = isMicrosoftTarget(input);
    if (input.engagementId && ![...this.referrals.values()].some((r) => r.engagementId === input.engagementId)) {
      throw new HttpError(
        400,
        `No engagement ${String(input.engagementId)} exists; create the Shared referral first and use its engagementId.`
      );
    }
    if (msftTarget && (!input.engagementId || input.type !== 'Shared')) {
      throw new HttpError(
        400,
        "A referral for Microsoft (target msft) must be Shared and carry the engagementId of the partner's Shared referral."
      );
    }
    const now = this.timestamp();
    // As in Microsoft's sample, the partner's own outgoing referral comes back accepted; the connected referral for
    // Microsoft waits for Microsoft (New/Pending) until Microsoft accepts it.
    const status: ReferralStatus = input.status === 'Closed' ? 'Closed' : msftTarget ? 'New' : 'Active';
    const substatus: ReferralSubstatus =
      input.status === 'Closed' ? input.substatus : msftTarget ? 'Pending' : 'Accepted';
    const referral = this.insert({
      ...input,
      id: randomUUID(),
      engagementId: input.engagementId ?? randomUUID(),
      organizationId: this.org.id,
      organizationName: this.org.name,
      direction: 'Outgoing',
      status,
      substatus,
      createdDateTime: now,
      updatedDateTime: now,
      ...(status === 'Active' ? { acceptedDateTime: now } : {}),
      ...(status === 'Closed' ? { closedDateTime: now } : {}),
    });
    this.onChange(msftTarget ? 'related-referral-created' : 'referral-created', referral);
    return referral;
  }

  /** Microsoft's side: an incoming referral of one kind (kinds.ts), `overrides` laid over it as given. */
  public createIncoming(
    name: KindName,
    overrides: Partial<Referral> = {},
    at?: number,
    customers: CustomerStyle = 'numbered'
  ): Referral {
    const kind = kindOf(name);
    if (!kind) throw new HttpError(400, `Unknown referral kind "${name}"; use one of ${REFERRAL_KINDS.join(', ')}.`);
    const now = this.timestamp(at);
    const day = 24 * 3600 * 1000;
    const dates = {
      now,
      expires: new Date(Date.parse(now) + EXPIRY_DAYS * day).toISOString(),
      closing: new Date(Date.parse(now) + 90 * day).toISOString(),
    };
    const referral = this.insert({
      id: randomUUID(),
      engagementId: randomUUID(),
      organizationId: this.org.id,
      organizationName: this.org.name,
      ...incomingReferral(kind, this.seq + 1, dates, this.org, customers),
      eTag: '',
      ...overrides,
    });
    this.onChange('referral-created', referral);
    return referral;
  }

  /**
   * Many incoming referrals at once, a second apart up to now (for paging tests and benchmarks); no events.
   * `customers` (customers.ts): `numbered` near-identical customers at one address, or `distinct` ones.
   */
  public seedMany(count: number, kind: KindName = 'microsoft-co-sell', customers: CustomerStyle = 'numbered'): void {
    const start = this.clock.now() - count * 1000;
    const listener = this.onChange;
    this.onChange = () => undefined;
    try {
      for (let i = 0; i < count; i++) this.createIncoming(kind, {}, start + i * 1000, customers);
    } finally {
      this.onChange = listener;
    }
  }

  /** Loads referrals from a seed file as they are (Microsoft-side data), filling only what is missing. */
  public load(referral: Partial<Referral>): Referral {
    const now = this.timestamp();
    return this.insert({
      id: randomUUID(),
      engagementId: randomUUID(),
      status: 'New',
      substatus: 'Pending',
      type: 'Shared',
      direction: 'Incoming',
      organizationId: this.org.id,
      organizationName: this.org.name,
      createdDateTime: now,
      updatedDateTime: now,
      customerProfile: {},
      consent: {},
      details: {},
      ...referral,
      eTag: '',
    });
  }

  /** PATCH /referrals/{id} by the partner. */
  public patch(id: string, body: unknown, ifMatch: string | undefined): Referral {
    const current = this.referrals.get(id);
    if (!current) throw new HttpError(404, `Referral ${id} was not found.`);
    if (ifMatch !== undefined && ifMatch !== '*' && stripETagQuotes(ifMatch) !== stripETagQuotes(current.eTag)) {
      throw new HttpError(
        412,
        "A precondition provided in the request (such as an if-match header) doesn't match the resource's current state."
      );
    }
    if (!Array.isArray(body) || body.length === 0)
      throw new HttpError(400, 'The request body must be a non-empty JSON Patch array.');
    const next = clone(current) as unknown as Record<string, unknown>;
    for (const raw of body as unknown[]) {
      if (!isObject(raw)) throw new HttpError(400, 'Each JSON Patch operation must be an object.');
      const { op, path, value } = raw;
      if (typeof op !== 'string' || !PATCH_OPERATIONS.has(op))
        throw new HttpError(
          400,
          `The operation "${String(op)}" is not supported; the API only supports the ${[...PATCH_OPERATIONS].join(' and ')} operations.`
        );
      if (typeof path !== 'string' || !PATCHABLE_PATHS.has(path)) {
        throw new HttpError(400, `The path "${String(path)}" cannot be updated.`);
      }
      const violation = enumViolation(value, path.slice(1).replace(/\/-$/, '[]').replaceAll('/', '.'));
      if (violation) throw new HttpError(400, violation);
      applyOperation(next, op as 'add' | 'replace', path, value);
    }
    const status = next.status as ReferralStatus;
    const substatus = next.substatus as ReferralSubstatus;
    if (
      status !== current.status ||
      substatus !== current.substatus ||
      TERMINAL_SUBSTATUSES.includes(current.substatus)
    ) {
      checkTransition(current, { status, substatus });
      if (substatus === 'Expired')
        throw new HttpError(400, 'Expired is set by Partner Center when a referral is not answered in time.');
    }
    // "Once visible, it can't be reverted" (connector-salesforce, Microsoft Partner Center Referral Visibility).
    const consent = (stored: Record<string, unknown>): unknown =>
      (stored.consent as Record<string, unknown> | undefined)?.consentToShareReferralWithMicrosoftSellers;
    if (consent(current) === true && consent(next) !== true)
      throw new HttpError(400, 'A referral shared with Microsoft sellers cannot be made private again.');
    validateDetails(next);
    return this.commit(current, next as unknown as Stored);
  }

  /** Microsoft's side of the transition table (admin endpoint). */
  public transition(
    id: string,
    action: 'accept' | 'win' | 'lose' | 'decline' | 'expire',
    statusReason?: string
  ): Referral {
    const current = this.referrals.get(id);
    if (!current) throw new HttpError(404, `Referral ${id} was not found.`);
    const to: Record<typeof action, { status: ReferralStatus; substatus: ReferralSubstatus }> = {
      accept: { status: 'Active', substatus: 'Accepted' },
      win: { status: 'Closed', substatus: 'Won' },
      lose: { status: 'Closed', substatus: 'Lost' },
      decline: { status: 'Closed', substatus: 'Declined' },
      expire: { status: 'Closed', substatus: 'Expired' },
    };
    checkTransition(current, to[action]);
    const next = { ...clone(current), ...to[action], ...(statusReason ? { statusReason } : {}) };
    return this.commit(current, next);
  }

  /**
   * Microsoft answers a partner's co-sell: its connected referral (the one targeted at `msft` in the engagement of
   * `id`, which may name either referral) is accepted — Active/Accepted, a Microsoft seller joins its team and
   * `trackingInfo.microsoftMsxId` ("Opportunity ID for the referral in Microsoft CRM", swagger) is set, as the
   * Salesforce connector's "Microsoft CRM Identifier" is "filled … when a co-sell referral is created and accepted by
   * Microsoft" — or declined (Closed/Declined with a reason). Either way Partner Center raises
   * related-referral-updated (partner-center-webhook-events: "raised when the related referral is updated").
   * https://learn.microsoft.com/en-us/partner-center/referrals/connector-salesforce
   */
  public microsoftResponds(
    id: string,
    decision: 'accept' | 'decline',
    options: { statusReason?: string; seller?: Member; microsoftMsxId?: string } = {}
  ): Referral {
    const named = this.referrals.get(id);
    if (!named) throw new HttpError(404, `Referral ${id} was not found.`);
    const current = isMicrosoftTarget(named)
      ? named
      : [...this.referrals.values()].find((r) => r.engagementId === named.engagementId && isMicrosoftTarget(r));
    if (!current)
      throw new HttpError(409, `Engagement ${named.engagementId} has no connected referral for Microsoft to answer.`);
    const next: Stored = clone(current);
    if (decision === 'accept') {
      checkTransition(current, { status: 'Active', substatus: 'Accepted' });
      const seller = options.seller ?? MICROSOFT_SELLER;
      Object.assign(next, { status: 'Active', substatus: 'Accepted' });
      if (!(next.team ?? []).some((m) => m.email === seller.email)) next.team = [...(next.team ?? []), { ...seller }];
      next.trackingInfo = { ...next.trackingInfo, microsoftMsxId: options.microsoftMsxId ?? newMsxId() };
    } else {
      checkTransition(current, { status: 'Closed', substatus: 'Declined' });
      Object.assign(next, { status: 'Closed', substatus: 'Declined' });
      if (options.statusReason) next.statusReason = options.statusReason;
    }
    return this.commit(current, next);
  }

  public list(query: ListQuery, options: Omit<ListOptions, 'origin'> = { strict: false }): ReferralPage {
    return listReferrals([...this.referrals.values()], query, { ...options, origin: this.links.origin() }, (r) =>
      this.present(r)
    );
  }

  private validateNew(body: unknown): Referral {
    if (!isObject(body)) throw new HttpError(400, 'The request body must be a referral object.');
    for (const field of REQUIRED_ON_CREATE) {
      if (body[field] === undefined || body[field] === null)
        throw new HttpError(400, `The ${field} field is required.`);
    }
    if (!(TYPES as readonly unknown[]).includes(body.type))
      throw new HttpError(400, `The type "${String(body.type)}" is not valid; use ${TYPES.join(' or ')}.`);
    if (body.qualification !== undefined && !(QUALIFICATIONS as readonly unknown[]).includes(body.qualification)) {
      throw new HttpError(400, `The qualification "${JSON.stringify(body.qualification)}" is not valid.`);
    }
    const violation = enumViolation(body);
    if (violation) throw new HttpError(400, violation);
    for (const field of REQUIRED_ON_CREATE.filter((name) => name !== 'type')) {
      if (!isObject(body[field])) throw new HttpError(400, `The ${field} field must be an object.`);
    }
    const address = (body.customerProfile as Record<string, unknown>).address;
    const country = isObject(address) ? address.country : undefined;
    if (country === undefined || country === null || country === '')
      throw new HttpError(400, 'customerProfile.address.country is required (ISO 3166 two-letter code).');
    if (typeof country !== 'string' || !ISO_COUNTRIES.has(country)) {
      throw new HttpError(
        400,
        `customerProfile.address.country ${JSON.stringify(country)} is not an ISO 3166 two-letter country code.`
      );
    }
    if (body.status !== undefined || body.substatus !== undefined) {
      const status = body.status as ReferralStatus;
      const substatus = body.substatus as ReferralSubstatus;
      const rule = TRANSITIONS[status as keyof typeof TRANSITIONS];
      if (!rule?.substatus.includes(substatus))
        throw new HttpError(
          400,
          `Status ${String(status)} with substatus ${String(substatus)} is not a valid combination.`
        );
    }
    validateDetails(body);
    validateServicesCoSell(body);
    const input = clone(body);
    for (const key of READ_ONLY_ON_CREATE) delete input[key];
    return input as unknown as Referral;
  }

  private insert(referral: Referral): Referral {
    const stored: Stored = { ...referral, eTag: newETag(), seq: ++this.seq };
    this.referrals.set(stored.id, stored);
    return this.present(stored);
  }

  private commit(current: Stored, next: Stored): Referral {
    const now = this.timestamp();
    next.updatedDateTime = now;
    next.eTag = newETag();
    if (next.status === 'Active' && current.status !== 'Active') next.acceptedDateTime = now;
    if (next.status === 'Closed' && current.status !== 'Closed') next.closedDateTime = now;
    this.referrals.set(next.id, next);
    const referral = this.present(next);
    this.onChange(isMicrosoftTarget(next) ? 'related-referral-updated' : 'referral-updated', referral);
    return referral;
  }

  private present(stored: Stored): Referral {
    const { seq: _seq, ...rest } = clone(stored);
    const base = this.links.referralsBase();
    return {
      ...rest,
      links: {
        relatedReferrals: { uri: `${base}/referrals?$filter=engagementId eq '${rest.engagementId}'`, method: 'GET' },
        self: { uri: `${base}/referrals/${rest.id}`, method: 'GET' },
      },
    };
  }
}

/** The Microsoft seller who takes a co-sell Microsoft accepts (unless the admin call names another). */
export const MICROSOFT_SELLER: Member = {
  firstName: 'Morgan',
  lastName: 'Microsoft',
  email: 'morgan.seller@microsoft.example',
  phoneNumber: '4255550100',
};

/** An MSX opportunity number; Microsoft documents no format, this one looks like the `7-…` numbers sellers see. */
function newMsxId(): string {
  return `7-${randomBytes(5).toString('hex').toUpperCase()}`;
}

/**
 * A services co-sell's fields (contract.ts): strings when sent, and, since they are "required only for service co-sell
 * referrals", a Shared referral that sends one of them is a services co-sell and must send all of them.
 */
function validateServicesCoSell(body: Record<string, unknown>): void {
  const sent = SERVICES_CO_SELL_FIELDS.filter((field) => body[field] !== undefined && body[field] !== null);
  for (const field of sent) {
    if (typeof body[field] !== 'string' || !body[field].trim())
      throw new HttpError(400, `${field} must be a non-empty string.`);
  }
  const missing = SERVICES_CO_SELL_FIELDS.filter((field) => !sent.includes(field));
  if (body.type === 'Shared' && sent.length && missing.length)
    throw new HttpError(400, `A services co-sell referral requires ${missing.join(', ')}.`);
}

function validateDetails(body: Record<string, unknown>): void {
  const details = body.details as Record<string, unknown> | undefined;
  if (!details) return;
  const requirements = details.requirements as Record<string, unknown> | undefined;
  const solutions = requirements?.solutions;
  if (solutions !== undefined && !Array.isArray(solutions))
    throw new HttpError(400, 'details.requirements.solutions must be a list.');
  for (const solution of (solutions ?? []) as unknown[]) {
    if (!isObject(solution) || typeof solution.id !== 'string' || !solution.id)
      throw new HttpError(400, 'Each of details.requirements.solutions needs an id.');
    if (solution.type !== undefined && !SOLUTION_TYPES.includes(solution.type as string)) {
      throw new HttpError(
        400,
        `Solution type ${JSON.stringify(solution.type)} is not valid; use ${SOLUTION_TYPES.join(', ')}.`
      );
    }
  }
  if (
    details.dealValue !== undefined &&
    (typeof details.dealValue !== 'number' || !Number.isFinite(details.dealValue) || details.dealValue < 0)
  ) {
    throw new HttpError(400, 'details.dealValue must be a non-negative number.');
  }
  if (
    details.currency !== undefined &&
    (typeof details.currency !== 'string' || !/^[A-Z]{3}$/.test(details.currency))
  ) {
    throw new HttpError(400, `details.currency ${JSON.stringify(details.currency)} is not an ISO 4217 code.`);
  }
  if (
    details.closingDateTime !== undefined &&
    (typeof details.closingDateTime !== 'string' || Number.isNaN(Date.parse(details.closingDateTime)))
  ) {
    throw new HttpError(400, 'details.closingDateTime must be a UTC date-time.');
  }
}

function applyOperation(target: Record<string, unknown>, op: 'add' | 'replace', path: string, value: unknown): void {
  const segments = path.slice(1).split('/');
  const append = segments[segments.length - 1] === '-';
  const keys = append ? segments.slice(0, -1) : segments;
  let parent: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(parent[key])) {
      if (op === 'replace') throw new HttpError(400, `The path "${path}" does not exist.`);
      parent[key] = {};
    }
    parent = parent[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  let coerced = value;
  if (
    path === '/details/dealValue' &&
    typeof value === 'string' &&
    value.trim() !== '' &&
    Number.isFinite(Number(value))
  )
    coerced = Number(value);
  if (append) {
    if (op !== 'add') throw new HttpError(400, `"${path}" needs the add operation.`);
    const list = parent[last] ?? [];
    if (!Array.isArray(list)) throw new HttpError(400, `The path "${path}" is not a list.`);
    if (!isObject(coerced)) throw new HttpError(400, `The value for "${path}" must be an object.`);
    parent[last] = [...(list as unknown[]), coerced];
    return;
  }
  if (
    (path === '/team' || path === '/customerProfile/team' || path === '/details/requirements/solutions') &&
    !Array.isArray(coerced)
  ) {
    throw new HttpError(400, `The value for "${path}" must be a list.`);
  }
  parent[last] = coerced;
}
