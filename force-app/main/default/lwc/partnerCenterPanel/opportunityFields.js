// The Opportunity fields the panel reads and writes. Our own fields, and standard fields every org has, are schema
// imports, which the deploy checks. BillingCountryCode exists only in orgs with State and Country Picklists: a schema
// import of it fails the deploy anywhere else, so it is named by string as an optional field.
import ID_FIELD from '@salesforce/schema/Opportunity.Id';
import STAGE_FIELD from '@salesforce/schema/Opportunity.StageName';
import ACCOUNT_ID_FIELD from '@salesforce/schema/Opportunity.AccountId';
import ACCOUNT_NAME_FIELD from '@salesforce/schema/Opportunity.Account.Name';
import ACCOUNT_COUNTRY_FIELD from '@salesforce/schema/Opportunity.Account.BillingCountry';
import SYNC_FIELD from '@salesforce/schema/Opportunity.Sync_With_Partner_Center__c';
import REFERRAL_ID_FIELD from '@salesforce/schema/Opportunity.Referral_Identifier__c';
import REFERRAL_LINK_FIELD from '@salesforce/schema/Opportunity.Referral_Link__c';
import HELP_FIELD from '@salesforce/schema/Opportunity.How_Can_Microsoft_Help__c';
import SOLUTIONS_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Solutions__c';
import PC_STATUS_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Status__c';
import PC_SUBSTATUS_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Substatus__c';
import SYNC_STATE_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Sync_State__c';
import SYNC_ERROR_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Sync_Error__c';
import LAST_SYNCED_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Last_Synced__c';
import RESYNC_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Resync_Requested__c';
import DECLINE_REASON_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Decline_Reason__c';
import DEAL_TYPE_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Deal_Type__c';
import MS_STATUS_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Microsoft_Status__c';
import MS_SELLER_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Microsoft_Seller__c';
import MS_CRM_ID_FIELD from '@salesforce/schema/Opportunity.Partner_Center_Microsoft_CRM_Id__c';

const ACCOUNT_COUNTRY_CODE_FIELD = 'Opportunity.Account.BillingCountryCode';

/** The fields by what they are, for getFieldValue and for building updateRecord's `fields`. */
export const FIELDS = {
    id: ID_FIELD,
    stage: STAGE_FIELD,
    accountId: ACCOUNT_ID_FIELD,
    accountName: ACCOUNT_NAME_FIELD,
    accountCountry: ACCOUNT_COUNTRY_FIELD,
    accountCountryCode: ACCOUNT_COUNTRY_CODE_FIELD,
    syncWith: SYNC_FIELD,
    referralId: REFERRAL_ID_FIELD,
    referralLink: REFERRAL_LINK_FIELD,
    help: HELP_FIELD,
    solutions: SOLUTIONS_FIELD,
    pcStatus: PC_STATUS_FIELD,
    pcSubstatus: PC_SUBSTATUS_FIELD,
    syncState: SYNC_STATE_FIELD,
    syncError: SYNC_ERROR_FIELD,
    lastSynced: LAST_SYNCED_FIELD,
    resync: RESYNC_FIELD,
    declineReason: DECLINE_REASON_FIELD,
    dealType: DEAL_TYPE_FIELD,
    microsoftStatus: MS_STATUS_FIELD,
    microsoftSeller: MS_SELLER_FIELD,
    microsoftCrmId: MS_CRM_ID_FIELD
};

export const RECORD_FIELDS = [
    STAGE_FIELD,
    ACCOUNT_ID_FIELD,
    SYNC_FIELD,
    REFERRAL_ID_FIELD,
    REFERRAL_LINK_FIELD,
    HELP_FIELD,
    SOLUTIONS_FIELD,
    PC_STATUS_FIELD,
    PC_SUBSTATUS_FIELD,
    SYNC_STATE_FIELD,
    SYNC_ERROR_FIELD,
    LAST_SYNCED_FIELD,
    RESYNC_FIELD,
    DECLINE_REASON_FIELD,
    DEAL_TYPE_FIELD,
    MS_STATUS_FIELD,
    MS_SELLER_FIELD,
    MS_CRM_ID_FIELD
];

// Optional: the record still loads for a rep who cannot read the Account, or in an org without BillingCountryCode.
export const OPTIONAL_RECORD_FIELDS = [ACCOUNT_NAME_FIELD, ACCOUNT_COUNTRY_FIELD, ACCOUNT_COUNTRY_CODE_FIELD];
