/**
 * The walks of server-side apply over plain JSON objects, after sigs.k8s.io/structured-merge-diff's typed
 * package: the field set of a value (typed/tofieldset.go), the comparison of two versions
 * (typed/compare.go: added, modified, removed), the merge of an applied configuration (typed/merge.go) and
 * the removal of a set of fields (typed/remove.go). What is a granular list or an atomic map comes from a
 * FieldSchema; everything else is the library's default (lists atomic, objects granular).
 */
import { comparePathElements, FieldSet, type FieldPath, type PathElement } from './field-set';
import type { FieldSchema, ListType } from './field-schema';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const childPath = (sp: string, key: string) => (sp ? `${sp}.${key}` : key);
/** Own properties only: a `__proto__` key is data (a ConfigMap key may be called that). */
const own = (o: JsonObject, key: string): Json | undefined => (Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined);
function setOwn(o: JsonObject, key: string, value: Json): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(own(a, k), own(b, k)));
  }
  return false;
}

/** JSON with object keys sorted, the form of a `k:` or `v:` element. */
function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(own(v, k)!)}`).join(',')}}`;
  return JSON.stringify(v);
}

export class SchemaError extends Error {}

/**
 * The element of a granular list's item (typed/helpers.go keyedAssociativeListItemToPathElement and
 * setItemToPathElement): its key fields, sorted by name, or its value.
 */
function itemElement(lt: ListType, item: Json, sp: string): PathElement {
  if (lt.type === 'map') {
    if (!isObject(item)) throw new SchemaError(`.${sp}: associative list with keys may not have non-map elements`);
    const key: JsonObject = {};
    for (const k of [...lt.keys].sort()) if (own(item, k) !== undefined) setOwn(key, k, own(item, k)!);
    if (!Object.keys(key).length) throw new SchemaError(`.${sp}: associative list with keys has an element that omits all key fields ${JSON.stringify(lt.keys)} (and doesn't have default values for any key fields)`);
    return `k:${canonical(key)}`;
  }
  if (isObject(item) || Array.isArray(item)) throw new SchemaError(`.${sp}: associative list without keys has an element that's a ${Array.isArray(item) ? 'list' : 'map'} type`);
  return `v:${JSON.stringify(item)}`;
}

/** The set of every field a value sets (typed/tofieldset.go): leaves, atomic lists and maps, and granular list items. */
export function toFieldSet(value: JsonObject, schema: FieldSchema): FieldSet {
  const set = new FieldSet();
  const walk = (v: Json, path: PathElement[], sp: string): void => {
    if (Array.isArray(v)) {
      const lt = schema.list(sp);
      if (lt.type === 'atomic') return set.insert(path);
      for (const item of v) {
        const pe = itemElement(lt, item, sp);
        set.insert([...path, pe]);
        if (lt.type === 'map') walk(item, [...path, pe], `${sp}[]`);
      }
    } else if (isObject(v)) {
      if (path.length && schema.atomicMap(sp)) return set.insert(path);
      for (const [k, c] of Object.entries(v)) walk(c, [...path, `f:${k}`], childPath(sp, k));
    } else set.insert(path);
  };
  walk(value, [], '');
  return set;
}

export interface Comparison { added: FieldSet; modified: FieldSet; removed: FieldSet }

/** A path as the walk goes down: each level points at the one above, made into an array only when inserted. */
type Trail = { pe: PathElement; up: Trail } | undefined;
function pathOf(t: Trail): PathElement[] {
  const out: PathElement[] = [];
  for (let x = t; x; x = x.up) out.push(x.pe);
  return out.reverse();
}

