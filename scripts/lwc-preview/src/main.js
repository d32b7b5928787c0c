/* global document */
// Mounts c-partner-center-panel, or c-partner-center-lead-panel for a lead-… state, for one preview state
// (?state=NAME), or lists the states.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import PartnerCenterPanel from 'c/partnerCenterPanel';
import PartnerCenterLeadPanel from 'c/partnerCenterLeadPanel';
import { RECORD_ID, STATE_NAMES, isLeadState } from './fixtures.js';
import { LEAD_RECORD_ID } from './leadFixtures.js';
import { currentState } from '../stubs/store.js';

const params = new URLSearchParams(globalThis.location.search);
const app = document.getElementById('app');

function showToast({ detail }) {
  const region = document.getElementById('toasts');
  const variant = detail.variant || 'info';
  region.innerHTML = '';
  const toast = document.createElement('div');
  toast.className = `slds-notify slds-notify_toast slds-theme_${variant}`;
  toast.setAttribute('role', 'status');
  const body = document.createElement('div');
  body.className = 'slds-notify__content';
  const title = document.createElement('h2');
  title.className = 'slds-text-heading_small';
  title.textContent = detail.title || '';
  const message = document.createElement('p');
  message.textContent = detail.message || '';
  body.append(title, message);
  toast.append(body);
  region.append(toast);
}

if (params.has('state')) {
  const state = currentState();
  document.title = `Partner Center panel: ${state}`;
  const lead = isLeadState(state);
  const element = lead
    ? createElement('c-partner-center-lead-panel', { is: PartnerCenterLeadPanel })
    : createElement('c-partner-center-panel', { is: PartnerCenterPanel });
  element.recordId = lead ? LEAD_RECORD_ID : RECORD_ID;
  element.objectApiName = lead ? 'Lead' : 'Opportunity';
  document.addEventListener('lightning__showtoast', showToast);
  app.setAttribute('data-state', state);
  app.append(element);
} else {
  const list = document.createElement('ul');
  list.className = 'slds-list_dotted';
  STATE_NAMES.forEach((name) => {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = `?state=${name}`;
    link.textContent = name;
    item.append(link);
    list.append(item);
  });
  app.append(list);
}
