/** The Lead fields the sync itself writes: SPEC gives them the Opportunity's API names where they mean the same. */
import { OPP } from '../../salesforce/fields.js';

export const LEAD = {
  object: 'Lead',
  referralId: OPP.referralId,
  link: OPP.link,
  status: OPP.status,
  substatus: OPP.substatus,
  state: OPP.state,
  error: OPP.error,
  lastSynced: OPP.lastSynced,
  eTag: OPP.eTag,
  snapshot: OPP.snapshot,
  audit: OPP.audit,
} as const;

/** The sync's own Lead fields, which force-app deploys. */
export const LEAD_SYNC_FIELDS: readonly string[] = Object.entries(LEAD)
  .filter(([key]) => key !== 'object')
  .map(([, name]) => name);
