/**
 * The customer side of incoming referrals: the Account each matches (by the `accounts.match` values, through the
 * Account fields the mapping names) or a new one, the customer's team as Contacts (by email), and the Opportunity
 * Contact Roles. Safe to repeat: everything is looked up before it is created (see related.ts).
 */
import type { Referral } from '../partner-center/referral-types.js';
import type { SalesforceValue } from '../mapping/convert.js';
import { countryName, toCountryCode } from '../mapping/countries.js';
import { accountField, accountValues, MATCH_PATHS, type MatchKey } from '../mapping/customer.js';
import { inClauses, insertRecords, lookUp, queryAll, type SObjectRecord } from '../salesforce/records.js';
import type { SyncContext } from './context.js';
import { syncMessages as messages } from './messages.js';
import { ensureRecords, failureText, fitRecord, type Ensured } from './related.js';

export type CustomerLinks = {
  accountByReferral: Map<string, string>;
  contactsByReferral: Map<string, string[]>;
  /** Why a referral's Account or Contacts could not be saved; `transient`: the next run retries by itself. */
  failures: Map<string, { message: string; transient: boolean }>;
  /** What was cut to fit (an over-long customer name), per referral. */
  notes: Map<string, string[]>;
};

const norm = (value: unknown): string => (typeof value === 'string' ? value : '').trim().toLowerCase();

const emptyLinks = (): CustomerLinks => ({
  accountByReferral: new Map(),
  contactsByReferral: new Map(),
  failures: new Map(),
  notes: new Map(),
});

function addNotes(links: CustomerLinks, referralId: string, notes: readonly string[]): void {
  if (notes.length > 0) links.notes.set(referralId, [...(links.notes.get(referralId) ?? []), ...notes]);
}

/** Accounts (found or made) for these referrals' customers. */
async function relateAccounts(ctx: SyncContext, referrals: readonly Referral[], links: CustomerLinks): Promise<void> {
  const { match, createMissing } = ctx.config.accounts;
  const fields = new Map<MatchKey, string>();
  for (const key of match) {
    const field = accountField(ctx.rules, MATCH_PATHS[key]);
    if (field) fields.set(key, field);
  }
  const nameField = fields.get('name');
  if (!nameField) return;
  const limits = await ctx.schema.limits('Account');
  const bulkThreshold = ctx.config.sync.bulkThreshold;
  const keyOf = (values: Record<string, unknown>): string =>
    match
      .map((key) => {
        const value = values[fields.get(key) ?? ''];
        const text = typeof value === 'string' ? value : '';
        return key === 'country' ? (toCountryCode(text) ?? norm(text)).toLowerCase() : norm(text);
      })
      .join('|');

  const wanted = new Map<string, SObjectRecord>();
  const referralsByKey = new Map<string, string[]>();
  for (const referral of referrals) {
    if (!referral.customerProfile?.name) continue;
    const address = await orgAddress(ctx, accountValues(ctx.rules, referral));
    const { record, notes } = fitRecord(address.values, limits, 'Account');
    addNotes(links, referral.id, [...address.notes, ...notes]);
    const key = keyOf(record);
    wanted.set(key, record);
    referralsByKey.set(key, [...(referralsByKey.get(key) ?? []), referral.id]);
  }
  const select = ['Id', ...new Set(fields.values())].join(', ');
  const find = async (keys: readonly string[]): Promise<Map<string, string>> => {
    const asked = new Set(keys);
    const names = keys
      .map((key) => wanted.get(key)?.[nameField])
      .filter((name): name is string => typeof name === 'string');
    const found = new Map<string, string>();
    const lookup = { select, from: 'Account', field: nameField, values: names, scanAbove: bulkThreshold };
    for (const row of await lookUp<SObjectRecord & { Id: string }>(ctx.connection, lookup)) {
      const key = keyOf(row);
      if (asked.has(key) && !found.has(key)) found.set(key, row.Id);
    }
    return found;
  };
  const allowDuplicates = ctx.config.accounts.duplicates === 'save';
  const request = { sobject: 'Account', wanted, find, allowDuplicates, bulkThreshold, keyOf };
  const ensured: Ensured = createMissing
    ? await ensureRecords(ctx.connection, request)
    : { ids: await find([...wanted.keys()]), failures: new Map(), matchedByRule: new Map() };
  for (const [key, referralIds] of referralsByKey) {
    const id = ensured.ids.get(key);
    const failure = ensured.failures.get(key);
    const matched = ensured.matchedByRule.get(key);
    for (const referralId of referralIds) {
      if (matched) addNotes(links, referralId, [messages.getMessage('note.duplicateLinked', ['Account', matched])]);
      if (id) links.accountByReferral.set(referralId, id);
      else if (failure) {
        const message = messages.getMessage('outcome.accountFailed', [failureText(failure)]);
        links.failures.set(referralId, { message, transient: failure.transient });
      }
    }
  }
}

