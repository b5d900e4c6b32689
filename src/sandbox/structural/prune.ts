/**
 * The decoding steps of a custom resource before validation, after apiextensions-apiserver:
 * - pruning of fields the schema does not have, recording their paths (`pkg/apiserver/schema/pruning/algorithm.go`
 *   `PruneWithOptions`: apiVersion, kind and metadata stay at the root and in embedded resources, everything
 *   under x-kubernetes-preserve-unknown-fields stays);
 * - dropping null values of fields that are neither nullable nor defaulted
 *   (`pkg/apiserver/schema/defaulting/prunenulls.go` `PruneNonNullableNullsWithoutDefaults`);
 * - defaulting of missing fields, and of nulls where null is not allowed (`defaulting/algorithm.go` `Default`).
 * Objects are changed in place.
 */
import type { Schema } from '../../core/schema/types';
import { isPlainObject } from './validate';

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

const childPath = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Removes unknown fields and returns their paths, sorted (the order kube-apiserver reports them in). */
export function prune(value: unknown, schema: Schema, isRoot = true): string[] {
  const unknown: string[] = [];
  walk(value, schema, '', unknown, isRoot);
  return unknown.sort();
}

function walk(value: unknown, schema: Schema | undefined, path: string, unknown: string[], embedded: boolean): void {
  if (!schema || schema.type === 'any') return;
  if (Array.isArray(value)) {
    if (schema.type === 'array') value.forEach((item, i) => walk(item, schema.items, `${path}[${i}]`, unknown, false));
    return;
  }
  if (!isPlainObject(value)) return;
  if (schema.type === 'map') {
    for (const [k, v] of Object.entries(value)) walk(v, schema.values, childPath(path, k), unknown, false);
    return;
  }
  if (schema.type !== 'object') return;
  const keepsMeta = embedded || schema.embedded;
  for (const [k, v] of Object.entries(value)) {
    if (keepsMeta && META_FIELDS.has(k) && !schema.properties[k]) continue;
    const property = schema.properties[k];
    if (property) walk(v, property, childPath(path, k), unknown, false);
    else if (!schema.preserveUnknown) {
      unknown.push(childPath(path, k));
      delete value[k];
    }
  }
}

/** Drops `null` where the schema allows no null and has no default to put there instead. */
export function dropNulls(value: unknown, schema: Schema | undefined): void {
  if (!schema || schema.type === 'any') return;
  if (Array.isArray(value)) {
    if (schema.type === 'array') for (const item of value) dropNulls(item, schema.items);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const property = schema.type === 'object' ? schema.properties[k] : schema.type === 'map' ? schema.values : undefined;
    if (v === null && property && property.type !== 'any' && !property.nullable && property.default === undefined) delete value[k];
    else dropNulls(v, property);
  }
}

const copy = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

/** Writes schema defaults where a field is missing (or null without being nullable), top-down. */
export function applyDefaults(value: unknown, schema: Schema | undefined): void {
  if (!schema || schema.type === 'any') return;
  const nullNotAllowed = (v: unknown, s: Schema) => v === null && !s.nullable;
  if (Array.isArray(value)) {
    if (schema.type !== 'array') return;
    value.forEach((item, i) => {
      if (nullNotAllowed(item, schema.items) && schema.items.default !== undefined) value[i] = copy(schema.items.default);
      applyDefaults(value[i], schema.items);
    });
    return;
  }
  if (!isPlainObject(value)) return;
  if (schema.type === 'object') {
    for (const [k, property] of Object.entries(schema.properties)) {
      if (property.default === undefined) continue;
      if (!(k in value) || nullNotAllowed(value[k], property)) value[k] = copy(property.default);
    }
    for (const [k, v] of Object.entries(value)) if (schema.properties[k]) applyDefaults(v, schema.properties[k]);
  } else if (schema.type === 'map') {
    for (const [k, v] of Object.entries(value)) {
      if (nullNotAllowed(v, schema.values) && schema.values.default !== undefined) value[k] = copy(schema.values.default);
      applyDefaults(value[k], schema.values);
    }
  }
}
