/**
 * Microsoft's referral contract in the emulator's own terms, so that the emulator and pcsync's client never share a
 * belief. What the connector swagger states (patchable paths and operations, enums, read-only fields) is read from
 * Microsoft's swagger at start-up; what only Learn's pages state is written here beside the page it comes from.
 */
import { readFileSync } from 'node:fs';

type Schema = {
  type?: string;
  enum?: string[];
  readOnly?: boolean;
  properties?: Record<string, Schema>;
  items?: Schema;
};

/** A byte-identical copy of Microsoft's "Partner Center Referrals" connector swagger (the tests validate with it). */
export const SWAGGER_FILE = new URL('../../test/fixtures/partner-center-referrals.swagger.json', import.meta.url);
const CONTRACTS = 'Microsoft.Partner.Service.PartnerReferrals.Contracts.V3.';

const definitions = (JSON.parse(readFileSync(SWAGGER_FILE, 'utf8')) as { definitions: Record<string, Schema> })
  .definitions;

function definition(name: string): Schema {
  const schema = definitions[CONTRACTS + name];
  if (!schema) throw new Error(`The swagger has no ${CONTRACTS}${name} definition.`);
  return schema;
}

function enumOf(schema: Schema | undefined, what: string): readonly string[] {
  if (!schema?.enum?.length) throw new Error(`The swagger gives no values for ${what}.`);
  return schema.enum;
}

/** Every field of a schema that carries an enum, by dotted path (`[]` steps into array items). */
function enumsUnder(schema: Schema, prefix = ''): Map<string, readonly string[]> {
  const found = new Map<string, readonly string[]>();
  if (schema.enum) found.set(prefix, schema.enum);
  if (schema.items) for (const [k, v] of enumsUnder(schema.items, `${prefix}[]`)) found.set(k, v);
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    for (const [k, v] of enumsUnder(child, prefix ? `${prefix}.${name}` : name)) found.set(k, v);
  }
  return found;
}

const referralSchema = definition('Referral');
const patchOperation = definition('UpdateReferralDetails').items?.properties ?? {};

/** The JSON Patch paths `PATCH /referrals/{id}` accepts (swagger `UpdateReferralDetails`, `path` enum). */
export const PATCHABLE_PATHS: ReadonlySet<string> = new Set(enumOf(patchOperation.path, 'UpdateReferralDetails.path'));

/**
 * `replace` and `add` (swagger `UpdateReferralDetails`, `op` enum; patch-a-referral: "The API currently only supports
 * the replace and add operations").
 */
export const PATCH_OPERATIONS: ReadonlySet<string> = new Set(enumOf(patchOperation.op, 'UpdateReferralDetails.op'));

/** The referral's top-level properties (what `$select` may name). */
export const SWAGGER_REFERRAL_PROPERTIES: ReadonlySet<string> = new Set(Object.keys(referralSchema.properties ?? {}));

/**
 * Referral fields the swagger restricts to an enum, by dotted path (salesStage, inviteContext.assistanceRequestCode).
 */
export const FIELD_ENUMS: ReadonlyMap<string, readonly string[]> = enumsUnder(referralSchema);

/**
 * Fields a client cannot set on create: the ones the swagger marks `readOnly`, and the ones create-a-referral's
 * response adds to the body it was sent (the service assigns them).
 * https://learn.microsoft.com/en-us/partner-center/developer/create-a-referral
 */
export const READ_ONLY_ON_CREATE: readonly string[] = [
  ...Object.entries(referralSchema.properties ?? {})
    .filter(([, schema]) => schema.readOnly === true)
    .map(([name]) => name),
  'id',
  'eTag',
  'createdDateTime',
  'updatedDateTime',
  'expirationDateTime',
  'organizationId',
  'organizationName',
  'links',
];

// The swagger types status, substatus, type and qualification as plain strings; their values come from Learn's
// referral-resources page (ReferralStatus, ReferralSubstatus, ReferralType, ReferralQualification).
// https://learn.microsoft.com/en-us/partner-center/developer/referral-resources
export const STATUSES = ['None', 'New', 'Active', 'Closed'] as const;
export type ReferralStatus = (typeof STATUSES)[number];
export const SUBSTATUSES = ['None', 'Pending', 'Received', 'Accepted', 'Won', 'Lost', 'Declined', 'Expired'] as const;
export type ReferralSubstatus = (typeof SUBSTATUSES)[number];
export const TYPES = ['Shared', 'Independent'] as const;
export type ReferralType = (typeof TYPES)[number];
export const QUALIFICATIONS = ['None', 'Direct', 'MarketingQualified', 'SalesQualified'] as const;

/**
 * "Status & Substatus transition states" (referral-resources; the same table is on create-a-referral): from a status,
 * the statuses a referral may move to, and the substatuses allowed with that status.
 */
export const TRANSITIONS: Readonly<
  Record<'New' | 'Active' | 'Closed', { to: readonly ReferralStatus[]; substatus: readonly ReferralSubstatus[] }>
> = {
  New: { to: ['New', 'Active', 'Closed'], substatus: ['Pending', 'Received'] },
  Active: { to: ['Active', 'Closed'], substatus: ['Accepted'] },
  Closed: { to: ['Closed'], substatus: ['Won', 'Lost', 'Declined', 'Expired'] },
};

/**
 * "No actions are permitted after any deal reaches a terminal state, such as Declined, Expired, Won, or Lost."
 * https://learn.microsoft.com/en-us/partner-center/bulk-operations
 */
