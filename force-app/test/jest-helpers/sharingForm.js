// Driving c-partner-center-sharing-form through its children (the deal type and the solution ids), as a rep would.
import { $, $$, byId, change, click, flushPromises } from './dom';

export const dealTypePicker = (form) => $(form, 'c-partner-center-deal-type');
export const solutionsEditor = (form) => $(form, 'c-partner-center-solutions');

/** The deal type radios: [{ value, checked, disabled }]. */
export const dealTypeOptions = (form) =>
    $$(dealTypePicker(form), '[data-id="deal-type-option"]').map(({ value, checked, disabled }) => ({
        value,
        checked,
        disabled
    }));

export async function chooseDealType(form, value) {
    const radio = $$(dealTypePicker(form), '[data-id="deal-type-option"]').find((r) => r.value === value);
    radio.checked = true;
    radio.dispatchEvent(new CustomEvent('change'));
    await flushPromises();
}

/** "How can Microsoft help?", shown for a co-sell; null otherwise. */
export const helpCombobox = (form) => byId(dealTypePicker(form), 'help');

export async function chooseHelp(form, value) {
    await change(helpCombobox(form), { value });
}

export const solutionPills = (form) => $$(solutionsEditor(form), '[data-id="solution-pill"]');

export async function addSolution(form, text) {
    await change(byId(solutionsEditor(form), 'solution-input'), { value: text });
    await click(byId(solutionsEditor(form), 'solution-add'));
}

export async function removeSolution(form, id) {
    solutionPills(form)
        .find((pill) => pill.label === id)
        .dispatchEvent(new CustomEvent('remove'));
    await flushPromises();
}
