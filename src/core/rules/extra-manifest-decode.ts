import { isMap, isScalar } from 'yaml';
import { asMap, get, getString, keyOf, type AnchorTable } from '../yaml/ast';
import { MAX_DEPTH } from '../yaml/depth';
import { parseDocuments, refused } from '../yaml/parse';
import { configMapRole } from '../lca/configmaps';
import { at, defineRule } from './helpers';
import type { Report } from './types';

/**
 * Why LCA's decoder (YAML or JSON into an object with a kind) refuses a document, or undefined. A document
 * with a kind but no apiVersion decodes; it fails later, when LCA looks up its API.
 */
function decodeProblem(root: unknown, anchors?: AnchorTable): string | undefined {
  if (!isMap(root)) return 'is not an object';
  if (!getString(root, 'kind', anchors)) return 'has no kind';
  return undefined;
}

export const extraManifestDecodeRule = defineRule({
  id: 'ibgu/extra-manifest-decode',
  severity: 'error',
  title: 'A value of an extra-manifests ConfigMap that does not decode into objects',
  evidence: 'LCA `ValidateExtraManifestConfigmaps`: `failed to decode <key> in the configMap <cm>` fails Prep',
  docs: 'LCA decodes every value of an extra-manifests ConfigMap as Kubernetes objects (YAML or JSON). A value that is not objects with a `kind` fails Prep with "failed to decode"; an object without `apiVersion` decodes, but LCA cannot find its API.',
  appliesTo: ['ConfigMap'],
  scope: 'workspace',
  check(resource, ctx) {
    if (configMapRole(ctx.workspace, resource) !== 'extraManifests') return [];
    const data = get(resource.root, 'data', resource.yaml.anchors);
    if (!isMap(data)) return [];
    const reports: Report[] = [];
    for (const pair of data.items) {
      const key = keyOf(pair) ?? '';
      const failed = `failed to decode ${key} in the configMap ${resource.name ?? ''}`;
      let docs: { root: unknown; anchors?: AnchorTable; broken: boolean }[] = resource.embedded
        .filter((d) => d.embedding?.key === key)
        .map((d) => ({ root: d.doc.contents, anchors: d.anchors, broken: refused(d) || d.problems.some((p) => p.severity === 'error') }));
      if (docs.length === 0) {
        // Values that do not look like manifests are not parsed with the file; LCA decodes them all the same.
        if (!isScalar(pair.value) || typeof pair.value.value !== 'string') continue;
        // Parsed as the file's documents are, with the same limits (aliases, nesting).
        const parsed = parseDocuments(pair.value.value);
        const unread = parsed.find(refused);
        if (unread) {
          const why = unread.tooDeep ? `nests mappings and sequences deeper than ${MAX_DEPTH} levels` : unread.aliasBomb ? 'has aliases that would expand past the limit' : 'could not be read (an internal error)';
          reports.push(at(pair.key, `The value of ${key} in the configMap ${resource.name ?? ''} ${why}; it was not checked further. LCA decodes it as Kubernetes objects, which are never that large.`));
          continue;
        }
        docs = parsed.map((d) => ({ root: d.doc.contents, anchors: d.anchors, broken: d.problems.some((p) => p.severity === 'error') }));
        if (docs.some((d) => d.broken)) {
          reports.push(at(pair.key, `${failed}: the value is neither YAML nor JSON objects. Prep fails.`));
          continue;
        }
      }
      docs.forEach((doc, index) => {
        // Empty documents are skipped; syntax errors of parsed values are reported by ibgu/embedded-yaml.
        const empty = doc.root === null || (isScalar(doc.root) && doc.root.value === null);
        if (empty || doc.broken) return;
        const problem = decodeProblem(doc.root, doc.anchors);
        const which = docs.length > 1 ? `document ${index + 1}` : 'the value';
        if (problem) reports.push(at(pair.key, `${failed}: ${which} ${problem}. Prep fails.`));
        else if (isMap(doc.root) && !getString(doc.root, 'apiVersion', doc.anchors)) {
          const what = `${which[0].toUpperCase()}${which.slice(1)} of ${key} in the configMap ${resource.name ?? ''} has no apiVersion`;
          const kind = getString(doc.root, 'kind', doc.anchors);
          const named = !!getString(asMap(get(doc.root, 'metadata', doc.anchors), doc.anchors), 'name', doc.anchors);
          reports.push(at(pair.key, named
            ? `${what}: LCA decodes it but cannot find its API, and the upgrade fails when it applies it.`
            : `${what} and no name: Prep fails with "${kind} resource name is empty".`));
        }
      });
    }
    return reports;
  },
});
