import { LightningElement, api } from 'lwc';
import {
    isSolutionId,
    joinSolutionIds,
    normalizeSolutionId,
    parseSolutionsText,
    parseTypedSolutions,
    solutionIdProblem
} from 'c/pcsyncReadiness';

/**
 * The rep's side of sharing with Microsoft: the Sync with Partner Center toggle, "How can Microsoft help?" and the
 * solution ids as pills. Keeps the unsaved edits; raises `draftchange` (detail: { microsoftHelp, solutions }, each
 * undefined when unedited) so the readiness checklist follows them, and `save` (detail: { changes }) for the container
 * to write. The container calls reset() once the save succeeded. Slot "readiness" sits above Save.
 */
export default class PartnerCenterSharingForm extends LightningElement {
    /** Sync_With_Partner_Center__c, How_Can_Microsoft_Help__c and Partner_Center_Solutions__c as saved. */
    @api syncWithPartnerCenter = false;
    @api microsoftHelp;
    @api solutions;
    /** The picklist values of How_Can_Microsoft_Help__c ({ label, value }), and whether they failed to load. */
    @api helpValues = [];
    @api helpValuesUnavailable = false;
    @api canEditSync = false;
    @api canEditHelp = false;
    @api canEditSolutions = false;
    /** The rep's permissions are known and allow none of it: says so. */
    @api readOnly = false;
    /** Length of Partner_Center_Solutions__c. */
    @api solutionsMaxLength;
    /** A save is under way. */
    @api saving = false;

    draftSync;
    draftHelp;
    draftSolutions;
    solutionInput = '';
    solutionError;

    /** Drops the unsaved edits. */
    @api
    reset() {
        this.draftSync = undefined;
        this.draftHelp = undefined;
        this.draftSolutions = undefined;
        this.solutionInput = '';
        this.solutionError = undefined;
        this.notifyDraft();
    }

    @api
    focusSolutionInput() {
        const input = this.template.querySelector('[data-id="solution-input"]');
        if (input) {
            input.focus();
        }
    }

    get syncChecked() {
        return this.draftSync !== undefined ? this.draftSync : this.syncWithPartnerCenter === true;
    }

    get savedHelp() {
        return this.microsoftHelp || '';
    }

    get helpValue() {
        return this.draftHelp !== undefined ? this.draftHelp : this.savedHelp;
    }

    get helpOptions() {
        return [
            { label: '--None--', value: '' },
            ...(this.helpValues || []).map(({ label, value }) => ({ label, value }))
        ];
    }

    get helpPlaceholder() {
        return this.helpValuesUnavailable ? 'Values could not be loaded' : 'Select how Microsoft can help';
    }

    get syncDisabled() {
        return !this.canEditSync || this.saving;
    }

    get helpDisabled() {
        return !this.canEditHelp || this.saving;
    }

    get canEditAny() {
        return this.canEditSync || this.canEditHelp || this.canEditSolutions;
    }

    get savedSolutions() {
        return parseSolutionsText(this.solutions);
    }

    get currentSolutions() {
        return this.draftSolutions !== undefined ? this.draftSolutions : this.savedSolutions;
    }

    get solutionPills() {
        return this.currentSolutions.map((id) => ({
            id,
            hasError: !isSolutionId(id),
            title: solutionIdProblem(id) || id
        }));
    }

    get hasSolutions() {
        return this.currentSolutions.length > 0;
    }

    get invalidSolutions() {
        return this.currentSolutions.filter((id) => !isSolutionId(id));
    }

    get invalidSolutionsMessage() {
        const bad = this.invalidSolutions;
        return bad.length
            ? `Not a Partner Center solution id: ${bad.join(', ')}. Ids look like SOL-34104-EBB; remove and re-enter.`
            : undefined;
    }

    /** What differs from the record: { syncWithPartnerCenter?, microsoftHelp?, solutions? }; undefined when nothing. */
    get changes() {
        const changes = {};
        if (this.draftSync !== undefined && this.draftSync !== (this.syncWithPartnerCenter === true)) {
            changes.syncWithPartnerCenter = this.draftSync;
        }
        if (this.draftHelp !== undefined && this.draftHelp !== this.savedHelp) {
            changes.microsoftHelp = this.draftHelp || null;
        }
        if (this.draftSolutions !== undefined) {
            const joined = joinSolutionIds(this.draftSolutions);
            if (joined !== joinSolutionIds(this.savedSolutions)) {
                changes.solutions = joined || null;
            }
        }
        return Object.keys(changes).length ? changes : undefined;
    }

    get saveDisabled() {
        return !this.changes || this.saving || this.invalidSolutions.length > 0;
    }

    get cancelDisabled() {
        return !this.changes || this.saving;
    }

    notifyDraft() {
        const solutions = this.draftSolutions !== undefined ? joinSolutionIds(this.draftSolutions) : undefined;
        this.dispatchEvent(new CustomEvent('draftchange', { detail: { microsoftHelp: this.draftHelp, solutions } }));
    }

    handleSyncToggle(event) {
        this.draftSync = event.detail.checked;
    }

    handleHelpChange(event) {
        this.draftHelp = event.detail.value;
        this.notifyDraft();
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

    /** Adds what the rep typed (one id, or several separated by ; , or line breaks), refusing malformed ids. */
    addSolutions() {
        const typed = parseTypedSolutions(this.solutionInput);
        if (!typed.length) {
            this.solutionError = solutionIdProblem('');
            return;
        }
        const current = [...this.currentSolutions];
        const problems = [];
        typed.map(normalizeSolutionId).forEach((id) => {
            const problem = solutionIdProblem(id);
            if (problem) {
                problems.push(problem);
            } else if (!current.includes(id)) {
                current.push(id);
            }
        });
        if (joinSolutionIds(current).length > this.solutionsMaxLength) {
            const max = this.solutionsMaxLength;
            this.solutionError = `Too many solution ids: the Products field holds ${max} characters.`;
            return;
        }
        this.draftSolutions = current;
        this.notifyDraft();
        // keep what the rep typed when something was refused, so the typo can be fixed in place
        this.solutionError = problems.length ? [...new Set(problems)].join(' ') : undefined;
        if (!problems.length) {
            this.solutionInput = '';
        }
    }

    handleRemoveSolution(event) {
        const id = event.target.name;
        this.draftSolutions = this.currentSolutions.filter((s) => s !== id);
        this.notifyDraft();
    }

    handleCancel() {
        this.reset();
    }

    handleSave() {
        const changes = this.changes;
        if (changes) {
            this.dispatchEvent(new CustomEvent('save', { detail: { changes } }));
        }
    }
}
