import { isMap, type YAMLSeq } from 'yaml';
import { deref, getSeq, getString, nodeEnd, nodeStart, pairOf } from '../yaml/ast';
import type { Resource } from '../yaml/parse';
import { ibuSpecOf } from '../lca/configmaps';
import { at, defineRule } from './helpers';
import type { RawFix, Report } from './types';
import { atItem } from './support/ibu-spec';

const ROLES = { oadpContent: 'OADP', extraManifests: 'extra-manifests' } as const;

/** Deletes a whole `- item` of a block list, its lines included; undefined for flow lists. */
function removeItem(resource: Resource, seq: YAMLSeq<unknown>, item: unknown): RawFix | undefined {
  if (seq.flow) return undefined;
  const text = resource.yaml.text;
  const dash = text.lastIndexOf('-', nodeStart(item));
  const lineStart = text.lastIndexOf('\n', dash - 1) + 1;
  if (text.slice(lineStart, dash).trim() !== '') return undefined;
  let end = nodeEnd(item);
  while (end > dash && /\s/.test(text[end - 1])) end--;
  const newline = text.indexOf('\n', end);
  return { title: 'Remove the repeated reference', edits: [{ start: lineStart, end: newline === -1 ? text.length : newline + 1, newText: '' }], preferred: true, autofix: true };
}

export const configMapRefRule = defineRule({
  id: 'ibgu/configmap-ref',
  severity: 'warning',
  title: 'Duplicate or incomplete oadpContent / extraManifests reference',
  evidence: 'LCA `ValidateOadpConfigmaps` / `ValidateExtraManifestConfigmaps` fetch each reference by name and namespace',
  docs: 'Each reference needs a non-empty `name` and `namespace`, or LCA cannot find the ConfigMap and Prep fails. A ConfigMap listed twice is a copy-paste slip: remove the repeat.',
  appliesTo: ['IBGU', 'IBU'],
  scope: 'document',
  check(resource) {
    const reports: Report[] = [];
    const anchors = resource.yaml.anchors;
    const spec = ibuSpecOf(resource);
    for (const field of ['oadpContent', 'extraManifests'] as const) {
      const seen = new Map<string, number>();
      const seq = getSeq(spec, field, anchors);
      // Raw items: an alias is reported and removed where it is written, not at its anchor.
      (seq?.items ?? []).forEach((raw, i) => {
        const item = deref(raw, anchors);
        if (!isMap(item)) return;
        for (const key of ['name', 'namespace']) {
          const pair = pairOf(item, key);
          if (pair && getString(item, key, anchors) === '') reports.push(at(pair.key, `${field}[${i}].${key} is empty: LCA cannot find the ${ROLES[field]} ConfigMap, and Prep fails.`));
        }
        const ref = `${getString(item, 'namespace', anchors) ?? ''}/${getString(item, 'name', anchors) ?? ''}`;
        const first = seen.get(ref);
        if (first === undefined) {
          seen.set(ref, i);
          return;
        }
        const fix = removeItem(resource, seq!, raw);
        reports.push(atItem(resource, raw, `${field}[${i}] repeats ${field}[${first}] (${ref}): remove the repeat.`, fix ? [fix] : undefined));
      });
    }
    return reports;
  },
});
