/**
 * The initial content of the hub and of each spoke. The hub: the namespaces every hub has, and one
 * single-node ManagedCluster per scenario cluster (`sno-0001`…) with its cluster namespace and admin
 * kubeconfig Secret, as ACM creates them. A spoke: what LCA, OADP and LVM Storage leave on a cluster
 * that is ready for an image-based upgrade.
 */
import { randomUUID } from 'node:crypto';
import type { ClusterPlan, Scenario } from './scenario';
import { Store, type KubeObject } from './store';
import type { ApiTypes, ResourceType } from './registry';
import { LCA_DEPLOYMENT, LCA_NAMESPACE, OADP_NAMESPACE } from '../core/lca/names';
import { TOPOLVM_DRIVER } from '../core/kube/types';
import { acmClusterLabels, acmClusterStatus, seedAcmFleet } from './acm-fleet';

export { clusterName } from './scenario';

const manager = { fieldManager: 'ibgu-sandbox-seed' };

/** `spokeKubeconfig` returns the kubeconfig of a spoke's API endpoint, stored as ZTP stores it. */
export function seedHub(store: Store, scenario: Scenario, spokeKubeconfig: (cluster: string) => string): void {
  const type = (kind: string) => store.types.kind(kind);
  for (const ns of ['default', 'kube-system', 'kube-public', 'open-cluster-management', OADP_NAMESPACE, 'ztp-install', IBGU_NAMESPACE]) {
    store.create(type('Namespace'), undefined, { metadata: { name: ns } }, manager);
  }
  // What the examples rely on and keep out of Git: the seed image's pull secret, in the IBGU namespace.
  const auth = Buffer.from('sandbox:not-a-real-password').toString('base64');
  store.create(type('Secret'), IBGU_NAMESPACE, {
    metadata: { name: SEED_PULL_SECRET },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { 'registry.hub.example.com:8443': { auth } } })).toString('base64') },
  }, manager);
  const versions = ['4.16.12', '4.16.12', '4.16.15'];
  const regions = ['east', 'west', 'central'];
  const acm = scenario.fleet === 'acm';
  scenario.clusters.forEach((plan, index) => {
    const i = index + 1;
    const name = plan.name;
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
          ...(acm ? acmClusterLabels() : {}),
          ...plan.labels,
        },
      },
      spec: { hubAcceptsClient: true, leaseDurationSeconds: 60, managedClusterClientConfigs: [{ url: `https://api.${name}.example.com:6443` }] },
    }, manager);
    // Status goes through the subresource, as the registration agent does on a real hub.
    const mc = store.get(type('ManagedCluster'), undefined, name)!;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    mc.status = acm ? acmClusterStatus(name, i, versions[(i - 1) % versions.length]!, now) : {
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
  });
  if (acm) seedAcmFleet(store, scenario.clusters.map((c) => c.name));
}

/** The application whose LVM Storage volumes the LogicalVolumesLost fault (or a Backup without them) loses. */
export const APP_NAMESPACE = 'site-metrics';
/** The hub namespace of the example IBGUs, with the seed pull secret TALM copies to the spokes at Prep. */
export const IBGU_NAMESPACE = 'ztp-upgrades';
export const SEED_PULL_SECRET = 'seed-pull-secret';
/** The extra-manifests ConfigMap ZTP policies put on every cluster before Prep (examples/extra-manifests). */
export const EXTRA_MANIFESTS = 'sno-extra-manifests';

/** The application's claims; each is bound to an LVM Storage volume `pvc-<cluster>-<claim>`. */
export const APP_CLAIMS = ['postgres-data', 'search-index'] as const;
export const LVMS_STORAGE_CLASS = 'lvms-vg1';

export function appVolumeName(cluster: string, claim: string): string {
  return `pvc-${cluster}-${claim}`;
}

/** The PV TopoLVM provisioned for a claim of the application, bound to it. */
export function appPersistentVolume(cluster: string, claim: string, volumeHandle: string): KubeObject {
  return {
    metadata: { name: appVolumeName(cluster, claim), labels: { 'app.kubernetes.io/part-of': APP_NAMESPACE }, annotations: { 'pv.kubernetes.io/provisioned-by': TOPOLVM_DRIVER } },
    spec: {
      capacity: { storage: '10Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: LVMS_STORAGE_CLASS,
      volumeMode: 'Filesystem',
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: APP_NAMESPACE, name: claim },
      csi: { driver: TOPOLVM_DRIVER, fsType: 'xfs', volumeHandle, volumeAttributes: { 'topolvm.io/device-class': 'vg1' } },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.topolvm.io/node', operator: 'In', values: [cluster] }] }] } },
    },
    status: { phase: 'Bound' },
  };
}

