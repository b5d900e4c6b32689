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

/**
 * Velero's BackupStorageLocation (vmware-tanzu/velero `pkg/apis/velero/v1/backupstoragelocation_types.go`,
 * `config/crd/v1/bases/velero.io_backupstoragelocations.yaml`): where backups are stored.
 */
export const backupStorageLocationSpec: ObjectSchema = obj({
  provider: str('Object storage plugin, e.g. aws.'),
  objectStorage: obj({
    bucket: str('Bucket holding the backups.'),
    prefix: str('Folder inside the bucket.'),
    caCert: str('CA bundle for the storage endpoint, base64.', { format: 'byte' }),
  }, 'The bucket and folder.', ['bucket']),
  config: stringMap('Settings of the provider plugin (region, s3Url, …).'),
  credential: obj({ name: str('Secret name.'), key: str('Key in the Secret.'), optional: bool('Whether the Secret may be missing.') }, 'Credentials for the storage.', ['key']),
  default: bool('Whether Backups without a storageLocation use this one.'),
  accessMode: str('ReadOnly or ReadWrite.', { enum: ['ReadOnly', 'ReadWrite'] }),
  backupSyncPeriod: str('How often backups are synced from storage (a Go duration; 0 disables).', { nullable: true }),
  validationFrequency: str('How often the storage is checked (a Go duration; 0 disables).', { nullable: true }),
}, 'The object storage Velero writes backups to. LCA needs one Available location for its backups to survive the upgrade.', ['provider', 'objectStorage']);

export const backupStorageLocationStatus: ObjectSchema = obj({
  phase: str('Available or Unavailable.', { enum: ['Available', 'Unavailable'] }),
  lastValidationTime: str('When the storage was last checked.', { format: 'date-time', nullable: true }),
  lastSyncedTime: str('When backups were last synced.', { format: 'date-time', nullable: true }),
  lastSyncedRevision: str('Deprecated.'),
  accessMode: str('Deprecated.', { enum: ['ReadOnly', 'ReadWrite'] }),
});

export const backupStorageLocationSchema: ObjectSchema = resource(backupStorageLocationSpec, backupStorageLocationStatus);
