// In-page stand-in for Lightning Data Service: the fixture of the current preview state, the wired adapter
// instances, and updateRecord writes that re-emit to them (so the panel re-renders as it would in an org).
import { fixtureFor } from '../src/fixtures.js';

const state = new URLSearchParams(globalThis.location.search).get('state') || 'not-synced';
const fixture = fixtureFor(state);
const instances = new Set();
export const writes = [];

export function currentState() {
  return state;
}

/** A class-based wire adapter whose value comes from `select(fixture, config)`: `{ data }` or `{ error }`. */
export function createAdapter(select) {
  return class PreviewWireAdapter {
    constructor(dataCallback) {
      this.dataCallback = dataCallback;
      this.config = undefined;
    }
    update(config) {
      this.config = config;
      this.emit();
    }
    emit() {
      const value = select(fixture, this.config || {});
      if (value) this.dataCallback({ data: value.data, error: value.error });
    }
    connect() {
      instances.add(this);
    }
    disconnect() {
      instances.delete(this);
    }
  };
}

export function writeRecord(fields) {
  writes.push(fields);
  globalThis.__previewWrites = writes;
  if (fixture.updateError) return Promise.reject(fixture.updateError);
  const record = fixture.record;
  Object.entries(fields).forEach(([name, value]) => {
    if (name !== 'Id') record.fields[name] = { displayValue: null, value };
  });
  // a fresh object, as LDS hands out new immutable snapshots
  fixture.record = JSON.parse(JSON.stringify(record));
  return Promise.resolve({ ...fixture.record });
}

export function notifyAll() {
  instances.forEach((instance) => instance.emit());
  return Promise.resolve();
}
