/**
 * What server-side apply needs to know of a type's schema: which lists are granular (a map keyed by some of
 * their items' fields, or a set of scalars) and which objects are atomic or free-form maps. The API server reads
 * this from the OpenAPI of built-ins and from CRDs (`x-kubernetes-list-type`, `x-kubernetes-list-map-keys`,
 * `x-kubernetes-map-type`, `additionalProperties`); here they come from the schema the core states for the kind
 * (the same one admission and OpenAPI use). What a schema does not say is what the API server defaults to:
 * lists atomic, objects granular with named fields.
 *
 * Paths are schema paths: field names joined by dots, `[]` for a list's items (`status.conditions[]`).
 */

import type { ObjectSchema, Schema } from '../core/schema/types';
import { HUB, SPOKE } from './registry';

export type ListType = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: readonly string[] };

export interface FieldSchema {
  list(path: string): ListType;
  /** `x-kubernetes-map-type: atomic` (or a struct marked `+structType=atomic`): owned and replaced as one value. */
  atomicMap(path: string): boolean;
  /** An `additionalProperties` map (or one with unknown fields preserved): its keys are not named fields. */
  freeFormMap(path: string): boolean;
}

const keyed = (...keys: string[]): ListType => ({ type: 'map', keys });
const ATOMIC: ListType = { type: 'atomic' };

/**
 * The kind's schema from the registry: the one the core states and the sandbox validates with (src/core/schema,
 * with `x-kubernetes-list-type`, `-list-map-keys` and `-map-type` as ArraySchema.listType/listMapKeys and
 * ObjectSchema.mapType). A kind served by no surface has no schema: every list atomic, every object granular.
 */
function schemaOfKind(kind: string): ObjectSchema | undefined {
  return (HUB.has(kind) ? HUB.kind(kind) : SPOKE.has(kind) ? SPOKE.kind(kind) : undefined)?.schema;
}

/**
 * The schema at a schema path, and whether a schema above it keeps unknown fields (below such a map,
 * structured-merge-diff deduces the type: every object a free-form map). Undefined where the schema says
 * nothing of the path.
 */
function lookup(root: ObjectSchema | undefined, path: string): { at?: Schema; open: boolean } {
  let at: Schema | undefined = root;
  let open = false;
  for (const segment of path.split('.')) {
    const list = segment.endsWith('[]');
    const name = list ? segment.slice(0, -2) : segment;
    if (!at) break;
    if (at.type === 'any') return { open: true };
    if (at.type === 'object') {
      const next: Schema | undefined = at.properties[name];
      if (!next && at.preserveUnknown) return { open: true };
      at = next;
    } else if (at.type === 'map') at = at.values;
    else at = undefined;
    if (list) at = at?.type === 'array' ? at.items : undefined;
    if (at?.type === 'object' && at.preserveUnknown && !Object.keys(at.properties).length) open = true;
  }
  return { at, open };
}

const cache = new Map<string, FieldSchema>();

/** The schema facts of one kind, read from its schema in the registry. */
export function fieldSchemaOf(kind: string): FieldSchema {
  let s = cache.get(kind);
  if (s) return s;
  const root = schemaOfKind(kind);
  s = {
    list(path) {
      const { at } = lookup(root, path);
      if (at?.type !== 'array') return ATOMIC;
      if (at.listType === 'set') return { type: 'set' };
      if (at.listType === 'map' && at.listMapKeys?.length) return keyed(...at.listMapKeys);
      return ATOMIC;
    },
    atomicMap: (path) => {
      const { at } = lookup(root, path);
      return at?.type === 'object' && at.mapType === 'atomic';
    },
    freeFormMap: (path) => {
      const { at, open } = lookup(root, path);
      return open || at?.type === 'map' || at?.type === 'any' || (at?.type === 'object' && !!at.preserveUnknown && !Object.keys(at.properties).length);
    },
  };
  cache.set(kind, s);
  return s;
}
