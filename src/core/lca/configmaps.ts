import { isMap } from 'yaml';
import { deref, getMap, getSeq, getString, stringItems } from '../yaml/ast';
import type { Resource } from '../yaml/parse';
import { perResource } from '../yaml/memo';
import { isRetired, type Workspace } from '../yaml/workspace';
import { LCA_NAMESPACE } from './names';
import { TOPOLVM_DRIVER } from '../kube/types';

/** Whether LVM Storage is in use on the clusters; `auto` looks for evidence in the files. */
export type LvmsMode = 'auto' | 'on' | 'off';

/** The ConfigMaps an IBGU or IBU references, by role. */
export interface ConfigMapRef {
  name?: string;
  namespace?: string;
}

export function ibuSpecOf(resource: Resource) {
  const spec = getMap(resource.root, 'spec', resource.yaml.anchors);
  return resource.type === 'IBGU' ? getMap(spec, 'ibuSpec', resource.yaml.anchors) : spec;
}

export function configMapRefs(resource: Resource, field: 'oadpContent' | 'extraManifests'): ConfigMapRef[] {
  return field === 'oadpContent' ? oadpRefs(resource) : extraRefs(resource);
}

const oadpRefs = perResource((r) => readConfigMapRefs(r, 'oadpContent'));
const extraRefs = perResource((r) => readConfigMapRefs(r, 'extraManifests'));

function readConfigMapRefs(resource: Resource, field: 'oadpContent' | 'extraManifests'): ConfigMapRef[] {
  const anchors = resource.yaml.anchors;
  const seq = getSeq(ibuSpecOf(resource), field, anchors);
  if (!seq) return [];
  return seq.items.map((item) => {
    const node = deref(item, anchors);
    const map = isMap(node) ? node : undefined;
    return { name: getString(map, 'name', anchors), namespace: getString(map, 'namespace', anchors) };
  });
}

const refKey = (namespace: string | undefined, name: string | undefined) => `${namespace ?? ''}/${name ?? ''}`;

export type ConfigMapRole = 'oadp' | 'extraManifests' | 'other';

/** What a ConfigMap is for: referenced by an IBGU/IBU, or recognised by its content. */
export function configMapRole(ws: Workspace, configMap: Resource): ConfigMapRole {
  const roles = ws.derive('configMapRoles', () => {
    const map = new Map<string, ConfigMapRole>();
    for (const owner of [...ws.ofType('IBGU'), ...ws.ofType('IBU')]) {
      for (const ref of configMapRefs(owner, 'oadpContent')) map.set(refKey(ref.namespace, ref.name), 'oadp');
      for (const ref of configMapRefs(owner, 'extraManifests')) if (!map.has(refKey(ref.namespace, ref.name))) map.set(refKey(ref.namespace, ref.name), 'extraManifests');
    }
    return { byRef: map, byConfigMap: new Map<Resource, ConfigMapRole>() };
  });
  // Asked for every object embedded in a ConfigMap, by several rules: answered once per ConfigMap.
  let role = roles.byConfigMap.get(configMap);
  if (!role) roles.byConfigMap.set(configMap, (role = roles.byRef.get(refKey(configMap.namespace, configMap.name)) ?? roleByContent(configMap)));
  return role;
}

/**
 * The role of a ConfigMap no IBGU or IBU references, from its own content. It is asked for every object
 * embedded in the ConfigMap (and scanned its documents each time), so it is read once per ConfigMap.
 */
