/**
 * The `fleet: acm` scenario: what a real ACM hub keeps for each single-node cluster besides what TALM and
 * our scenarios create, so that the product's scale figures are measured against a hub that looks like one.
 * Per cluster namespace:
 *
 * - the add-on agents' ManifestWorks `addon-<addon>-deploy-0` (open-cluster-management-io/addon-framework
 *   `pkg/addonmanager/constants/constants.go` DeployWorkNamePrefix; label `open-cluster-management.io/
 *   addon-name`, the AddonLabelKey of open-cluster-management-io/api `addon/v1alpha1/
 *   types_managedclusteraddon.go`), with the add-on's CRDs, RBAC and Deployment, a status feedback rule on the
 *   Deployment (addon-framework `agentdeploy/utils.go`), and per-manifest status;
 * - the import controller's `<cluster>-klusterlet-crds` and `<cluster>-klusterlet` ManifestWorks (the names
 *   stolostron/managedcluster-import-controller's e2e tests wait for);
 * - one ManagedClusterAddOn per add-on, with the status the add-on manager and the registration agent write;
 * - the ZTP policies replicated by the governance propagator as `<root namespace>.<root name>` with the
 *   `policy.open-cluster-management.io/root-policy|cluster-name|cluster-namespace` labels (the child-policy
 *   labels stolostron's governance-policy-propagator sets), each with the compliance details the status sync
 *   reports;
 *
 * and on the hub: the root policies in ztp-common, ztp-group and ztp-site with the per-cluster compliance
 * list, and per cluster the day-0 ClusterGroupUpgrade TALM's ManagedClusterForCGU controller creates
 * (openshift-kni/cluster-group-upgrades-operator `controllers/managedclusterForCGU_controller.go`: named
 * after the cluster in ztp-install, one cluster, the ZTP policies sorted by `ran.openshift.io/ztp-deploy-wave`,
 * maxConcurrency 1, `ztp-running` before and `ztp-done` after), completed long ago. No IBGU owns them.
 *
 * Sizes: the manifests of the governance add-ons are sized after their upstream charts, converted to JSON
 * (stolostron/governance-policy-addon-controller `pkg/addon/<addon>/manifests/managedclusterchart/templates`:
 * cert-policy-controller 17 objects ≈ 19.5 KB, config-policy-controller 21 ≈ 43.5 KB, governance-policy-
 * framework 22 ≈ 25 KB); the other add-ons' sizes are estimates of the same order (marked below). The manifests
 * are generated here, not copied: the CRDs' schemas are filler of the right shape and size.
 *
 * Every cluster namespace holds the same add-on manifests, so the seeded objects share them (the store never
 * changes a stored object in place): the hub serves hundreds of KB per cluster namespace while holding one
 * copy of each add-on's CRDs.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from './kube-object';
import type { ResourceType } from './registry';
import type { Store } from './store';

export const ADDON_NAMESPACE = 'open-cluster-management-agent-addon';
const AGENT_NAMESPACE = 'open-cluster-management-agent';
export const ADDON_LABEL = 'open-cluster-management.io/addon-name';
export const ZTP_INSTALL_NAMESPACE = 'ztp-install';
const ROOT_POLICY_LABEL = 'policy.open-cluster-management.io/root-policy';
const CLUSTER_NAME_LABEL = 'policy.open-cluster-management.io/cluster-name';
const CLUSTER_NAMESPACE_LABEL = 'policy.open-cluster-management.io/cluster-namespace';
const DEPLOY_WAVE = 'ran.openshift.io/ztp-deploy-wave';
const ACM_VERSION = '2.11.3';
const REGISTRY = 'registry.redhat.io/rhacm2';

interface CrdShape { group: string; kind: string; plural: string; scope?: 'Cluster'; bytes: number }
interface AddonShape {
  name: string;
  displayName: string;
  description: string;
  image: string;
  crds: CrdShape[];
  /** Small objects besides the CRDs and the Deployment (RBAC, Service, …), as in the upstream chart. */
  objects: number;
  /** JSON bytes of all the work's manifests: measured from the upstream chart, or `estimated`. */
  manifestBytes: number;
  estimated?: true;
  healthCheck: 'Lease' | 'Customized';
}

const POLICY_GROUP = 'policy.open-cluster-management.io';

