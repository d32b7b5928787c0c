// DOM helpers the LWC jest tests share.

/** Flushes pending promises and the re-render they cause. */
export function flushPromises() {
    return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Mounts a component with its public properties set. */
export function mount(createElement, tag, is, props = {}) {
    const element = createElement(tag, { is });
    Object.assign(element, props);
    document.body.appendChild(element);
    return element;
}

export const $ = (element, selector) => element.shadowRoot.querySelector(selector);
export const $$ = (element, selector) => Array.from(element.shadowRoot.querySelectorAll(selector));
export const byId = (element, id) => $(element, `[data-id="${id}"]`);

export async function click(target) {
    target.dispatchEvent(new CustomEvent('click'));
    await flushPromises();
}

/** A base component's change event, as lightning-input and lightning-combobox raise it. */
export async function change(target, detail) {
    target.dispatchEvent(new CustomEvent('change', { detail }));
    await flushPromises();
}

/** A jest.fn() that receives the component's `name` events. */
export function listen(element, name) {
    const handler = jest.fn();
    element.addEventListener(name, handler);
    return handler;
}
