/**
 * Patch bodies the hub accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902), strategic merge patch
 * for built-ins and the merge step of server-side apply. Pure functions over plain JSON values; errors are PatchError so the server can map them
 * to 422 (a failed `test`, a missing path), 400 (malformed body) or 413 (too many operations).
 *
 * Merges copy the target once and then change the copy in place, so their cost is linear in the size of
 * target and patch (copying at every level made a deep patch quadratic). Keys are own properties only: a
 * `__proto__` or `constructor` key in a body is data like any other.
 */
import { JSON_PATCH_MAX_COPY_BYTES, MAX_JSON_PATCH_OPERATIONS } from './limits';
import { fieldSchemaOf } from './field-schema';
import { merge as structuredMerge } from './structured-merge';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export class PatchError extends Error {
  constructor(message: string, readonly code: 400 | 409 | 413 | 422 = 422) {
    super(message);
  }
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const hasOwn = (o: JsonObject | Json[], key: string) => Object.prototype.hasOwnProperty.call(o, key);
const own = (o: JsonObject, key: string): Json | undefined => (hasOwn(o, key) ? o[key] : undefined);

/** Sets an own property; plain assignment of `__proto__` would change the object's prototype instead. */
function setOwn(o: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** RFC 7386: objects merge recursively, null deletes, anything else (arrays included) replaces. */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  return mergeInto(isObject(target) ? clone(target) : {}, patch);
}

/** Merge patch into `out`, a copy of ours that is changed in place. */
function mergeInto(out: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isObject(value)) {
      const current = own(out, key);
      setOwn(out, key, mergeInto(isObject(current) ? current : {}, value));
    } else setOwn(out, key, clone(value));
  }
  return out;
}

/**
 * Strategic merge patch for the built-in kinds the hub serves (ConfigMap, Secret, Namespace, Event,
 * Deployment metadata): their fields are maps or atomic values, so merge-patch semantics are exact for them;
 * `$patch`/`$retainKeys` directives are honoured only as "replace"/"delete" of the enclosing map.
 */
export function strategicMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  return strategicInto(isObject(target) ? clone(target) : {}, patch);
}

/** Strategic merge patch into `out` (a copy of ours, changed in place); null when the patch deletes the map. */
function strategicInto(out: JsonObject, patch: JsonObject): JsonObject | null {
  if (patch.$patch === 'delete') return null;
  if (patch.$patch === 'replace') {
    const rest = clone(patch);
    delete rest.$patch;
    return rest;
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) delete out[key];
    else if (isObject(value)) {
      const current = own(out, key);
      const merged = strategicInto(isObject(current) ? current : {}, value);
      if (merged === null) delete out[key];
      else setOwn(out, key, merged);
    } else setOwn(out, key, clone(value));
  }
  return out;
}