/** One of the application's claims, bound to its LVM Storage volume. */
export function appPersistentVolumeClaim(cluster: string, claim: string): KubeObject {
  return {
    metadata: { name: claim, namespace: APP_NAMESPACE, annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'volume.kubernetes.io/storage-provisioner': TOPOLVM_DRIVER } },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: LVMS_STORAGE_CLASS, volumeMode: 'Filesystem', volumeName: appVolumeName(cluster, claim) },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } },
  };
}

/**
 * A spoke as the image-based upgrade docs require it: LCA installed (its operator Deployment, container
 * `manager`), the IBU `upgrade` that LCA creates in Idle, OADP with an available BackupStorageLocation,
 * and an application with LVM Storage volumes (per claim: a PVC bound to a PV backed by a LogicalVolume).
 */
export function seedSpoke(name: string, store: Store, plan: ClusterPlan | undefined, made: { id: () => string; now: () => string } = { id: randomUUID, now: timestamp }): void {
  const type = (kind: string) => store.types.kind(kind);
  for (const ns of ['default', 'kube-system', LCA_NAMESPACE, OADP_NAMESPACE, 'openshift-storage', APP_NAMESPACE]) {
    store.create(type('Namespace'), undefined, { metadata: { name: ns } }, manager);
  }
  const labels = { 'app.kubernetes.io/name': 'lifecycle-agent-operator', 'app.kubernetes.io/component': 'lifecycle-agent' };
  store.create(type('Deployment'), LCA_NAMESPACE, {
    metadata: { name: LCA_DEPLOYMENT, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'manager', image: 'registry.redhat.io/openshift4/lifecycle-agent-rhel9-operator@sha256:5b2f1c0e9f4d8a7c6b3e2d1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b', command: ['/usr/local/bin/manager'] }],
          serviceAccountName: 'lifecycle-agent-controller-manager',
        },
      },
    },
  }, manager);
  const dep = store.get(type('Deployment'), LCA_NAMESPACE, LCA_DEPLOYMENT)!;
  dep.status = { observedGeneration: 1, replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 };
  store.update(type('Deployment'), LCA_NAMESPACE, LCA_DEPLOYMENT, dep, { subresource: 'status', fieldManager: 'kube-controller-manager' });

  store.create(type('ConfigMap'), LCA_NAMESPACE, {
    metadata: { name: EXTRA_MANIFESTS },
    data: { 'site-config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: site-config\n  namespace: default\ndata:\n  site: ' + name + '\n' },
  }, manager);

  const bslDown = plan?.faults.some((f) => f.kind === 'BackupStorageLocationUnavailable');
  store.create(type('BackupStorageLocation'), OADP_NAMESPACE, {
    metadata: { name: 'default' },
    spec: { provider: 'aws', default: true, objectStorage: { bucket: `ibu-backups-${name}`, prefix: 'velero' }, config: { region: 'us-east-1', s3Url: 'https://s3.example.com' } },
    status: bslDown
      ? { phase: 'Unavailable', message: 'BackupStorageLocation "default" is unavailable: rpc error: code = Unknown desc = NoSuchBucket: The specified bucket does not exist' }
      : { phase: 'Available', lastValidationTime: made.now() },
  }, manager);

  // LCA creates the singleton in Idle when it starts.
  store.create(type('ImageBasedUpgrade'), undefined, { metadata: { name: 'upgrade' }, spec: { stage: 'Idle' } }, { fieldManager: 'lifecycle-agent' });
  const ibu = store.get(type('ImageBasedUpgrade'), undefined, 'upgrade')!;
  ibu.status = {
    observedGeneration: 1,
    conditions: [{ type: 'Idle', status: 'True', reason: 'Idle', message: 'Idle', lastTransitionTime: made.now(), observedGeneration: 1 }],
    validNextStages: ['Prep'],
  };
  store.update(type('ImageBasedUpgrade'), undefined, 'upgrade', ibu, { subresource: 'status', fieldManager: 'lifecycle-agent' });

  // The application's volumes last, so the objects above keep the resourceVersions they always had.
  for (const claim of APP_CLAIMS) {
    const volume = appVolumeName(name, claim);
    store.create(type('LogicalVolume'), undefined, {
      metadata: { name: volume, labels: { 'app.kubernetes.io/part-of': APP_NAMESPACE } },
      spec: { name: volume, deviceClass: 'vg1', size: '10Gi', nodeName: name, source: '' },
    }, manager);
    // TopoLVM reports the LVM volume's id; the PV's CSI volumeHandle points at it.
    const volumeID = made.id();
    const lv = store.get(type('LogicalVolume'), undefined, volume)!;
    store.update(type('LogicalVolume'), undefined, volume, { ...lv, status: { volumeID, currentSize: '10Gi' } }, { subresource: 'status', fieldManager: 'topolvm-controller' });
    store.create(type('PersistentVolume'), undefined, appPersistentVolume(name, claim, volumeID), manager);
    store.create(type('PersistentVolumeClaim'), APP_NAMESPACE, appPersistentVolumeClaim(name, claim), manager);
  }
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The template spoke's name, ids and time: placeholders each copy replaces with its own. */
const TEMPLATE_NAME = 'ibgu-sandbox-spoke-template-q7x2';
const TEMPLATE_TIME = '2000-01-01T00:00:00Z';
const TEMPLATE_ID = '00000000-0000-4000-8000-';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

