import type { Resource } from './parse';

/**
 * Memoises a fact that depends on one resource only. Resource objects survive incremental parses while
 * their document's text is unchanged, so in an editor such facts are computed once, not per keystroke.
 */
export function perResource<T>(compute: (resource: Resource) => T): (resource: Resource) => T {
  const cache = new WeakMap<Resource, { value: T }>();
  return (resource) => {
    let hit = cache.get(resource);
    if (!hit) cache.set(resource, (hit = { value: compute(resource) }));
    return hit.value;
  };
}
