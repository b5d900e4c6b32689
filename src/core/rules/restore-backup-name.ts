import { isScalar } from 'yaml';
import { getString, pairOf } from '../yaml/ast';
import { setInMap } from '../yaml/edit';
import type { Resource } from '../yaml/parse';
import { backupsNamed, oadpSetsOf } from '../lca/configmaps';
import { closest } from '../text/similar';
import { at, atKey, atResource, defineRule, describe, specOf } from './helpers';
import type { RawFix, Report, WorkspaceContext } from './types';
import { readByLca, readable, scopeOf } from './support/oadp';

/**
 * Velero's own check, on the Restore alone (vmware-tanzu/velero `pkg/controller/restore_controller.go`,
 * `validateAndComplete`: `if !backupXorScheduleProvided(restore)` ⇒ phase FailedValidation with this message).
 */
const VELERO_SOURCE = 'Either a backup or schedule must be specified as a source for the restore, but not both';

/** Where a finding about spec.backupName goes: its value, its key, `spec`, or the Restore. */
function atBackupName(resource: Resource, message: string, fixes: RawFix[]): Report {
  const spec = specOf(resource);
  const pair = pairOf(spec, 'backupName');
  const value = pair?.value;
  if (isScalar(value) && value.source) return at(value, message, fixes);
  if (pair) return at(pair.key, message, fixes);
  return spec ? atKey(resource.root, 'spec', resource.root, message, fixes) : atResource(resource, message);
}

/** LCA's finding for the first OADP set of the Restore whose Backups are all known and none has its backupName. */
function lcaFinding(resource: Resource, backupName: string | undefined, ctx: WorkspaceContext): { lca: string; found: string; fixes: RawFix[] } | undefined {
  const spec = specOf(resource);
  // A set with ConfigMaps that are not in the files, or that cannot be read, may hold the Backup.
  const sets = oadpSetsOf(ctx.workspace, resource).filter((s) => (s.configMaps.length || s.backups.length) && !s.missing.length && readable(s));
  for (const set of sets) {
    if (backupName && backupsNamed(set, backupName).some(readByLca)) continue;
    const names = set.backups.filter(readByLca).map((b) => b.name).filter((n): n is string => !!n);
    // Standalone files without any Backup: the Backups may be in files not given.
    if (set.configMaps.length === 0 && names.length === 0) continue;
    const lca = `The backup CR ${backupName ?? ''} defined in restore CR ${resource.name ?? ''} not found in OADP configmaps`;
    const found = names.length ? ` Backups in ${scopeOf(set)}: ${names.join(', ')}.` : ` There is no Backup in ${scopeOf(set)}.`;
    const paired = new Set(set.restores.filter(readByLca).map((r) => getString(specOf(r), 'backupName', r.yaml.anchors)));
    const candidates = backupName ? closest(backupName, names) : [];
    const unpaired = names.filter((n) => !paired.has(n));
    const suggestions = [...new Set([...candidates, ...unpaired])];
    const fixes: RawFix[] = spec ? suggestions.map((s, i) => ({
      title: `Restore from Backup ${s}`,
      edits: [setInMap(resource.yaml, spec, 'backupName', s)],
      preferred: i === 0,
      // Only a near spelling is unambiguous; an unpaired Backup with another name is a guess.
      autofix: suggestions.length === 1 && candidates.includes(s),
    })) : [];
    return { lca, found, fixes };
  }
  return undefined;
}

export const restoreBackupNameRule = defineRule({
  id: 'ibgu/restore-backup-name',
  severity: 'error',
  evidence: 'Velero `pkg/controller/restore_controller.go` `validateAndComplete` (a backup or a schedule); LCA `internal/backuprestore/common.go` `ValidateOadpConfigmaps` (`The backup CR … not found in OADP configmaps`)',
  title: 'The Restore names no Backup, or one that is not in the same OADP ConfigMaps',
  docs: 'Velero refuses a Restore that names neither `spec.backupName` nor `spec.scheduleName` ("Either a backup or schedule must be specified as a source for the restore, but not both"; phase FailedValidation): that is reported for the Restore alone, wherever it is (both at once is reported by ibgu/velero-filters). And LCA checks at Prep that each Restore\'s `spec.backupName` is the name of a Backup in the OADP ConfigMaps of the same upgrade, and fails Prep otherwise. For Backup and Restore files outside a ConfigMap, the Backups among the same files are used.',
  appliesTo: ['Restore'],
  scope: 'workspace',
  check(resource, ctx) {
    const spec = specOf(resource);
    const backupName = getString(spec, 'backupName', resource.yaml.anchors) || undefined;
    const scheduleName = getString(spec, 'scheduleName', resource.yaml.anchors) || undefined;
    const set = lcaFinding(resource, backupName, ctx);
    // Velero's check needs no other document (so a Restore given alone is checked too).
    if (!backupName && !scheduleName) {
      const lca = set ? ` In an upgrade, LCA fails Prep first with "${set.lca}".${set.found}` : '';
      return [atBackupName(resource, `${describe(resource)} has neither spec.backupName nor spec.scheduleName: Velero refuses it with "${VELERO_SOURCE}".${lca}`, set?.fixes ?? [])];
    }
    // Both names at once is Velero's refusal too; ibgu/velero-filters reports it (one finding, one rule).
    if (!set) return [];
    const message = backupName ? `${set.lca}: Prep fails.${set.found}` : `${describe(resource)} has no spec.backupName, so LCA fails Prep with "${set.lca}".${set.found}`;
    return [atBackupName(resource, message, set.fixes)];
  },
});
