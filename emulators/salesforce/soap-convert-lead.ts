/**
 * The Partner SOAP API's convertLead() (`POST /services/Soap/u/NN.N`, namespace `urn:partner.soap.sforce.com`), as
 * jsforce's `conn.soap.convertLead` sends it — the API a client uses to convert a Lead (the REST API has no lead
 * conversion resource). SOAP API Developer Guide: "convertLead()", "LeadConvert", "LeadConvertResult". Each
 * LeadConvert succeeds or fails on its own (all or nothing within it), with the documented rules:
 *
 * - `convertedStatus` must be a LeadStatus marked Converted, else `INVALID_STATUS` "invalid convertedStatus: X";
 * - a converted Lead cannot be converted again (`CANNOT_UPDATE_CONVERTED_LEAD`);
 * - without `accountId` an Account is created from the Lead (Company → Name, address → Billing, Phone, Website);
 *   with it, only the Account's blank fields are filled; the same for the Contact (`contactId`, which must belong
 *   to that Account); unless `doNotCreateOpportunity`, an Opportunity named `opportunityName` (default: the
 *   Company) is created in the default stage, closing at the end of the current quarter, with the Contact as its
 *   primary contact role;
 * - the org's LeadConvertSettings custom field mappings copy Lead fields onto the new records (leads.ts);
 * - the Lead becomes IsConverted, with Status, ConvertedDate and the Converted…Id fields set.
 *
 * Not modelled (answered with EMULATOR_NOT_MODELLED, never a made-up org answer): `opportunityId` and the
 * `…Record` inputs; the duplicate rules are not run on the records a conversion creates.
 */
import { formatDateTime } from './clock.js';
import { NOT_MODELLED, RecordError, type SaveError } from './errors.js';
import type { Reply } from './http.js';
import { isValidId, to18 } from './ids.js';
import { isConvertedStatus, type LeadConvertTarget, type LeadFieldMapping } from './leads.js';
import { type ObjectDef, OPPORTUNITY_STAGES, type SchemaRegistry } from './schema.js';
import type { RecordStore, SfRecord } from './store.js';
import { asText } from './text.js';

export type ConvertContext = {
  schema: SchemaRegistry;
  store: RecordStore;
  leadConvertMappings: () => readonly LeadFieldMapping[];
};

type Node = Record<string, unknown>;
type ConvertResult = {
  accountId: string | null;
  contactId: string | null;
  leadId: string | null;
  opportunityId: string | null;
  success: boolean;
  errors: SaveError[];
};

const ADDRESS_PARTS = ['Street', 'City', 'State', 'PostalCode', 'Country', 'StateCode', 'CountryCode'];

/** The standard Lead → Account/Contact/Opportunity fields (Help: "Lead Conversion Field Mappings"). */
const STANDARD_MAPPINGS: Record<LeadConvertTarget, Array<[lead: string, target: string]>> = {
  Account: [['Company', 'Name'], ['Phone', 'Phone'], ['Website', 'Website'], ...address('Billing')],
  Contact: [
    ['FirstName', 'FirstName'],
    ['LastName', 'LastName'],
    ['Title', 'Title'],
    ['Email', 'Email'],
    ['Phone', 'Phone'],
    ['LeadSource', 'LeadSource'],
    ['Description', 'Description'],
    ...address('Mailing'),
  ],
  Opportunity: [['LeadSource', 'LeadSource']],
};

