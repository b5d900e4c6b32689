import { isMap } from 'yaml';
import { getMap, getSeq, getString, pairOf, stringItems } from '../yaml/ast';
import { addToMap, appendToSeq, setInMap } from '../yaml/edit';
import type { Resource } from '../yaml/parse';
import { lvmsInUse, oadpSetsOf } from '../oadp';
import { at, atResource, defineRule, describe, specOf } from './helpers';
import type { RawFix, Report } from './types';

const LOGICAL_VOLUMES = 'logicalvolumes.topolvm.io';
const PERSISTENT_VOLUMES = 'persistentVolumes';

/** Velero resource names compared loosely: case, singular/short forms. */
function normal(resource: string): string {
  const r = resource.toLowerCase();
  if (r === 'pvc' || r === 'persistentvolumeclaim') return 'persistentvolumeclaims';
  if (r === 'pv' || r === 'persistentvolume') return 'persistentvolumes';
  if (r === 'logicalvolume' || r === 'logicalvolumes' || r === 'logicalvolume.topolvm.io') return LOGICAL_VOLUMES;
  return r;
}

function listed(resource: Resource, field: string): Set<string> | undefined {
  const seq = getSeq(specOf(resource), field, resource.yaml.anchors);
  return seq ? new Set(stringItems(seq, resource.yaml.anchors).map((s) => normal(s.value))) : undefined;
}

function applyLabelResources(resource: Resource): Set<string> | undefined {
  const annotations = getMap(getMap(resource.root, 'metadata', resource.yaml.anchors), 'annotations', resource.yaml.anchors);
  const value = getString(annotations, 'lca.openshift.io/apply-label', resource.yaml.anchors);
  if (!value) return undefined;
  const out = new Set<string>();
  for (const item of value.split(',')) {
    const parts = item.trim().split('/');
    const res = parts.length === 3 ? parts[1] : parts.length === 4 ? (parts[0] === 'v1' ? parts[1] : parts[2]) : parts.length === 5 ? parts[2] : undefined;
    if (res) out.add(normal(res));
  }
  return out;
}

/** Whether a Backup takes persistent volume claims or volumes, judging from its filters. */
export function backupCoversVolumes(resource: Resource): boolean {
  const labelled = applyLabelResources(resource);
  if (labelled) return labelled.has('persistentvolumeclaims') || labelled.has('persistentvolumes');
  const has = (set: Set<string> | undefined) => !!set && (set.has('*') || set.has('persistentvolumeclaims') || set.has('persistentvolumes'));
  const excluded = (field: string) => listed(resource, field)?.has('persistentvolumeclaims');
  if (has(listed(resource, 'includedClusterScopedResources'))) return true;
  const oldIncluded = listed(resource, 'includedResources');
  if (oldIncluded) return has(oldIncluded);
  const scoped = listed(resource, 'includedNamespaceScopedResources');
  if (scoped && scoped.size) return has(scoped);
  return !excluded('excludedNamespaceScopedResources') && !excluded('excludedResources');
}