/** Contacts (found by email, or made) for the customers' team members. */
async function relateContacts(ctx: SyncContext, referrals: readonly Referral[], links: CustomerLinks): Promise<void> {
  const limits = await ctx.schema.limits('Contact');
  const bulkThreshold = ctx.config.sync.bulkThreshold;
  const wanted = new Map<string, SObjectRecord>();
  const emailsByReferral = new Map<string, string[]>();
  for (const referral of referrals) {
    for (const member of referral.customerProfile?.team ?? []) {
      const email = norm(member.email);
      if (!email) continue;
      emailsByReferral.set(referral.id, [...new Set([...(emailsByReferral.get(referral.id) ?? []), email])]);
      if (wanted.has(email)) continue;
      const { record, notes } = fitRecord(
        {
          FirstName: member.firstName ?? null,
          LastName: member.lastName ?? email.split('@')[0],
          Email: member.email ?? null,
          Phone: member.phoneNumber ?? null,
          AccountId: links.accountByReferral.get(referral.id) ?? null,
        },
        limits,
        'Contact'
      );
      addNotes(links, referral.id, notes);
      wanted.set(email, record);
    }
  }
  const find = async (emails: readonly string[]): Promise<Map<string, string>> => {
    const found = new Map<string, string>();
    const lookup = { select: 'Id, Email', from: 'Contact', field: 'Email', values: emails, scanAbove: bulkThreshold };
    for (const row of await lookUp<{ Id: string; Email: string | null }>(ctx.connection, lookup)) {
      if (row.Email && !found.has(norm(row.Email))) found.set(norm(row.Email), row.Id);
    }
    return found;
  };
  const allowDuplicates = ctx.config.accounts.duplicates === 'save';
  const ensured = await ensureRecords(ctx.connection, {
    sobject: 'Contact',
    wanted,
    find,
    allowDuplicates,
    bulkThreshold,
    keyOf: (row) => norm(row.Email),
  });
  for (const [referralId, emails] of emailsByReferral) {
    const ids = emails.map((email) => ensured.ids.get(email)).filter((id): id is string => Boolean(id));
    if (ids.length > 0) links.contactsByReferral.set(referralId, ids);
    for (const email of emails) {
      const matched = ensured.matchedByRule.get(email);
      if (matched) addNotes(links, referralId, [messages.getMessage('note.duplicateLinked', ['Contact', matched])]);
    }
    const failed = emails.find((email) => ensured.failures.has(email));
    const failure = failed ? ensured.failures.get(failed) : undefined;
    if (failed && failure && !links.failures.has(referralId)) {
      const message = messages.getMessage('outcome.contactFailed', [failed, failureText(failure)]);
      links.failures.set(referralId, { message, transient: failure.transient });
    }
  }
}

const ADDRESS_FIELD = /^(\w*?)(Country|State)(Code)?$/;

