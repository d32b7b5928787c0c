/**
 * The customer side of an incoming referral: the Account it matches (by name and country, optionally postal
 * code, per `accounts.match`) or a new one, and the customer's team as Contacts with Opportunity Contact Roles.
 * Everything in batches: one query and at most one collection write per kind of record.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { AccountSettings, FieldRule } from '../config/schema.js';
import { accountField, accountValues, MATCH_PATHS, type MatchKey } from '../mapping/customer.js';
import { getPath } from '../mapping/paths.js';
import { toCountryCode } from '../mapping/countries.js';
import type { Member, Referral } from '../partner-center/referral-types.js';
import { createRecords, inClauses, queryAll, type WriteResult } from '../salesforce/records.js';

type AccountRow = Record<string, string | null> & { Id: string };
type ContactRow = { Id: string; Email: string | null };

const norm = (value: string | null | undefined): string => (value ?? '').trim().toLowerCase();

/** One comparable key from the `accounts.match` values; a country compares by its ISO code. */
function matchKey(settings: AccountSettings, values: Partial<Record<MatchKey, string | null>>): string {
  return settings.match
    .map((key) => {
      const value = values[key];
      return key === 'country' ? (toCountryCode(value ?? '') ?? norm(value)).toLowerCase() : norm(value);
    })
    .join('|');
}

export type AccountResolution = {
  /** Account Id per referral id (absent when no Account could be found or made). */
  accountByReferral: Map<string, string>;
  failures: Map<string, string>;
};

/** The Account fields `accounts.match` compares, as the mapping names them (`Name`, `BillingCountry`, …). */
function matchFields(settings: AccountSettings, rules: readonly FieldRule[]): Map<MatchKey, string> {
  const fields = new Map<MatchKey, string>();
  for (const key of settings.match) {
    const field = accountField(rules, MATCH_PATHS[key]);
    if (field) fields.set(key, field);
  }
  return fields;
}

export async function resolveAccounts(
  connection: Connection,
  referrals: readonly Referral[],
  settings: AccountSettings,
  rules: readonly FieldRule[],
  dryRun: boolean
): Promise<AccountResolution> {
  const accountByReferral = new Map<string, string>();
  const failures = new Map<string, string>();
  const fields = matchFields(settings, rules);
  const nameField = fields.get('name');
  const named = referrals.filter((referral) => referral.customerProfile?.name);
  if (named.length === 0 || !nameField) return { accountByReferral, failures };

  const existing = new Map<string, string>();
  const select = ['Id', ...new Set(fields.values())].join(', ');
  for (const clause of inClauses(named.map((referral) => referral.customerProfile.name as string))) {
    const rows = await queryAll<AccountRow>(
      connection,
      `SELECT ${select} FROM Account WHERE ${nameField} IN ${clause}`
    );
    for (const row of rows) {
      const values = Object.fromEntries([...fields].map(([key, field]) => [key, row[field]]));
      existing.set(matchKey(settings, values), row.Id);
    }
  }

  const toCreate = new Map<string, Referral[]>();
  for (const referral of named) {
    const values = Object.fromEntries(
      [...fields.keys()].map((key) => [key, getPath(referral, MATCH_PATHS[key]) as string | undefined])
    );
    const key = matchKey(settings, values);
    const id = existing.get(key);
    if (id) accountByReferral.set(referral.id, id);
    else if (settings.createMissing) toCreate.set(key, [...(toCreate.get(key) ?? []), referral]);
  }
  if (toCreate.size === 0 || dryRun) return { accountByReferral, failures };

  const groups = [...toCreate.values()];
  const records = groups.map(([referral]) => accountValues(rules, referral));
  const results = await createRecords(connection, 'Account', records);
  results.forEach((result, index) => {
    for (const referral of groups[index]) {
      if (result.success) accountByReferral.set(referral.id, result.id);
      else failures.set(referral.id, result.errors.map((error) => error.message).join('; '));
    }
  });
  return { accountByReferral, failures };
}

/** Contacts for the customers' team members (by email), created when missing; returns Contact Ids per referral. */
export async function resolveContacts(
  connection: Connection,
  referrals: readonly Referral[],
  accountByReferral: ReadonlyMap<string, string>,
  dryRun: boolean
): Promise<Map<string, string[]>> {
  const members = new Map<string, { member: Member; referralId: string }>();
  for (const referral of referrals) {
    for (const member of referral.customerProfile?.team ?? []) {
      if (member.email && !members.has(norm(member.email)))
        members.set(norm(member.email), { member, referralId: referral.id });
    }
  }
  const idByEmail = new Map<string, string>();
  for (const clause of inClauses([...members.keys()])) {
    const rows = await queryAll<ContactRow>(connection, `SELECT Id, Email FROM Contact WHERE Email IN ${clause}`);
    for (const row of rows) if (row.Email) idByEmail.set(norm(row.Email), row.Id);
  }
  const missing = [...members.entries()].filter(([email]) => !idByEmail.has(email));
  if (missing.length > 0 && !dryRun) {
    const results: WriteResult[] = await createRecords(
      connection,
      'Contact',
      missing.map(([email, { member, referralId }]) => ({
        FirstName: member.firstName ?? null,
        LastName: member.lastName ?? email.split('@')[0],
        Email: member.email,
        Phone: member.phoneNumber ?? null,
        AccountId: accountByReferral.get(referralId) ?? null,
      }))
    );
    results.forEach((result, index) => {
      if (result.success) idByEmail.set(missing[index][0], result.id);
    });
  }
  const byReferral = new Map<string, string[]>();
  for (const referral of referrals) {
    const ids = (referral.customerProfile?.team ?? [])
      .map((member) => idByEmail.get(norm(member.email)))
      .filter((id): id is string => Boolean(id));
    if (ids.length > 0) byReferral.set(referral.id, [...new Set(ids)]);
  }
  return byReferral;
}

/** Opportunity Contact Roles for newly created Opportunities; the first contact is primary. */
export async function createContactRoles(
  connection: Connection,
  roles: Array<{ opportunityId: string; contactIds: string[] }>,
  role: string
): Promise<void> {
  const records = roles.flatMap(({ opportunityId, contactIds }) =>
    contactIds.map((contactId, index) => ({
      OpportunityId: opportunityId,
      ContactId: contactId,
      Role: role,
      IsPrimary: index === 0,
    }))
  );
  if (records.length > 0) await createRecords(connection, 'OpportunityContactRole', records);
}
