import { labelSelector, resource } from './meta';
import { any, arr, bool, int, obj, str, stringMap, strings, type ObjectSchema } from './types';

const duration = (description: string) => str(description, { format: 'duration' });

export const backupSpec: ObjectSchema = obj({
  includedNamespaces: strings('Namespaces to back up; empty means all.'),
  excludedNamespaces: strings('Namespaces not to back up.'),
  includedResources: strings('Old-style filter: resources to back up. Cannot be mixed with the scoped filters.'),
  excludedResources: strings('Old-style filter: resources not to back up. Cannot be mixed with the scoped filters.'),
  includeClusterResources: bool('Old-style filter: whether cluster-scoped resources are backed up. Cannot be mixed with the scoped filters.'),
  includedClusterScopedResources: strings('Cluster-scoped resources to back up ("*" for all; empty: only those related to the namespaced objects). With LVM Storage this must list logicalvolumes.topolvm.io and persistentVolumes.'),
  excludedClusterScopedResources: strings('Cluster-scoped resources not to back up.'),
  includedNamespaceScopedResources: strings('Namespace-scoped resources to back up; default all.'),
  excludedNamespaceScopedResources: strings('Namespace-scoped resources not to back up.'),
  labelSelector: { ...labelSelector, description: 'Only objects with these labels. Cannot be combined with orLabelSelectors.' },
  orLabelSelectors: arr(labelSelector, 'Objects matching any of these selectors. Cannot be combined with labelSelector.'),
  snapshotVolumes: bool('Whether to take volume snapshots.'),
  ttl: duration('How long the backup is kept, as a Go duration (e.g. 720h).'),
  storageLocation: str('BackupStorageLocation to use; the default one when empty.'),
  volumeSnapshotLocations: strings('VolumeSnapshotLocations to use.'),
  defaultVolumesToFsBackup: bool('Back up all pod volumes with file-system backup.'),
  defaultVolumesToRestic: bool('Deprecated: use defaultVolumesToFsBackup.'),
  orderedResources: stringMap('Order in which named resources are backed up.'),
  csiSnapshotTimeout: duration('How long to wait for CSI snapshots.'),
  itemOperationTimeout: duration('How long to wait for asynchronous plugin operations.'),
  resourcePolicy: any('Reference to a resource policy ConfigMap.'),
  snapshotMoveData: bool('Move snapshot data to the backup storage.'),
  datamover: str('Data mover to use.'),
  uploaderConfig: obj({ parallelFilesUpload: int() }),
  hooks: any('Backup hooks.'),
  metadata: obj({ labels: stringMap('Labels put on the backup.') }),
}, 'What Velero backs up. For an upgrade, LCA creates the Backup on the cluster before the pivot, wave by wave, and waits for it to complete; a failed Backup fails the Upgrade.');

export const restoreSpec: ObjectSchema = obj({
  backupName: str('The Backup to restore from. For LCA it must name a Backup in the same OADP ConfigMaps.'),
  scheduleName: str('Restore from the latest backup of this schedule.'),
  includedNamespaces: strings('Namespaces to restore; empty means all.'),
  excludedNamespaces: strings('Namespaces not to restore.'),
  includedResources: strings('Resources to restore.'),
  excludedResources: strings('Resources not to restore.'),
  includeClusterResources: bool('Whether cluster-scoped resources are restored.'),
  namespaceMapping: stringMap('Restore namespaces under other names.'),
  labelSelector: { ...labelSelector, description: 'Only objects with these labels.' },
  orLabelSelectors: arr(labelSelector, 'Objects matching any of these selectors.'),
  restorePVs: bool('Whether persistent volumes are restored. With LVM Storage this must be true, so that the claims get their volumes back.'),
  restoreStatus: obj({
    includedResources: strings('Resources whose status is restored (Velero drops status otherwise). With LVM Storage this must include logicalvolumes.'),
    excludedResources: strings('Resources whose status is not restored.'),
  }, 'Which resources get their status restored.'),
  preserveNodePorts: bool('Keep node ports of services.'),
  existingResourcePolicy: str('What to do with objects that already exist: none or update.'),
  itemOperationTimeout: duration('How long to wait for asynchronous plugin operations.'),
  resourceModifier: any('Reference to a resource modifier ConfigMap.'),
  uploaderConfig: obj({ writeSparseFiles: bool(), parallelFilesDownload: int() }),
  hooks: any('Restore hooks.'),
}, 'What Velero restores. LCA creates the Restores after the pivot, once Velero has found the Backups again; a failed Restore triggers an automatic rollback unless it is disabled.');

export const backupSchema: ObjectSchema = resource(backupSpec, obj({}, undefined), {});
export const restoreSchema: ObjectSchema = resource(restoreSpec, obj({}, undefined), {});
// Status written by Velero; never validated field by field.
backupSchema.properties.status = any();
restoreSchema.properties.status = any();
