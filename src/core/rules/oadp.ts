import { isScalar, type Node } from 'yaml';
import { getMap, getString, nodeEnd, nodeStart, pairOf } from '../yaml/ast';
import { addToMap, setInMap } from '../yaml/edit';
import { refused, type Resource, type YamlDocument } from '../yaml/parse';
import { backupsNamed, configMapRole, oadpSetFor, oadpSetsOf, configMapRefs, ibuSpecOf, type OadpSet } from '../lca/configmaps';
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

/** LCA reads exactly velero.io/v1 Backup and Restore from OADP ConfigMaps; other versions are skipped. */
export function readByLca(resource: Resource): boolean {
  return resource.apiVersion === 'velero.io/v1';
}

/** Whether every document of the set's ConfigMaps could be read: otherwise Backups or Restores may be hidden. */
const readableSets = new WeakMap<OadpSet, boolean>();

/** Whether every document of the set parsed: otherwise LCA fails on decoding first, and counts mean nothing. */
function readable(set: OadpSet): boolean {
  let ok = readableSets.get(set);
  if (ok === undefined) {
    ok = set.configMaps.every((cm) => cm.embedded.every((d) => !refused(d) && !d.problems.some((p) => p.severity === 'error')));
    readableSets.set(set, ok);
  }
  return ok;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Where the Backups of a set come from, for messages. */
function scopeOf(set: OadpSet): string {
  const names = set.configMaps.map((c) => c.name ?? '(unnamed)').join(', ');
  if (set.owner) return `the OADP ConfigMaps of ${describe(set.owner)} (${names})`;
  if (set.configMaps.length) return `ConfigMap${set.configMaps.length === 1 ? '' : 's'} ${names}`;
  return 'the Backup files given';
}

export const restoreBackupNameRule = defineRule({
  id: 'ibgu/restore-backup-name',
  severity: 'error',
  title: 'The Restore names a Backup that is not in the same OADP ConfigMaps',
  docs: 'LCA checks at Prep that each Restore\'s `spec.backupName` is the name of a Backup in the OADP ConfigMaps of the same upgrade, and fails Prep otherwise. For Backup and Restore files outside a ConfigMap, the Backups among the same files are used.',
  appliesTo: ['Restore'],
  scope: 'workspace',
  check(resource, ctx) {
    const spec = specOf(resource);
    const backupName = getString(spec, 'backupName', resource.yaml.anchors) || undefined;
    // A set with ConfigMaps that are not in the files, or that cannot be read, may hold the Backup.
    const sets = oadpSetsOf(ctx.workspace, resource).filter((s) => (s.configMaps.length || s.backups.length) && !s.missing.length && readable(s));
    for (const set of sets) {
      if (backupName && backupsNamed(set, backupName).some(readByLca)) continue;
      const names = set.backups.filter(readByLca).map((b) => b.name).filter((n): n is string => !!n);
      // Standalone files without any Backup: the Backups may be in files not given.
      if (set.configMaps.length === 0 && names.length === 0) continue;
      const lca = `The backup CR ${backupName ?? ''} defined in restore CR ${resource.name ?? ''} not found in OADP configmaps`;
      const found = names.length ? ` Backups in ${scopeOf(set)}: ${names.join(', ')}.` : ` There is no Backup in ${scopeOf(set)}.`;
      const message = backupName
        ? `${lca}: Prep fails.${found}`
        : `${describe(resource)} has no spec.backupName, so LCA fails Prep with "${lca}".${found}`;
      const paired = new Set(set.restores.filter(readByLca).map((r) => getString(specOf(r), 'backupName', r.yaml.anchors)));
      const candidates = backupName ? closest(backupName, names) : [];
      const unpaired = names.filter((n) => !paired.has(n));
      const suggestions = [...new Set([...candidates, ...unpaired])];
      const pair = pairOf(spec, 'backupName');
      const fixes: RawFix[] = spec ? suggestions.map((s, i) => ({
        title: `Restore from Backup ${s}`,
        edits: [setInMap(resource.yaml, spec, 'backupName', s)],
        preferred: i === 0,
        // Only a near spelling is unambiguous; an unpaired Backup with another name is a guess.
        autofix: suggestions.length === 1 && candidates.includes(s),
      })) : [];
      const value = pair?.value;
      if (isScalar(value) && value.source) return [at(value, message, fixes)];
      if (pair) return [at(pair.key, message, fixes)];
      return [spec ? atKey(resource.root, 'spec', resource.root, message, fixes) : atResource(resource, message)];
    }
    return [];
  },
});

function pairingProblem(set: OadpSet): string | undefined {
  const b = set.backups.filter(readByLca).length;
  const r = set.restores.filter(readByLca).length;
  if (b === r && b > 0) return undefined;
  const scope = scopeOf(set);
  const verb = set.configMaps.length === 1 && !set.owner ? 'holds' : 'hold';
  return `${PAIRING_MESSAGE} ${scope[0].toUpperCase()}${scope.slice(1)} ${verb} ${plural(b, 'Backup')} and ${plural(r, 'Restore')}: Prep fails.`;
}

export const oadpPairingRule = defineRule({
  id: 'ibgu/oadp-pairing',
  severity: 'error',
  title: 'OADP ConfigMaps without a Restore for each Backup',
  docs: 'LCA requires at least one Backup and one Restore in the OADP ConfigMaps of an upgrade, and as many Restores as Backups; otherwise Prep fails. The check counts all ConfigMaps listed in one `oadpContent` together, and only `velero.io/v1` objects, the only ones LCA reads.',
  appliesTo: ['IBGU', 'IBU', 'ConfigMap'],
  scope: 'workspace',
  check(resource, ctx) {
    if (resource.type === 'ConfigMap') {
      if (configMapRole(ctx.workspace, resource) !== 'oadp') return [];
      // Sets defined by an IBGU/IBU are reported there; an unreferenced set once, on its first ConfigMap.
      const [set] = oadpSetsOf(ctx.workspace, resource);
      if (!set || set.owner || set.configMaps[0] !== resource || !readable(set)) return [];
      const problem = pairingProblem(set);
      return problem ? [atKey(resource.root, 'data', resource.root, problem)] : [];
    }
    if (configMapRefs(resource, 'oadpContent').length === 0) return [];
    const set = oadpSetFor(ctx.workspace, resource);
    if (set.missing.length || set.configMaps.length === 0 || !readable(set)) return [];
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
  scope: 'workspace',
  check(resource, ctx) {
    const host = resource.yaml.embedding?.configMap;
    if (!host || configMapRole(ctx.workspace, host) !== 'oadp') return [];
    // Other Velero kinds have no place in an upgrade; anything else may belong in the extra manifests.
    const advice = resource.group === 'velero.io' ? '' : ' Move it to an extra-manifests ConfigMap if the new stateroot needs it.';
    return [atKey(resource.root, 'kind', resource.root, `LCA ignores ${resource.kind} (${resource.apiVersion}) in OADP ConfigMap ${host.name}: only velero.io/v1 Backup and Restore are read.${advice}`)];
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
  docs: 'LCA orders Backups, Restores and extra manifests by `lca.openshift.io/apply-wave`, parsed as an integer (empty means last). In an OADP ConfigMap a non-integer wave passes Prep and then leaves Upgrade retrying forever before the pivot; in extra manifests it fails Prep.',
  appliesTo: ['Backup', 'Restore', 'Other', 'ConfigMap', 'IBGU', 'IBU', 'ManagedCluster'],
  scope: 'workspace',
  check(resource, ctx) {
    const host = resource.yaml.embedding?.configMap;
    const inExtra = !!host && configMapRole(ctx.workspace, host) === 'extraManifests';
    if (resource.type !== 'Backup' && resource.type !== 'Restore' && !inExtra) return [];
    const { value, node } = annotation(resource, 'lca.openshift.io/apply-wave');
    if (inExtra && isScalar(node) && node.source && (typeof node.value === 'number' || typeof node.value === 'boolean')) {
      // Backups, Restores, IBGUs and IBUs get this from ibgu/schema; other extra manifests have no schema here.
      return [at(node, `lca.openshift.io/apply-wave ${node.source} is not a string. Annotation values must be strings: LCA reads no annotation of this object, so the wave is lost, and the API server refuses the object when LCA applies it.`, [
        { title: `Quote ${node.source}`, edits: [{ start: nodeStart(node), end: nodeEnd(node), newText: JSON.stringify(node.source) }], preferred: true, autofix: true },
      ])];
    }
    if (value === undefined || value === '' || !isScalar(node) || typeof node.value !== 'string' || isAtoi(value)) return [];
    const range = /^[+-]?\d+$/.test(value);
    const consequence = inExtra
      ? `Prep fails: failed to sort and group manifests: error convert: strconv.Atoi: parsing ${JSON.stringify(value)}: ${range ? 'value out of range' : 'invalid syntax'}.`
      : resource.type === 'Backup'
        ? 'Prep accepts it, but Upgrade then stays at "Backing up Application Data" and retries forever.'
        : 'Prep accepts it, but Upgrade then cannot export the Restores before the pivot and retries forever.';
    const digits = /^\s*([+-]?\d+)\s*$/.exec(value)?.[1];
    const fixes: RawFix[] = digits && isAtoi(digits)
      ? [{ title: `Use ${digits}`, edits: [{ start: nodeStart(node), end: nodeEnd(node), newText: node.type === 'PLAIN' ? JSON.stringify(digits) : sameQuoting(node, digits) }], preferred: true, autofix: true }]
      : [];
    const what = range ? 'is out of the range of a 64-bit integer' : 'is not an integer';
    return [at(node, `lca.openshift.io/apply-wave ${JSON.stringify(value)} ${what}. ${consequence}`, fixes)];
  },
});

/** Why an apply-label item does not follow LCA's grammar, or undefined. LCA neither trims nor skips items. */
export function applyLabelItemProblem(item: string): string | undefined {
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

export const oadpNamespaceRule = defineRule({
  id: 'ibgu/oadp-namespace',
  severity: 'hint',
  title: 'Backup or Restore outside openshift-adp',
  docs: 'The LCA documentation asks for Backups and Restores in `openshift-adp`, where OADP runs. Velero does not process them in another namespace, and LCA waits for them.',
  appliesTo: ['Backup', 'Restore'],
  scope: 'document',
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
  scope: 'document',
  check(resource) {
    const metadata = getMap(resource.root, 'metadata', resource.yaml.anchors);
    const labels = getMap(metadata, 'labels', resource.yaml.anchors);
    if (!metadata || pairOf(labels, 'velero.io/storage-location')) return [];
    const edit = labels ? addToMap(resource.yaml, labels, 'velero.io/storage-location', 'default') : setInMap(resource.yaml, metadata, 'labels', { 'velero.io/storage-location': 'default' });
    return [atResource(resource, `${describe(resource)} has no velero.io/storage-location label, as the LCA documentation shows for OADP content.`, [
      { title: 'Add velero.io/storage-location: default', edits: [edit], preferred: true },
    ])];
  },
});
