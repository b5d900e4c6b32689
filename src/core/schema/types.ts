/**
 * A small schema language for the resources we validate. It states what the upstream CRDs define
 * (types, required fields, limits, enums, patterns), and carries descriptions for hover and completion.
 */
export type Schema = ObjectSchema | ArraySchema | StringSchema | IntegerSchema | NumberSchema | BooleanSchema | IntOrStringSchema | AnySchema | MapSchema;

/**
 * What every schema may add, as structural CRD schemas say it (apiextensions-apiserver
 * pkg/apiserver/schema/structural.go): `nullable` (null is a value, kept; otherwise a null field is dropped),
 * and a `default` the API server writes where the field is missing.
 */
interface Base {
  description?: string;
  nullable?: boolean;
  default?: unknown;
}

export interface ObjectSchema extends Base {
  type: 'object';
  properties: Record<string, Schema>;
  required?: string[];
  /** Unknown fields are pruned (CRDs) or ignored; either way the user should hear about them. */
  closed?: boolean;
  /** `x-kubernetes-preserve-unknown-fields`: fields beyond `properties` are kept as they are. */
  preserveUnknown?: boolean;
  /** `x-kubernetes-embedded-resource`: a whole object (apiVersion, kind, metadata), as in a ManifestWork's manifests. */
  embedded?: boolean;
  /** `x-kubernetes-map-type`. */
  mapType?: 'atomic' | 'granular';
}

/** `map[string]T`, e.g. labels. */
export interface MapSchema extends Base {
  type: 'map';
  values: Schema;
  maxProperties?: number;
}

export interface ArraySchema extends Base {
  type: 'array';
  items: Schema;
  maxItems?: number;
  minItems?: number;
  /** `x-kubernetes-list-type`: `set` items are unique, `map` items are unique by `listMapKeys`. */
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
}

export interface StringSchema extends Base {
  type: 'string';
  enum?: string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  format?: 'date-time' | 'duration' | 'byte';
}

export interface IntegerSchema extends Base {
  type: 'integer';
  minimum?: number;
  maximum?: number;
  default?: number;
  format?: 'int32' | 'int64';
}

export interface NumberSchema extends Base {
  type: 'number';
  minimum?: number;
  maximum?: number;
  default?: number;
}

/** `x-kubernetes-int-or-string`: an integer or a string (quantities, percentages). */
export interface IntOrStringSchema extends Base {
  type: 'int-or-string';
  pattern?: string;
}

export interface BooleanSchema extends Base {
  type: 'boolean';
}

/** Any value: `x-kubernetes-preserve-unknown-fields` without a type; nothing inside is checked or pruned. */
export interface AnySchema extends Base {
  type: 'any';
}

export const str = (description?: string, extra: Omit<StringSchema, 'type' | 'description'> = {}): StringSchema => ({ type: 'string', description, ...extra });
export const int = (description?: string, extra: Omit<IntegerSchema, 'type' | 'description'> = {}): IntegerSchema => ({ type: 'integer', description, ...extra });
export const bool = (description?: string, extra: Omit<BooleanSchema, 'type' | 'description'> = {}): BooleanSchema => ({ type: 'boolean', description, ...extra });
export const num = (description?: string, extra: Omit<NumberSchema, 'type' | 'description'> = {}): NumberSchema => ({ type: 'number', description, ...extra });
export const intOrString = (description?: string, extra: Omit<IntOrStringSchema, 'type' | 'description'> = {}): IntOrStringSchema => ({ type: 'int-or-string', description, ...extra });
export const any = (description?: string): AnySchema => ({ type: 'any', description });
export const strings = (description?: string): ArraySchema => ({ type: 'array', items: { type: 'string' }, description });
export const arr = (items: Schema, description?: string, extra: Omit<ArraySchema, 'type' | 'items' | 'description'> = {}): ArraySchema => ({ type: 'array', items, description, ...extra });
export const stringMap = (description?: string): MapSchema => ({ type: 'map', values: { type: 'string' }, description });
export const mapOf = (values: Schema, description?: string): MapSchema => ({ type: 'map', values, description });
/**
 * Properties by field name, in an object without a prototype: a field called `constructor`, `toString` or
 * `__proto__` in a document is looked up like any other name (and is unknown), never found on Object.prototype.
 */
export const fields = (properties: Record<string, Schema>): Record<string, Schema> => Object.assign(Object.create(null) as Record<string, Schema>, properties);
export const obj = (properties: Record<string, Schema>, description?: string, required?: string[]): ObjectSchema => ({
  type: 'object',
  properties: fields(properties),
  required,
  closed: true,
  description,
});
/** An object that keeps fields beyond its properties (`x-kubernetes-preserve-unknown-fields`). */
export const openObj = (properties: Record<string, Schema>, description?: string, extra: Partial<ObjectSchema> = {}): ObjectSchema => ({
  type: 'object',
  properties: fields(properties),
  preserveUnknown: true,
  description,
  ...extra,
});
/** The same schema with more settings (a default, a list type, …). */
export const withAttrs = <S extends Schema>(schema: S, extra: Partial<S>): S => ({ ...schema, ...extra });
