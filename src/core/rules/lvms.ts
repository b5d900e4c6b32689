import { isMap, isScalar } from 'yaml';
import { getMap, getSeq, getString, pairOf, stringItems } from '../yaml/ast';
import type { Resource } from '../yaml/parse';
import { perResource } from '../yaml/memo';
import { appendToSeq, setInMap } from '../yaml/edit';
import { backupsNamed, lvmsInUse, oadpSetsOf } from '../lca/configmaps';
import { at, atResource, defineRule, describe, specOf } from './helpers';
import { readByLca } from './oadp';
import type { RawEdit, RawFix, Report, RuleContext } from './types';

const LOGICAL_VOLUMES = 'logicalvolumes.topolvm.io';
const PERSISTENT_VOLUMES = 'persistentVolumes';
const CLAIMS = 'persistentvolumeclaims';

/** Velero resource names compared loosely: case, singular/short forms. */
function normal(resource: string): string {
  const r = resource.toLowerCase();
  if (r === 'pvc' || r === 'persistentvolumeclaim') return CLAIMS;
  if (r === 'pv' || r === 'persistentvolume') return 'persistentvolumes';
  if (r === 'logicalvolume' || r === 'logicalvolumes' || r === 'logicalvolume.topolvm.io') return LOGICAL_VOLUMES;
  return r;
}

/** The items of a list filter; undefined when it is absent or empty, which Velero treats alike. */
function listed(resource: Resource, field: string): Set<string> | undefined {
  const items = stringItems(getSeq(specOf(resource), field, resource.yaml.anchors), resource.yaml.anchors).map((s) => normal(s.value));
  return items.length ? new Set(items) : undefined;
}

function includeClusterResources(resource: Resource): boolean | null | undefined {
  const node = pairOf(specOf(resource), 'includeClusterResources')?.value;
  if (!isScalar(node) || node.value === null) return undefined;
  return node.value === true ? true : node.value === false ? false : null;
}

/** Velero's choice between its old filters and the scoped ones: adding a scoped filter to an old-style Backup fails it. */
function usesOldFilters(resource: Resource): boolean {
  return !!listed(resource, 'includedResources') || !!listed(resource, 'excludedResources') || includeClusterResources(resource) !== undefined;
}

const applyLabelResources = perResource((resource): Set<string> | undefined => {
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
});

/** Whether a Backup takes persistent volume claims or volumes, judging from its filters. */
export const backupCoversVolumes = perResource((resource): boolean => {
  const labelled = applyLabelResources(resource);
  if (labelled) return labelled.has(CLAIMS) || labelled.has('persistentvolumes');
  const takes = (set: Set<string> | undefined) => !!set && (set.has('*') || set.has(CLAIMS) || set.has('persistentvolumes'));
  const drops = (set: Set<string> | undefined) => !!set && (set.has('*') || set.has(CLAIMS));
  if (usesOldFilters(resource)) {
    const included = listed(resource, 'includedResources');
    if (included && !takes(included)) return false;
    return !drops(listed(resource, 'excludedResources'));
  }
  if (listed(resource, 'includedClusterScopedResources')?.has('persistentvolumes')) return true;
  const scoped = listed(resource, 'includedNamespaceScopedResources');
  if (scoped && !takes(scoped)) return false;
  return !drops(listed(resource, 'excludedNamespaceScopedResources'));
});

/** Two insertions at the same place (the end of a mapping) become one, so that no editor reorders them. */
function merged(edits: RawEdit[]): RawEdit[] {
  const out: RawEdit[] = [];
  for (const e of edits) {
    const last = out[out.length - 1];
    if (last && last.start === last.end && e.start === e.end && e.start === last.start) last.newText += e.newText;
    else out.push({ ...e });
  }
  return out;
}

const EMPTY_VOLUMES = 'after the pivot the volumes come back empty ("VolumeID is not found")';

