import type { Pair, YAMLMap } from 'yaml';
import { getSeq, pairOf, stringItems } from '../yaml/ast';
import { at, defineRule, specOf } from './helpers';
import type { Report } from './types';

const OLD_FILTERS = ['includedResources', 'excludedResources', 'includeClusterResources'];
const SCOPED_FILTERS = ['includedClusterScopedResources', 'excludedClusterScopedResources', 'includedNamespaceScopedResources', 'excludedNamespaceScopedResources'];

export const filterMixRule = defineRule({
  id: 'ibgu/backup-filter-mix',
  severity: 'error',
  title: 'Old and scoped resource filters mixed in one Backup',
  docs: 'Velero rejects a Backup (phase `FailedValidation`) that combines the old filters (`includedResources`, `excludedResources`, `includeClusterResources`) with the scoped ones (`included/excludedClusterScopedResources`, `included/excludedNamespaceScopedResources`). LCA then reports the upgrade as failed at the backup step.',
  appliesTo: ['Backup'],
  check(resource) {
    const spec = specOf(resource);
    const present = (keys: string[]) => keys.map((k) => pairOf(spec, k)).filter((p): p is Pair<unknown, unknown> => !!p);
    const old = present(OLD_FILTERS);
    const scoped = present(SCOPED_FILTERS);
    if (!old.length || !scoped.length) return [];
    const names = (pairs: Pair<unknown, unknown>[]) => pairs.map((p) => String((p.key as { value: unknown }).value)).join(', ');
    return old.map((pair) => at(pair.key, `Velero rejects this Backup (FailedValidation): old filter parameters (${names(old)}) cannot be used together with the new scoped ones (${names(scoped)}). Use only the scoped filters.`));
  },
});

const INCLUDE_EXCLUDE: [string, string][] = [
  ['includedNamespaces', 'excludedNamespaces'],
  ['includedResources', 'excludedResources'],
  ['includedClusterScopedResources', 'excludedClusterScopedResources'],
  ['includedNamespaceScopedResources', 'excludedNamespaceScopedResources'],
];

export const veleroFiltersRule = defineRule({
  id: 'ibgu/velero-filters',
  severity: 'error',
  title: 'Include/exclude lists or selectors Velero refuses',
  docs: "Velero validates its filters before it starts: an include list with `*` must contain only `*`, an exclude list may not contain `*` or an item of the matching include list, and `labelSelector` cannot be combined with `orLabelSelectors`. A Backup or Restore that breaks this ends in `FailedValidation`.",
  appliesTo: ['Backup', 'Restore'],
  check(resource) {
    const spec = specOf(resource) as YAMLMap<unknown, unknown> | undefined;
    if (!spec) return [];
    const anchors = resource.yaml.anchors;
    const reports: Report[] = [];
    for (const [include, exclude] of INCLUDE_EXCLUDE) {
      const inc = stringItems(getSeq(spec, include, anchors), anchors);
      const exc = stringItems(getSeq(spec, exclude, anchors), anchors);
      if (inc.length > 1 && inc.some((i) => i.value === '*')) {
        reports.push(at(inc.find((i) => i.value === '*')!.node, `${include} contains "*" and other items; Velero requires "*" alone or a list without it (FailedValidation).`));
      }
      const star = exc.find((e) => e.value === '*');
      if (star) reports.push(at(star.node, `${exclude} cannot contain "*" (FailedValidation).`));
      const included = new Set(inc.map((i) => i.value.toLowerCase()));
      for (const e of exc) {
        if (e.value !== '*' && included.has(e.value.toLowerCase())) reports.push(at(e.node, `"${e.value}" is both in ${include} and ${exclude}; Velero refuses an exclude list that contains an included item (FailedValidation).`));
      }
    }
    if (pairOf(spec, 'labelSelector') && pairOf(spec, 'orLabelSelectors')) {
      reports.push(at(pairOf(spec, 'orLabelSelectors')!.key, 'labelSelector and orLabelSelectors cannot both be set; Velero accepts only one (FailedValidation).'));
    }
    if (resource.type === 'Restore' && pairOf(spec, 'backupName') && pairOf(spec, 'scheduleName')) {
      reports.push(at(pairOf(spec, 'scheduleName')!.key, 'A Restore takes either backupName or scheduleName, not both (FailedValidation). LCA needs backupName.'));
    }
    return reports;
  },
});
