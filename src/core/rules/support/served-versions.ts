/**
 * The versions the API server serves for kinds often found in extra manifests, keyed `<group>/<kind>` (group ""
 * for the core API). Only kinds whose versions were confirmed upstream are listed; any other kind is not judged.
 * - core v1, apps/v1, batch/v1, rbac.authorization.k8s.io/v1, networking.k8s.io/v1: Kubernetes; the beta
 *   versions and the `extensions` group were removed by 1.22/1.25, long before OpenShift 4.16 (Kubernetes 1.29),
 *   the oldest release image-based upgrades target.
 * - operators.coreos.com: operator-framework/api `pkg/operators/v1alpha1` (CatalogSource),
 *   `pkg/operators/v1` + `v1alpha2` (OperatorGroup).
 * - machineconfiguration.openshift.io/v1: KubeletConfig, ContainerRuntimeConfig, MachineConfigPool (one version).
 * - performance.openshift.io: openshift/cluster-node-tuning-operator `pkg/apis/performanceprofile/{v1,v1alpha1,v2}`.
 * - ptp.openshift.io: openshift/ptp-operator `api/v1` (PtpConfig, PtpOperatorConfig; `api/v2alpha1` holds other kinds).
 * - sriovnetwork.openshift.io: openshift/sriov-network-operator `api/v1` (the only version).
 */
const core = (kinds: string[], apiVersion: string) => kinds.map((k) => [k, [apiVersion]] as const);

export const SERVED_API_VERSIONS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ...core(['ConfigMap', 'Secret', 'Namespace', 'Service', 'ServiceAccount', 'PersistentVolumeClaim', 'PersistentVolume', 'Pod', 'LimitRange', 'ResourceQuota'], 'v1').map(([k, v]) => [`/${k}`, v] as const),
  ...['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet'].flatMap((k) => [[`apps/${k}`, ['apps/v1']], [`extensions/${k}`, ['apps/v1']]] as const),
  ['batch/Job', ['batch/v1']],
  ['batch/CronJob', ['batch/v1']],
  ...['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].map((k) => [`rbac.authorization.k8s.io/${k}`, ['rbac.authorization.k8s.io/v1']] as const),
  ['networking.k8s.io/NetworkPolicy', ['networking.k8s.io/v1']],
  ['extensions/NetworkPolicy', ['networking.k8s.io/v1']],
  ['operators.coreos.com/CatalogSource', ['operators.coreos.com/v1alpha1']],
  ['operators.coreos.com/OperatorGroup', ['operators.coreos.com/v1', 'operators.coreos.com/v1alpha2']],
  ...['KubeletConfig', 'ContainerRuntimeConfig', 'MachineConfigPool'].map((k) => [`machineconfiguration.openshift.io/${k}`, ['machineconfiguration.openshift.io/v1']] as const),
  ['performance.openshift.io/PerformanceProfile', ['performance.openshift.io/v2', 'performance.openshift.io/v1', 'performance.openshift.io/v1alpha1']],
  ['ptp.openshift.io/PtpConfig', ['ptp.openshift.io/v1']],
  ['ptp.openshift.io/PtpOperatorConfig', ['ptp.openshift.io/v1']],
  ...['SriovNetworkNodePolicy', 'SriovNetwork', 'SriovOperatorConfig', 'SriovNetworkPoolConfig'].map((k) => [`sriovnetwork.openshift.io/${k}`, ['sriovnetwork.openshift.io/v1']] as const),
]);

/** The apiVersions that serve this kind, when the kind's group is known here and this apiVersion is not one of them. */
export function unservedVersion(group: string, kind: string, apiVersion: string): readonly string[] | undefined {
  const served = SERVED_API_VERSIONS.get(`${group}/${kind}`);
  return served && !served.includes(apiVersion) ? served : undefined;
}