/**
 * An Account's address values as the org takes them (Help: "State and Country/Territory Picklists"): with the
 * picklists, the country and state go to the code fields (names turned into codes, the state within its country);
 * without them, the country as its English name. What the org does not know is left blank, with a note.
 */
async function orgAddress(
  ctx: SyncContext,
  values: Record<string, SalesforceValue>
): Promise<{ values: Record<string, SalesforceValue>; notes: string[] }> {
  const out = { ...values };
  const notes: string[] = [];
  const prefixes = new Set(Object.keys(values).flatMap((field) => ADDRESS_FIELD.exec(field)?.[1] ?? []));
  for (const prefix of prefixes) {
    const text = (field: string): string => (typeof values[field] === 'string' ? values[field] : '');
    const country = text(`${prefix}CountryCode`) || text(`${prefix}Country`);
    const state = text(`${prefix}StateCode`) || text(`${prefix}State`);
    for (const suffix of ['Country', 'CountryCode', 'State', 'StateCode']) delete out[`${prefix}${suffix}`];
    const picklists = await ctx.schema.addresses('Account', prefix);
    if (!picklists) {
      if (country) out[`${prefix}Country`] = countryName(toCountryCode(country) ?? '') ?? country;
      if (state) out[`${prefix}State`] = state;
      continue;
    }
    const code = country ? picklists.countryCode(country) : undefined;
    if (country && !code) notes.push(messages.getMessage('note.unknownCountry', [country]));
    if (code) out[`${prefix}CountryCode`] = code;
    const stateCode = code && state ? picklists.stateCode(code, state) : undefined;
    if (state && !stateCode) notes.push(messages.getMessage('note.unknownState', [state, code ?? country]));
    if (stateCode) out[`${prefix}StateCode`] = stateCode;
  }
  return { values: out, notes };
}

/** The Accounts and Contacts of these referrals' customers, found or made. */
export async function relateCustomers(ctx: SyncContext, referrals: readonly Referral[]): Promise<CustomerLinks> {
  const links = emptyLinks();
  if (referrals.length === 0) return links;
  await relateAccounts(ctx, referrals, links);
  if (ctx.config.accounts.contacts.create) await relateContacts(ctx, referrals, links);
  return links;
}

/** Which of these Opportunities have no contact role at all. */
export async function withoutContactRoles(ctx: SyncContext, opportunityIds: readonly string[]): Promise<Set<string>> {
  const withRoles = new Set<string>();
  for (const clause of inClauses(opportunityIds)) {
    const soql = `SELECT OpportunityId FROM OpportunityContactRole WHERE OpportunityId IN ${clause}`;
    for (const row of await queryAll<{ OpportunityId: string }>(ctx.connection, soql)) {
      withRoles.add(row.OpportunityId.slice(0, 15));
    }
  }
  return new Set(opportunityIds.filter((id) => !withRoles.has(id.slice(0, 15))));
}

/** Contact roles for Opportunities that have none; the first contact is primary. Failures by Opportunity Id. */
export async function createContactRoles(
  ctx: SyncContext,
  roles: ReadonlyArray<{ opportunityId: string; contactIds: readonly string[] }>
): Promise<Map<string, string>> {
  const records = roles.flatMap(({ opportunityId, contactIds }) =>
    contactIds.map((contactId, index) => ({
      OpportunityId: opportunityId,
      ContactId: contactId,
      Role: ctx.config.accounts.contacts.role,
      IsPrimary: index === 0,
    }))
  );
  const failures = new Map<string, string>();
  if (records.length === 0) return failures;
  const { results } = await insertRecords(ctx.connection, 'OpportunityContactRole', records, {
    bulkThreshold: ctx.config.sync.bulkThreshold,
    keyOf: (row) => `${row.OpportunityId}|${row.ContactId}`,
  });
  results.forEach((result, index) => {
    if (result.success) return;
    const error = result.errors[0];
    failures.set(String(records[index].OpportunityId), `${error.errorCode}: ${error.message}`);
  });
  return failures;
}
