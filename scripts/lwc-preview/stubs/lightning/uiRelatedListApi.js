import { createAdapter } from '../store.js';

export const getRelatedListRecords = createAdapter((fixture, config) => {
  const list = fixture.relatedLists[config.relatedListId];
  if (!list) return undefined;
  return list.error ? { error: list.error } : { data: list };
});
