/**
 * A small schema language for the resources we validate. It states what the upstream CRDs define
 * (types, required fields, limits, enums, patterns), and carries descriptions for hover and completion.
 */
export type Schema = ObjectSchema | ArraySchema | StringSchema | IntegerSchema | BooleanSchema | AnySchema | MapSchema;

interface Base {
  description?: string;
}

export interface ObjectSchema extends Base {
  type: 'object';
  properties: Record<string, Schema>;
  required?: string[];
  /** Unknown fields are pruned (CRDs) or ignored; either way the user should hear about them. */
  closed?: boolean;
}

/** `map[string]T`, e.g. labels. */
export interface MapSchema extends Base {
  type: 'map';
  values: Schema;
}

export interface ArraySchema extends Base {
  type: 'array';
  items: Schema;
  maxItems?: number;
  minItems?: number;
}

export interface StringSchema extends Base {
  type: 'string';
  enum?: string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  format?: 'date-time' | 'duration';
}

export interface IntegerSchema extends Base {
  type: 'integer';
  minimum?: number;
  default?: number;
}

export interface BooleanSchema extends Base {
  type: 'boolean';
}

export interface AnySchema extends Base {
  type: 'any';
}

export const str = (description?: string, extra: Omit<StringSchema, 'type' | 'description'> = {}): StringSchema => ({ type: 'string', description, ...extra });
export const int = (description?: string, extra: Omit<IntegerSchema, 'type' | 'description'> = {}): IntegerSchema => ({ type: 'integer', description, ...extra });
export const bool = (description?: string): BooleanSchema => ({ type: 'boolean', description });
export const any = (description?: string): AnySchema => ({ type: 'any', description });
export const strings = (description?: string): ArraySchema => ({ type: 'array', items: { type: 'string' }, description });
export const arr = (items: Schema, description?: string, extra: Omit<ArraySchema, 'type' | 'items' | 'description'> = {}): ArraySchema => ({ type: 'array', items, description, ...extra });
export const stringMap = (description?: string): MapSchema => ({ type: 'map', values: { type: 'string' }, description });
export const obj = (properties: Record<string, Schema>, description?: string, required?: string[]): ObjectSchema => ({
  type: 'object',
  properties,
  required,
  closed: true,
  description,
});
