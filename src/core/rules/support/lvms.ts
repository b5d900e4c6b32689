import { isScalar } from 'yaml';
import { getMap, getSeq, getString, pairOf, stringItems } from '../../yaml/ast';
import type { Resource } from '../../yaml/parse';
import { perResource } from '../../yaml/memo';
import { specOf } from '../helpers';

export const LOGICAL_VOLUMES = 'logicalvolumes.topolvm.io';
export const PERSISTENT_VOLUMES = 'persistentVolumes';
export const CLAIMS = 'persistentvolumeclaims';

/** Velero resource names compared loosely: case, singular/short forms. */
export function normal(resource: string): string {
  const r = resource.toLowerCase();
  if (r === 'pvc' || r === 'persistentvolumeclaim') return CLAIMS;
  if (r === 'pv' || r === 'persistentvolume') return 'persistentvolumes';
  if (r === 'logicalvolume' || r === 'logicalvolumes' || r === 'logicalvolume.topolvm.io') return LOGICAL_VOLUMES;
  return r;
}

/** The items of a list filter; undefined when it is absent or empty, which Velero treats alike. */
export function listed(resource: Resource, field: string): Set<string> | undefined {
  const items = stringItems(getSeq(specOf(resource), field, resource.yaml.anchors), resource.yaml.anchors).map((s) => normal(s.value));
  return items.length ? new Set(items) : undefined;
}

export function includeClusterResources(resource: Resource): boolean | null | undefined {
  const node = pairOf(specOf(resource), 'includeClusterResources')?.value;
  if (!isScalar(node) || node.value === null) return undefined;
  return node.value === true ? true : node.value === false ? false : null;
}

/** Velero's choice between its old filters and the scoped ones: adding a scoped filter to an old-style Backup fails it. */
export function usesOldFilters(resource: Resource): boolean {
  return !!listed(resource, 'includedResources') || !!listed(resource, 'excludedResources') || includeClusterResources(resource) !== undefined;
}

const applyLabelResources = perResource((resource): Set<string> | undefined => {
  const annotations = getMap(getMap(resource.root, 'metadata', resource.yaml.anchors), 'annotations', resource.yaml.anchors);
  const value = getString(annotations, 'lca.openshift.io/apply-label', resource.yaml.anchors);
  if (!value) return undefined;
  const out = new Set<string>();
  for (const item of value.split(',')) {
    const parts = item.trim().split('/');
    const res = parts.length === 3 ? parts[1] : parts.length === 4 ? (parts[0] === 'v1' ? parts[1] : parts[2]) : parts.length === 5 ? parts[2] : undefined;
    if (res) out.add(normal(res));
  }
  return out;
});

/** Whether a Backup takes persistent volume claims or volumes, judging from its filters. */
export const backupCoversVolumes = perResource((resource): boolean => {
  const labelled = applyLabelResources(resource);
  if (labelled) return labelled.has(CLAIMS) || labelled.has('persistentvolumes');
  const takes = (set: Set<string> | undefined) => !!set && (set.has('*') || set.has(CLAIMS) || set.has('persistentvolumes'));
  const drops = (set: Set<string> | undefined) => !!set && (set.has('*') || set.has(CLAIMS));
  if (usesOldFilters(resource)) {
    const included = listed(resource, 'includedResources');
    if (included && !takes(included)) return false;
    return !drops(listed(resource, 'excludedResources'));
  }
  if (listed(resource, 'includedClusterScopedResources')?.has('persistentvolumes')) return true;
  const scoped = listed(resource, 'includedNamespaceScopedResources');
  if (scoped && !takes(scoped)) return false;
  return !drops(listed(resource, 'excludedNamespaceScopedResources'));
});
