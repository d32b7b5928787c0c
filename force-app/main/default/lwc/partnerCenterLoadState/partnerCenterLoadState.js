import { LightningElement, api } from 'lwc';

/**
 * What a Partner Center panel shows before its record is there: a spinner while it loads, or why it could not be
 * loaded. The Opportunity panel and the Lead panel both show it in place of their body.
 */
export default class PartnerCenterLoadState extends LightningElement {
    /** Why the record could not be loaded, in any shape reduceErrors understands; none while it loads. */
    @api error;
}
