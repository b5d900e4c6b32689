/**
 * What server-side apply needs to know of a type's schema: which lists are granular (a map keyed by some of
 * their items' fields, or a set of scalars) and which objects are atomic or free-form maps. The API server reads
 * this from the OpenAPI of built-ins and from CRDs (`x-kubernetes-list-type`, `x-kubernetes-list-map-keys`,
 * `x-kubernetes-map-type`, `additionalProperties`); everything not listed here is what it defaults to:
 * lists atomic, objects granular with named fields.
 *
 * Paths are schema paths: field names joined by dots, `[]` for a list's items (`status.conditions[]`).
 * `fieldSchemaOf` is the one place a later schema lookup (src/core/schema with list types) replaces the table.
 */

export type ListType = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: readonly string[] };

export interface FieldSchema {
  list(path: string): ListType;
  /** `x-kubernetes-map-type: atomic` (or a struct marked `+structType=atomic`): owned and replaced as one value. */
  atomicMap(path: string): boolean;
  /** An `additionalProperties` map (or one with unknown fields preserved): its keys are not named fields. */
  freeFormMap(path: string): boolean;
}

interface Table { lists?: Record<string, ListType>; atomic?: readonly string[]; free?: readonly string[] }

const keyed = (...keys: string[]): ListType => ({ type: 'map', keys });
const ATOMIC: ListType = { type: 'atomic' };

/**
 * ObjectMeta, typed in custom resources too (apiextensions-apiserver coerces their metadata through it):
 * k8s.io/apimachinery/pkg/apis/meta/v1/types.go, `Finalizers` `+listType=set`, `OwnerReferences`
 * `+listType=map` `+listMapKey=uid`, `Labels`/`Annotations` map[string]string.
 */
const OBJECT_META: Table = {
  lists: { 'metadata.finalizers': { type: 'set' }, 'metadata.ownerReferences': keyed('uid') },
  free: ['metadata.labels', 'metadata.annotations'],
};

/** Taken from the upstream CRDs in ../shared/crds and, for built-ins, k8s.io/api's `+listType` markers. */
const TABLES: Record<string, Table> = {
  // clusters.open-cluster-management.io_managedclusters.yaml (v1)
  ManagedCluster: {
    lists: { 'status.conditions': keyed('type'), 'status.managedNamespaces': keyed('clusterSet', 'name'), 'status.managedNamespaces[].conditions': keyed('type') },
    free: ['status.allocatable', 'status.capacity'],
  },
  // ibgu-crd.yaml: every list atomic (spec.plan, plan[].actions, clusterLabelSelectors), each selector an atomic map.
  ImageBasedGroupUpgrade: { atomic: ['spec.clusterLabelSelectors[]'], free: ['spec.clusterLabelSelectors[].matchLabels'] },
  // cgu-crd.yaml
  ClusterGroupUpgrade: {
    lists: { 'status.clusters[].currentManifestWork.status.manifests[].conditions': keyed('type'), 'status.clusters[].currentManifestWork.status.manifests[].statusFeedback.values': keyed('name') },
    atomic: ['spec.clusterLabelSelectors[]'],
    free: [
      'spec.clusterLabelSelectors[].matchLabels', 'status.backup.status', 'status.managedPoliciesContent', 'status.managedPoliciesNs', 'status.precaching.status', 'status.safeResourceNames',
      ...['beforeEnable', 'afterCompletion'].flatMap((w) => ['addClusterAnnotations', 'addClusterLabels', 'deleteClusterLabels'].map((f) => `spec.actions.${w}.${f}`)),
    ],
  },
  // work.open-cluster-management.io_manifestworks.yaml (v1); the manifests preserve unknown fields.
  ManifestWork: {
    lists: {
      'spec.manifestConfigs[].conditionRules': keyed('condition'), 'spec.manifestConfigs[].feedbackRules[].jsonPaths': keyed('name'),
      'status.conditions': keyed('type'), 'status.resourceStatus.manifests[].conditions': keyed('type'), 'status.resourceStatus.manifests[].statusFeedback.values': keyed('name'),
    },
    free: ['spec.workload.manifests[]'],
  },
  // k8s.io/api/core/v1/types.go: ConfigMap Data/BinaryData and Secret Data/StringData are maps; NamespaceSpec.Finalizers `+listType=atomic`.
  ConfigMap: { free: ['data', 'binaryData'] },
  Secret: { free: ['data', 'stringData'] },
  Namespace: { lists: { 'spec.finalizers': ATOMIC } },
  // k8s.io/api/apps/v1/types.go and core/v1 PodSpec: containers `+listType=map` `+listMapKey=name`, conditions by type; LabelSelector `+structType=atomic`.
  Deployment: {
    lists: { 'spec.template.spec.containers': keyed('name'), 'status.conditions': keyed('type') },
    atomic: ['spec.selector'],
    free: ['spec.template.metadata.labels', 'spec.template.metadata.annotations', 'spec.template.spec.nodeSelector'],
  },
};

const cache = new Map<string, FieldSchema>();

/** The schema facts of one kind. Replace the table by a lookup in the kind's structural schema here. */
export function fieldSchemaOf(kind: string): FieldSchema {
  let s = cache.get(kind);
  if (s) return s;
  const t = TABLES[kind] ?? {};
  const lists = { ...OBJECT_META.lists, ...t.lists };
  const atomic = new Set(t.atomic ?? []);
  const free = new Set([...(OBJECT_META.free ?? []), ...(t.free ?? [])]);
  s = {
    list: (path) => lists[path] ?? ATOMIC,
    atomicMap: (path) => atomic.has(path),
    freeFormMap: (path) => free.has(path) || preservesUnknown(path, free),
  };
  cache.set(kind, s);
  return s;
}

/** Below a map with unknown fields preserved (a ManifestWork's manifests), structured-merge-diff deduces the type: every object a free-form map. */
function preservesUnknown(path: string, free: Set<string>): boolean {
  for (const f of free) if (f.endsWith('[]') && path.startsWith(f)) return true;
  return false;
}
