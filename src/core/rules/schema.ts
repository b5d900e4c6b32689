import type { Node } from 'yaml';
import { validateSchema, renameFixes, type SchemaResult, type UnknownField } from '../schema/validate';
import type { ObjectSchema } from '../schema/types';
import { ibguSchema } from '../schema/talm';
import { ibuSchema, ibuSpec } from '../schema/lca';
import { backupSchema, restoreSchema } from '../schema/velero';
import type { Resource, ResourceType } from '../yaml/parse';
import { getMap, keyOf, nodeEnd, nodeStart } from '../yaml/ast';
import { endOfBlockMap, removePair, reindentPair, columnOf } from '../yaml/edit';
import { defineRule, at, atKey, sameQuoting } from './helpers';
import type { RawFix, Report } from './types';

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

const schemaTypes: ResourceType[] = ['IBGU', 'IBU', 'Backup', 'Restore'];

export const apiVersionRule = defineRule({
  id: 'ibgu/api-version',
  severity: 'error',
  title: 'The kind is not served at this API version',
  docs: 'ImageBasedGroupUpgrade is served only as `lcm.openshift.io/v1alpha1`, ImageBasedUpgrade as `lca.openshift.io/v1`, Velero Backup and Restore as `velero.io/v1`. Any other version is rejected with "no matches for kind".',
  appliesTo: schemaTypes,
  scope: 'document',
  check(resource) {
    const served = SERVED_VERSIONS[resource.type]!;
    if (resource.apiVersion === served) return [];
    const pair = resource.root.items.find((p) => keyOf(p) === 'apiVersion');
    const node = pair?.value as Node;
    return [at(node, `no matches for kind "${resource.kind}" in version "${resource.apiVersion}": it is served only as ${served}.`, [
      { title: `Change to ${served}`, edits: [{ start: nodeStart(node), end: nodeEnd(node), newText: sameQuoting(node as { type?: string }, served) }], preferred: true, autofix: true },
    ])];
  },
});

export const schemaRule = defineRule({
  id: 'ibgu/schema',
  severity: 'error',
  title: 'The object does not match its CRD schema',
  docs: 'Required fields, types, enums, patterns and list limits as the CRD defines them. The API server rejects such an object when it is applied.',
  appliesTo: schemaTypes,
  scope: 'document',
  check(resource) {
    return schemaResult(resource)?.errors ?? [];
  },
});

/** IBGU fields written at `spec` level that belong under `spec.ibuSpec` (a common copy-paste slip). */
function misplacedInIbgu(resource: Resource, field: UnknownField): Report | undefined {
  if (resource.type !== 'IBGU' || field.parentPath !== 'spec' || !(field.key in ibuSpec.properties)) return undefined;
  const fixes: RawFix[] = [];
  const ibuSpecMap = getMap(field.parent, 'ibuSpec', resource.yaml.anchors);
  if (ibuSpecMap && !ibuSpecMap.flow && ibuSpecMap.items.length && !field.parent.flow) {
    const column = columnOf(resource.yaml.text, nodeStart(ibuSpecMap.items[0].key));
    const moved = reindentPair(resource.yaml, field.pair, column);
    const exists = ibuSpecMap.items.some((p) => keyOf(p) === field.key);
    if (moved && !exists) {
      const insert = endOfBlockMap(resource.yaml, ibuSpecMap);
      fixes.push({
        title: `Move ${field.key} under spec.ibuSpec`,
        edits: [{ start: insert, end: insert, newText: '\n' + moved }, removePair(resource.yaml, field.parent, field.pair)],
        preferred: true,
        autofix: true,
      });
    }
  }
  return at(field.pair.key, `spec.${field.key} is not an IBGU field: it belongs under spec.ibuSpec. The API server drops it silently, so TALM never sends it to the clusters.`, fixes);
}

export const unknownFieldRule = defineRule({
  id: 'ibgu/unknown-field',
  severity: 'warning',
  title: 'A field the schema does not define (dropped silently by the API server)',
  docs: 'CRDs prune fields they do not define without an error, so a misspelt field (`maxConcurrncy`) or a field at the wrong level simply has no effect. The quick-fix renames it to the field that was most likely meant.',
  appliesTo: schemaTypes,
  // The API server drops the field: shown faded, like unused code.
  tags: ['unnecessary'],
  scope: 'document',
  check(resource) {
    const result = schemaResult(resource);
    if (!result) return [];
    return result.unknown.filter((field) => !field.misspellsRequired).map((field) => {
      const misplaced = misplacedInIbgu(resource, field);
      if (misplaced) return misplaced;
      const hint = field.suggestions.length ? ` Did you mean ${field.suggestions.join(' or ')}?` : '';
      return atKey(field.parent, field.key, field.pair.key, `Unknown field ${field.path}: the API server drops it silently.${hint}`, renameFixes(field));
    });
  },
});
