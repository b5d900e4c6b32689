import { isScalar, type Node } from 'yaml';
import { getMap, getString, pairOf } from '../yaml/ast';
import { addToMap, setInMap } from '../yaml/edit';
import type { Resource } from '../yaml/parse';
import { configMapRole, oadpSetFor, oadpSetsOf, configMapRefs, ibuSpecOf, type OadpSet } from '../oadp';
import { closest } from '../text/similar';
import { at, atKey, atResource, defineRule, describe, sameQuoting, specOf } from './helpers';
import type { RawFix, Report } from './types';

export const PAIRING_MESSAGE = 'Both backup and restore CRs should be specified in OADP configmaps and each backup CR should be paired with a corresponding restore CR.';

function annotation(resource: Resource, key: string): { value?: string; node?: Node; pair?: ReturnType<typeof pairOf> } {
  const annotations = getMap(getMap(resource.root, 'metadata', resource.yaml.anchors), 'annotations', resource.yaml.anchors);
  const pair = pairOf(annotations, key);
  const node = pair?.value as Node | undefined;
  return { value: isScalar(node) && node.value !== null ? String(node.value) : undefined, node, pair };
}

export const restoreBackupNameRule = defineRule({
  id: 'ibgu/restore-backup-name',
  severity: 'error',
  title: 'The Restore names a Backup that is not in the same OADP ConfigMaps',
  docs: 'LCA checks at Prep that each Restore\'s `spec.backupName` is the name of a Backup in the OADP ConfigMaps of the same upgrade, and fails Prep otherwise. For Backup and Restore files outside a ConfigMap, the Backups among the same files are used.',
  appliesTo: ['Restore'],
  check(resource, ctx) {
    const spec = specOf(resource);
    const backupName = getString(spec, 'backupName', resource.yaml.anchors);
    const sets = oadpSetsOf(ctx.workspace, resource).filter((s) => s.backups.length || s.configMaps.length);
    if (sets.length === 0) return [];
    const reports: Report[] = [];
    for (const set of sets) {
      const names = set.backups.map((b) => b.name).filter((n): n is string => !!n);
      if (backupName && names.includes(backupName)) continue;
      if (!backupName && set.backups.length === 0) continue;
      const message = `The backup CR ${backupName ?? '(none)'} defined in restore CR ${resource.name ?? '(unnamed)'} not found in OADP configmaps${set.owner ? ` of ${describe(set.owner)}` : ''}.`;
      const paired = new Set(set.restores.map((r) => getString(specOf(r), 'backupName', r.yaml.anchors)));
      const candidates = backupName ? closest(backupName, names) : [];
      const unpaired = names.filter((n) => !paired.has(n));
      const suggestions = [...new Set([...candidates, ...unpaired])];
      const node = pairOf(spec, 'backupName')?.value as (Node & { type?: string }) | undefined;
      const fixes: RawFix[] = node?.range ? suggestions.map((s, i) => ({
        title: `Restore from Backup ${s}`,
        edits: [{ start: node.range![0], end: node.range![1], newText: sameQuoting(node, s) }],
        preferred: i === 0,
        autofix: suggestions.length === 1,
      })) : [];
      const hint = suggestions.length ? ` Backups there: ${names.join(', ')}.` : names.length ? '' : ' There is no Backup there at all.';
      reports.push(node ? at(node, message + hint, fixes) : atKey(spec, 'backupName', pairOf(resource.root, 'spec')?.key ?? resource.root, message + hint));
      break;
    }
    return reports;
  },
});

function pairingProblem(set: OadpSet): string | undefined {
  const b = set.backups.length;
  const r = set.restores.length;
  if (b === r && b > 0) return undefined;
  return `${PAIRING_MESSAGE} (${b} Backup${b === 1 ? '' : 's'}, ${r} Restore${r === 1 ? '' : 's'}${set.configMaps.length > 1 ? ` across ${set.configMaps.map((c) => c.name).join(', ')}` : ''})`;
}

