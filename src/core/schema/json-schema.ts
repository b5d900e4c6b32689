import type { ObjectSchema, Schema } from './types';
import { ibguSchema } from './talm';
import { ibuSchema } from './lca';
import { backupSchema, restoreSchema } from './velero';
import { BACKUP_TYPE, IBGU_TYPE, IBU_TYPE, RESTORE_TYPE } from '../kube/types';

type Json = Record<string, unknown>;

/**
 * JSON Schema (draft-07) from our schema language, for other YAML tooling (Red Hat's YAML extension).
 * Unknown fields stay allowed: `ibgu/unknown-field` reports them, with a did-you-mean fix.
 */
export function toJsonSchema(schema: Schema): Json {
  const base: Json = schema.description ? { description: schema.description } : {};
  switch (schema.type) {
    case 'object':
      return {
        ...base,
        type: 'object',
        properties: Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, toJsonSchema(v)])),
        ...(schema.required?.length ? { required: schema.required } : {}),
      };
    case 'map':
      return { ...base, type: 'object', additionalProperties: toJsonSchema(schema.values) };
    case 'array':
      return { ...base, type: 'array', items: toJsonSchema(schema.items), ...(schema.maxItems !== undefined ? { maxItems: schema.maxItems } : {}) };
    case 'string':
      return {
        ...base,
        type: 'string',
        ...(schema.enum ? { enum: schema.enum } : {}),
        ...(schema.pattern ? { pattern: schema.pattern } : {}),
        ...(schema.minLength !== undefined ? { minLength: schema.minLength } : {}),
      };
    case 'integer':
    case 'number':
      return {
        ...base,
        type: schema.type,
        ...(schema.minimum !== undefined ? { minimum: schema.minimum } : {}),
        ...(schema.maximum !== undefined ? { maximum: schema.maximum } : {}),
        ...(schema.default !== undefined ? { default: schema.default } : {}),
      };
    case 'int-or-string':
      return { ...base, type: ['integer', 'string'] };
    case 'boolean':
      return { ...base, type: 'boolean' };
    default:
      return base;
  }
}

const KINDS: [apiVersion: string, kind: string, schema: ObjectSchema][] = [
  [IBGU_TYPE.apiVersion, IBGU_TYPE.kind, ibguSchema],
  [IBU_TYPE.apiVersion, IBU_TYPE.kind, ibuSchema],
  [BACKUP_TYPE.apiVersion, BACKUP_TYPE.kind, backupSchema],
  [RESTORE_TYPE.apiVersion, RESTORE_TYPE.kind, restoreSchema],
];

/** One schema for every kind we know, chosen per document by apiVersion and kind; other documents pass. */
export function kindsJsonSchema(): Json {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'IBGU Tools: ImageBasedGroupUpgrade, ImageBasedUpgrade, Velero Backup and Restore',
    allOf: KINDS.map(([apiVersion, kind, schema]) => ({
      if: { properties: { apiVersion: { const: apiVersion }, kind: { const: kind } }, required: ['apiVersion', 'kind'] },
      then: toJsonSchema(schema),
    })),
  };
}

/** Whether a YAML text holds one of the kinds the schema covers (a cheap look, no parse). */
export function mentionsKnownKind(text: string): boolean {
  return /^kind:\s*["']?(ImageBasedGroupUpgrade|ImageBasedUpgrade|Backup|Restore)["']?\s*$/m.test(text)
    && /^apiVersion:\s*["']?(lcm\.openshift\.io|lca\.openshift\.io|velero\.io)\//m.test(text);
}
