/**
 * Reduces one or more LDS, UI API, fetch or JavaScript errors to a list of readable messages.
 * Every error shape the panel can meet ends up as plain strings a rep can read:
 * - UI API / LDS wire and imperative errors: `{ body: { message } }`, `{ body: [{ message }] }`
 * - record save errors: `{ body: { output: { errors: [{ message }], fieldErrors: { F: [{ message }] } } } }`
 * - page-level errors: `{ body: { pageErrors: [{ message }] } }`
 * - JavaScript errors (`Error`) and network errors (`{ statusText }`)
 * @param {FetchResponse|FetchResponse[]|Error|string} errors
 * @return {String[]} messages, without duplicates
 */
export function reduceErrors(errors) {
    const list = Array.isArray(errors) ? errors : [errors];
    const messages = list
        .filter((error) => !!error)
        .flatMap((error) => messagesOf(error))
        .filter((message) => typeof message === 'string' && message.trim() !== '')
        .map((message) => message.trim());
    return [...new Set(messages)];
}

function messagesOf(error) {
    if (typeof error === 'string') {
        return [error];
    }
    const body = error.body;
    if (Array.isArray(body)) {
        return body.map((e) => e && e.message);
    }
    if (body && typeof body === 'object') {
        const out = [];
        const output = body.output;
        if (output) {
            (output.errors || []).forEach((e) => out.push(e.message));
            Object.values(output.fieldErrors || {}).forEach((fieldErrors) =>
                fieldErrors.forEach((e) => out.push(e.message))
            );
        }
        (body.pageErrors || []).forEach((e) => out.push(e.message));
        Object.values(body.fieldErrors || {}).forEach((fieldErrors) => fieldErrors.forEach((e) => out.push(e.message)));
        if (out.filter(Boolean).length) {
            return out;
        }
        if (typeof body.message === 'string') {
            return [body.message];
        }
    }
    if (typeof body === 'string' && body) {
        return [body];
    }
    if (typeof error.message === 'string' && error.message) {
        return [error.message];
    }
    if (typeof error.statusText === 'string' && error.statusText) {
        return [error.statusText];
    }
    return [];
}