export const oadpPairingRule = defineRule({
  id: 'ibgu/oadp-pairing',
  severity: 'error',
  title: 'OADP ConfigMaps without a Restore for each Backup',
  docs: 'LCA requires at least one Backup and one Restore in the OADP ConfigMaps of an upgrade, and as many Restores as Backups; otherwise Prep fails. The check counts all ConfigMaps listed in one `oadpContent` together.',
  appliesTo: ['IBGU', 'IBU', 'ConfigMap'],
  check(resource, ctx) {
    if (resource.type === 'ConfigMap') {
      if (configMapRole(ctx.workspace, resource) !== 'oadp') return [];
      // Sets defined by an IBGU/IBU are reported there; an unreferenced set once, on its first ConfigMap.
      const [set] = oadpSetsOf(ctx.workspace, resource);
      if (!set || set.owner || set.configMaps[0] !== resource) return [];
      const problem = pairingProblem(set);
      return problem ? [atKey(resource.root, 'data', resource.root, problem)] : [];
    }
    if (configMapRefs(resource, 'oadpContent').length === 0) return [];
    const set = oadpSetFor(ctx.workspace, resource);
    if (set.missing.length || set.configMaps.length === 0) return [];
    const problem = pairingProblem(set);
    return problem ? [atKey(ibuSpecOf(resource), 'oadpContent', resource.root, problem)] : [];
  },
});

export const oadpIgnoredKindRule = defineRule({
  id: 'ibgu/oadp-ignored-kind',
  severity: 'warning',
  title: 'An object in an OADP ConfigMap that LCA ignores',
  docs: 'LCA reads only `velero.io/v1` Backup and Restore objects from OADP ConfigMaps and ignores everything else without a word. Objects that must reach the cluster belong in an extra-manifests ConfigMap.',
  appliesTo: ['Other', 'IBGU', 'IBU', 'ConfigMap', 'ManagedCluster'],
  check(resource, ctx) {
    const host = resource.yaml.embedding?.configMap;
    if (!host || configMapRole(ctx.workspace, host) !== 'oadp') return [];
    return [atKey(resource.root, 'kind', resource.root, `LCA ignores ${resource.kind} (${resource.apiVersion}) in OADP ConfigMap ${host.name}: only velero.io/v1 Backup and Restore are read. Move it to an extra-manifests ConfigMap.`)];
  },
});

/** Go's strconv.Atoi: optional sign, decimal digits, within 64 bits. */
export function isAtoi(value: string): boolean {
  if (!/^[+-]?\d+$/.test(value)) return false;
  const n = BigInt(value);
  return n <= 9223372036854775807n && n >= -9223372036854775808n;
}

export const applyWaveRule = defineRule({
  id: 'ibgu/apply-wave',
  severity: 'error',
  title: 'lca.openshift.io/apply-wave is not an integer',
  docs: 'LCA orders Backups, Restores and extra manifests by `lca.openshift.io/apply-wave`, parsed as an integer (empty means last). In an OADP ConfigMap a non-integer wave passes Prep and then leaves Upgrade stuck at "Backing up Application Data", retrying forever; in extra manifests it fails Prep.',
  appliesTo: ['Backup', 'Restore', 'Other', 'ConfigMap'],
  check(resource, ctx) {
    const host = resource.yaml.embedding?.configMap;
    const inExtra = !!host && configMapRole(ctx.workspace, host) === 'extraManifests';
    if (resource.type !== 'Backup' && resource.type !== 'Restore' && !inExtra) return [];
    const { value, node } = annotation(resource, 'lca.openshift.io/apply-wave');
    if (value === undefined || value === '' || !isScalar(node) || typeof node.value !== 'string' || isAtoi(value)) return [];
    const consequence = inExtra
      ? `Prep fails: failed to sort and group manifests: error convert: strconv.Atoi: parsing "${value}": invalid syntax.`
      : 'Prep accepts it, but Upgrade then stays at "Backing up Application Data" and retries forever.';
    const digits = /^\s*([+-]?\d+)\s*$/.exec(value)?.[1];
    const fixes: RawFix[] = digits ? [{ title: `Use ${digits}`, edits: [{ start: node.range![0], end: node.range![1], newText: JSON.stringify(digits) }], preferred: true, autofix: true }] : [];
    return [at(node, `lca.openshift.io/apply-wave "${value}" is not an integer. ${consequence}`, fixes)];
  },
});

