// The Lead fields the Lead panel reads. The referral fields have the Opportunity's API names (SPEC: "the same API
// names as on Opportunity where they mean the same"); IsConverted and ConvertedOpportunityId are standard on Lead.
import IS_CONVERTED_FIELD from '@salesforce/schema/Lead.IsConverted';
import CONVERTED_OPPORTUNITY_ID_FIELD from '@salesforce/schema/Lead.ConvertedOpportunityId';
import CONVERTED_OPPORTUNITY_NAME_FIELD from '@salesforce/schema/Lead.ConvertedOpportunity.Name';
import REFERRAL_ID_FIELD from '@salesforce/schema/Lead.Referral_Identifier__c';
import REFERRAL_LINK_FIELD from '@salesforce/schema/Lead.Referral_Link__c';
import PC_STATUS_FIELD from '@salesforce/schema/Lead.Partner_Center_Status__c';
import PC_SUBSTATUS_FIELD from '@salesforce/schema/Lead.Partner_Center_Substatus__c';
import SYNC_STATE_FIELD from '@salesforce/schema/Lead.Partner_Center_Sync_State__c';
import SYNC_ERROR_FIELD from '@salesforce/schema/Lead.Partner_Center_Sync_Error__c';
import LAST_SYNCED_FIELD from '@salesforce/schema/Lead.Partner_Center_Last_Synced__c';

/** The fields by what they are, for getFieldValue. */
export const FIELDS = {
    isConverted: IS_CONVERTED_FIELD,
    convertedOpportunityId: CONVERTED_OPPORTUNITY_ID_FIELD,
    convertedOpportunityName: CONVERTED_OPPORTUNITY_NAME_FIELD,
    referralId: REFERRAL_ID_FIELD,
    referralLink: REFERRAL_LINK_FIELD,
    pcStatus: PC_STATUS_FIELD,
    pcSubstatus: PC_SUBSTATUS_FIELD,
    syncState: SYNC_STATE_FIELD,
    syncError: SYNC_ERROR_FIELD,
    lastSynced: LAST_SYNCED_FIELD
};

export const RECORD_FIELDS = [
    IS_CONVERTED_FIELD,
    CONVERTED_OPPORTUNITY_ID_FIELD,
    REFERRAL_ID_FIELD,
    REFERRAL_LINK_FIELD,
    PC_STATUS_FIELD,
    PC_SUBSTATUS_FIELD,
    SYNC_STATE_FIELD,
    SYNC_ERROR_FIELD,
    LAST_SYNCED_FIELD
];

// Optional: the Lead still loads for a rep who cannot read the Opportunity it was converted into.
export const OPTIONAL_RECORD_FIELDS = [CONVERTED_OPPORTUNITY_NAME_FIELD];