type Entry = { t: ResourceType; rv: number; obj: KubeObject };

/**
 * Seeds spokes by copying a template: the first spoke of each kind (the fault that changes what is seeded:
 * an unavailable BackupStorageLocation) is built through the API as `seedSpoke` builds it (admission,
 * defaults, managedFields), once, under a placeholder name; every spoke then gets a copy with its name, fresh
 * uids and volume ids, the time now, and the same resourceVersions. Building 20 objects with their ownership
 * for each of 3,500 spokes was a tenth of a fleet run's CPU.
 */
export class SpokeSeeder {
  private readonly templates = new Map<string, Entry[]>();

  seed(name: string, store: Store, plan: ClusterPlan | undefined): void {
    if (!DNS_LABEL.test(name) || name.includes(TEMPLATE_NAME)) return seedSpoke(name, store, plan);
    const variant = plan?.faults.some((f) => f.kind === 'BackupStorageLocationUnavailable') ? 'bsl-down' : 'ready';
    let entries = this.templates.get(variant);
    if (!entries) this.templates.set(variant, (entries = template(store.types, plan)));
    const now = timestamp();
    const ids = new Map<string, string>();
    const text = (v: string): string => {
      if (v === TEMPLATE_TIME) return now;
      if (v.startsWith(TEMPLATE_ID)) {
        let id = ids.get(v);
        if (!id) ids.set(v, (id = randomUUID()));
        return id;
      }
      return v.includes(TEMPLATE_NAME) ? v.split(TEMPLATE_NAME).join(name) : v;
    };
    for (const { t, rv, obj } of entries) {
      const copy = instantiate(obj, text) as KubeObject;
      copy.metadata.uid = randomUUID();
      copy.metadata.creationTimestamp = now;
      // Each entry anew (its fieldsV1 shared): the time is this spoke's.
      if (copy.metadata.managedFields) copy.metadata.managedFields = copy.metadata.managedFields.map((m: KubeObject) => ({ ...m, time: now }));
      store.seed(t, copy, rv);
    }
  }
}

function template(types: ApiTypes, plan: ClusterPlan | undefined): Entry[] {
  const store = new Store(types, { history: 'once-read' });
  let n = 0;
  seedSpoke(TEMPLATE_NAME, store, plan, { id: () => `${TEMPLATE_ID}${String(++n).padStart(12, '0')}`, now: () => TEMPLATE_TIME });
  const entries: Entry[] = [];
  for (const t of types.types) for (const obj of store.peekList(t)) entries.push({ t, rv: Number(obj.metadata.resourceVersion), obj });
  for (const e of entries) markFixed(e.obj);
  return entries.sort((a, b) => a.rv - b.rv);
}

/** Template subtrees with no placeholder in them: every copy shares them (stored objects are never changed). */
const fixed = new WeakSet<object>();

/** Marks the subtrees of a template value that hold no placeholder; true when `v` holds none. */
function markFixed(v: unknown): boolean {
  if (typeof v === 'string') return v !== TEMPLATE_TIME && !v.startsWith(TEMPLATE_ID) && !v.includes(TEMPLATE_NAME);
  if (!v || typeof v !== 'object') return true;
  let clean = true;
  for (const [k, x] of Object.entries(v)) if (!markFixed(x) || k.includes(TEMPLATE_NAME)) clean = false;
  if (clean) fixed.add(v);
  return clean;
}

/**
 * A copy with every string (keys too) passed through `text`; the parts without placeholders are the
 * template's own. The top level and metadata are always new: the copy gets its own uid and times.
 */
function instantiate(v: unknown, text: (s: string) => string, top = true): unknown {
  if (typeof v === 'string') return text(v);
  if (!v || typeof v !== 'object' || (!top && fixed.has(v))) return v;
  if (Array.isArray(v)) return v.map((x) => instantiate(x, text, false));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) Object.defineProperty(out, text(k), { value: instantiate(x, text, top && k === 'metadata'), enumerable: true, writable: true, configurable: true });
  return out;
}
