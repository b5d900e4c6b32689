/**
 * Structural-schema admission: what kube-apiserver does with a body between reading it and storing it, for
 * every type the sandbox serves, from the schemas the core states (src/core/schema).
 *
 * Decoding (create, update, patch, apply): duplicate and unknown fields become strict decoding errors, which
 * `fieldValidation` turns into nothing (Ignore), `Warning` headers (Warn, the default) or a refusal (Strict):
 * k8s.io/apiserver `pkg/endpoints/handlers/create.go` and `update.go` (`transformDecodeError`: 400 "<Kind> in
 * version "<v>" cannot be handled as a <Kind>: strict decoding error: …") and `patch.go`
 * (`applyPatchToCurrentObject`: 422 on the path `patch`); unknown fields are pruned and defaults applied as
 * apiextensions-apiserver `pkg/apiserver/customresource_handler.go` (`schemaCoercingDecoder`,
 * `unstructuredSchemaCoercer.apply`) does. Built-in types are decoded into Go structs: a value of the wrong
 * type is a 400 with encoding/json's wording, never a 422.
 *
 * Validation (custom resources): schema errors, then embedded-resource and list-type invariants, then the
 * CEL rules, unless a blocking error stops them (apiextensions-apiserver `pkg/registry/customresource/strategy.go`,
 * `hasBlockingErr`). On update, errors in values that did not change are dropped (CRD validation ratcheting,
 * on by default since Kubernetes 1.30).
 */
import type { ObjectSchema, Schema } from '../../core/schema/types';
import type { KubeObject } from '../kube-object';
import type { FieldCause } from '../object-limits';
import type { ResourceType } from '../registry';
import { ApiError, badRequest } from '../status';
import { duplicateFields } from './duplicates';
import { errorText, goQuote, type FieldError } from './field-errors';
import { applyDefaults, dropNulls, prune } from './prune';
import { isPlainObject, jsonType, validateInvariants, validateValue } from './validate';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/** The request's directive; kube-apiserver's default is Warn (`fieldValidation` in handlers/rest.go). */
export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  return v === 'Ignore' || v === 'Strict' ? v : 'Warn';
}

export interface DecodeRequest {
  verb: 'create' | 'update' | 'patch';
  directive: FieldValidation;
  /** The JSON text of the body (create, update) or of the patched object (patch), for duplicate keys. */
  json?: string;
}

