import { isMap, isScalar } from 'yaml';
import { get, getMap, getSeq, items, nodeEnd, nodeStart, pairOf } from '../yaml/ast';
import { at, defineRule, specOf } from './helpers';
import type { Report } from './types';
import { NEVER } from './support/selectors';

export const clusterSelectorMissingRule = defineRule({
  id: 'ibgu/cluster-selector-missing',
  severity: 'error',
  title: 'No clusterLabelSelectors: the upgrade can never complete',
  evidence: 'TALM `GenerateClusterGroupUpgradeForPlanItem`: a CGU without selectors reports `ClusterNotFound` and never succeeds',
  docs: 'The CRD accepts an IBGU without `clusterLabelSelectors`, but the ClusterGroupUpgrade TALM creates for each step then has no clusters to select. It reports `ClusterNotFound` and the IBGU stays "Waiting for plan step 0 to be completed" forever. An empty selector (`{}`) is the opposite trap: it matches every managed cluster on the hub.',
  appliesTo: ['IBGU'],
  scope: 'document',
  check(resource) {
    const spec = specOf(resource);
    if (!spec) return [];
    const selectors = getSeq(spec, 'clusterLabelSelectors', resource.yaml.anchors);
    const value = get(spec, 'clusterLabelSelectors', resource.yaml.anchors);
    // A value that is not a list (nor null) is a type error, which ibgu/schema reports.
    if (!selectors && value && !(isScalar(value) && value.value === null)) return [];
    if (!selectors || selectors.items.length === 0) {
      const where = pairOf(spec, 'clusterLabelSelectors')?.key ?? pairOf(resource.root, 'spec')?.key ?? resource.root;
      return [at(where, `spec.clusterLabelSelectors is ${selectors || value ? 'empty' : 'missing'}: the API server accepts this, but ${NEVER}`)];
    }
    const reports: Report[] = [];
    for (const selector of items(selectors, resource.yaml.anchors)) {
      if (!isMap(selector)) continue;
      const labels = getMap(selector, 'matchLabels', resource.yaml.anchors);
      const exprs = getSeq(selector, 'matchExpressions', resource.yaml.anchors);
      if ((labels?.items.length ?? 0) === 0 && (exprs?.items.length ?? 0) === 0) {
        // A block mapping's range runs into the next line: stop at its last character.
        const start = nodeStart(selector);
        let end = nodeEnd(selector);
        while (end > start + 1 && /\s/.test(resource.yaml.text[end - 1])) end--;
        reports.push(at({ range: [start, end] }, 'This selector is empty, and an empty label selector matches every ManagedCluster on the hub: every cluster would be upgraded. Add matchLabels or matchExpressions.'));
      }
    }
    return reports;
  },
});
