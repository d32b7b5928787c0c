/**
 * The org's settings that change what the sync does, read and reported, never changed: State and Country/Territory
 * Picklists, the active duplicate rules on Account and Contact, and Change Data Capture for Opportunity. An org that
 * does not answer a query (an emulator that does not model the object, or a user without View Setup and
 * Configuration) gets a warning that says so, never a guess.
 */
import { addressPicklists } from '../salesforce/addresses.js';
import { queryAll } from '../salesforce/records.js';
import { describeError, errorCodeOf, outcome } from './outcome.js';
import type { Check, CheckOutcome, DoctorContext } from './types.js';

/** The answer of an org (or an emulator) that does not serve the query at all. */
const NOT_SERVED = new Set(['INVALID_TYPE', 'EMULATOR_NOT_MODELLED', 'NOT_FOUND']);

async function addressPicklistsCheck(ctx: DoctorContext): Promise<CheckOutcome> {
  const account = await ctx.describe('Account');
  if (account && addressPicklists(account, 'Billing')) return outcome('info', 'picklistsOn');
  return outcome('info', 'picklistsOff');
}

type DuplicateRuleRow = { DeveloperName: string; SobjectType: string };

/**
 * DuplicateRule is queryable by users with View Setup and Configuration (Object Reference, "DuplicateRule"); its
 * IsActive and SobjectType are filterable.
 */
const DUPLICATE_RULES_SOQL =
  "SELECT DeveloperName, SobjectType FROM DuplicateRule WHERE SobjectType IN ('Account', 'Contact') AND IsActive = true";

async function duplicateRules(ctx: DoctorContext): Promise<CheckOutcome> {
  let rows: DuplicateRuleRow[];
  try {
    rows = await queryAll<DuplicateRuleRow>(ctx.connection, DUPLICATE_RULES_SOQL);
  } catch (error) {
    const key = NOT_SERVED.has(errorCodeOf(error) ?? '') ? 'duplicateRulesNotModelled' : 'duplicateRulesUnreadable';
    return outcome('warn', key, [describeError(error)], { key: 'duplicateRules' });
  }
  const choice = ctx.config.accounts.duplicates;
  if (rows.length === 0) return outcome('info', 'duplicateRulesNone', [choice]);
  const names = rows.map((row) => `${row.SobjectType}: ${row.DeveloperName}`).join(', ');
  return outcome('info', choice === 'link' ? 'duplicateRulesLink' : 'duplicateRulesSave', [names]);
}

type ChannelMemberRow = { DeveloperName: string };

/**
 * An object selected for Change Data Capture is a PlatformEventChannelMember whose SelectedEntity is its change
 * event (Tooling API, "PlatformEventChannelMember"; Change Data Capture Developer Guide, "Select Objects for Change
 * Notifications with Metadata API and Tooling API").
 */
const CHANGE_EVENTS_SOQL =
  "SELECT DeveloperName FROM PlatformEventChannelMember WHERE SelectedEntity = 'OpportunityChangeEvent'";

async function changeDataCapture(ctx: DoctorContext): Promise<CheckOutcome> {
  let rows: ChannelMemberRow[];
  try {
    rows = (await ctx.connection.tooling.query<ChannelMemberRow>(CHANGE_EVENTS_SOQL)).records;
  } catch (error) {
    const key = NOT_SERVED.has(errorCodeOf(error) ?? '') ? 'changeEventsNotModelled' : 'changeEventsUnreadable';
    return outcome('warn', key, [describeError(error)], { key: 'changeEvents' });
  }
  if (rows.length === 0) return outcome('warn', 'changeEventsOff', [], { key: 'changeEvents' });
  return outcome('pass', 'changeEventsOn', [rows.map((row) => row.DeveloperName).join(', ')]);
}

export const ORG_SETTINGS_CHECKS: readonly Check[] = [
  { id: 'sf-address-picklists', run: addressPicklistsCheck },
  { id: 'sf-duplicate-rules', run: duplicateRules },
  { id: 'sf-change-data-capture', run: changeDataCapture },
];
