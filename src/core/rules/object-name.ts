import { pairOf, getMap } from '../yaml/ast';
import type { Resource } from '../yaml/parse';
import { at, defineRule } from './helpers';
import type { Report } from './types';
import { namespaceProblem, objectNameProblem } from './support/names';

/** A value that a template engine fills in before the object reaches the API server (Helm, envsubst, ACM hub templates). */
function templated(value: string): boolean {
  return /\{\{|\$\{|\$\(/.test(value);
}

export const objectNameRule = defineRule({
  id: 'ibgu/object-name',
  severity: 'error',
  title: 'metadata.name or metadata.namespace that the API server rejects',
  evidence: 'API server: apimachinery `ValidateObjectMeta` with `NameIsDNSSubdomain` (names) and `NameIsDNSLabel` (namespaces) rejects the object',
  docs: 'The API server validates every object\'s metadata before its schema (apimachinery `ValidateObjectMeta`): names of custom resources and ConfigMaps must be lowercase DNS subdomains (`NameIsDNSSubdomain`: letters, digits, `-` and `.`, at most 253 characters) and namespaces DNS labels (at most 63, no `.`). A placeholder like `<filename>` copied from an example is rejected on apply; inside an OADP ConfigMap LCA\'s dry-run create fails Prep with "Invalid backup … detected in configmap". Checked on ImageBasedGroupUpgrades, Backups, Restores and ConfigMaps, also inside ConfigMaps; the ImageBasedUpgrade\'s name is `ibgu/ibu-singleton`\'s, and the IBGU name length `ibgu/name-length`\'s. Other kinds in extra manifests are not checked: their name rules differ by kind (RBAC names, for one, may contain `:`). Values with template markers (`{{`, `${`, `$(`) are left alone.',
  appliesTo: ['IBGU', 'Backup', 'Restore', 'ConfigMap'],
  scope: 'document',
  check(resource) {
    const metadata = getMap(resource.root, 'metadata', resource.yaml.anchors);
    const reports: Report[] = [];
    const name = resource.name;
    if (name !== undefined && name !== '' && !templated(name)) {
      // The IBGU's length limit (230, from its CRD) is ibgu/name-length's.
      const problem = objectNameProblem(name);
      if (problem && !(resource.type === 'IBGU' && problem.startsWith('it is longer'))) {
        reports.push(at(pairOf(metadata, 'name')!.value, `metadata.name "${name}" is invalid: ${problem}. The API server rejects the ${resource.kind}${consequence(resource)}.`));
      }
    }
    const namespace = resource.namespace;
    if (namespace !== undefined && namespace !== '' && !templated(namespace)) {
      const problem = namespaceProblem(namespace);
      if (problem) reports.push(at(pairOf(metadata, 'namespace')!.value, `metadata.namespace "${namespace}" is invalid: ${problem}. No namespace can have this name; the API server rejects the ${resource.kind}${consequence(resource)}.`));
    }
    return reports;
  },
});

/** What follows, for an object inside a ConfigMap LCA reads. */
function consequence(resource: Resource): string {
  if (!resource.yaml.embedding) return '';
  if (resource.type === 'Backup' || resource.type === 'Restore') return ' (LCA dry-runs it at Prep, and Prep fails)';
  return '';
}