/** Go's sorted-key JSON of a map, as json.Marshal writes the patched object kube-apiserver quotes. */
export function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (isPlainObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${sortedJson(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** The 422 a patch gets when its result does not decode: one `patch` cause quoting the patched object. */
function patchInvalid(object: KubeObject, detail: string): ApiError {
  const message = `Invalid value: ${goQuote(sortedJson(object))}: ${detail}`;
  return new ApiError(422, 'Invalid', ` "" is invalid: patch: ${message}`, { causes: [{ reason: 'FieldValueInvalid', message, field: 'patch' }] });
}

function cannotBeHandled(t: ResourceType, detail: string): ApiError {
  return badRequest(`${t.kind} in version ${JSON.stringify(t.version)} cannot be handled as a ${t.kind}: ${detail}`);
}

/**
 * Decodes `object` in place as kube-apiserver would (type errors of built-ins and metadata, duplicate and
 * unknown fields, pruning, nulls, defaults) and returns the warnings to send. Throws the refusal when the
 * body cannot be decoded or `Strict` meets a strict error.
 */
export function decodeObject(t: ResourceType, object: KubeObject, request: DecodeRequest): string[] {
  const schema = t.schema;
  if (!schema) return [];
  const goError = goDecodeError(t, object, schema);
  if (goError) throw request.verb === 'patch' ? patchInvalid(object, goError) : cannotBeHandled(t, goError);
  const strict: string[] = [];
  if (request.json !== undefined && request.directive !== 'Ignore') for (const path of duplicateFields(request.json)) strict.push(`duplicate field ${goQuote(path)}`);
  const patched = request.verb === 'patch' && request.directive === 'Strict' ? structuredClone(object) : undefined;
  for (const path of prune(object, schema)) strict.push(`unknown field ${goQuote(path)}`);
  if (!t.builtin) {
    dropNulls(object, schema);
    applyDefaults(object, schema);
  }
  if (!strict.length || request.directive === 'Ignore') return [];
  if (request.directive === 'Warn') return strict;
  const detail = `strict decoding error: ${strict.join(', ')}`;
  throw request.verb === 'patch' ? patchInvalid(patched!, detail) : cannotBeHandled(t, detail);
}

/**
 * Server-side apply turns the applied configuration into a typed value first; a field the schema lacks stops
 * it, whatever `fieldValidation` says (k8s.io/apimachinery `pkg/util/managedfields/internal/structuredmerge.go`
 * `Apply`: "failed to create typed patch object", an error without a status, so a 500).
 */
export function checkApplyIntent(t: ResourceType, intent: KubeObject, namespace: string | undefined, name: string): void {
  if (!t.schema) return;
  const probe = structuredClone(intent);
  const unknown = prune(probe, t.schema).map((p) => `.${p}: field not declared in schema`);
  if (!unknown.length) return;
  const gvk = `${t.group ? `${t.group}/` : ''}${t.version}, Kind=${t.kind}`;
  const errors = unknown.length === 1 ? unknown[0] : `errors:\n  ${unknown.join('\n  ')}`;
  throw new ApiError(500, 'InternalError', `failed to create typed patch object (${namespace ?? ''}/${name}; ${gvk}): ${errors}`);
}

/** The schema's verdict on a custom resource (metadata is checked elsewhere, as ObjectMeta). */
function schemaErrors(schema: ObjectSchema, object: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  for (const [k, v] of Object.entries(object)) {
    const property = schema.properties[k];
    if (k === 'metadata' || !property) continue;
    validateValue(v, property, k, errors);
  }
  for (const name of schema.required ?? []) if (!(name in object)) errors.unshift({ type: 'FieldValueRequired', field: name, body: 'Required value' });
  return [...errors, ...validateInvariants(object, schema, '')];
}

/** The value at a field path such as `spec.plan[0].actions`, or undefined. */
function at(object: unknown, path: string): unknown {
  let v: unknown = object;
  for (const part of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    if (part.startsWith('[')) v = Array.isArray(v) ? v[Number(part.slice(1, -1))] : undefined;
    else v = isPlainObject(v) ? v[part] : undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

/** A value unchanged since the stored object: its errors are ratcheted (a Required error looks at the parent). */
function unchanged(error: FieldError, next: KubeObject, old: KubeObject): boolean {
  const path = error.type === 'FieldValueRequired' ? error.field.replace(/(\.[^.[\]]+|\[\d+\])$/, '') : error.field;
  if (!path) return false;
  const a = at(next, path);
  return a !== undefined && JSON.stringify(a) === JSON.stringify(at(old, path));
}

/** Kinds whose CRD has x-kubernetes-validations the sandbox does not evaluate (OCM's conditionRules rule): blocking errors still skip them. */
const CEL_KINDS = new Set(['ManifestWork', 'ManifestWorkReplicaSet']);

const BLOCKING = new Set(['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid']);

export const CEL_NOT_CHECKED: FieldCause = {
  reason: 'FieldValueInvalid',
  message: 'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
};

/**
 * The causes of a 422 for a custom resource written by a client: its schema errors, then the CEL rules'
 * (`cel`), or the note that they were not checked. Writes of the simulated controllers (`fromClient` false)
 * skip the schema: they stand for the cluster's own components and are many.
 */
export function validationCauses(t: ResourceType, next: KubeObject, old: KubeObject | undefined, fromClient: boolean | undefined, cel: () => FieldCause[]): FieldCause[] {
  if (!fromClient || t.builtin || !t.schema) return cel();
  let errors = schemaErrors(t.schema, next);
  if (old) errors = errors.filter((e) => !unchanged(e, next, old));
  const causes: FieldCause[] = errors.map((e) => ({ reason: e.type, message: e.body, field: e.field }));
  if (!t.admission && !CEL_KINDS.has(t.kind)) return causes;
  if (errors.some((e) => BLOCKING.has(e.type))) return [...causes, CEL_NOT_CHECKED];
  return [...causes, ...cel()];
}

/** `field: body` lines, for tests and logs. */
export const describeErrors = (errors: FieldError[]) => errors.map(errorText);

/** The Go type name encoding/json reports for a schema. */
function goType(schema: Schema): string {
  switch (schema.type) {
    case 'string': return schema.format === 'byte' ? '[]uint8' : 'string';
    case 'boolean': return 'bool';
    case 'integer': return schema.format ?? 'int64';
    case 'number': return 'float64';
    case 'array': return `[]${goType(schema.items)}`;
    case 'map': return `map[string]${goType(schema.values)}`;
    default: return 'struct';
  }
}

/** encoding/json's name for a JSON value of the wrong type. */
function jsonValueName(value: unknown): string {
  const type = jsonType(value);
  return type === 'integer' ? 'number' : type === 'boolean' ? 'bool' : type;
}

/**
 * The first value Go's encoding/json could not decode into the type's struct (sigs.k8s.io/json
 * `internal/golang/encoding/json/decode.go`, UnmarshalTypeError: "json: cannot unmarshal <value> into Go struct
 * field <Struct>.<path> of type <type>"): the built-ins' fields, and ObjectMeta's labels and annotations.
 */
function goDecodeError(t: ResourceType, object: KubeObject, schema: ObjectSchema): string | undefined {
  const checks: [value: unknown, schema: Schema, struct: string, field: string][] = [];
  const meta = schema.properties.metadata;
  if (meta?.type === 'object' && isPlainObject(object.metadata)) {
    for (const f of ['labels', 'annotations']) if (meta.properties[f]) checks.push([object.metadata[f], meta.properties[f]!, 'ObjectMeta', `metadata.${f}`]);
  }
  if (t.builtin) for (const [k, s] of Object.entries(schema.properties)) if (k !== 'metadata' && k !== 'apiVersion' && k !== 'kind') checks.push([object[k], s, t.kind, k]);
  for (const [value, s, struct, field] of checks) {
    const found = firstGoMismatch(value, s);
    if (found) return `json: cannot unmarshal ${jsonValueName(found.value)} into Go struct field ${struct}.${found.field ? `${field}.${found.field}` : field} of type ${goType(found.schema)}`;
  }
  return undefined;
}

function firstGoMismatch(value: unknown, schema: Schema, field = ''): { value: unknown; schema: Schema; field: string } | undefined {
  if (value === undefined || value === null || schema.type === 'any') return undefined;
  const type = jsonType(value);
  const ok = schema.type === 'map' || schema.type === 'object' ? type === 'object' : schema.type === 'number' ? type === 'number' || type === 'integer' : schema.type === 'int-or-string' ? type === 'integer' || type === 'string' : type === schema.type;
  if (!ok) return { value, schema, field };
  if (schema.type === 'map') {
    for (const v of Object.values(value as Record<string, unknown>)) {
      const found = firstGoMismatch(v, schema.values, field);
      if (found) return found;
    }
  }
  if (schema.type === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const s = schema.properties[k];
      const found = s && firstGoMismatch(v, s, field ? `${field}.${k}` : k);
      if (found) return found;
    }
  }
  if (schema.type === 'array') {
    for (const v of value as unknown[]) {
      const found = firstGoMismatch(v, schema.items, field);
      if (found) return found;
    }
  }
  return undefined;
}

/** A Warning header value: `299 - "text"`, the text quoted as k8s.io/apimachinery `pkg/util/net/http.go` NewWarningHeader does. */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
