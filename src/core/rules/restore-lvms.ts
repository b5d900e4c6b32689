import { getMap, getSeq, getString, pairOf, stringItems } from '../yaml/ast';
import type { Resource } from '../yaml/parse';
import { appendToSeq, setInMap } from '../yaml/edit';
import { backupsNamed, lvmsInUse, oadpSetsOf } from '../lca/configmaps';
import { at, defineRule, specOf } from './helpers';
import { readByLca } from './support/oadp';
import type { Report, RuleContext } from './types';
import { LOGICAL_VOLUMES, backupCoversVolumes, normal } from './support/lvms';

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
  evidence: 'LCA `docs/backuprestore-with-oadp.md`: the Restore needs `restorePVs: true` and `restoreStatus.includedResources: [logicalvolumes]`',
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
