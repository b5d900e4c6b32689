import type { Node } from 'yaml';
import { validateSchema, type SchemaResult } from '../../schema/validate';
import { any, fields, type ObjectSchema } from '../../schema/types';
import { ibguSchema } from '../../schema/talm';
import { ibuSchema } from '../../schema/lca';
import { backupSchema, restoreSchema } from '../../schema/velero';
import type { Resource, ResourceType } from '../../yaml/parse';
import { BACKUP_TYPE, IBGU_TYPE, IBU_TYPE, RESTORE_TYPE } from '../../kube/types';

export const SCHEMAS: Partial<Record<ResourceType, ObjectSchema>> = {
  IBGU: ibguSchema,
  IBU: ibuSchema,
  Backup: backupSchema,
  Restore: restoreSchema,
};

/** The API version each kind is served at. */
export const SERVED_VERSIONS: Partial<Record<ResourceType, string>> = {
  IBGU: IBGU_TYPE.apiVersion,
  IBU: IBU_TYPE.apiVersion,
  Backup: BACKUP_TYPE.apiVersion,
  Restore: RESTORE_TYPE.apiVersion,
};

/**
 * What the API server validates when the object is applied. IBGU and IBU have a status subresource
 * (`subresources.status: {}` in both CRDs): a create or update of the object itself drops `status` before
 * validation, so nothing under it can be rejected or reported as an unknown field. Nor is it worth a hint:
 * files with `status` are mostly ZTP policy templates (ImageBasedUpgrade with `status.conditions`), where a
 * ConfigurationPolicy compares the status instead of applying it. Velero Backup/Restore have no status
 * subresource; their status is already free-form in the schema (schema/velero.ts).
 */
const VALIDATED: Partial<Record<ResourceType, ObjectSchema>> = Object.fromEntries(
  Object.entries(SCHEMAS).map(([type, schema]) => [type, type === 'IBGU' || type === 'IBU' ? { ...schema, properties: fields({ ...schema.properties, status: any('Dropped by the API server on create and update (status subresource).') }) } : schema]),
);

const results = new WeakMap<Resource, SchemaResult>();

/** One schema walk per resource, shared by the rules that report its results. */
export function schemaResult(resource: Resource): SchemaResult | undefined {
  const schema = SCHEMAS[resource.type];
  if (!schema || resource.apiVersion !== SERVED_VERSIONS[resource.type]) return undefined;
  let result = results.get(resource);
  if (!result) {
    result = validateSchema(resource.yaml, resource.root as Node, VALIDATED[resource.type] ?? schema);
    results.set(resource, result);
  }
  return result;
}

export const schemaTypes: ResourceType[] = ['IBGU', 'IBU', 'Backup', 'Restore'];
