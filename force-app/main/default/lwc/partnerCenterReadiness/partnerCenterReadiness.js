import { LightningElement, api } from 'lwc';
import { isCoSell } from 'c/pcsyncDealType';
import { parseSolutionsText, readiness, toCountryCode } from 'c/pcsyncReadiness';

/**
 * What Partner Center requires before the first sync, as a checklist with a way to fix each item. The rules and the
 * words of each problem are the sync's (c/pcsyncReadiness), so the checklist and the sync never disagree.
 * Raises `editsolutions` when the rep asks to add a solution id, `edithelp` when the rep asks to say how Microsoft can
 * help.
 */
export default class PartnerCenterReadiness extends LightningElement {
    @api recordId;
    @api accountId;
    /**
     * What the rules look at: { accountName, billingCountry, billingCountryCode, solutionsText, dealType,
     * helpRequested, contactCount }, with the rep's unsaved edits.
     */
    @api input;
    /** The contact roles could not be read (they count as none). */
    @api contactRolesUnreadable = false;
    /** Whether the rep can add solution ids, and say how Microsoft can help, from here. */
    @api canEditSolutions = false;
    @api canEditHelp = false;

    get result() {
        return readiness(this.input || {});
    }

    problem(...codes) {
        const found = this.result.problems.find((p) => codes.includes(p.code));
        return found ? found.message : undefined;
    }

    get items() {
        const input = this.input || {};
        const items = [];
        const noAccount = this.problem('noAccount');
        if (noAccount) {
            items.push({
                key: 'account',
                problem: noAccount,
                fixLabel: 'Edit the opportunity',
                href: `/lightning/r/Opportunity/${this.recordId}/edit`
            });
        } else {
            const code = toCountryCode(input.billingCountryCode || input.billingCountry);
            items.push({
                key: 'country',
                problem: this.problem('noCountry', 'badCountry'),
                doneText: `The account’s country is one Partner Center knows (${code}).`,
                fixLabel: 'Edit the account',
                href: `/lightning/r/Account/${this.accountId}/view`
            });
        }
        items.push({
            key: 'solution',
            problem: this.problem('noSolution', 'badSolution'),
            doneText: `Partner Center solution ids: ${parseSolutionsText(input.solutionsText).length}.`,
            fixLabel: 'Add a solution id',
            editSolutions: true
        });
        if (isCoSell(input)) {
            items.push({
                key: 'help',
                problem: this.problem('noHelp'),
                doneText: 'How Microsoft can help is chosen, as a co-sell requires.',
                fixLabel: 'Say how Microsoft can help',
                editHelp: true
            });
            const noContact = this.problem('noContact');
            items.push({
                key: 'contact',
                problem:
                    noContact && this.contactRolesUnreadable
                        ? `Contact roles could not be read. ${noContact}`
                        : noContact,
                doneText: 'A customer contact role, which a co-sell needs.',
                fixLabel: 'Open contact roles',
                href: `/lightning/r/Opportunity/${this.recordId}/related/OpportunityContactRoles/view`
            });
        }
        return items.map((item) => this.decorate(item));
    }

    decorate(item) {
        const done = !item.problem;
        return {
            ...item,
            text: done ? item.doneText : item.problem,
            icon: done ? 'utility:success' : 'utility:warning',
            iconVariant: done ? 'success' : 'warning',
            iconText: done ? 'Done' : 'To do',
            showLink: !done && !!item.href,
            showEditSolutions: !done && !!item.editSolutions && this.canEditSolutions,
            showEditHelp: !done && !!item.editHelp && this.canEditHelp,
            className: `readiness-item slds-item slds-media slds-media_center slds-p-vertical_xx-small ${
                done ? 'done' : 'todo'
            }`
        };
    }

    get summary() {
        return this.result.ready
            ? 'Ready: Partner Center has what it needs for the first sync.'
            : 'Before the first sync, Partner Center requires:';
    }

    handleEditSolutions() {
        this.dispatchEvent(new CustomEvent('editsolutions'));
    }

    handleEditHelp() {
        this.dispatchEvent(new CustomEvent('edithelp'));
    }
}
