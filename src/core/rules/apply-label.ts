import type { Node } from 'yaml';
import { nodeEnd, nodeStart } from '../yaml/ast';
import type { YamlDocument } from '../yaml/parse';
import { at, defineRule, sameQuoting } from './helpers';
import type { Report } from './types';
import { annotation, plural } from './support/oadp';

/** Why an apply-label item does not follow LCA's grammar, or undefined. LCA neither trims nor skips items. */
function applyLabelItemProblem(item: string): string | undefined {
  const parts = item.split('/');
  if (parts.length < 3 || parts.length > 5) return `it has ${plural(parts.length, 'part')}; the forms are version/resource/name, v1/resource/namespace/name, group/version/resource/name and group/version/resource/namespace/name`;
  return undefined;
}

/** Why LCA cannot find the object an item names, although the grammar holds, or undefined. */
function applyLabelItemMismatch(item: string): string | undefined {
  if (item !== item.trim()) return 'has spaces around it, which LCA keeps as part of the names';
  if (item.split('/').some((p) => p === '')) return 'has an empty part';
  return undefined;
}

/** Where a scalar's value starts in the document text, when it is written as is (no escapes, no folding). */
function valueStart(yaml: YamlDocument, node: Node, value: string): number | undefined {
  const [start, end] = node.range ?? [0, 0];
  const type = (node as { type?: string }).type;
  const quote = type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE' ? 1 : type === 'PLAIN' ? 0 : undefined;
  if (quote === undefined || yaml.text.slice(start + quote, end - quote) !== value) return undefined;
  return start + quote;
}

export const applyLabelRule = defineRule({
  id: 'ibgu/apply-label',
  severity: 'error',
  title: 'lca.openshift.io/apply-label does not follow LCA\'s grammar',
  evidence: 'LCA `internal/backuprestore/backup.go` `getObjsFromAnnotations` grammar (`invalid apply-label obj in annotation value`)',
  docs: 'A comma-separated list of objects LCA labels for the Backup: `version/resource/name` (core, cluster-scoped), `v1/resource/namespace/name` (core, namespaced), `group/version/resource/name` (cluster-scoped) or `group/version/resource/namespace/name`. Anything else fails Prep with "invalid apply-label obj in annotation value"; spaces or empty parts make LCA look for objects that do not exist, and Prep fails too. When it is set, only the listed objects are backed up.',
  appliesTo: ['Backup'],
  scope: 'document',
  check(resource) {
    const { value, node } = annotation(resource, 'lca.openshift.io/apply-label');
    if (!value || !node) return [];
    const reports: Report[] = [];
    const base = valueStart(resource.yaml, node, value);
    const seen = new Set<string>();
    let offset = 0;
    let fixable = true;
    for (const item of value.split(',')) {
      const itemStart = offset;
      offset += item.length + 1;
      if (seen.has(item)) continue;
      seen.add(item);
      const grammar = applyLabelItemProblem(item);
      const mismatch = grammar ? undefined : applyLabelItemMismatch(item);
      if (!grammar && !mismatch) continue;
      if (item.trim() !== '' && (applyLabelItemProblem(item.trim()) || applyLabelItemMismatch(item.trim()))) fixable = false;
      const message = grammar
        ? `invalid apply-label obj in annotation value: ${item === '' ? '(an empty item, from a stray comma)' : `${item}: ${grammar}`}. Prep fails.`
        : `apply-label item "${item}" ${mismatch}: LCA cannot label that object and Prep fails (failed apply backup label to objects included in apply-backup annotation).`;
      // An empty item has no text of its own: point at the comma that makes it.
      const comma = itemStart > 0 ? itemStart - 1 : itemStart;
      const where = base === undefined ? undefined : item !== '' ? { start: base + itemStart, end: base + itemStart + item.length } : { start: base + comma, end: base + comma + 1 };
      reports.push(where ? { ...where, message } : at(node, message));
    }
    if (reports.length && fixable) {
      const fixed = value.split(',').map((i) => i.trim()).filter(Boolean);
      const text = [...new Set(fixed)].join(',');
      const newText = (node as { type?: string }).type === 'PLAIN' ? JSON.stringify(text) : sameQuoting(node as { type?: string }, text);
      reports[0].fixes = [{ title: 'Remove the spaces and empty items', edits: [{ start: nodeStart(node), end: nodeEnd(node), newText }], preferred: true, autofix: true }];
    }
    return reports;
  },
});