export const backupLvmsRule = defineRule({
  id: 'ibgu/backup-lvms',
  severity: 'error',
  title: 'LVM Storage in use, but the Backup does not take logicalvolumes.topolvm.io',
  docs: 'With LVM Storage, a Backup that covers persistent volume claims must also list `persistentVolumes` and `logicalvolumes.topolvm.io` in `includedClusterScopedResources`. Without the logical volumes the claims and volumes are restored after the pivot, but their data is not: pods fail with "VolumeID is not found". Whether LVM Storage is in use comes from the `ibgu.lvms` setting / `--lvms` flag, or, in `auto`, from an LVMCluster, an `lvms-` storage class or topolvm resources in the files.',
  appliesTo: ['Backup'],
  check(resource, ctx) {
    const lvms = lvmsInUse(ctx.workspace, ctx.options.lvms);
    if (!lvms.inUse || !backupCoversVolumes(resource)) return [];
    const spec = specOf(resource);
    if (!spec || !isMap(spec)) return [];
    const oldStyle = !!pairOf(spec, 'includedResources');
    const field = oldStyle ? 'includedResources' : 'includedClusterScopedResources';
    const current = listed(resource, field);
    if (current?.has('*')) return [];
    const missing = [PERSISTENT_VOLUMES, LOGICAL_VOLUMES].filter((r) => !current?.has(normal(r)));
    if (missing.length === 0) return [];
    const seq = getSeq(spec, field, resource.yaml.anchors);
    const fix: RawFix = seq
      ? { title: `Add ${missing.join(' and ')} to ${field}`, edits: [appendToSeq(resource.yaml, seq, ...missing)], preferred: true, autofix: true }
      : { title: `Add ${field} with ${missing.join(' and ')}`, edits: [addToMap(resource.yaml, spec, field, missing)], preferred: true, autofix: true };
    const message = `${lvms.why}, but ${describe(resource)} backs up volume claims without ${missing.join(' and ')} in ${field}: after the pivot the volumes come back empty ("VolumeID is not found").`;
    const where = pairOf(spec, field)?.key ?? pairOf(resource.root, 'spec')?.key;
    return [where ? at(where, message, [fix]) : atResource(resource, message, [fix])];
  },
});

/** The Backups of the same OADP set(s) that a Restore names. */
function backupsOf(restore: Resource, ctx: Parameters<typeof backupLvmsRule.check>[1]): Resource[] {
  const name = getString(specOf(restore), 'backupName', restore.yaml.anchors);
  if (!name) return [];
  return oadpSetsOf(ctx.workspace, restore).flatMap((set) => set.backups.filter((b) => b.name === name));
}

export const restoreLvmsRule = defineRule({
  id: 'ibgu/restore-lvms',
  severity: 'error',
  title: 'LVM Storage in use, but the Restore does not restore volumes and logical volume status',
  docs: 'A Restore of a Backup that carries LVM Storage volumes needs `restorePVs: true` and `restoreStatus.includedResources` with `logicalvolumes`. The status of the logical volumes is what lets Velero find the preserved volumes after the pivot; without it the application comes back with empty volumes.',
  appliesTo: ['Restore'],
  check(resource, ctx) {
    const lvms = lvmsInUse(ctx.workspace, ctx.options.lvms);
    if (!lvms.inUse) return [];
    const backups = backupsOf(resource, ctx);
    if (!backups.some(backupCoversVolumes)) return [];
    const spec = specOf(resource);
    if (!spec) return [];
    const anchors = resource.yaml.anchors;
    const reports: Report[] = [];
    const restorePVs = pairOf(spec, 'restorePVs');
    if ((restorePVs?.value as { value?: unknown } | undefined)?.value !== true) {
      reports.push(at(restorePVs?.key ?? pairOf(spec, 'backupName')?.key ?? spec, `${lvms.why}: restorePVs must be true to restore the volumes of Backup ${backups[0].name}.`, [
        { title: 'Set restorePVs: true', edits: [setInMap(resource.yaml, spec, 'restorePVs', 'true')], preferred: true, autofix: true },
      ]));
    }
    const status = getMap(spec, 'restoreStatus', anchors);
    const included = getSeq(status, 'includedResources', anchors);
    const has = stringItems(included, anchors).some((s) => s.value === '*' || normal(s.value) === LOGICAL_VOLUMES);
    if (!has) {
      const edit = included ? appendToSeq(resource.yaml, included, 'logicalvolumes')
        : status ? addToMap(resource.yaml, status, 'includedResources', ['logicalvolumes'])
        : addToMap(resource.yaml, spec, 'restoreStatus', { includedResources: ['logicalvolumes'] });
      const where = pairOf(status, 'includedResources')?.key ?? pairOf(spec, 'restoreStatus')?.key ?? pairOf(spec, 'backupName')?.key ?? spec;
      reports.push(at(where, `${lvms.why}: restoreStatus.includedResources must contain logicalvolumes, or the volumes of Backup ${backups[0].name} are not found after the pivot.`, [
        { title: 'Restore the status of logicalvolumes', edits: [edit], preferred: true, autofix: true },
      ]));
    }
    return reports;
  },
});