function address(prefix: string): Array<[string, string]> {
  return ADDRESS_PARTS.map((part) => [part, `${prefix}${part}`]);
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A partner API fault (`urn:fault.partner.soap.sforce.com`), as jsforce reads `faultcode`/`faultstring`. */
export function partnerFault(code: string, message: string): Reply {
  return {
    status: 500,
    contentType: 'text/xml; charset=utf-8',
    raw:
      '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com">' +
      `<soapenv:Body><soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${escape(message)}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`,
  };
}

/** One LeadConvertResult: nulls as `xsi:nil`, errors as `<errors><fields/>…<message/><statusCode/></errors>`. */
function resultXml(result: ConvertResult): string {
  const id = (name: string, value: string | null): string =>
    value === null ? `<${name} xsi:nil="true"/>` : `<${name}>${value}</${name}>`;
  const errors = result.errors
    .map(
      (e) =>
        `<errors>${e.fields.map((f) => `<fields>${escape(f)}</fields>`).join('')}` +
        `<message>${escape(e.message)}</message><statusCode>${e.statusCode}</statusCode></errors>`
    )
    .join('');
  return (
    `<result>${id('accountId', result.accountId)}${id('contactId', result.contactId)}${errors}` +
    `${id('leadId', result.leadId)}${id('opportunityId', result.opportunityId)}` +
    `<success>${String(result.success)}</success></result>`
  );
}

/** Serves a Partner SOAP API operation; only convertLead is modelled. */
export function handlePartnerSoap(context: ConvertContext, operation: string, payload: Node): Reply {
  if (operation !== 'convertLead')
    return partnerFault(
      NOT_MODELLED,
      `The Salesforce emulator does not model the Partner SOAP API call '${operation}': only convertLead`
    );
  const raw = payload.leadConverts;
  const requests = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) as Node[];
  const results = requests.map((request) => convertOne(context, request));
  return {
    status: 200,
    contentType: 'text/xml; charset=utf-8',
    raw:
      '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
      'xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>' +
      `<convertLeadResponse>${results.map(resultXml).join('')}</convertLeadResponse></soapenv:Body></soapenv:Envelope>`,
  };
}

