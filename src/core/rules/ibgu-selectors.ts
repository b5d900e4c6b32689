import { isMap, isScalar, type Node } from 'yaml';
import { get, getMap, getSeq, getString, items, keyOf, nodeEnd, nodeStart, pairOf, stringItems } from '../yaml/ast';
import { SELECTOR_OPERATORS, labelKeyProblem, labelValueProblem, operatorSuggestions } from '../talm/labels';
import { closest } from '../text/similar';
import { removePair } from '../yaml/edit';
import { at, atKey, defineRule, sameQuoting, specOf } from './helpers';
import type { Report } from './types';

const NEVER = 'TALM cannot select clusters (ClustersSelected=False, ClusterNotFound), so the step waits forever and the IBGU never completes.';

export const clusterSelectorMissingRule = defineRule({
  id: 'ibgu/cluster-selector-missing',
  severity: 'error',
  title: 'No clusterLabelSelectors: the upgrade can never complete',
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

export const labelSelectorRule = defineRule({
  id: 'ibgu/label-selector',
  severity: 'error',
  title: 'A malformed label selector (accepted by the API server, fatal at run time)',
  docs: 'The CRD does not check label selectors. A bad operator, `In`/`NotIn` without values, `Exists`/`DoesNotExist` with values, or an invalid label key or value makes TALM fail to parse the selector when it starts the step; the step then waits forever.',
  appliesTo: ['IBGU'],
  scope: 'document',
  check(resource) {
    const anchors = resource.yaml.anchors;
    const reports: Report[] = [];
    const selectors = getSeq(specOf(resource), 'clusterLabelSelectors', anchors);
    for (const selector of items(selectors, anchors)) {
      if (!isMap(selector)) continue;
      const labels = getMap(selector, 'matchLabels', anchors);
      for (const pair of labels?.items ?? []) {
        const key = keyOf(pair);
        const keyProblem = key === undefined ? undefined : labelKeyProblem(key);
        if (keyProblem) reports.push(at(pair.key, `Invalid label key "${key}": ${keyProblem}. ${NEVER}`));
        if (isScalar(pair.value) && typeof pair.value.value === 'string') {
          const valueProblem = labelValueProblem(pair.value.value);
          if (valueProblem) reports.push(at(pair.value, `Invalid label value "${pair.value.value}": ${valueProblem}. ${NEVER}`));
        }
      }
      for (const expr of items(getSeq(selector, 'matchExpressions', anchors), anchors)) {
        if (!isMap(expr)) continue;
        const key = getString(expr, 'key', anchors);
        const operator = getString(expr, 'operator', anchors);
        const values = getSeq(expr, 'values', anchors);
        const valueCount = values?.items.length ?? 0;
        const keyProblem = key === undefined ? undefined : labelKeyProblem(key);
        if (keyProblem) reports.push(atKey(expr, 'key', expr, `Invalid label key "${key}": ${keyProblem}. ${NEVER}`));
        if (operator !== undefined && !(SELECTOR_OPERATORS as readonly string[]).includes(operator)) {
          const node = pairOf(expr, 'operator')!.value as Node & { type?: string };
          const suggestions = operatorSuggestions(operator, closest);
          reports.push(at(node, `"${operator}" is not a label selector operator (In, NotIn, Exists, DoesNotExist).${suggestions.length ? ` Did you mean ${suggestions.join(' or ')}?` : ''} ${NEVER}`, suggestions.map((s, i) => ({
            title: `Change to ${s}`,
            edits: [{ start: node.range![0], end: node.range![1], newText: sameQuoting(node, s) }],
            preferred: i === 0,
            autofix: suggestions.length === 1,
          }))));
        }
        if ((operator === 'In' || operator === 'NotIn') && valueCount === 0) {
          reports.push(atKey(expr, 'operator', expr, `${operator} needs at least one value in "values". ${NEVER}`));
        }
        if ((operator === 'Exists' || operator === 'DoesNotExist') && valueCount > 0) {
          const pair = pairOf(expr, 'values')!;
          reports.push(at(pair.key, `${operator} takes no values; remove "values". ${NEVER}`, [
            { title: 'Remove values', edits: [removePair(resource.yaml, expr, pair)], preferred: true, autofix: true },
          ]));
        }
        for (const value of stringItems(values, anchors)) {
          const problem = labelValueProblem(value.value);
          if (problem) reports.push(at(value.node, `Invalid label value "${value.value}": ${problem}. ${NEVER}`));
        }
      }
    }
    return reports;
  },
});