/** RFC 6901: "/a/b~1c" → ["a", "b/c"]. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer "${pointer}"`, 400);
  return pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

interface Op { op: string; path: string; from?: string; value?: Json }

function parent(doc: Json, tokens: string[], path: string): { container: Json[] | JsonObject; key: string } {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(t, cur.length - 1, path);
      cur = cur[i]!;
    } else if (isObject(cur) && hasOwn(cur, t)) cur = cur[t]!;
    else throw new PatchError(`doc is missing path: "${path}": missing value`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw new PatchError(`doc is missing path: "${path}": missing value`);
  return { container: cur, key: tokens[tokens.length - 1]! };
}

function arrayIndex(token: string, max: number, path: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new PatchError(`invalid array index "${token}" in "${path}"`);
  const i = Number(token);
  if (i > max) throw new PatchError(`unable to access invalid index: ${i} in "${path}"`);
  return i;
}

function get(doc: Json, path: string): Json {
  let cur: Json = doc;
  for (const t of parsePointer(path)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length - 1, path)]!;
    else if (isObject(cur) && hasOwn(cur, t)) cur = cur[t]!;
    else throw new PatchError(`doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function remove(doc: Json, path: string): { doc: Json; removed: Json } {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw new PatchError('cannot remove the whole document');
  const { container, key } = parent(doc, tokens, path);
  if (Array.isArray(container)) {
    const i = arrayIndex(key, container.length - 1, path);
    return { doc, removed: container.splice(i, 1)[0]! };
  }
  if (!hasOwn(container, key)) throw new PatchError(`doc is missing path: "${path}": missing value`);
  const removed = container[key]!;
  delete container[key];
  return { doc, removed };
}

function add(doc: Json, path: string, value: Json, replace: boolean): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return clone(value);
  const { container, key } = parent(doc, tokens, path);
  if (Array.isArray(container)) {
    if (replace) container[arrayIndex(key, container.length - 1, path)] = clone(value);
    else if (key === '-') container.push(clone(value));
    else container.splice(arrayIndex(key, container.length, path), 0, clone(value));
  } else {
    if (replace && !hasOwn(container, key)) throw new PatchError(`doc is missing key: ${path}: missing value`);
    setOwn(container, key, clone(value));
  }
  return doc;
}

function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

export { deepEqual };

/**
 * RFC 6902, applied atomically: on any failure the original document is untouched. At most
 * MAX_JSON_PATCH_OPERATIONS operations, whose `copy`s add at most JSON_PATCH_MAX_COPY_BYTES, as kube-apiserver.
 */
export function jsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new PatchError('json patch must be an array of operations', 400);
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) throw new PatchError(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`, 413);
  let copied = 0;
  let doc = clone(target);
  for (const raw of ops as Op[]) {
    if (!isObject(raw as unknown) || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw new PatchError('json patch operation needs "op" and "path"', 400);
    const needsValue = raw.op === 'add' || raw.op === 'replace' || raw.op === 'test';
    if (needsValue && !('value' in raw)) throw new PatchError(`missing value for "${raw.op}" at ${raw.path}`, 400);
    switch (raw.op) {
      case 'add': doc = add(doc, raw.path, raw.value!, false); break;
      case 'replace': doc = add(doc, raw.path, raw.value!, true); break;
      case 'remove': doc = remove(doc, raw.path).doc; break;
      case 'move': {
        if (typeof raw.from !== 'string') throw new PatchError('move needs "from"', 400);
        const { removed } = remove(doc, raw.from);
        doc = add(doc, raw.path, removed, false);
        break;
      }
      case 'copy': {
        if (typeof raw.from !== 'string') throw new PatchError('copy needs "from"', 400);
        const value = get(doc, raw.from);
        // json-patch's AccumulatedCopySizeLimit, with its wording: copies of copies would double a value each time.
        copied += Buffer.byteLength(JSON.stringify(value));
        if (copied > JSON_PATCH_MAX_COPY_BYTES) throw new PatchError(`Unable to complete the copy, the accumulated size increase of copy is ${copied}, exceeding the limit ${JSON_PATCH_MAX_COPY_BYTES}`);
        doc = add(doc, raw.path, value, false);
        break;
      }
      case 'test':
        if (!deepEqual(get(doc, raw.path), raw.value)) throw new PatchError(`testing value ${raw.path} failed: test failed`);
        break;
      default: throw new PatchError(`Unexpected kind: ${raw.op}`, 400);
    }
  }
  return doc;
}

/**
 * The merge step of server-side apply (structured-merge-diff typed/merge.go): the applied configuration merged
 * into the live object, maps key by key, lists replaced unless `kind`'s schema makes them granular. What the
 * apply owns, removes and conflicts with is managed-fields.ts applyConfiguration.
 */
export function applyPatch(live: Json | undefined, applied: Json, kind = ''): Json {
  if (!isObject(applied)) return clone(applied);
  return clone(structuredMerge(isObject(live) ? live : {}, applied, fieldSchemaOf(kind)));
}