export const backupLvmsRule = defineRule({
  id: 'ibgu/backup-lvms',
  severity: 'error',
  title: 'LVM Storage in use, but the Backup does not take logicalvolumes.topolvm.io',
  docs: 'With LVM Storage, a Backup that covers persistent volume claims must also list `persistentVolumes` and `logicalvolumes.topolvm.io` in `includedClusterScopedResources`. Without the logical volumes the claims and volumes are restored after the pivot, but their data is not: pods fail with "VolumeID is not found". A Backup with the old filters (`includedResources`, `excludedResources`, `includeClusterResources`) cannot take the scoped list; it needs both resources in `includedResources` and `includeClusterResources: true`. Whether LVM Storage is in use comes from the `ibgu.lvms` setting / `--lvms` flag, or, in `auto`, from an LVMCluster, an `lvms-` storage class or topolvm resources in the files.',
  appliesTo: ['Backup'],
  scope: 'workspace',
  check(resource, ctx) {
    const lvms = lvmsInUse(ctx.workspace, ctx.options.lvms);
    if (!lvms.inUse || !backupCoversVolumes(resource)) return [];
    const spec = specOf(resource);
    if (!spec || !isMap(spec)) return [];
    const anchors = resource.yaml.anchors;
    const whereKey = (field: string) => pairOf(spec, field)?.key ?? pairOf(resource.root, 'spec')?.key;
    const report = (field: string, message: string, fix: RawFix): Report[] => {
      const where = whereKey(field);
      return [where ? at(where, message, [fix]) : atResource(resource, message, [fix])];
    };

    if (usesOldFilters(resource)) {
      // Old filters: with a namespace filter, Velero takes cluster-scoped resources only when includeClusterResources is true.
      const included = listed(resource, 'includedResources');
      const all = includeClusterResources(resource) === true;
      const missing = included && !included.has('*') ? [PERSISTENT_VOLUMES, LOGICAL_VOLUMES].filter((r) => !included.has(normal(r))) : [];
      if (all && missing.length === 0) return [];
      const edits: RawEdit[] = [];
      if (missing.length) edits.push(appendToSeq(resource.yaml, getSeq(spec, 'includedResources', anchors)!, ...missing));
      if (!all) edits.push(setInMap(resource.yaml, spec, 'includeClusterResources', true));
      const needs = [...(missing.length ? [`${missing.join(' and ')} in includedResources`] : []), ...(all ? [] : ['includeClusterResources: true'])].join(' and ');
      const fix: RawFix = {
        title: `Add ${needs}`,
        edits: merged(edits),
        preferred: true,
        // With every resource included, the flag takes all cluster-scoped resources: the user should choose.
        autofix: !!included && !included.has('*'),
      };
      return report(missing.length ? 'includedResources' : 'includeClusterResources', `${lvms.why}, but ${describe(resource)} uses Velero's old filters without ${needs}, so logicalvolumes.topolvm.io (cluster-scoped) are not backed up: ${EMPTY_VOLUMES}.`, fix);
    }

    const field = 'includedClusterScopedResources';
    const current = listed(resource, field);
    if (current?.has('*')) return [];
    const missing = [PERSISTENT_VOLUMES, LOGICAL_VOLUMES].filter((r) => !current?.has(normal(r)));
    if (missing.length === 0) return [];
    const seq = getSeq(spec, field, anchors);
    const fix: RawFix = seq
      ? { title: `Add ${missing.join(' and ')} to ${field}`, edits: [appendToSeq(resource.yaml, seq, ...missing)], preferred: true, autofix: true }
      : { title: `Add ${field} with ${missing.join(' and ')}`, edits: [setInMap(resource.yaml, spec, field, missing)], preferred: true, autofix: true };
    return report(field, `${lvms.why}, but ${describe(resource)} backs up volume claims without ${missing.join(' and ')} in ${field}: ${EMPTY_VOLUMES}.`, fix);
  },
});

/** The Backups of the same OADP set(s) that a Restore names. */
function backupsOf(restore: Resource, ctx: RuleContext): Resource[] {
  const name = getString(specOf(restore), 'backupName', restore.yaml.anchors);
  if (!name) return [];
  return oadpSetsOf(ctx.workspace, restore).flatMap((set) => backupsNamed(set, name).filter(readByLca));
}

export const restoreLvmsRule = defineRule({
  id: 'ibgu/restore-lvms',
  severity: 'error',
  title: 'LVM Storage in use, but the Restore does not restore volumes and logical volume status',
  docs: 'A Restore of a Backup that carries LVM Storage volumes needs `restorePVs: true` and `restoreStatus.includedResources` with `logicalvolumes`. The status of the logical volumes is what lets Velero find the preserved volumes after the pivot; without it the application comes back with empty volumes.',
  appliesTo: ['Restore'],
  scope: 'workspace',
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
        { title: 'Set restorePVs: true', edits: [setInMap(resource.yaml, spec, 'restorePVs', true)], preferred: true, autofix: true },
      ]));
    }
    const status = getMap(spec, 'restoreStatus', anchors);
    const included = getSeq(status, 'includedResources', anchors);
    const has = stringItems(included, anchors).some((s) => s.value === '*' || normal(s.value) === LOGICAL_VOLUMES);
    if (!has) {
      const edit = included ? appendToSeq(resource.yaml, included, 'logicalvolumes')
        : status ? setInMap(resource.yaml, status, 'includedResources', ['logicalvolumes'])
        : setInMap(resource.yaml, spec, 'restoreStatus', { includedResources: ['logicalvolumes'] });
      const where = pairOf(status, 'includedResources')?.key ?? pairOf(spec, 'restoreStatus')?.key ?? pairOf(spec, 'backupName')?.key ?? spec;
      reports.push(at(where, `${lvms.why}: restoreStatus.includedResources must contain logicalvolumes, or the volumes of Backup ${backups[0].name} are not found after the pivot.`, [
        { title: 'Restore the status of logicalvolumes', edits: [edit], preferred: true, autofix: true },
      ]));
    }
    return reports;
  },
});