/** The add-ons of an ACM 2.11 hub's default KlusterletAddonConfig for a ZTP single-node cluster. */
export const ACM_ADDONS: readonly AddonShape[] = [
  {
    name: 'application-manager', displayName: 'Application Manager', description: 'Processes events and other requests to managed resources.', image: 'multicluster-operators-subscription', objects: 14, manifestBytes: 46_000, estimated: true, healthCheck: 'Lease',
    crds: [
      { group: 'apps.open-cluster-management.io', kind: 'Subscription', plural: 'subscriptions', bytes: 14_000 },
      { group: 'apps.open-cluster-management.io', kind: 'SubscriptionStatus', plural: 'subscriptionstatuses', bytes: 5_000 },
      { group: 'apps.open-cluster-management.io', kind: 'HelmRelease', plural: 'helmreleases', bytes: 9_000 },
      { group: 'apps.open-cluster-management.io', kind: 'SubscriptionReport', plural: 'subscriptionreports', bytes: 5_000 },
    ],
  },
  {
    name: 'cert-policy-controller', displayName: 'Cert Policy Controller', description: 'Monitors certificate expiration based on distributed policies.', image: 'cert-policy-controller', objects: 15, manifestBytes: 19_500, healthCheck: 'Customized',
    crds: [{ group: POLICY_GROUP, kind: 'CertificatePolicy', plural: 'certificatepolicies', bytes: 9_800 }],
  },
  {
    name: 'cluster-proxy', displayName: 'Cluster Proxy', description: 'Provides a gRPC based tunnel from the hub to the cluster.', image: 'cluster-proxy', objects: 9, manifestBytes: 10_000, estimated: true, healthCheck: 'Customized',
    crds: [],
  },
  {
    name: 'config-policy-controller', displayName: 'Config Policy Controller', description: 'Monitors and enforces configuration policies on the managed cluster.', image: 'config-policy-controller', objects: 18, manifestBytes: 43_500, healthCheck: 'Customized',
    crds: [
      { group: POLICY_GROUP, kind: 'ConfigurationPolicy', plural: 'configurationpolicies', bytes: 18_000 },
      { group: POLICY_GROUP, kind: 'OperatorPolicy', plural: 'operatorpolicies', bytes: 13_500 },
    ],
  },
  {
    name: 'governance-policy-framework', displayName: 'Governance Policy Framework', description: 'Distributes policies from the hub and reports their status.', image: 'governance-policy-framework-addon', objects: 20, manifestBytes: 25_100, healthCheck: 'Customized',
    crds: [{ group: POLICY_GROUP, kind: 'Policy', plural: 'policies', bytes: 12_900 }],
  },
  {
    name: 'managed-serviceaccount', displayName: 'Managed ServiceAccount', description: 'Projects service account tokens of the managed cluster to the hub.', image: 'managed-serviceaccount', objects: 7, manifestBytes: 8_000, estimated: true, healthCheck: 'Lease',
    crds: [],
  },
  {
    name: 'search-collector', displayName: 'Search Collector', description: 'Collects data about the resources of the managed cluster for search.', image: 'search-collector', objects: 8, manifestBytes: 9_000, estimated: true, healthCheck: 'Lease',
    crds: [],
  },
  {
    name: 'work-manager', displayName: 'Work Manager', description: 'Syncs cluster claims and serves managed cluster views and actions.', image: 'multicloud-manager', objects: 10, manifestBytes: 16_000, estimated: true, healthCheck: 'Customized',
    crds: [
      { group: 'view.open-cluster-management.io', kind: 'ManagedClusterView', plural: 'managedclusterviews', bytes: 3_000 },
      { group: 'action.open-cluster-management.io', kind: 'ManagedClusterAction', plural: 'managedclusteractions', bytes: 3_000 },
    ],
  },
];

/** The import controller's works (estimated sizes: the Klusterlet CRD, and the klusterlet's operator and RBAC). */
const KLUSTERLET_CRDS: CrdShape[] = [{ group: 'operator.open-cluster-management.io', kind: 'Klusterlet', plural: 'klusterlets', scope: 'Cluster', bytes: 24_000 }];
const KLUSTERLET_BYTES = 16_000;

