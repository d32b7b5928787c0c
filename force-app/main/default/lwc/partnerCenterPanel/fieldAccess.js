// What the running user may do with the panel's fields, from getObjectInfo (it reflects the rep's profile and
// permission sets), and the lengths of the text fields the panel writes.
import { FIELDS } from './opportunityFields';

/**
 * @param {Object} [info] getObjectInfo's data; none yet allows nothing and claims nothing
 * @return {{ sync, dealType, help, solutions, nothing, resync, answer }} each a boolean
 */
export function editableFields(info) {
    const can = (field) => {
        const fieldInfo = info && info.updateable !== false && info.fields && info.fields[field.fieldApiName];
        return !!(fieldInfo && fieldInfo.updateable);
    };
    const sharing = {
        sync: can(FIELDS.syncWith),
        dealType: can(FIELDS.dealType),
        help: can(FIELDS.help),
        solutions: can(FIELDS.solutions)
    };
    return {
        ...sharing,
        nothing: !!info && !Object.values(sharing).some(Boolean),
        resync: can(FIELDS.resync),
        answer: can(FIELDS.stage) && can(FIELDS.declineReason)
    };
}

/** Text field lengths from getObjectInfo's data. */
export function fieldLengths(info) {
    const fields = (info && info.fields) || {};
    const length = (field) => (fields[field.fieldApiName] || {}).length;
    return { solutions: length(FIELDS.solutions), declineReason: length(FIELDS.declineReason) };
}