/** What changed from `lhs` to `rhs`, as typed/compare.go records it (a new map or list item is added itself, with its fields). */
export function compare(lhs: JsonObject, rhs: JsonObject, schema: FieldSchema): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const leaf = (l: Json | undefined, r: Json | undefined, path: Trail) => {
    if (l === undefined) c.added.insert(pathOf(path));
    else if (r === undefined) c.removed.insert(pathOf(path));
    else if (!deepEqual(l, r)) c.modified.insert(pathOf(path));
  };
  const walk = (l: Json | undefined, r: Json | undefined, path: Trail, sp: string): void => {
    // Objects never change in place here, so one reference on both sides is an unchanged subtree.
    if (l === r) return;
    const probe = r === undefined ? l : r;
    let isLeaf = true;
    if (Array.isArray(probe) && (l === undefined || Array.isArray(l)) && (r === undefined || Array.isArray(r))) {
      const lt = schema.list(sp);
      const ll = (l as Json[] | undefined) ?? [];
      const rl = (r as Json[] | undefined) ?? [];
      if (lt.type !== 'atomic' && (ll.length || rl.length)) {
        isLeaf = false;
        const index = (list: Json[]) => {
          const m = new Map<PathElement, Json[]>();
          for (const item of list) {
            const pe = itemElement(lt, item, sp);
            const same = m.get(pe);
            if (same) same.push(item);
            else m.set(pe, [item]);
          }
          return m;
        };
        const li = index(ll);
        const ri = index(rl);
        const item = (pe: PathElement, ls: Json[], rs: Json[]) => {
          // Duplicated keys compare as one atomic value (compare.go's duplicates cases).
          if (ls.length > 1 || rs.length > 1) leaf(ls.length ? ls : undefined, rs.length ? rs : undefined, { pe, up: path });
          else walk(ls[0], rs[0], { pe, up: path }, `${sp}[]`);
        };
        for (const [pe, ls] of li) item(pe, ls, ri.get(pe) ?? []);
        for (const [pe, rs] of ri) if (!li.has(pe)) item(pe, [], rs);
      }
    } else if (isObject(probe) && (l === undefined || isObject(l)) && (r === undefined || isObject(r))) {
      const lm = (l as JsonObject | undefined) ?? {};
      const rm = (r as JsonObject | undefined) ?? {};
      const lk = Object.keys(lm);
      const rk = Object.keys(rm);
      if (!(path && schema.atomicMap(sp)) && (lk.length || rk.length)) {
        isLeaf = false;
        for (const k of lk) walk(own(lm, k), own(rm, k), { pe: `f:${k}`, up: path }, childPath(sp, k));
        for (const k of rk) if (!Object.prototype.hasOwnProperty.call(lm, k)) walk(undefined, own(rm, k), { pe: `f:${k}`, up: path }, childPath(sp, k));
      }
    }
    if (isLeaf) return leaf(l, r, path);
    if (l === undefined) c.added.insert(pathOf(path));
    else if (r === undefined) c.removed.insert(pathOf(path));
  };
  walk(lhs, rhs, undefined, '');
  return c;
}

/**
 * What `compare({}, value).added` serializes to as FieldsV1, in one walk and without building the set: the
 * fields a create owns (every map and granular list item it adds is a member itself, "."). Writes that create
 * objects are most of the simulated controllers' writes, so this is their fast path.
 */
export function createdFieldsV1(value: JsonObject, schema: FieldSchema): Record<string, unknown> {
  const walk = (v: Json, sp: string, top: boolean): Record<string, unknown> => {
    if (Array.isArray(v)) {
      const lt = schema.list(sp);
      if (lt.type === 'atomic' || !v.length) return {};
      const out: Record<string, unknown> = { '.': {} };
      const items = v.map((item) => [itemElement(lt, item, sp), item] as const).sort(([a], [b]) => comparePathElements(a, b));
      for (const [pe, item] of items) out[pe] = lt.type === 'map' && isObject(item) && Object.keys(item).length ? walk(item, `${sp}[]`, false) : {};
      return out;
    }
    if (!isObject(v) || (sp && schema.atomicMap(sp))) return {};
    const keys = Object.keys(v);
    if (!keys.length) return {};
    const out: Record<string, unknown> = top ? {} : { '.': {} };
    for (const k of keys.sort()) setOwn(out as JsonObject, `f:${k}`, walk(own(v, k)!, top ? k : childPath(sp, k), false) as JsonObject);
    return out;
  };
  return walk(value, '', true);
}

