import { isScalar, type Node } from 'yaml';
import { getMap, pairOf } from '../../yaml/ast';
import { refused, type Resource } from '../../yaml/parse';
import type { OadpSet } from '../../lca/configmaps';
import { describe } from '../helpers';
import { BACKUP_TYPE } from '../../kube/types';

export function annotation(resource: Resource, key: string): { value?: string; node?: Node; pair?: ReturnType<typeof pairOf> } {
  const annotations = getMap(getMap(resource.root, 'metadata', resource.yaml.anchors), 'annotations', resource.yaml.anchors);
  const pair = pairOf(annotations, key);
  const node = pair?.value as Node | undefined;
  return { value: isScalar(node) && node.value !== null ? String(node.value) : undefined, node, pair };
}

/** LCA reads exactly velero.io/v1 Backup and Restore from OADP ConfigMaps; other versions are skipped. */
export function readByLca(resource: Resource): boolean {
  return resource.apiVersion === BACKUP_TYPE.apiVersion;
}

/** Whether every document of the set's ConfigMaps could be read: otherwise Backups or Restores may be hidden. */
const readableSets = new WeakMap<OadpSet, boolean>();

/** Whether every document of the set parsed: otherwise LCA fails on decoding first, and counts mean nothing. */
export function readable(set: OadpSet): boolean {
  let ok = readableSets.get(set);
  if (ok === undefined) {
    ok = set.configMaps.every((cm) => cm.embedded.every((d) => !refused(d) && !d.problems.some((p) => p.severity === 'error')));
    readableSets.set(set, ok);
  }
  return ok;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Where the Backups of a set come from, for messages. */
export function scopeOf(set: OadpSet): string {
  const names = set.configMaps.map((c) => c.name ?? '(unnamed)').join(', ');
  if (set.owner) return `the OADP ConfigMaps of ${describe(set.owner)} (${names})`;
  if (set.configMaps.length) return `ConfigMap${set.configMaps.length === 1 ? '' : 's'} ${names}`;
  return 'the Backup files given';
}
