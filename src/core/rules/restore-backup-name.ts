import { isScalar } from 'yaml';
import { getString, pairOf } from '../yaml/ast';
import { setInMap } from '../yaml/edit';
import { backupsNamed, oadpSetsOf } from '../lca/configmaps';
import { closest } from '../text/similar';
import { at, atKey, atResource, defineRule, describe, specOf } from './helpers';
import type { RawFix } from './types';
import { readByLca, readable, scopeOf } from './support/oadp';

export const restoreBackupNameRule = defineRule({
  id: 'ibgu/restore-backup-name',
  severity: 'error',
  title: 'The Restore names a Backup that is not in the same OADP ConfigMaps',
  evidence: 'LCA `internal/backuprestore/common.go` `ValidateOadpConfigmaps`: `The backup CR … defined in restore CR … not found in OADP configmaps`',
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
