/**
 * Converting the Lead of an accepted lead referral into exactly one Opportunity, through the Partner SOAP API's
 * convertLead() (the REST API has none), into the Account and Contact the customer rules matched or created.
 *
 * Safe to repeat and to overlap: convertLead() is atomic in the org (the Lead, Account, Contact and Opportunity
 * are saved together or not at all), a converted Lead is found by `IsConverted` before converting again, and a
 * conversion that loses a race to another run answers CANNOT_UPDATE_CONVERTED_LEAD, which is read back as done.
 * When an Opportunity already carries the referral id (synced as an Opportunity before), the Lead is converted
 * without a second one.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { LeadSettings } from '../../config/leads.js';
import type { Referral } from '../../partner-center/referral-types.js';
import { queryAll, soqlString } from '../../salesforce/records.js';
import { OPP } from '../../salesforce/fields.js';
import { readLeads } from './inbound.js';

/** The Account (and Contact of that Account) a referral's customer matched or was created as. */
export type CustomerIds = { accountId?: string; contactId?: string };

export type ConversionOutcome = {
  referralId: string;
  leadId?: string;
  opportunityId?: string;
  outcome: 'converted' | 'unchanged' | 'error';
  message?: string;
};

type LeadConvertResult = {
  success: boolean;
  leadId: string | null;
  accountId: string | null;
  contactId: string | null;
  opportunityId: string | null;
  errors: Array<{ statusCode: string; message: string }> | { statusCode: string; message: string } | null;
};

const CONVERTED_ALREADY = 'CANNOT_UPDATE_CONVERTED_LEAD';

export async function convertLead(
  connection: Connection,
  leads: LeadSettings,
  referral: Referral,
  customer: (referral: Referral) => Promise<CustomerIds>
): Promise<ConversionOutcome> {
  const lead = (await readLeads(connection, [referral.id])).get(referral.id);
  if (!lead) return { referralId: referral.id, outcome: 'error', message: 'no Lead carries this referral' };
  if (lead.IsConverted) return done(referral.id, lead.Id, lead.ConvertedOpportunityId, 'unchanged');
  const existing = await queryAll<{ Id: string }>(
    connection,
    `SELECT Id FROM Opportunity WHERE ${OPP.referralId} = ${soqlString(referral.id)} LIMIT 1`
  );
  const { accountId, contactId } = await customer(referral);
  const request = {
    leadId: lead.Id,
    convertedStatus: leads.statuses.converted,
    ...(accountId ? { accountId } : {}),
    ...(accountId && contactId ? { contactId } : {}),
    doNotCreateOpportunity: existing.length > 0,
    ...(referral.name ? { opportunityName: referral.name } : {}),
  };
  const result = (await connection.soap.convertLead(request as never)) as unknown as LeadConvertResult;
  if (result.success) return done(referral.id, lead.Id, result.opportunityId ?? existing[0]?.Id ?? null, 'converted');
  const errors = Array.isArray(result.errors) ? result.errors : result.errors ? [result.errors] : [];
  if (errors.some((e) => e.statusCode === CONVERTED_ALREADY)) {
    // Another run converted it in the meantime: what it made is the answer.
    const now = (await readLeads(connection, [referral.id])).get(referral.id);
    return done(referral.id, lead.Id, now?.ConvertedOpportunityId ?? null, 'unchanged');
  }
  return {
    referralId: referral.id,
    leadId: lead.Id,
    outcome: 'error',
    message: errors.map((e) => `${e.statusCode}: ${e.message}`).join('; '),
  };
}

function done(
  referralId: string,
  leadId: string,
  opportunityId: string | null,
  outcome: 'converted' | 'unchanged'
): ConversionOutcome {
  return { referralId, leadId, outcome, ...(opportunityId ? { opportunityId } : {}) };
}
