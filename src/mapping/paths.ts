/**
 * Reading and writing referral values by the dotted paths the mapping uses (`details.dealValue`,
 * `details.requirements.solutions[].id`). A `[]` segment plucks a field from each item of an array.
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at `path`, or undefined; a `[]` path gives the list of plucked values (empty when absent). */
export function getPath(source: unknown, path: string): Json | undefined {
  const arrayAt = path.indexOf('[]');
  if (arrayAt >= 0) {
    const list = getPath(source, path.slice(0, arrayAt));
    const rest = path.slice(arrayAt + 3);
    if (!Array.isArray(list)) return [];
    return list
      .map((item) => (rest ? getPath(item, rest) : item))
      .filter((value): value is Json => value !== undefined && value !== null);
  }
  let current: unknown = source;
  for (const key of path.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current as Json | undefined;
}

/** Sets `path` in `target`, creating objects on the way; a `[]` path writes a list of `{ field: value }` items. */
export function setPath(target: JsonObject, path: string, value: Json): void {
  const arrayAt = path.indexOf('[]');
  if (arrayAt >= 0) {
    const rest = path.slice(arrayAt + 3);
    const items = Array.isArray(value) ? value : [value];
    setPath(target, path.slice(0, arrayAt), rest ? items.map((item) => nest(rest, item)) : items);
    return;
  }
  const keys = path.split('.');
  let current = target;
  for (const key of keys.slice(0, -1)) {
    const next = current[key];
    if (!isObject(next)) current[key] = {};
    current = current[key] as JsonObject;
  }
  current[keys[keys.length - 1]] = value;
}

function nest(path: string, value: Json): JsonObject {
  const out: JsonObject = {};
  setPath(out, path, value);
  return out;
}

/**
 * The JSON Pointer (RFC 6901) of a dotted path's top-level object for a JSON Patch: `details.notes` → `/details/notes`.
 */
export function toJsonPointer(path: string): string {
  return (
    '/' +
    path
      .replace(/\[\].*$/, '')
      .split('.')
      .map((key) => key.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/')
  );
}
