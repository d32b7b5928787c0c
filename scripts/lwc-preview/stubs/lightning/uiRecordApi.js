import { createAdapter, writeRecord, notifyAll } from '../store.js';

export const getRecord = createAdapter((fixture) =>
  fixture.recordError ? { error: fixture.recordError } : { data: fixture.record }
);

export function updateRecord({ fields }) {
  return writeRecord(fields).then((record) => {
    notifyAll();
    return record;
  });
}

export function notifyRecordUpdateAvailable() {
  return notifyAll();
}

function fieldPath(field) {
  const name = typeof field === 'string' ? field.slice(field.indexOf('.') + 1) : field.fieldApiName;
  return name.split('.');
}

/** Same contract as LDS: follows relationship fields; undefined when a field is missing. */
export function getFieldValue(record, field) {
  let current = record;
  for (const name of fieldPath(field)) {
    if (!current || !current.fields || current.fields[name] === undefined) return undefined;
    current = current.fields[name].value;
  }
  return current;
}

export function getFieldDisplayValue(record, field) {
  const names = fieldPath(field);
  const last = names.pop();
  let current = record;
  for (const name of names) {
    if (!current || !current.fields || !current.fields[name]) return undefined;
    current = current.fields[name].value;
  }
  return current && current.fields && current.fields[last] ? current.fields[last].displayValue : undefined;
}