/** Why an apply-label item does not follow LCA's grammar, or undefined. */
export function applyLabelItemProblem(item: string): string | undefined {
  if (item !== item.trim()) return 'it has spaces around it';
  const parts = item.split('/');
  if (parts.length < 3 || parts.length > 5) return `it has ${parts.length} part${parts.length === 1 ? '' : 's'}; the forms are version/resource/name, v1/resource/namespace/name, group/version/resource/name and group/version/resource/namespace/name`;
  if (parts.some((p) => p === '')) return 'it has an empty part';
  return undefined;
}

export const applyLabelRule = defineRule({
  id: 'ibgu/apply-label',
  severity: 'error',
  title: 'lca.openshift.io/apply-label does not follow LCA\'s grammar',
  docs: 'A comma-separated list of objects LCA labels for the Backup: `version/resource/name` (core, cluster-scoped), `v1/resource/namespace/name` (core, namespaced), `group/version/resource/name` (cluster-scoped) or `group/version/resource/namespace/name`. Anything else fails Prep with "invalid apply-label obj in annotation value". When it is set, only the listed objects are backed up.',
  appliesTo: ['Backup'],
  check(resource) {
    const { value, node } = annotation(resource, 'lca.openshift.io/apply-label');
    if (!value || !node) return [];
    const reports: Report[] = [];
    const items = value.split(',');
    const bad = items.map((item) => ({ item, problem: applyLabelItemProblem(item) })).filter((b) => b.problem);
    for (const b of bad) reports.push(at(node, `invalid apply-label obj in annotation value: ${b.item.trim() || '(empty)'}: ${b.problem}.`, []));
    if (bad.length && bad.every((b) => b.item.trim() !== '' && !applyLabelItemProblem(b.item.trim()))) {
      const fixed = items.map((i) => i.trim()).filter(Boolean).join(',');
      reports[0].fixes = [{ title: 'Remove the spaces', edits: [{ start: node.range![0], end: node.range![1], newText: JSON.stringify(fixed) }], preferred: true, autofix: true }];
    }
    return reports;
  },
});

export const oadpNamespaceRule = defineRule({
  id: 'ibgu/oadp-namespace',
  severity: 'hint',
  title: 'Backup or Restore outside openshift-adp',
  docs: 'The LCA documentation asks for Backups and Restores in `openshift-adp`, where OADP runs. Velero does not process them in another namespace, and LCA waits for them.',
  appliesTo: ['Backup', 'Restore'],
  check(resource) {
    if (resource.namespace === 'openshift-adp') return [];
    const metadata = getMap(resource.root, 'metadata', resource.yaml.anchors);
    if (!metadata) return [];
    const fix: RawFix = { title: 'Use namespace openshift-adp', edits: [setInMap(resource.yaml, metadata, 'namespace', 'openshift-adp')], preferred: true };
    const message = `${describe(resource)} is ${resource.namespace ? `in namespace ${resource.namespace}` : 'without a namespace'}; Velero only processes Backups and Restores in openshift-adp, where OADP is installed.`;
    return [pairOf(metadata, 'namespace') ? atKey(metadata, 'namespace', metadata, message, [fix]) : atResource(resource, message, [fix])];
  },
});

export const storageLocationLabelRule = defineRule({
  id: 'ibgu/storage-location-label',
  severity: 'hint',
  title: 'No velero.io/storage-location label',
  docs: 'The LCA documentation labels each Backup and Restore with `velero.io/storage-location` naming the BackupStorageLocation (usually `default`). LCA does not read it, but it keeps the objects tied to the right location.',
  appliesTo: ['Backup', 'Restore'],
  check(resource) {
    const metadata = getMap(resource.root, 'metadata', resource.yaml.anchors);
    const labels = getMap(metadata, 'labels', resource.yaml.anchors);
    if (!metadata || pairOf(labels, 'velero.io/storage-location')) return [];
    const edit = labels ? addToMap(resource.yaml, labels, 'velero.io/storage-location', 'default') : addToMap(resource.yaml, metadata, 'labels', { 'velero.io/storage-location': 'default' });
    return [atResource(resource, `${describe(resource)} has no velero.io/storage-location label, as the LCA documentation shows for OADP content.`, [
      { title: 'Add velero.io/storage-location: default', edits: [edit], preferred: true },
    ])];
  },
});
