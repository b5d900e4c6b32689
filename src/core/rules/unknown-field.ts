import { renameFixes, type UnknownField } from '../schema/validate';
import { ibuSpec } from '../schema/lca';
import type { Resource } from '../yaml/parse';
import { getMap, keyOf, nodeStart } from '../yaml/ast';
import { endOfBlockMap, removePair, reindentPair, columnOf } from '../yaml/edit';
import { defineRule, at, atKey } from './helpers';
import type { RawFix, Report } from './types';
import { schemaResult, schemaTypes } from './support/crd';

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
  evidence: 'API server: structural schemas prune unknown fields without an error (so the field has no effect)',
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
