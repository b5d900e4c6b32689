/**
 * Deep freezing of stored objects (store.ts `Store.freezeObjects`): a frozen subtree is an already committed
 * one, shared with an older version, so the walk stops there and costs only what a write added.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) for (const v of value) deepFreeze(v);
  else for (const k of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[k]);
  return value;
}
