import { isMap } from 'yaml';
import { getSeq, pairOf } from '../yaml/ast';
import { appendToSeq, setInMap } from '../yaml/edit';
import { lvmsInUse } from '../lca/configmaps';
import { at, atResource, defineRule, describe, specOf } from './helpers';
import type { RawEdit, RawFix, Report } from './types';
import { LOGICAL_VOLUMES, PERSISTENT_VOLUMES, backupCoversVolumes, includeClusterResources, listed, normal, usesOldFilters } from './support/lvms';

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
  evidence: 'LCA `docs/backuprestore-with-oadp.md`: with LVM Storage the Backup must include `persistentVolumes` and `logicalvolumes.topolvm.io`',
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
