import type { Node } from 'yaml';
import { validateSchema, type SchemaResult } from '../../schema/validate';
import type { ObjectSchema } from '../../schema/types';
import { ibguSchema } from '../../schema/talm';
import { ibuSchema } from '../../schema/lca';
import { backupSchema, restoreSchema } from '../../schema/velero';
import type { Resource, ResourceType } from '../../yaml/parse';

export const SCHEMAS: Partial<Record<ResourceType, ObjectSchema>> = {
  IBGU: ibguSchema,
  IBU: ibuSchema,
  Backup: backupSchema,
  Restore: restoreSchema,
};

/** The API version each kind is served at. */
export const SERVED_VERSIONS: Partial<Record<ResourceType, string>> = {
  IBGU: 'lcm.openshift.io/v1alpha1',
  IBU: 'lca.openshift.io/v1',
  Backup: 'velero.io/v1',
  Restore: 'velero.io/v1',
};

const results = new WeakMap<Resource, SchemaResult>();

/** One schema walk per resource, shared by the rules that report its results. */
export function schemaResult(resource: Resource): SchemaResult | undefined {
  const schema = SCHEMAS[resource.type];
  if (!schema || resource.apiVersion !== SERVED_VERSIONS[resource.type]) return undefined;
  let result = results.get(resource);
  if (!result) {
    result = validateSchema(resource.yaml, resource.root as Node, schema);
    results.set(resource, result);
  }
  return result;
}

export const schemaTypes: ResourceType[] = ['IBGU', 'IBU', 'Backup', 'Restore'];
