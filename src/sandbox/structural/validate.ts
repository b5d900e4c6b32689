/**
 * Validation of a decoded object against its structural schema, as apiextensions-apiserver does it on every
 * create and update of a custom resource: kube-openapi's SchemaValidator (k8s.io/kube-openapi
 * `pkg/validation/validate`: type, string, format, number, slice, enum and object validators in that order,
 * messages from `pkg/validation/errors/schema.go`), turned into field errors by apiextensions-apiserver
 * `pkg/apiserver/validation/validation.go` `kubeOpenAPIResultToFieldErrors`; then embedded resources
 * (`pkg/apiserver/schema/objectmeta/validation.go` `validateEmbeddedResource`) and list types
 * (`pkg/apiserver/schema/listtype/validation.go`).
 */
import type { ArraySchema, ObjectSchema, Schema } from '../../core/schema/types';
import { fieldDuplicate, fieldInvalid, fieldNotSupported, fieldRequired, fieldTooLong, fieldTooMany, fieldTypeInvalid, type FieldError } from './field-errors';

type Json = Record<string, unknown>;

export const isPlainObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON schema type of a value, as kube-openapi infers it from the decoded Go value. */
export function jsonType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value; // string, boolean
}

/** The OpenAPI type a schema of our language stands for. */
function schemaType(schema: Schema): string {
  return schema.type === 'map' ? 'object' : schema.type === 'int-or-string' ? 'integer,string' : schema.type;
}

function typeFits(actual: string, schema: Schema): boolean {
  switch (schema.type) {
    case 'object': case 'map': return actual === 'object';
    case 'number': return actual === 'number' || actual === 'integer';
    case 'int-or-string': return actual === 'integer' || actual === 'string';
    default: return actual === schema.type;
  }
}

/** The strfmt format kube-openapi infers for a non-string value (int64 for integers, float64 for the others). */
function valueFormat(actual: string): string {
  return actual === 'integer' ? 'int64' : actual === 'number' ? 'float64' : '';
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const patterns = new Map<string, RegExp>();
function compiled(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) patterns.set(source, (re = new RegExp(source, 'u')));
  return re;
}

const child = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Schema violations of `value` at `path`, in the order kube-apiserver lists them. */
export function validateValue(value: unknown, schema: Schema, path: string, out: FieldError[] = []): FieldError[] {
  if (schema.type === 'any') return out;
  const actual = jsonType(value);
  if (actual === 'null') {
    if (!schema.nullable) out.push(fieldTypeInvalid(path, 'null', `${path} in body must be of type ${schemaType(schema)}: "null"`));
    return out;
  }
  // 'duration' is the linter's own note (upstream declares these fields plain strings).
  const format = 'format' in schema && schema.format !== 'duration' ? schema.format : undefined;
  // kube-openapi's typeValidator: a format is checked first for values that are neither strings nor arrays.
  if (format && actual !== 'string' && actual !== 'array' && !typeFits(actual, schema) && valueFormat(actual) !== format) {
    out.push(fieldTypeInvalid(path, valueFormat(actual), `${path} in body must be of type ${format}: "${valueFormat(actual)}"`));
    return out;
  }
  if (!typeFits(actual, schema)) {
    out.push(fieldTypeInvalid(path, actual, `${path} in body must be of type ${schemaType(schema)}: "${actual}"`));
    return out;
  }
  switch (schema.type) {
    case 'string':
    case 'int-or-string': {
      if (typeof value !== 'string') return out;
      if (schema.type === 'string') {
        const length = [...value].length;
        if (schema.maxLength !== undefined && length > schema.maxLength) out.push(fieldTooLong(path, schema.maxLength));
        if (schema.minLength !== undefined && length < schema.minLength) out.push(fieldInvalid(path, value, `${path} in body should be at least ${schema.minLength} chars long`));
      }
      if (schema.pattern && !compiled(schema.pattern).test(value)) out.push(fieldInvalid(path, value, `${path} in body should match '${schema.pattern}'`));
      if (schema.type === 'string') {
        if (schema.format === 'date-time' && !RFC3339.test(value)) out.push(fieldTypeInvalid(path, value, `${path} in body must be of type date-time: ${JSON.stringify(value)}`));
        if (schema.format === 'byte' && !BASE64.test(value)) out.push(fieldTypeInvalid(path, value, `${path} in body must be of type byte: ${JSON.stringify(value)}`));
        if (schema.enum && !schema.enum.includes(value)) out.push(fieldNotSupported(path, value, schema.enum));
      }
      return out;
    }
    case 'integer':
    case 'number': {
      const n = value as number;
      if (schema.maximum !== undefined && n > schema.maximum) out.push(fieldInvalid(path, n, `${path} in body should be less than or equal to ${schema.maximum}`));
      if (schema.minimum !== undefined && n < schema.minimum) out.push(fieldInvalid(path, n, `${path} in body should be greater than or equal to ${schema.minimum}`));
      return out;
    }
    case 'array':
      return validateArray(value as unknown[], schema, path, out);
    case 'object':
      return validateObject(value as Json, schema, path, out);
    case 'map': {
      const map = value as Json;
      const size = Object.keys(map).length;
      if (schema.maxProperties !== undefined && size > schema.maxProperties) out.push(fieldTooMany(path, size, schema.maxProperties));
      for (const [k, v] of Object.entries(map)) validateValue(v, schema.values, child(path, k), out);
      return out;
    }
    default:
      return out;
  }
}