/**
 * The applied configuration merged into the live object (typed/merge.go with the config on the right):
 * granular maps and lists merge item by item, everything else is replaced. Items of a granular list keep the
 * live order, new ones follow in the configuration's order.
 */
export function merge(live: JsonObject, config: JsonObject, schema: FieldSchema): JsonObject {
  const walk = (l: Json | undefined, r: Json, sp: string, root: boolean): Json => {
    if (l === undefined) return r;
    if (Array.isArray(l) && Array.isArray(r)) {
      const lt = schema.list(sp);
      if (lt.type === 'atomic') return r;
      const fromConfig = new Map<PathElement, Json>();
      for (const item of r) fromConfig.set(itemElement(lt, item, sp), item);
      const out: Json[] = [];
      const seen = new Set<PathElement>();
      for (const item of l) {
        const pe = itemElement(lt, item, sp);
        const mine = fromConfig.get(pe);
        out.push(mine === undefined || seen.has(pe) ? item : walk(item, mine, `${sp}[]`, false));
        seen.add(pe);
      }
      for (const [pe, item] of fromConfig) if (!seen.has(pe)) out.push(item);
      return out;
    }
    if (isObject(l) && isObject(r) && (root || !schema.atomicMap(sp))) {
      const out: JsonObject = { ...l };
      for (const [k, v] of Object.entries(r)) setOwn(out, k, walk(own(l, k), v, root ? k : childPath(sp, k), false));
      return out;
    }
    return r;
  };
  return walk(live, config, '', true) as JsonObject;
}

/**
 * `value` without the fields of `toRemove` (typed/remove.go): a member is removed whole, a path with children
 * is descended into; a map or list left empty by the removal goes too (structured-merge-diff leaves a null,
 * which the API server drops: typed metadata omits it, and CRDs prune nulls of non-nullable fields).
 */
export function removeItems(value: JsonObject, toRemove: FieldSet, schema: FieldSchema): JsonObject {
  const walk = (v: Json, set: FieldSet, sp: string): Json | undefined => {
    if (Array.isArray(v)) {
      const lt = schema.list(sp);
      if (!v.length || lt.type === 'atomic') return v;
      const out: Json[] = [];
      for (const item of v) {
        const child = set.children.get(itemElement(lt, item, sp));
        if (child?.member) continue;
        const kept = child && child.children.size ? walk(item, child, `${sp}[]`) : item;
        if (kept !== undefined) out.push(kept);
      }
      return out.length ? out : undefined;
    }
    if (isObject(v)) {
      if (!Object.keys(v).length || (sp && schema.atomicMap(sp))) return v;
      const out: JsonObject = {};
      for (const [k, c] of Object.entries(v)) {
        const child = set.children.get(`f:${k}`);
        if (child?.member) continue;
        const kept = child && child.children.size ? walk(c, child, childPath(sp, k)) : c;
        if (kept !== undefined) setOwn(out, k, kept);
      }
      return Object.keys(out).length ? out : undefined;
    }
    return v;
  };
  return (walk(value, toRemove, '') as JsonObject | undefined) ?? {};
}

/**
 * fieldpath.Set.EnsureNamedFieldsAreMembers: a named field (a property of a struct, not a key of a map) with
 * owned children counts as owned itself, so pruning removes it whole.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, schema: FieldSchema): FieldSet {
  const walk = (node: FieldSet, sp: string): FieldSet => {
    const out = new FieldSet();
    out.member = node.member;
    const named = !sp || !schema.freeFormMap(sp);
    for (const [pe, child] of node.children) {
      const isField = pe.startsWith('f:');
      const csp = isField ? childPath(sp, pe.slice(2)) : `${sp}[]`;
      const c = walk(child, csp);
      if (isField && named && child.children.size) c.member = true;
      out.setChild(pe, c);
    }
    return out;
  };
  return walk(set, '');
}

export type { FieldPath };
