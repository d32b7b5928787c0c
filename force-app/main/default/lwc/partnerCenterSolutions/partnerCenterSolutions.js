import { LightningElement, api } from 'lwc';
import {
    isSolutionId,
    joinSolutionIds,
    normalizeSolutionId,
    parseTypedSolutions,
    solutionIdProblem
} from 'c/pcsyncReadiness';

/**
 * The solution ids of Partner_Center_Solutions__c as pills: malformed ones flagged, new ones typed (one, or several
 * separated by ; , or line breaks) and checked before they are added. Raises `solutionschange` (detail: { solutions },
 * the list of ids); the sharing form keeps the draft and calls reset() when it drops it.
 */
export default class PartnerCenterSolutions extends LightningElement {
    /** The ids shown (the form's draft, else the saved ones). */
    @api solutions = [];
    @api canEdit = false;
    /** Length of Partner_Center_Solutions__c. */
    @api maxLength;
    /** A save is under way. */
    @api saving = false;

    solutionInput = '';
    solutionError;

    /** Clears what the rep was typing. */
    @api
    reset() {
        this.solutionInput = '';
        this.solutionError = undefined;
    }

    @api
    focusInput() {
        const input = this.template.querySelector('[data-id="solution-input"]');
        if (input) {
            input.focus();
        }
    }

    get ids() {
        return this.solutions || [];
    }

    get pills() {
        return this.ids.map((id) => ({ id, hasError: !isSolutionId(id), title: solutionIdProblem(id) || id }));
    }

    get hasSolutions() {
        return this.ids.length > 0;
    }

    get invalidSolutionsMessage() {
        const bad = this.ids.filter((id) => !isSolutionId(id));
        return bad.length
            ? `Not a Partner Center solution id: ${bad.join(', ')}. Ids look like SOL-34104-EBB; remove and re-enter.`
            : undefined;
    }

    change(solutions) {
        this.dispatchEvent(new CustomEvent('solutionschange', { detail: { solutions } }));
    }

    handleSolutionInput(event) {
        this.solutionInput = event.detail.value;
        this.solutionError = undefined;
    }

    handleSolutionKeyUp(event) {
        if (event.key === 'Enter') {
            this.addSolutions();
        }
    }

    /** Adds what the rep typed, refusing malformed ids and more than the field holds. */
    addSolutions() {
        const typed = parseTypedSolutions(this.solutionInput);
        if (!typed.length) {
            this.solutionError = solutionIdProblem('');
            return;
        }
        const current = [...this.ids];
        const problems = [];
        typed.map(normalizeSolutionId).forEach((id) => {
            const problem = solutionIdProblem(id);
            if (problem) {
                problems.push(problem);
            } else if (!current.includes(id)) {
                current.push(id);
            }
        });
        if (joinSolutionIds(current).length > this.maxLength) {
            this.solutionError = `Too many solution ids: the Products field holds ${this.maxLength} characters.`;
            return;
        }
        if (current.length > this.ids.length) {
            this.change(current);
        }
        // keep what the rep typed when something was refused, so the typo can be fixed in place
        this.solutionError = problems.length ? [...new Set(problems)].join(' ') : undefined;
        if (!problems.length) {
            this.solutionInput = '';
        }
    }

    handleRemoveSolution(event) {
        const id = event.target.name;
        this.change(this.ids.filter((s) => s !== id));
    }
}
