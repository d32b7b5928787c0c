/**
 * The Lead statuses of a new org (Setup ▸ Lead Status; SOAP API Developer Guide, "LeadStatus"): the Lead `Status`
 * picklist and the LeadStatus rows both come from this list. Only a status marked Converted may be a
 * `convertedStatus` of convertLead() — the picklist alone does not say which.
 */
export type LeadStatusDef = { label: string; converted: boolean; isDefault: boolean };

export const LEAD_STATUSES: readonly LeadStatusDef[] = [
  { label: 'Open - Not Contacted', converted: false, isDefault: true },
  { label: 'Working - Contacted', converted: false, isDefault: false },
  { label: 'Closed - Converted', converted: true, isDefault: false },
  { label: 'Closed - Not Converted', converted: false, isDefault: false },
];

export const DEFAULT_LEAD_STATUS = LEAD_STATUSES.find((s) => s.isDefault)?.label ?? LEAD_STATUSES[0].label;