/** ZTP's PolicyGenerator output for a DU single-node fleet: root namespace, name, wave, what it configures. */
interface PolicyShape { namespace: string; name: string; wave: number; objects: [apiVersion: string, kind: string, name: string, namespace?: string][] }
const COMMON: PolicyShape[] = [
  { namespace: 'ztp-common', name: 'common-config-policy', wave: 1, objects: [['operators.coreos.com/v1alpha1', 'CatalogSource', 'redhat-operators-disconnected', 'openshift-marketplace'], ['config.openshift.io/v1', 'OperatorHub', 'cluster'], ['operator.openshift.io/v1alpha1', 'ImageContentSourcePolicy', 'disconnected-internal-icsp'], ['machineconfiguration.openshift.io/v1', 'MachineConfig', '99-crio-disable-wipe-master']] },
  { namespace: 'ztp-common', name: 'common-subscriptions-policy', wave: 2, objects: [['v1', 'Namespace', 'openshift-lifecycle-agent'], ['operators.coreos.com/v1', 'OperatorGroup', 'openshift-lifecycle-agent', 'openshift-lifecycle-agent'], ['operators.coreos.com/v1alpha1', 'Subscription', 'lifecycle-agent-operator-subscription', 'openshift-lifecycle-agent'], ['v1', 'Namespace', 'openshift-adp'], ['operators.coreos.com/v1alpha1', 'Subscription', 'redhat-oadp-operator', 'openshift-adp'], ['v1', 'Namespace', 'openshift-storage'], ['operators.coreos.com/v1alpha1', 'Subscription', 'lvms-operator', 'openshift-storage'], ['v1', 'Namespace', 'openshift-ptp'], ['operators.coreos.com/v1alpha1', 'Subscription', 'ptp-operator-subscription', 'openshift-ptp'], ['v1', 'Namespace', 'openshift-sriov-network-operator'], ['operators.coreos.com/v1alpha1', 'Subscription', 'sriov-network-operator-subscription', 'openshift-sriov-network-operator']] },
];
const GROUP: PolicyShape[] = [
  { namespace: 'ztp-group', name: 'group-du-sno-config-policy', wave: 10, objects: [['performance.openshift.io/v2', 'PerformanceProfile', 'openshift-node-performance-profile'], ['tuned.openshift.io/v1', 'Tuned', 'performance-patch', 'openshift-cluster-node-tuning-operator'], ['ptp.openshift.io/v1', 'PtpConfig', 'du-ptp-slave', 'openshift-ptp'], ['sriovnetwork.openshift.io/v1', 'SriovOperatorConfig', 'default', 'openshift-sriov-network-operator'], ['lvm.topolvm.io/v1alpha1', 'LVMCluster', 'lvmcluster', 'openshift-storage'], ['oadp.openshift.io/v1alpha1', 'DataProtectionApplication', 'dataprotectionapplication', 'openshift-adp'], ['v1', 'ConfigMap', 'oadp-cm', 'openshift-adp']] },
  { namespace: 'ztp-group', name: 'group-du-sno-validator-du-policy', wave: 10_000, objects: [['machineconfiguration.openshift.io/v1', 'MachineConfigPool', 'master'], ['config.openshift.io/v1', 'ClusterVersion', 'version']] },
];
const SITE = (region: string): PolicyShape => ({ namespace: 'ztp-site', name: `site-${region}-config-policy`, wave: 100, objects: [['sriovnetwork.openshift.io/v1', 'SriovNetworkNodePolicy', `du-${region}-fh`, 'openshift-sriov-network-operator'], ['sriovnetwork.openshift.io/v1', 'SriovNetwork', `du-${region}-mh`, 'openshift-sriov-network-operator'], ['v1', 'ConfigMap', 'site-data', 'default']] });
export const REGIONS = ['east', 'west', 'central'] as const;

/** The seeded ZTP policies of the cluster with 1-based index `i` (its site follows seed.ts's `sites` label). */
export function policiesOf(i: number): PolicyShape[] {
  return [...COMMON, ...GROUP, SITE(REGIONS[(i - 1) % REGIONS.length]!)];
}

/** What a hub holds: objects per kind, their total, and the JSON bytes of its ManifestWorks (each object serialized on its own, as a LIST serves it). */
export interface HubContents { objects: Record<string, number>; total: number; manifestWorks: number; manifestWorkBytes: number }

// --- generators --------------------------------------------------------------------------------------------

const WORDS = ['remediation', 'severity', 'namespace', 'selector', 'template', 'compliance', 'evaluation', 'interval', 'pruning', 'behavior', 'object', 'definition', 'history', 'message', 'related', 'condition', 'reason', 'status', 'generation', 'channel', 'package', 'source', 'version', 'placement', 'decision', 'timeout', 'retry', 'hook', 'override', 'annotation'];

function camel(a: string, b: string): string {
  return a + b[0]!.toUpperCase() + b.slice(1);
}

/** A filler OpenAPI schema of about `bytes` JSON bytes: nested objects of described fields, as controller-gen writes them. */
function fillerSchema(kind: string, bytes: number): KubeObject {
  const props = (seed: number, depth: number): Record<string, KubeObject> => {
    const out: Record<string, KubeObject> = {};
    for (let n = 0; n < 6; n++) {
      const a = WORDS[(seed + n * 7) % WORDS.length]!;
      const b = WORDS[(seed * 3 + n * 11 + 5) % WORDS.length]!;
      const field = camel(a, b);
      const description = `${field} sets the ${a} of the ${kind}'s ${b}. When it is not set, the controller uses its default ${a}, and the field is left out of the status it reports back to the hub.`;
      if (depth > 0 && n % 3 === 0) out[field] = { type: 'object', description, properties: props(seed + n + 1, depth - 1) };
      else if (n % 4 === 1) out[field] = { type: 'array', description, items: { type: 'string' } };
      else out[field] = { type: n % 5 === 2 ? 'integer' : 'string', description, ...(n % 5 === 2 ? { format: 'int32' } : {}) };
    }
    return out;
  };
  const spec: Record<string, KubeObject> = {};
  const status: Record<string, KubeObject> = {};
  const root = { type: 'object', description: `${kind} is the Schema for the ${kind.toLowerCase()} API.`, properties: { apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' }, kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' }, metadata: { type: 'object' }, spec: { type: 'object', description: `Spec defines the desired state of ${kind}.`, properties: spec }, status: { type: 'object', description: `Status defines the observed state of ${kind}.`, properties: status } } };
  let size = JSON.stringify(root).length;
  for (let seed = 0; size < bytes; seed++) {
    const part = seed % 3 === 2 ? status : spec;
    const field = camel(WORDS[seed % WORDS.length]!, `${WORDS[(seed * 13 + 3) % WORDS.length]!}${Math.floor(seed / WORDS.length) || ''}`);
    const value: KubeObject = { type: 'object', description: `${field} groups the settings of the ${kind}'s ${WORDS[seed % WORDS.length]}.`, properties: props(seed, 1) };
    part[field] = value;
    size += JSON.stringify(value).length + field.length + 4;
  }
  return root;
}