/** A LeadConvert's text element: absent, empty or `xsi:nil` all read as not given. */
function text(request: Node, name: string): string | undefined {
  const value = request[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function convertOne(context: ConvertContext, request: Node): ConvertResult {
  const leadId = text(request, 'leadId');
  try {
    const ids = context.store.transaction(() => convert(context, request));
    return { ...ids, success: true, errors: [] };
  } catch (error) {
    if (!(error instanceof RecordError)) throw error;
    return {
      accountId: null,
      contactId: null,
      leadId: leadId && isValidId(leadId) ? to18(leadId) : null,
      opportunityId: null,
      success: false,
      errors: error.errors,
    };
  }
}

function objectOf(schema: SchemaRegistry, name: string): ObjectDef {
  const object = schema.object(name);
  if (!object) throw new Error(`standard object ${name} missing`);
  return object;
}

/** `yyyy-MM-dd` of the last day of the quarter `ms` falls in (UTC, the org's default time zone here). */
function endOfQuarter(ms: number): string {
  const now = new Date(ms);
  const lastMonth = Math.floor(now.getUTCMonth() / 3) * 3 + 2;
  return new Date(Date.UTC(now.getUTCFullYear(), lastMonth + 1, 0)).toISOString().slice(0, 10);
}

function convert(
  context: ConvertContext,
  request: Node
): Omit<ConvertResult, 'success' | 'errors'> & { leadId: string } {
  const { schema, store } = context;
  for (const unmodelled of ['opportunityId', 'accountRecord', 'contactRecord', 'opportunityRecord'])
    if (request[unmodelled] !== undefined && request[unmodelled] !== '')
      throw RecordError.of(NOT_MODELLED, `The Salesforce emulator does not model LeadConvert.${unmodelled}`);
  const leads = objectOf(schema, 'Lead');
  const [accounts, contacts, opportunities] = (['Account', 'Contact', 'Opportunity'] as const).map((n) =>
    objectOf(schema, n)
  );
  const rawLeadId = text(request, 'leadId');
  const lead = rawLeadId && isValidId(rawLeadId) ? store.get(leads, to18(rawLeadId)) : undefined;
  if (!lead) throw RecordError.of('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', []);
  if (store.access) {
    const allowed =
      store.access.canObject(leads, 'edit') &&
      [accounts, contacts, opportunities].every((o) => store.access?.canObject(o, 'create'));
    if (!allowed) throw RecordError.of('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
  }
  if (lead.IsConverted === true)
    throw RecordError.of('CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead', []);
  const status = text(request, 'convertedStatus') ?? '';
  if (!isConvertedStatus(store, objectOf(schema, 'LeadStatus'), status))
    throw RecordError.of('INVALID_STATUS', `invalid convertedStatus: ${status}`, ['Status']);
  const accountId = text(request, 'accountId');
  const contactId = text(request, 'contactId');
  const account = accountId && isValidId(accountId) ? store.get(accounts, to18(accountId)) : undefined;
  if (accountId && !account) throw RecordError.of('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', []);
  const contact = contactId && isValidId(contactId) ? store.get(contacts, to18(contactId)) : undefined;
  if (contactId && (!contact || !account || contact.AccountId !== account.Id))
    throw RecordError.of(
      NOT_MODELLED,
      'The Salesforce emulator does not model the error for a contactId that is not a Contact of the given accountId'
    );

  const ownerId = text(request, 'ownerId') ?? lead.OwnerId;
  const mapped = (target: LeadConvertTarget): SfRecord => {
    const values: SfRecord = {};
    const pairs = [
      ...STANDARD_MAPPINGS[target],
      ...context
        .leadConvertMappings()
        .filter((m) => m.outputObject === target)
        .map((m): [string, string] => [m.inputField, m.outputField]),
    ];
    const object = objectOf(schema, target);
    for (const [from, to] of pairs) {
      const value = lead[from];
      if (value !== null && value !== undefined && schema.field(object, to)) values[to] = value;
    }
    return values;
  };
  /** Creates the record, or fills only the blank fields of the existing one (LeadSource too with overwrite). */
  const save = (object: ObjectDef, existing: SfRecord | undefined, values: SfRecord): SfRecord => {
    if (!existing) return store.insert(object, { ...values, OwnerId: ownerId }, { systemMode: true });
    const overwriteLeadSource = request.overwriteLeadSource === 'true' && object.name === 'Contact';
    const blanks: SfRecord = {};
    for (const [name, value] of Object.entries(values))
      if (existing[name] === null || existing[name] === undefined || existing[name] === '') blanks[name] = value;
      else if (name === 'LeadSource' && overwriteLeadSource) blanks[name] = value;
    return Object.keys(blanks).length > 0
      ? store.update(object, existing.Id as string, blanks, { systemMode: true })
      : existing;
  };

  const savedAccount = save(accounts, account, mapped('Account'));
  const savedContact = save(contacts, contact, { ...mapped('Contact'), AccountId: savedAccount.Id });
  let opportunityId: string | null = null;
  if (request.doNotCreateOpportunity !== 'true') {
    const defaultStage = OPPORTUNITY_STAGES.find((s) => !s.closed)?.name;
    const opportunity = store.insert(
      opportunities,
      {
        ...mapped('Opportunity'),
        Name: text(request, 'opportunityName') ?? asText(lead.Company),
        AccountId: savedAccount.Id,
        StageName: defaultStage,
        CloseDate: endOfQuarter(store.clock.now()),
        OwnerId: ownerId,
      },
      { systemMode: true }
    );
    opportunityId = opportunity.Id as string;
    store.insert(
      objectOf(schema, 'OpportunityContactRole'),
      { OpportunityId: opportunityId, ContactId: savedContact.Id, IsPrimary: true },
      { systemMode: true }
    );
  }
  store.update(
    leads,
    lead.Id as string,
    {
      IsConverted: true,
      Status: status,
      ConvertedDate: formatDateTime(store.clock.now()).slice(0, 10),
      ConvertedAccountId: savedAccount.Id,
      ConvertedContactId: savedContact.Id,
      ConvertedOpportunityId: opportunityId,
    },
    { systemMode: true }
  );
  return {
    accountId: savedAccount.Id as string,
    contactId: savedContact.Id as string,
    leadId: lead.Id as string,
    opportunityId,
  };
}
