import { isScalar, type YAMLMap } from 'yaml';
import { getSeq, pairOf, stringItems } from '../yaml/ast';
import { at, defineRule, specOf } from './helpers';
import type { Report } from './types';

/** Which of Velero's include/exclude validations applies to a pair of lists, and how Velero names the pair. */
type ListKind = 'namespaces' | 'resources' | 'scoped';

const INCLUDE_EXCLUDE: [string, string, ListKind, string][] = [
  ['includedNamespaces', 'excludedNamespaces', 'namespaces', 'Invalid included/excluded namespace lists'],
  ['includedResources', 'excludedResources', 'resources', 'Invalid included/excluded resource lists'],
  ['includedClusterScopedResources', 'excludedClusterScopedResources', 'scoped', 'Invalid cluster-scoped included/excluded resource lists'],
  ['includedNamespaceScopedResources', 'excludedNamespaceScopedResources', 'scoped', 'Invalid namespace-scoped included/excluded resource lists'],
];

const STAR_INCLUDE = "includes list must either contain '*' only, or a non-empty list of items";

export const veleroFiltersRule = defineRule({
  id: 'ibgu/velero-filters',
  severity: 'error',
  title: 'Include/exclude lists or selectors Velero refuses',
  evidence: 'Velero `pkg/controller/backup_controller.go` and `restore_controller.go` filter validation (`FailedValidation`)',
  docs: "Velero validates its filters before it starts: an include list with `*` must contain only `*`; an exclude list may not contain an item of the matching include list; the old exclude lists (`excludedNamespaces`, `excludedResources`) may not contain `*`, while a scoped exclude list may be `*` alone when its include list is empty; `labelSelector` cannot be combined with `orLabelSelectors`; a Restore names either `backupName` or `scheduleName`. A Backup or Restore that breaks this ends in `FailedValidation`: the upgrade fails at the backup step, or the Restore fails after the pivot.",
  appliesTo: ['Backup', 'Restore'],
  scope: 'document',
  check(resource) {
    const spec = specOf(resource) as YAMLMap<unknown, unknown> | undefined;
    if (!spec) return [];
    const anchors = resource.yaml.anchors;
    const reports: Report[] = [];
    const kind = resource.type === 'Backup' ? 'Backup' : 'Restore';
    const refuse = (node: unknown, error: string, advice: string) => reports.push(at(node, `Velero refuses this ${kind} (FailedValidation): "${error}". ${advice}`));
    for (const [include, exclude, listKind, prefix] of INCLUDE_EXCLUDE) {
      const incSeq = getSeq(spec, include, anchors);
      const excSeq = getSeq(spec, exclude, anchors);
      // Most objects set few of these lists: a pair with neither has nothing to refuse.
      if (!incSeq && !excSeq) continue;
      // Velero compares the strings as written, after removing duplicates.
      const inc = stringItems(incSeq, anchors);
      const exc = stringItems(excSeq, anchors);
      const incSet = new Set(inc.map((i) => i.value));
      const excSet = new Set(exc.map((e) => e.value));
      if (incSet.size > 1 && incSet.has('*')) {
        refuse(inc.find((i) => i.value === '*')!.node, `${prefix}: ${STAR_INCLUDE}`, `Keep "*" alone in ${include}, or remove it to list only the items.`);
      }
      const star = exc.find((e) => e.value === '*');
      if (star && listKind !== 'scoped') {
        refuse(star.node, `${prefix}: excludes list cannot contain '*'`, `Remove "*" from ${exclude}.`);
      } else if (star && excSet.size > 1) {
        refuse(star.node, `${prefix}: excludes list must either contain '*' only, or a non-empty list of items`, `Keep "*" alone in ${exclude}, or remove it to list only the items.`);
      } else if (star && incSet.size > 0) {
        refuse(star.node, `${prefix}: when exclude is '*', include cannot have value`, `Empty ${include}, or list the exclusions in ${exclude} instead of "*".`);
      }
      if (exc.length === 0) continue;
      const reported = new Set<string>();
      for (const e of exc) {
        if (e.value === '*' || !incSet.has(e.value) || reported.has(e.value)) continue;
        reported.add(e.value);
        refuse(e.node, `${prefix}: excludes list cannot contain an item in the includes list: ${e.value}`, `Remove "${e.value}" from ${include} or from ${exclude}.`);
      }
    }
    const present = (key: string) => {
      const pair = pairOf(spec, key);
      return pair && !(isScalar(pair.value) && pair.value.value === null) ? pair : undefined;
    };
    if (present('labelSelector') && present('orLabelSelectors')) {
      refuse(pairOf(spec, 'orLabelSelectors')!.key, `encountered labelSelector as well as orLabelSelectors in ${kind.toLowerCase()} spec, only one can be specified`, 'Keep one of them.');
    }
    if (resource.type === 'Restore') {
      const named = (key: string) => {
        const node = pairOf(spec, key)?.value;
        return isScalar(node) && node.value !== null && String(node.value) !== '';
      };
      if (named('backupName') && named('scheduleName')) {
        refuse(pairOf(spec, 'scheduleName')!.key, 'Either a backup or schedule must be specified as a source for the restore, but not both', 'LCA needs backupName: remove scheduleName.');
      }
    }
    return reports;
  },
});