const roleByContent = perResource((configMap): ConfigMapRole => {
  const inner = configMap.embedded;
  if (inner.some((d) => /^velero\.io\//.test(apiVersionOf(d)))) return 'oadp';
  if (configMap.namespace === LCA_NAMESPACE && inner.length) return 'extraManifests';
  return 'other';
});

function apiVersionOf(doc: Resource['embedded'][number]): string {
  const root = doc.doc.contents;
  return isMap(root) ? (getString(root, 'apiVersion', doc.anchors) ?? '') : '';
}

/** The Backups and Restores LCA sees together: all ConfigMaps of one `oadpContent` list. */
export interface OadpSet {
  configMaps: Resource[];
  backups: Resource[];
  restores: Resource[];
  /** The IBGU/IBU whose oadpContent defines the set, if any. */
  owner?: Resource;
  /** Referenced ConfigMaps that are not in the files given. */
  missing: ConfigMapRef[];
}

function embeddedOf(configMaps: Resource[], ws: Workspace, type: 'Backup' | 'Restore'): Resource[] {
  const byHost = ws.derive(`embedded:${type}`, () => {
    const map = new Map<Resource, Resource[]>();
    for (const r of ws.ofType(type)) {
      const host = r.yaml.embedding?.configMap;
      if (host) map.set(host, [...(map.get(host) ?? []), r]);
    }
    return map;
  });
  return configMaps.flatMap((cm) => byHost.get(cm) ?? []);
}

/** The set an IBGU/IBU's `oadpContent` defines (computed once per workspace version). */
export function oadpSetFor(ws: Workspace, owner: Resource): OadpSet {
  const cache = ws.derive('oadpSetFor', () => new Map<Resource, OadpSet>());
  let set = cache.get(owner);
  if (!set) cache.set(owner, (set = computeOadpSet(ws, owner)));
  return set;
}

/** Backups of a set by name. */
export function backupsNamed(set: OadpSet, name: string): Resource[] {
  let index = backupIndex.get(set);
  if (!index) {
    index = new Map();
    for (const b of set.backups) if (b.name !== undefined) index.set(b.name, [...(index.get(b.name) ?? []), b]);
    backupIndex.set(set, index);
  }
  return index.get(name) ?? [];
}
const backupIndex = new WeakMap<OadpSet, Map<string, Resource[]>>();

function computeOadpSet(ws: Workspace, owner: Resource): OadpSet {
  const configMaps: Resource[] = [];
  const missing: ConfigMapRef[] = [];
  const seen = new Set<string>();
  for (const ref of configMapRefs(owner, 'oadpContent')) {
    const key = refKey(ref.namespace, ref.name);
    if (seen.has(key)) continue;
    seen.add(key);
    const cm = ws.find('ConfigMap', ref.namespace, ref.name);
    if (cm) configMaps.push(cm);
    else missing.push(ref);
  }
  return { configMaps, backups: embeddedOf(configMaps, ws, 'Backup'), restores: embeddedOf(configMaps, ws, 'Restore'), owner, missing };
}

/**
 * The sets a resource belongs to. An embedded Backup/Restore belongs to the set of every IBGU/IBU that
 * references its ConfigMap; an unreferenced OADP ConfigMap forms a set with the other unreferenced ones
 * of its namespace. Standalone Backups/Restores (files that a generator turns into a ConfigMap) form one set.
 */
export function oadpSetsOf(ws: Workspace, resource: Resource): OadpSet[] {
  const sets = ws.derive('oadpSets', () => {
    const byConfigMap = new Map<Resource, OadpSet[]>();
    const referenced = new Set<Resource>();
    for (const owner of [...ws.ofType('IBGU'), ...ws.ofType('IBU')]) {
      if (configMapRefs(owner, 'oadpContent').length === 0) continue;
      const set = oadpSetFor(ws, owner);
      for (const cm of set.configMaps) {
        referenced.add(cm);
        byConfigMap.set(cm, [...(byConfigMap.get(cm) ?? []), set]);
      }
    }
    const loose = new Map<string, Resource[]>();
    for (const cm of ws.ofType('ConfigMap')) {
      if (referenced.has(cm) || configMapRole(ws, cm) !== 'oadp') continue;
      loose.set(cm.namespace ?? '', [...(loose.get(cm.namespace ?? '') ?? []), cm]);
    }
    for (const cms of loose.values()) {
      const set: OadpSet = { configMaps: cms, backups: embeddedOf(cms, ws, 'Backup'), restores: embeddedOf(cms, ws, 'Restore'), missing: [] };
      for (const cm of cms) byConfigMap.set(cm, [set]);
    }
    const standalone: OadpSet = {
      configMaps: [],
      backups: ws.ofType('Backup').filter((r) => !r.yaml.embedding),
      restores: ws.ofType('Restore').filter((r) => !r.yaml.embedding),
      missing: [],
    };
    return { byConfigMap, standalone };
  });
  const host = resource.yaml.embedding?.configMap;
  if (resource.type === 'ConfigMap') return sets.byConfigMap.get(resource) ?? [];
  return host ? (sets.byConfigMap.get(host) ?? []) : [sets.standalone];
}

/** Evidence that the clusters use LVM Storage, found in the files. */
export interface LvmsEvidence {
  /** The file of the resource that is the evidence. */
  path: string;
  why: string;
}

const TOPOLVM = /topolvm|lvmcluster/i;

/** A resource as evidence names it: its kind and name. Made only for a resource that is evidence (most are not). */
const describe = (r: Resource) => `${r.kind} ${r.name ?? ''}`.trim();

/** What one resource says about LVM Storage: strong evidence, weak evidence (a Velero filter), or nothing. */
export function evidenceOf(r: Resource): { strong: boolean; why: string } | undefined {
  // Every resource of the workspace is asked, and most are of kinds that cannot be evidence: those are
  // answered from the kind alone, without reading the object or keeping a memo entry for it.
  const candidate = r.group.endsWith('topolvm.io') || r.type === 'Backup' || r.type === 'Restore' || r.kind === 'StorageClass' || r.kind === 'PersistentVolumeClaim' || r.kind === 'Subscription';
  return candidate ? candidateEvidence(r) : undefined;
}

const candidateEvidence = perResource((r): { strong: boolean; why: string } | undefined => {
  if (/(^|\.)topolvm\.io$/.test(r.group)) return { strong: true, why: `${describe(r)} (${r.apiVersion})` };
  const spec = getMap(r.root, 'spec', r.yaml.anchors);
  if (r.kind === 'StorageClass') {
    const provisioner = getString(r.root, 'provisioner', r.yaml.anchors) ?? '';
    if (provisioner === TOPOLVM_DRIVER || (r.name ?? '').startsWith('lvms-')) return { strong: true, why: `StorageClass ${r.name} (LVM Storage)` };
  }
  if (r.kind === 'PersistentVolumeClaim' && (getString(spec, 'storageClassName', r.yaml.anchors) ?? '').startsWith('lvms-')) {
    return { strong: true, why: `PersistentVolumeClaim ${r.name} uses storage class ${getString(spec, 'storageClassName', r.yaml.anchors)}` };
  }
  if (r.kind === 'Subscription' && /^lvms-operator/.test(getString(spec, 'name', r.yaml.anchors) ?? '')) return { strong: true, why: `Subscription to lvms-operator` };
  if (r.type === 'Backup' || r.type === 'Restore') {
    const where = describe(r);
    let weak: string | undefined;
    for (const field of ['includedClusterScopedResources', 'includedNamespaceScopedResources', 'includedResources']) {
      const hit = stringItems(getSeq(spec, field, r.yaml.anchors), r.yaml.anchors).find((s) => TOPOLVM.test(s.value));
      if (hit) weak = `${where} lists ${hit.value}`;
    }
    const status = getSeq(getMap(spec, 'restoreStatus', r.yaml.anchors), 'includedResources', r.yaml.anchors);
    if (!weak && stringItems(status, r.yaml.anchors).some((s) => /logicalvolume/i.test(s.value))) weak = `${where} restores logicalvolumes status`;
    if (weak) return { strong: false, why: weak };
  }
  return undefined;
});

export function lvmsEvidence(ws: Workspace): LvmsEvidence | undefined {
  return ws.derive('lvmsEvidence', () => {
    // Objects that exist only where LVM Storage runs are the best evidence; Velero filters that merely
    // mention logical volumes come last, so messages point at the LVMCluster or StorageClass when there is one.
    let weak: LvmsEvidence | undefined;
    for (const file of ws.entries()) {
      // A file held as facts only keeps each resource's evidence (rules/facts.ts), in the same order.
      const found = isRetired(file) ? file.retired.map((r) => r.lvms) : file.resources.map(evidenceOf);
      for (const evidence of found) {
        if (evidence?.strong) return { path: file.path, why: evidence.why };
        if (evidence && !weak) weak = { path: file.path, why: evidence.why };
      }
    }
    return weak;
  });
}

/** Whether LVM Storage rules apply, and why. */
export function lvmsInUse(ws: Workspace, mode: LvmsMode | undefined): Readonly<{ inUse: boolean; why: string }> {
  if (mode === 'on') return DECLARED_IN_USE;
  if (mode === 'off') return NOT_IN_USE;
  // Asked for every Backup and Restore: the answer (and its message) is made once per workspace state.
  return ws.derive('lvmsInUse', () => {
    const evidence = lvmsEvidence(ws);
    return evidence ? { inUse: true, why: `LVM Storage is in use (${evidence.why}, in ${evidence.path})` } : NOT_IN_USE;
  });
}

const DECLARED_IN_USE = { inUse: true, why: 'LVM Storage is declared in use (ibgu.lvms / --lvms on)' } as const;
const NOT_IN_USE = { inUse: false, why: '' } as const;

