import { isMap, isScalar, type Node } from 'yaml';
import { getMap, getSeq, getString, items, keyOf, pairOf, stringItems } from '../yaml/ast';
import { SELECTOR_OPERATORS, labelKeyProblem, labelValueProblem, operatorSuggestions } from '../talm/labels';
import { closest } from '../text/similar';
import { removePair } from '../yaml/edit';
import { at, atKey, defineRule, sameQuoting, specOf } from './helpers';
import type { Report } from './types';
import { NEVER } from './support/selectors';

export const labelSelectorRule = defineRule({
  id: 'ibgu/label-selector',
  severity: 'error',
  title: 'A malformed label selector (accepted by the API server, fatal at run time)',
  evidence: 'TALM CGU controller parses the selectors at run time (`metav1.LabelSelectorAsSelector`); a parse error blocks the step',
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