function crd(shape: CrdShape): KubeObject {
  const singular = shape.kind.toLowerCase();
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: `${shape.plural}.${shape.group}`, annotations: { 'controller-gen.kubebuilder.io/version': 'v0.16.3' } },
    spec: {
      group: shape.group, scope: shape.scope ?? 'Namespaced',
      names: { kind: shape.kind, listKind: `${shape.kind}List`, plural: shape.plural, singular },
      versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: fillerSchema(shape.kind, shape.bytes - 400) } }],
    },
  };
}

/** The chart's small objects: service account, RBAC, service, network policy, … in a fixed rotation. */
function smallObject(addon: string, namespace: string, n: number): KubeObject {
  const name = `${addon}${n < 6 ? '' : `-${n}`}`;
  const labels = { app: addon, 'addon.open-cluster-management.io/hosted-manifest-location': 'hosting' };
  const rules = [
    { apiGroups: [''], resources: ['configmaps', 'secrets', 'events'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
  ];
  switch (n % 6) {
    case 0: return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `${addon}-sa`, namespace, labels } };
    case 1: return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `open-cluster-management:${name}`, labels }, rules };
    case 2: return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `open-cluster-management:${name}`, labels }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `open-cluster-management:${name}` }, subjects: [{ kind: 'ServiceAccount', name: `${addon}-sa`, namespace }] };
    case 3: return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: `${name}-leader-election`, namespace, labels }, rules };
    case 4: return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `${name}-leader-election`, namespace, labels }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${name}-leader-election` }, subjects: [{ kind: 'ServiceAccount', name: `${addon}-sa`, namespace }] };
    default: return { apiVersion: 'v1', kind: 'Service', metadata: { name: `${name}-metrics`, namespace, labels, annotations: { 'service.beta.openshift.io/serving-cert-secret-name': `${name}-metrics` } }, spec: { ports: [{ name: 'metrics', port: 8443, protocol: 'TCP', targetPort: 8443 }], selector: { app: addon } } };
  }
}

/**
 * The add-on's Deployment for `cluster`: only the container's args and env name the cluster, so every other
 * part is `template`'s (shared between clusters; nothing changes a seeded object in place).
 */
function deploymentFor(template: KubeObject, cluster: string): KubeObject {
  const pod = template.spec.template;
  const container = pod.spec.containers[0];
  return { ...template, spec: { ...template.spec, template: { ...pod, spec: { ...pod.spec, containers: [{ ...container, args: clusterArgs(cluster), env: clusterEnv(container.name, cluster) }] } } } };
}

const clusterArgs = (cluster: string) => ['--enable-lease=true', `--cluster-name=${cluster}`, '--hub-kubeconfig=/var/run/klusterlet/kubeconfig', '--leader-elect=false', '--log-encoder=console', '--log-level=0', '--v=-1', '--health-probe-bind-address=:8081', '--metrics-bind-address=0.0.0.0:8383'];
const clusterEnv = (addon: string, cluster: string) => [{ name: 'WATCH_NAMESPACE', value: cluster }, { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'OPERATOR_NAME', value: addon }];

function deployment(addon: string, image: string, namespace: string, cluster: string): KubeObject {
  const labels = { app: addon, component: addon };
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: addon, namespace, labels: { ...labels, 'addon.open-cluster-management.io/hosted-manifest-location': 'hosting' } },
    spec: {
      replicas: 1, revisionHistoryLimit: 10, selector: { matchLabels: labels }, strategy: { type: 'Recreate' },
      template: {
        metadata: { labels, annotations: { 'target.workload.openshift.io/management': '{"effect": "PreferredDuringScheduling"}', 'kubectl.kubernetes.io/default-container': addon } },
        spec: {
          serviceAccountName: `${addon}-sa`, priorityClassName: 'system-cluster-critical',
          tolerations: [{ key: 'node-role.kubernetes.io/infra', operator: 'Exists', effect: 'NoSchedule' }, { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }],
          containers: [{
            name: addon, image: `${REGISTRY}/${image}-rhel9@sha256:${'4f0c'.repeat(16)}`, imagePullPolicy: 'IfNotPresent',
            args: clusterArgs(cluster),
            env: clusterEnv(addon, cluster),
            livenessProbe: { httpGet: { path: '/healthz', port: 8081 }, failureThreshold: 3, periodSeconds: 10 },
            readinessProbe: { httpGet: { path: '/readyz', port: 8081 }, failureThreshold: 3, periodSeconds: 10 },
            resources: { requests: { cpu: '25m', memory: '64Mi' }, limits: { memory: '512Mi' } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true },
            volumeMounts: [{ name: 'klusterlet-config', mountPath: '/var/run/klusterlet' }, { name: 'tmp', mountPath: '/tmp' }],
          }],
          volumes: [{ name: 'klusterlet-config', secret: { secretName: `${addon}-hub-kubeconfig` } }, { name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

const resourceOf = (kind: string) => (kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : kind.endsWith('s') ? `${kind}es` : `${kind}s`).toLowerCase();

function resourceMeta(m: KubeObject, ordinal: number): KubeObject {
  const [group, version] = String(m.apiVersion).includes('/') ? String(m.apiVersion).split('/') : ['', String(m.apiVersion)];
  return { ordinal, group, version, kind: m.kind, resource: resourceOf(String(m.kind)), name: m.metadata.name, namespace: m.metadata.namespace ?? '' };
}

function condition(type: string, reason: string, message: string, at: string, extra: KubeObject = {}): KubeObject {
  return { type, status: 'True', lastTransitionTime: at, reason, message, ...extra };
}

/** The per-manifest status the work agent reports: applied, available, the Deployment's feedback. */
function manifestStatuses(manifests: KubeObject[], at: string): KubeObject[] {
  return manifests.map((m, ordinal) => ({
    resourceMeta: resourceMeta(m, ordinal),
    conditions: [
      condition('Applied', 'AppliedManifestComplete', 'Apply manifest complete', at),
      condition('Available', 'ResourceAvailable', 'Resource is available', at),
      condition('StatusFeedbackSynced', 'StatusFeedbackSynced', '', at),
    ],
    statusFeedback: m.kind === 'Deployment'
      ? { values: ['ReadyReplicas', 'Replicas', 'AvailableReplicas'].map((name) => ({ name, fieldValue: { type: 'Integer', integer: 1 } })) }
      : {},
  }));
}

/** The parts of one add-on's work every cluster shares; the Deployment (it names the cluster) is per cluster. */
interface SharedWork { name: string; head: KubeObject[]; deployment: KubeObject; tail: KubeObject[]; manifestConfigs: KubeObject[]; resourceStatus: KubeObject[]; conditions: KubeObject[] }

/** `image` undefined: a work of CRDs only (the import controller's klusterlet-crds), with no namespace or Deployment. */
function sharedWork(name: string, namespace: string, crds: CrdShape[], objects: number, manifestBytes: number, image: string | undefined, at: string): SharedWork {
  const head = [...(image ? [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, annotations: { 'workload.openshift.io/allowed': 'management' } } }] : []), ...crds.map(crd)];
  const tail = Array.from({ length: objects }, (_, n) => smallObject(name, namespace, n));
  const template = deployment(name, image ?? '', namespace, 'sno-0000');
  const sample = image ? [...head, template, ...tail] : [...head, ...tail];
  // Pad the last ClusterRole's rules to the chart's size, as the upstream roles list every resource they touch.
  let size = JSON.stringify(sample).length;
  const role = tail.find((o) => o.kind === 'ClusterRole');
  for (let n = 0; role && size < manifestBytes; n++) {
    const rule = { apiGroups: [`${WORDS[n % WORDS.length]}.open-cluster-management.io`], resources: [`${WORDS[(n * 7 + 3) % WORDS.length]}s`, `${WORDS[(n * 7 + 3) % WORDS.length]}s/status`], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] };
    role.rules.push(rule);
    size += JSON.stringify(rule).length + 1;
  }
  const manifestConfigs = [{ resourceIdentifier: { group: 'apps', resource: 'deployments', name, namespace }, feedbackRules: [{ type: 'WellKnownStatus' }], updateStrategy: { type: 'Update' } }];
  return { name, head, deployment: template, tail, manifestConfigs, resourceStatus: manifestStatuses(sample, at), conditions: workConditions(at) };
}

function workConditions(at: string): KubeObject[] {
  return [
    condition('Applied', 'AppliedManifestWorkComplete', 'Apply manifest work complete', at, { observedGeneration: 1 }),
    condition('Available', 'ResourcesAvailable', 'All resources are available', at, { observedGeneration: 1 }),
  ];
}

function replicatedPolicyName(p: PolicyShape): string {
  return `${p.namespace}.${p.name}`;
}

function policySpec(p: PolicyShape): KubeObject {
  return {
    disabled: false,
    remediationAction: 'inform',
    'policy-templates': [{
      objectDefinition: {
        apiVersion: `${POLICY_GROUP}/v1`, kind: 'ConfigurationPolicy',
        metadata: { name: `${p.name.replace(/-policy$/, '')}-config` },
        spec: {
          remediationAction: 'inform', severity: 'low', namespaceSelector: { include: ['*'], exclude: ['kube-*'] }, evaluationInterval: { compliant: '10m', noncompliant: '10s' },
          'object-templates': p.objects.map(([apiVersion, kind, name, namespace]) => ({
            complianceType: 'musthave',
            objectDefinition: { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}), annotations: { [DEPLOY_WAVE]: String(p.wave) } }, spec: { managementState: 'Managed', source: `${name}-source`, channel: 'stable', installPlanApproval: 'Manual', config: { nodeSelector: { 'node-role.kubernetes.io/master': '' } } } },
          })),
        },
      },
    }],
  };
}

function policyAnnotations(p: PolicyShape): Record<string, string> {
  return { 'policy.open-cluster-management.io/categories': 'CM Configuration Management', 'policy.open-cluster-management.io/controls': 'CM-2 Baseline Configuration', 'policy.open-cluster-management.io/standards': 'NIST SP 800-53', [DEPLOY_WAVE]: String(p.wave) };
}

function replicatedDetails(p: PolicyShape, at: string): KubeObject[] {
  const template = `${p.name.replace(/-policy$/, '')}-config`;
  return [{
    compliant: 'Compliant',
    templateMeta: { name: template },
    history: [{ lastTimestamp: at, eventName: `${replicatedPolicyName(p)}.17f1b2c3d4e5f6a7`, message: `Compliant; notification - ${p.objects.map(([, kind, name]) => `${resourceOf(kind)} [${name}] found as specified`).join(', ')}` }],
  }];
}

// --- the seed ----------------------------------------------------------------------------------------------

/** Extra ManagedCluster labels of an ACM fleet: ZTP's day-0 CGU has completed on every cluster. */
export function acmClusterLabels(): Record<string, string> {
  return { 'ztp-done': '', 'cluster.open-cluster-management.io/clusterset': 'default', 'clusterID': '', 'feature.open-cluster-management.io/addon-application-manager': 'available', 'feature.open-cluster-management.io/addon-cert-policy-controller': 'available', 'feature.open-cluster-management.io/addon-cluster-proxy': 'available', 'feature.open-cluster-management.io/addon-config-policy-controller': 'available', 'feature.open-cluster-management.io/addon-governance-policy-framework': 'available', 'feature.open-cluster-management.io/addon-managed-serviceaccount': 'available', 'feature.open-cluster-management.io/addon-search-collector': 'available', 'feature.open-cluster-management.io/addon-work-manager': 'available', 'installer.name': 'multiclusterhub', 'installer.namespace': 'open-cluster-management' };
}

/** The ManagedCluster status the registration agent and the work-manager add-on write on an ACM hub. */
export function acmClusterStatus(name: string, index: number, openshiftVersion: string, at: string): KubeObject {
  const id = `${(index * 2654435761 >>> 0).toString(16).padStart(8, '0')}-5b1e-4c3d-9a7f-${String(index).padStart(12, '0')}`;
  const kube = 'v1.29.8+f10c92d';
  const claim = (n: string, value: string) => ({ name: n, value });
  return {
    version: { kubernetes: kube },
    capacity: { cpu: '64', memory: '263591200Ki', 'ephemeral-storage': '936709100Ki', 'hugepages-1Gi': '32Gi', 'hugepages-2Mi': '0', pods: '250', core_worker: '64', socket_worker: '2' },
    allocatable: { cpu: '60', memory: '228164400Ki', 'ephemeral-storage': '862197798826', 'hugepages-1Gi': '32Gi', 'hugepages-2Mi': '0', pods: '250' },
    clusterClaims: [
      claim('consoleurl.cluster.open-cluster-management.io', `https://console-openshift-console.apps.${name}.example.com`),
      claim('controlplanetopology.openshift.io', 'SingleReplica'),
      claim('hostedcluster.hypershift.openshift.io', 'false'),
      claim('id.k8s.io', id),
      claim('id.openshift.io', id),
      claim('infrastructure.openshift.io', JSON.stringify({ infraName: `${name}-x7k2p` })),
      claim('kubeversion.open-cluster-management.io', kube),
      claim('name', name),
      claim('oauthredirecturis.openshift.io', `https://oauth-openshift.apps.${name}.example.com/oauth/token/implicit`),
      claim('platform.open-cluster-management.io', 'BareMetal'),
      claim('product.open-cluster-management.io', 'OpenShift'),
      claim('schedulable.open-cluster-management.io', 'true'),
      claim('version.open-cluster-management.io', ACM_VERSION),
      claim('version.openshift.io', openshiftVersion),
    ],
    conditions: [
      condition('HubAcceptedManagedCluster', 'HubClusterAdminAccepted', 'Accepted by hub cluster admin', at),
      condition('ManagedClusterJoined', 'ManagedClusterJoined', 'Managed cluster joined', at),
      condition('ManagedClusterConditionAvailable', 'ManagedClusterAvailable', 'Managed cluster is available', at),
      condition('ManagedClusterConditionClockSynced', 'ManagedClusterClockSynced', 'The clock of the managed cluster is synced with the hub.', at),
    ],
  };
}

