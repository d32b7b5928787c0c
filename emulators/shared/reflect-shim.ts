/**
 * The three Reflect metadata functions tsyringe (under @peculiar/x509) checks for, so the emulators need no
 * reflect-metadata dependency. pki.ts imports it before @peculiar/x509.
 */
type MetadataReflect = typeof Reflect & {
  defineMetadata?: (key: unknown, value: unknown, target: object) => void;
  getOwnMetadata?: (key: unknown, target: object) => unknown;
  getMetadata?: (key: unknown, target: object) => unknown;
};

const reflect = Reflect as MetadataReflect;
if (!reflect.getMetadata) {
  const store = new WeakMap<object, Map<unknown, unknown>>();
  reflect.defineMetadata = (key, value, target): void => {
    let map = store.get(target);
    if (!map) store.set(target, (map = new Map()));
    map.set(key, value);
  };
  reflect.getOwnMetadata = (key, target): unknown => store.get(target)?.get(key);
  reflect.getMetadata = (key, target): unknown => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t) as object | null) {
      const map = store.get(t);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  };
}

export {};