function validateArray(items: unknown[], schema: ArraySchema, path: string, out: FieldError[]): FieldError[] {
  if (schema.maxItems !== undefined && items.length > schema.maxItems) out.push(fieldTooMany(path, items.length, schema.maxItems));
  if (schema.minItems !== undefined && items.length < schema.minItems) out.push(fieldInvalid(path, items.length, `${path} in body should have at least ${schema.minItems} items`));
  items.forEach((item, i) => validateValue(item, schema.items, `${path}[${i}]`, out));
  return out;
}

function validateObject(object: Json, schema: ObjectSchema, path: string, out: FieldError[]): FieldError[] {
  for (const name of schema.required ?? []) {
    if (!(name in object)) out.push(fieldRequired(child(path, name)));
  }
  for (const [name, v] of Object.entries(object)) {
    const property = schema.properties[name];
    if (property) validateValue(v, property, child(path, name), out);
  }
  return out;
}

/**
 * What apiextensions-apiserver checks after the schema: embedded resources name their apiVersion and kind,
 * and `set` and `map` lists hold no duplicates (their Duplicate errors print the key as Go prints a map).
 */
export function validateInvariants(value: unknown, schema: Schema, path: string, out: FieldError[] = []): FieldError[] {
  if (schema.type === 'object' && isPlainObject(value)) {
    if (schema.embedded) {
      for (const f of ['apiVersion', 'kind']) if (!(f in value)) out.push(fieldRequired(child(path, f)));
      for (const f of ['apiVersion', 'kind']) {
        const v = value[f];
        if (v === undefined) continue;
        if (typeof v !== 'string') out.push(fieldInvalid(child(path, f), v, 'must be a string'));
        else if (!v) out.push(fieldInvalid(child(path, f), v, 'must not be empty'));
      }
    }
    for (const [k, v] of Object.entries(value)) if (schema.properties[k]) validateInvariants(v, schema.properties[k]!, child(path, k), out);
  } else if (schema.type === 'map' && isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) validateInvariants(v, schema.values, child(path, k), out);
  } else if (schema.type === 'array' && Array.isArray(value)) {
    if (schema.listType === 'set') {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        const key = JSON.stringify(item);
        if (seen.has(key)) out.push(fieldDuplicate(`${path}[${i}]`, item));
        seen.add(key);
      });
    } else if (schema.listType === 'map' && schema.listMapKeys?.length) {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        if (!isPlainObject(item)) return;
        const key: Json = {};
        for (const k of schema.listMapKeys!) if (k in item) key[k] = item[k];
        const text = JSON.stringify(key);
        if (seen.has(text)) out.push({ ...fieldDuplicate(`${path}[${i}]`, ''), body: `Duplicate value: ${goMap(key)}` });
        seen.add(text);
      });
    }
    value.forEach((item, i) => validateInvariants(item, schema.items, `${path}[${i}]`, out));
  }
  return out;
}

/** A map of scalars as Go's %#v prints a map[string]interface{} (Kubernetes 1.32's ErrorBody fallback). */
function goMap(map: Json): string {
  const entries = Object.keys(map).sort().map((k) => `${JSON.stringify(k)}:${typeof map[k] === 'string' ? JSON.stringify(map[k]) : String(map[k])}`);
  return `map[string]interface {}{${entries.join(', ')}}`;
}
