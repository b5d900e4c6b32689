/**
 * The API types the product reads and writes, each named once: group, version, kind, plural and scope as
 * the CRDs (and Kubernetes' core API) serve them. `apiVersion` is what objects carry in their manifests.
 */

export interface ApiType {
  group: string;
  version: string;
  /** `group/version`, or the bare version for the core group. */
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

function apiType(group: string, version: string, kind: string, plural: string, namespaced: boolean): ApiType {
  return { group, version, apiVersion: group ? `${group}/${version}` : version, kind, plural, namespaced };
}

/** TALM's IBGU: CRD `config/crd/bases/lcm.openshift.io_imagebasedgroupupgrades.yaml` (cluster-group-upgrades-operator). */
export const IBGU_TYPE = apiType('lcm.openshift.io', 'v1alpha1', 'ImageBasedGroupUpgrade', 'imagebasedgroupupgrades', true);
/** TALM's ClusterGroupUpgrade, one per started plan step (`utils.GenerateClusterGroupUpgradeForPlanItem`). */
export const CGU_TYPE = apiType('ran.openshift.io', 'v1alpha1', 'ClusterGroupUpgrade', 'clustergroupupgrades', true);
/** ACM/OCM's ManagedCluster, cluster-scoped; TALM writes its `lcm.openshift.io/ibgu-*` labels. */
export const MANAGED_CLUSTER_TYPE = apiType('cluster.open-cluster-management.io', 'v1', 'ManagedCluster', 'managedclusters', false);
/** OCM's ManifestWork, in the managed cluster's namespace (`utils.CreateManifestWorkForCluster`). */
export const MANIFEST_WORK_TYPE = apiType('work.open-cluster-management.io', 'v1', 'ManifestWork', 'manifestworks', true);
/** OCM's ManifestWorkReplicaSet, which TALM uses only as a template store (`controllers/utils/manifestworkreplicaset.go`). */
export const MANIFEST_WORK_REPLICA_SET_TYPE = apiType('work.open-cluster-management.io', 'v1alpha1', 'ManifestWorkReplicaSet', 'manifestworkreplicasets', true);
/** LCA's ImageBasedUpgrade, cluster-scoped singleton on each spoke: LCA `api/imagebasedupgrade/v1/types.go`. */
export const IBU_TYPE = apiType('lca.openshift.io', 'v1', 'ImageBasedUpgrade', 'imagebasedupgrades', false);
/** Velero's Backup and Restore, as LCA reads them from `oadpContent` ConfigMaps (`internal/backuprestore`). */
export const BACKUP_TYPE = apiType('velero.io', 'v1', 'Backup', 'backups', true);
export const RESTORE_TYPE = apiType('velero.io', 'v1', 'Restore', 'restores', true);
/** Velero's BackupStorageLocation, which the OADP operator creates from the DataProtectionApplication on each spoke. */
export const BACKUP_STORAGE_LOCATION_TYPE = apiType('velero.io', 'v1', 'BackupStorageLocation', 'backupstoragelocations', true);
/** Kubernetes' core types TALM copies to the spokes in a Prep template. */
export const CONFIG_MAP_TYPE = apiType('', 'v1', 'ConfigMap', 'configmaps', true);
export const SECRET_TYPE = apiType('', 'v1', 'Secret', 'secrets', true);
/** What the spoke snapshot reads for Diagnose (LCA's Deployment, the volumes LVM Storage provides, events). */
export const DEPLOYMENT_TYPE = apiType('apps', 'v1', 'Deployment', 'deployments', true);
export const PERSISTENT_VOLUME_TYPE = apiType('', 'v1', 'PersistentVolume', 'persistentvolumes', false);
export const PERSISTENT_VOLUME_CLAIM_TYPE = apiType('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true);
export const EVENT_TYPE = apiType('', 'v1', 'Event', 'events', true);
/** LVM Storage's LogicalVolume, cluster-scoped (topolvm `api/v1/logicalvolume_types.go`): the data an upgrade must back up. */
export const LOGICAL_VOLUME_TYPE = apiType('topolvm.io', 'v1', 'LogicalVolume', 'logicalvolumes', false);
/** LVM Storage's CSI driver name: the provisioner of its StorageClasses and the driver of the PersistentVolumes it provides. */
export const TOPOLVM_DRIVER = 'topolvm.io';

/** The ClusterRole TALM adds to every template so the work agent may manage the IBU. */
export const CLUSTER_ROLE_TYPE = apiType('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false);
