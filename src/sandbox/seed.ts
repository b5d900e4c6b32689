/**
 * The initial hub content: the namespaces every hub has, the OADP namespace, and N single-node
 * ManagedClusters (`sno-0001`…) each with its cluster namespace and admin kubeconfig Secret, as ACM creates them.
 */
import { RESOURCE_TYPES, type ResourceType } from './registry';
import type { Store } from './store';

function type(kind: string): ResourceType {
  return RESOURCE_TYPES.find((t) => t.kind === kind)!;
}

export function clusterName(i: number): string {
  return `sno-${String(i).padStart(4, '0')}`;
}

/**
 * `spokeKubeconfig` is the seam for per-spoke API endpoints: today every admin kubeconfig Secret points at
 * a placeholder; when spokes get their own servers, pass a function that returns each spoke's kubeconfig.
 */
export function seedHub(store: Store, clusters: number, spokeKubeconfig: (cluster: string) => string = placeholderKubeconfig): void {
  const manager = { fieldManager: 'ibgu-sandbox-seed' };
  for (const ns of ['default', 'kube-system', 'kube-public', 'open-cluster-management', 'openshift-adp', 'ztp-install']) {
    store.create(type('Namespace'), undefined, { metadata: { name: ns } }, manager);
  }
  const versions = ['4.16.12', '4.16.12', '4.16.15'];
  const regions = ['east', 'west', 'central'];
  for (let i = 1; i <= clusters; i++) {
    const name = clusterName(i);
    store.create(type('ManagedCluster'), undefined, {
      metadata: {
        name,
        labels: {
          name,
          cloud: 'BareMetal',
          vendor: 'OpenShift',
          openshiftVersion: versions[(i - 1) % versions.length]!,
          'openshiftVersion-major-minor': '4.16',
          'cluster.open-cluster-management.io/clusterset': 'default',
          'feature.open-cluster-management.io/addon-work-manager': 'available',
          'local-cluster': 'false',
          'common': 'true',
          'sites': `site-${regions[(i - 1) % regions.length]}`,
          'group-du-sno': '',
        },
      },
      spec: { hubAcceptsClient: true, leaseDurationSeconds: 60, managedClusterClientConfigs: [{ url: `https://api.${name}.example.com:6443` }] },
    }, manager);
    // Status goes through the subresource, as the registration agent does on a real hub.
    const mc = store.get(type('ManagedCluster'), undefined, name)!;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    mc.status = {
      version: { kubernetes: 'v1.29.8' },
      conditions: [
        { type: 'HubAcceptedManagedCluster', status: 'True', reason: 'HubClusterAdminAccepted', message: 'Accepted by hub cluster admin', lastTransitionTime: now },
        { type: 'ManagedClusterJoined', status: 'True', reason: 'ManagedClusterJoined', message: 'Managed cluster joined', lastTransitionTime: now },
        { type: 'ManagedClusterConditionAvailable', status: 'True', reason: 'ManagedClusterAvailable', message: 'Managed cluster is available', lastTransitionTime: now },
      ],
    };
    store.update(type('ManagedCluster'), undefined, name, mc, { subresource: 'status', fieldManager: 'registration-controller' });
    store.create(type('Namespace'), undefined, { metadata: { name, labels: { 'cluster.open-cluster-management.io/managedCluster': name } } }, manager);
    store.create(type('Secret'), name, {
      metadata: { name: `${name}-admin-kubeconfig`, labels: { 'hive.openshift.io/secret-type': 'kubeconfig' } },
      type: 'Opaque',
      data: { kubeconfig: Buffer.from(spokeKubeconfig(name)).toString('base64') },
    }, manager);
  }
}

function placeholderKubeconfig(cluster: string): string {
  return [
    'apiVersion: v1', 'kind: Config',
    `clusters: [{name: ${cluster}, cluster: {server: 'https://api.${cluster}.example.com:6443'}}]`,
    'users: [{name: admin, user: {}}]',
    `contexts: [{name: admin, context: {cluster: ${cluster}, user: admin}}]`,
    'current-context: admin', '',
  ].join('\n');
}
