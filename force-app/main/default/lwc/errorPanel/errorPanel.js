import { LightningElement, api } from 'lwc';
import { reduceErrors } from 'c/ldsUtils';

/**
 * Shows LDS / UI API errors as readable text: a friendly sentence, and the reduced messages underneath.
 */
export default class ErrorPanel extends LightningElement {
    /** What went wrong, in the rep's words. */
    @api friendlyMessage = 'Something went wrong.';
    /** One error or a list of errors, in any shape reduceErrors understands. */
    @api errors;

    get messages() {
        return reduceErrors(this.errors);
    }

    get hasMessages() {
        return this.messages.length > 0;
    }
}
