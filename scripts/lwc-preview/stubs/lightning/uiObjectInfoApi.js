import { createAdapter } from '../store.js';

export const getObjectInfo = createAdapter((fixture) => ({ data: fixture.objectInfo }));

export const getPicklistValues = createAdapter((fixture, config) =>
  config.recordTypeId ? { data: fixture.picklistValues } : undefined
);