/**
 * Seeds the ACM content of every cluster of `clusters` (names in scenario order; ManagedClusters and their
 * namespaces exist already). Objects go in through `Store.seed`, sharing what every cluster has in common.
 */
export function seedAcmFleet(store: Store, clusters: readonly string[]): void {
  const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const t = (kind: string): ResourceType => store.types.kind(kind);
  const put = (type: ResourceType, object: KubeObject) => store.seed(type, { apiVersion: type.group ? `${type.group}/${type.version}` : type.version, kind: type.kind, ...object });
  const works = ACM_ADDONS.map((a) => ({ addon: a, shared: sharedWork(a.name, ADDON_NAMESPACE, a.crds, a.objects, a.manifestBytes, a.image, at) }));
  const klusterletCrds = sharedWork('klusterlet-crds', AGENT_NAMESPACE, KLUSTERLET_CRDS, 0, 0, undefined, at);
  const klusterlet = sharedWork('klusterlet', AGENT_NAMESPACE, [], 12, KLUSTERLET_BYTES, 'registration-operator', at);
  // What every cluster's ManagedClusterAddOn reports alike (the registrations name the cluster).
  const addonStatus = new Map(ACM_ADDONS.map((addon) => [addon.name, {
    conditions: [
      condition('RegistrationApplied', 'SetPermissionApplied', 'Registration of the addon agent is configured', at),
      condition('ClusterCertificateRotated', 'ClientCertificateUpdated', 'client certificate rotated starting from ' + at.replace('T', ' '), at),
      condition('ManifestApplied', 'AddonManifestApplied', 'manifests of addon are applied successfully', at),
      condition('Available', addon.healthCheck === 'Lease' ? 'ManagedClusterAddOnLeaseUpdated' : 'ProbeAvailable', `${addon.name} add-on is available.`, at),
      { type: 'Progressing', status: 'False', lastTransitionTime: at, reason: 'Completed', message: 'completed with no errors.' },
    ],
    relatedObjects: [{ group: 'addon.open-cluster-management.io', resource: 'clustermanagementaddons', name: addon.name }],
    addOnMeta: { displayName: addon.displayName, description: addon.description },
    supportedConfigs: [{ group: 'addon.open-cluster-management.io', resource: 'addondeploymentconfigs' }],
    namespace: ADDON_NAMESPACE,
    healthCheck: { mode: addon.healthCheck },
  }]));
  const mwType = t('ManifestWork');
  const mcaType = t('ManagedClusterAddOn');
  const policyType = t('Policy');
  const cguType = t('ClusterGroupUpgrade');
  for (const ns of ['ztp-common', 'ztp-group', 'ztp-site']) if (!store.peek(t('Namespace'), undefined, ns)) put(t('Namespace'), { metadata: { name: ns }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });

  const policySpecs = new Map<string, KubeObject>();
  const details = new Map<string, KubeObject[]>();
  const rootStatus = new Map<string, { shape: PolicyShape; clusters: KubeObject[] }>();
  clusters.forEach((cluster, index) => {
    const i = index + 1;
    const mc = store.peek(t('ManagedCluster'), undefined, cluster);
    const work = (name: string, shared: SharedWork, withDeployment: boolean, labels: Record<string, string>, ownerReferences?: KubeObject[]) => {
      const manifests = withDeployment ? [...shared.head, deploymentFor(shared.deployment, cluster), ...shared.tail] : [...shared.head, ...shared.tail];
      const object: KubeObject = {
        metadata: { name, namespace: cluster, labels, ...(ownerReferences ? { ownerReferences } : {}) },
        // The add-on manager asks for the Deployment's status feedback (its health check); the import controller does not.
        spec: { workload: { manifests }, ...(ownerReferences ? { manifestConfigs: shared.manifestConfigs } : {}), deleteOption: { propagationPolicy: 'Foreground' } },
        status: { conditions: shared.conditions, resourceStatus: { manifests: shared.resourceStatus } },
      };
      put(mwType, object);
    };
    work(`${cluster}-klusterlet-crds`, klusterletCrds, false, { 'import.open-cluster-management.io/klusterlet-works': 'true' });
    work(`${cluster}-klusterlet`, klusterlet, true, { 'import.open-cluster-management.io/klusterlet-works': 'true' });
    for (const { addon, shared } of works) {
      const uid = randomUUID();
      put(mcaType, {
        metadata: { name: addon.name, namespace: cluster, uid, labels: { 'addon.open-cluster-management.io/hosted-manifest-location': 'none' }, ownerReferences: [{ apiVersion: 'addon.open-cluster-management.io/v1alpha1', kind: 'ClusterManagementAddOn', name: addon.name, uid: `0c4a${String(ACM_ADDONS.indexOf(addon)).padStart(4, '0')}-1f2e-4d3c-8b7a-000000000000`, blockOwnerDeletion: true, controller: true }] },
        spec: { installNamespace: ADDON_NAMESPACE },
        status: {
          ...addonStatus.get(addon.name)!,
          registrations: [{ signerName: 'kubernetes.io/kube-apiserver-client', subject: { user: `system:open-cluster-management:cluster:${cluster}:addon:${addon.name}:agent:${addon.name}-agent`, groups: [`system:open-cluster-management:cluster:${cluster}:addon:${addon.name}`, `system:open-cluster-management:addon:${addon.name}`, 'system:authenticated'] } }],
        },
      });
      work(`addon-${addon.name}-deploy-0`, shared, true, { [ADDON_LABEL]: addon.name }, [{ apiVersion: 'addon.open-cluster-management.io/v1alpha1', kind: 'ManagedClusterAddOn', name: addon.name, uid, blockOwnerDeletion: true, controller: true }]);
    }
    const policies = policiesOf(i);
    for (const p of policies) {
      const root = replicatedPolicyName(p);
      if (!policySpecs.has(root)) {
        policySpecs.set(root, policySpec(p));
        details.set(root, replicatedDetails(p, at));
        rootStatus.set(root, { shape: p, clusters: [] });
      }
      rootStatus.get(root)!.clusters.push({ clustername: cluster, clusternamespace: cluster, compliant: 'Compliant' });
      put(policyType, {
        metadata: { name: root, namespace: cluster, labels: { [ROOT_POLICY_LABEL]: root, [CLUSTER_NAME_LABEL]: cluster, [CLUSTER_NAMESPACE_LABEL]: cluster }, annotations: policyAnnotations(p) },
        spec: policySpecs.get(root),
        status: { compliant: 'Compliant', details: details.get(root) },
      });
    }
    // ZTP's day-0 CGU, as TALM's ManagedClusterForCGU controller creates it (sorted by wave, inform policies only).
    const wavePolicies = policies.filter((p) => p.wave < 10_000).sort((a, b) => a.wave - b.wave);
    put(cguType, {
      metadata: { name: cluster, namespace: ZTP_INSTALL_NAMESPACE, ownerReferences: mc ? [{ apiVersion: 'cluster.open-cluster-management.io/v1', kind: 'ManagedCluster', name: cluster, uid: mc.metadata.uid, blockOwnerDeletion: true, controller: true }] : [] },
      spec: {
        enable: true, clusters: [cluster], managedPolicies: wavePolicies.map((p) => p.name),
        remediationStrategy: { maxConcurrency: 1, timeout: 240 },
        actions: { beforeEnable: { addClusterLabels: { 'ztp-running': '' } }, afterCompletion: { addClusterLabels: { 'ztp-done': '' }, removeClusterLabels: ['ztp-running'], deleteObjects: true } },
        backup: false, preCaching: false,
      },
      status: {
        clusters: [{ name: cluster, state: 'complete' }],
        computedMaxConcurrency: 1,
        conditions: [
          condition('ClustersSelected', 'ClusterSelectionCompleted', 'All selected clusters are valid', at),
          condition('Validated', 'ValidationCompleted', 'Completed validation', at),
          { type: 'Progressing', status: 'False', lastTransitionTime: at, reason: 'Completed', message: 'All clusters are compliant with all the managed policies' },
          condition('Succeeded', 'Completed', 'All clusters are compliant with all the managed policies', at),
        ],
        managedPoliciesForUpgrade: wavePolicies.map((p) => ({ name: p.name, namespace: p.namespace })),
        managedPoliciesNs: Object.fromEntries(wavePolicies.map((p) => [p.name, p.namespace])),
        remediationPlan: [[cluster]],
        status: { startedAt: at, completedAt: at },
      },
    });
  });
  for (const [root, { shape, clusters: status }] of rootStatus) {
    put(policyType, {
      metadata: { name: shape.name, namespace: shape.namespace, annotations: policyAnnotations(shape) },
      spec: policySpecs.get(root),
      status: { compliant: 'Compliant', placement: [{ placementBinding: `${shape.name.replace(/-policy$/, '')}-placementbinding`, placement: `${shape.name.replace(/-policy$/, '')}-placement` }], status },
    });
  }
}

/**
 * Counts what `store` holds per kind, and serializes every ManifestWork once to measure the bytes a client
 * listing them receives (seconds at fleet scale: for benches and tests, not for start).
 */
export function hubContents(store: Store): HubContents {
  const objects: Record<string, number> = {};
  let manifestWorkBytes = 0;
  for (const type of store.types.types) {
    let n = 0;
    const measure = type.kind === 'ManifestWork';
    store.page(type, undefined, { match: (o) => ((n++, measure && (manifestWorkBytes += JSON.stringify(o).length)), false) });
    if (n) objects[type.kind] = n;
  }
  return { objects, total: Object.values(objects).reduce((a, b) => a + b, 0), manifestWorks: objects.ManifestWork ?? 0, manifestWorkBytes };
}