export const TERMINAL_SUBSTATUSES: readonly ReferralSubstatus[] = ['Won', 'Lost', 'Declined', 'Expired'];

/**
 * What create-a-referral's request body has beyond the connector swagger: a services co-sell's PartnerRole,
 * SolutionArea and SolutionPlay, each "required only for service co-sell referrals", camelCase on the wire like every
 * other field. The page types them as enums (PartnerRole, SolutionArea, SolutionPlay, "updated for FY26" per
 * referral-resources) but, as read here, lists no values, so the emulator takes any non-empty string. Tests validate
 * stored referrals against the swagger plus these properties.
 * https://learn.microsoft.com/en-us/partner/develop/create-a-referral
 */
export const LEARN_ONLY_REFERRAL_PROPERTIES = {
  partnerRole: { type: 'string', description: 'PartnerRole: required only for service co-sell referrals' },
  solutionArea: { type: 'string', description: 'SolutionArea the customer needs: required only for services co-sell' },
  solutionPlay: { type: 'string', description: 'SolutionPlay the customer needs: required only for services co-sell' },
} as const;
export const SERVICES_CO_SELL_FIELDS = Object.keys(LEARN_ONLY_REFERRAL_PROPERTIES);

/**
 * SolutionTag.type, a SolutionType (referral-resources): None, Category ("Leverages pre-defined solution names") or
 * Name ("Ability to reference solutions from the Microsoft catalog"). The swagger leaves solutions' items untyped.
 * https://learn.microsoft.com/en-us/partner-center/developer/referral-resources
 */
export const SOLUTION_TYPES: readonly string[] = ['None', 'Category', 'Name'];

/** create-a-referral marks ReferralType, CustomerProfile, Consent and Details "Required". */
export const REQUIRED_ON_CREATE = ['type', 'customerProfile', 'consent', 'details'] as const;

/**
 * "If you don't respond to a lead or opportunity within the allotted time (currently 14 days), we'll archive it as
 * Expired." https://learn.microsoft.com/en-us/partner-center/developer/get-a-list-of-referrals
 */
export const EXPIRY_DAYS = 14;

/** Microsoft's organisation id in `target` and `inviteContext.invitedBy` (create-a-referral, shared referrals). */
export const MICROSOFT_ORGANIZATION_ID = 'msft';

type Json = Record<string, unknown>;
export type Member = { firstName?: string; lastName?: string; email?: string; phoneNumber?: string } & Json;

/** A referral as the emulator answers it (the swagger's V3 `Referral`, camelCase on the wire). */
export type Referral = {
  id: string;
  engagementId: string;
  name?: string;
  externalReferenceId?: string;
  organizationId?: string;
  organizationName?: string;
  createdDateTime: string;
  updatedDateTime: string;
  expirationDateTime?: string;
  acceptedDateTime?: string;
  closedDateTime?: string;
  status: ReferralStatus;
  substatus: ReferralSubstatus;
  statusReason?: string;
  type: ReferralType;
  qualification?: string;
  direction?: 'Incoming' | 'Outgoing';
  salesStage?: string;
  campaignId?: string;
  referralProgram?: string;
  /** A marketplace lead's source and call to action (plain strings in the swagger). */
  referralSource?: string;
  callToAction?: string;
  /** swagger: "Opportunity ID for the referral in Microsoft CRM". */
  trackingInfo?: { microsoftMsxId?: string };
  customerProfile: {
    name?: string;
    address?: { country?: string } & Json;
    size?: string;
    team?: Member[];
    ids?: Json[];
  } & Json;
  consent: Json;
  details: { notes?: string; dealValue?: number; currency?: string; closingDateTime?: string } & Json;
  team?: Member[];
  inviteContext?: {
    notes?: string;
    invitedBy?: { organizationId?: string; organizationName?: string };
    assistanceRequestCode?: string;
  } & Json;
  target?: Array<{ id?: string; type?: string }>;
  eTag: string;
  links?: Json;
};

/**
 * The OData list envelope (swagger `GetAllReferrals` 200, plus the `@odata.nextLink` get-a-list-of-referrals shows).
 */
export type ReferralPage = {
  '@odata.context'?: string;
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value: Referral[];
};

/** The values found at a dotted path (`[]` steps into every item of an array). */
function valuesAt(value: unknown, path: string): unknown[] {
  let found: unknown[] = [value];
  for (const step of path.match(/\[\]|[^.[\]]+/g) ?? []) {
    found = found.flatMap((v): unknown[] => {
      if (step === '[]') return Array.isArray(v) ? (v as unknown[]) : [];
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? [(v as Json)[step]] : [];
    });
  }
  return found;
}

/**
 * Why `value`, the value at dotted path `at` of a referral (the whole referral when `at` is empty), breaks one of the
 * swagger's enums; undefined when it does not. A missing or null value is no violation.
 */
export function enumViolation(value: unknown, at = ''): string | undefined {
  for (const [path, allowed] of FIELD_ENUMS) {
    if (at && path !== at && !path.startsWith(`${at}.`) && !path.startsWith(`${at}[]`)) continue;
    for (const found of valuesAt(value, path.slice(at.length))) {
      if (found !== undefined && found !== null && !allowed.includes(found as string))
        return `${path} ${JSON.stringify(found)} is not valid; allowed: ${allowed.join(', ')}.`;
    }
  }
  return undefined;
}
