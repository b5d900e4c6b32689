import { isScalar, type Pair } from 'yaml';
import { getSeq, pairOf, stringItems } from '../yaml/ast';
import type { Resource } from '../yaml/parse';
import { at, defineRule, specOf } from './helpers';

const OLD_FILTERS = ['includedResources', 'excludedResources', 'includeClusterResources'];
const SCOPED_FILTERS = ['includedClusterScopedResources', 'excludedClusterScopedResources', 'includedNamespaceScopedResources', 'excludedNamespaceScopedResources'];

// Velero's own validation errors, as they appear in status.validationErrors (line breaks as spaces).
const MIX_ERROR = 'include-resources, exclude-resources and include-cluster-resources are old filter parameters. include-cluster-scoped-resources, exclude-cluster-scoped-resources, include-namespace-scoped-resources and exclude-namespace-scoped-resources are new filter parameters. They cannot be used together';

/** Velero counts a list filter only when it has items, and includeClusterResources only when it is not null. */
function inEffect(resource: Resource, pair: Pair<unknown, unknown>): boolean {
  const key = String((pair.key as { value: unknown }).value);
  if (key === 'includeClusterResources') return isScalar(pair.value) ? pair.value.value !== null : !!pair.value;
  return stringItems(getSeq(specOf(resource), key, resource.yaml.anchors), resource.yaml.anchors).length > 0;
}

export const filterMixRule = defineRule({
  id: 'ibgu/backup-filter-mix',
  severity: 'error',
  title: 'Old and scoped resource filters mixed in one Backup',
  evidence: 'Velero `pkg/controller/backup_controller.go`: old and scoped filters together are `FailedValidation`',
  docs: 'Velero rejects a Backup (phase `FailedValidation`) that combines the old filters (`includedResources`, `excludedResources`, `includeClusterResources`) with the scoped ones (`included/excludedClusterScopedResources`, `included/excludedNamespaceScopedResources`). LCA then reports the upgrade as failed at the backup step. Empty lists do not count.',
  appliesTo: ['Backup'],
  scope: 'document',
  check(resource) {
    const spec = specOf(resource);
    const present = (keys: string[]) => keys.map((k) => pairOf(spec, k)).filter((p): p is Pair<unknown, unknown> => !!p && inEffect(resource, p));
    const old = present(OLD_FILTERS);
    // Most Backups use one kind of filter: the scoped ones are read only beside an old one.
    if (!old.length) return [];
    const scoped = present(SCOPED_FILTERS);
    if (!scoped.length) return [];
    const names = (pairs: Pair<unknown, unknown>[]) => pairs.map((p) => String((p.key as { value: unknown }).value)).join(', ');
    return old.map((pair) => at(pair.key, `Velero refuses this Backup (FailedValidation), and the upgrade fails at the backup step: "${MIX_ERROR}". This Backup sets old (${names(old)}) and scoped (${names(scoped)}) filters: keep only the scoped ones.`));
  },
});
